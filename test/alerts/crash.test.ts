// Crash safety of alert intake, as an operator would check it: `foghorn serve` (a real process, PGlite in a
// data folder) takes thousands of PagerDuty triggers (TOTAL below) from 32 concurrent senders, is killed with SIGKILL part way
// and restarted on the same folder while the senders retry. Every event answered 202 must end up as exactly
// one alert with one incident: nothing acknowledged is lost, nothing is applied twice.
import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { sql } from "drizzle-orm";
import { openDb } from "#store/db.ts";
import { executeRows } from "#store/rows.ts";

const root = resolve(import.meta.dirname, "../..");
// `foghorn serve` is bin/foghorn.mjs: it refreshes the dist/ bundle of src/ (esbuild, when a source is newer),
// builds the web UI when web/dist is stale (Vite, tens of seconds while web/ is being edited), then loads the
// bundle and calls run(["serve"]). `foghorn --version` refreshes the bundle; the server is then started from
// it the same way, without the web build, which has nothing to do with crash safety.
const bundle = join(root, "dist/main.mjs");
const SERVE = `const { run } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
process.exitCode = await run(["serve"]);`;
const TOKEN = "fh_crash-test-admin-token-0123456789abcdefghij";

/**
 * How many events: 10,000, as issue 4 asks, each a new dedup key (so each opens an incident: the most work per
 * event). About 80 s on a 2-core machine; FOGHORN_CRASH_EVENTS=2000 for a quicker run while developing.
 */
const TOTAL = Number(process.env.FOGHORN_CRASH_EVENTS ?? 10_000);
const KILL_AFTER = Math.round(TOTAL * 0.3);
const CONCURRENCY = 32;
/** Applying an alert (incident, timeline, alert rows) costs a few ms of database time each. */
const DRAIN_TIMEOUT_MS = 300_000;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Server {
  child: ChildProcess;
  exited: Promise<number | null>;
  output: () => string;
}

/** `foghorn serve` on `dataDir` and `port`; resolves once /readyz answers 200. */
async function serve(dataDir: string, port: number): Promise<Server> {
  const child = spawn(process.execPath, ["--input-type=module", "-e", SERVE], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      PORT: String(port),
      FOGHORN_DATA_DIR: dataDir,
      FOGHORN_BOOTSTRAP_TOKEN: TOKEN,
      FOGHORN_LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let code: number | null | undefined;
  const exited = new Promise<number | null>((r) =>
    child.on("exit", (c, signal) => {
      code = c ?? (signal ? -1 : null);
      r(code);
    }),
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (code !== undefined) throw new Error(`foghorn serve exited (${code}) before it was ready:\n${out}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`foghorn serve was not ready within 60 s:\n${out}`);
    }
    await sleep(50);
  }
  return { child, exited, output: () => out };
}

describe("alert intake survives SIGKILL", () => {
  const dir = mkdtempSync(join(tmpdir(), "foghorn-crash-"));
  const dataDir = join(dir, "data");
  let server: Server | undefined;
  after(async () => {
    server?.child.kill("SIGKILL");
    await server?.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  test(`${TOTAL} triggers, SIGKILL after ${KILL_AFTER} acknowledged, restart: every 202 is exactly one alert`, {
    timeout: 600_000,
  }, async () => {
    const started = performance.now();
    execFileSync(process.execPath, [join(root, "bin/foghorn.mjs"), "--version"], { cwd: root });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    server = await serve(dataDir, port);
    const admin = async (path: string, body?: unknown) => {
      const res = await fetch(`${base}${path}`, {
        method: body === undefined ? "GET" : "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      assert.ok(res.ok, `${path}: ${res.status} ${text}`);
      return JSON.parse(text) as Record<string, unknown>;
    };
    await admin("/api/v1/services", { name: "payments" });
    // Unlimited: this is about durability, not the rate limit (the default would throttle 10,000 events).
    const integration = await admin("/api/v1/services/payments/integrations", {
      kind: "pagerduty",
      rate_limit_per_minute: 0,
    });
    const routingKey = String(integration.routing_key);

    const acked = new Set<string>();
    let retries = 0;
    let next = 0;
    let killed: Promise<void> | undefined;
    let restartFailed: unknown;
    let killedAt = 0;
    let killedAfterMs = 0;
    let restartMs = 0;
    const restart = async () => {
      const old = server as Server;
      killedAt = acked.size;
      killedAfterMs = performance.now() - started;
      old.child.kill("SIGKILL");
      assert.equal(await old.exited, -1, "killed by the signal");
      server = await serve(dataDir, port);
      restartMs = performance.now() - started - killedAfterMs;
    };

    /** Sends one trigger until it gets its 202, like a PagerDuty client retrying 5xx and lost connections. */
    const deliver = async (key: string) => {
      const body = JSON.stringify({
        routing_key: routingKey,
        event_action: "trigger",
        dedup_key: key,
        payload: { summary: `Card declines rising (${key})`, source: "payments-api", severity: "error" },
      });
      for (;;) {
        let status = 0;
        let text = "";
        try {
          const res = await fetch(`${base}/v2/enqueue`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body,
            signal: AbortSignal.timeout(15_000),
          });
          status = res.status;
          text = await res.text();
        } catch {
          // Connection refused or reset (the server is down), or no answer in time: send it again.
          if (restartFailed) throw restartFailed;
        }
        if (status === 202) {
          assert.equal(JSON.parse(text).dedup_key, key);
          acked.add(key);
          if (acked.size >= KILL_AFTER && !killed)
            killed = restart().catch((error) => {
              restartFailed = error;
            });
          return;
        }
        if (status !== 0 && status < 500 && status !== 429)
          assert.fail(`${key}: unexpected ${status} ${text}`);
        retries++;
        await sleep(status === 0 ? 100 : 50);
      }
    };
    const sender = async () => {
      while (next < TOTAL) {
        const i = next++;
        await deliver(`crash-${String(i).padStart(5, "0")}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, sender));
    await killed;
    const sentIn = performance.now() - started;
    assert.ok(killedAt >= KILL_AFTER && killedAt < TOTAL, `killed part way (after ${killedAt} acknowledged)`);
    assert.equal(acked.size, TOTAL, "every event was eventually acknowledged");

    // Wait until the processor has applied the whole inbox. A batch shows all at once when it commits, so:
    // once the newest alert has not changed for a second, count every alert; until there are TOTAL.
    const newest = async () => JSON.stringify((await admin("/api/v1/alerts?limit=1")).items);
    const countAlerts = async () => {
      let n = 0;
      let cursor: unknown = null;
      do {
        const page = await admin(
          `/api/v1/alerts?limit=200${cursor ? `&cursor=${encodeURIComponent(String(cursor))}` : ""}`,
        );
        n += (page.items as unknown[]).length;
        cursor = page.next_cursor;
      } while (cursor);
      return n;
    };
    const drainDeadline = Date.now() + DRAIN_TIMEOUT_MS;
    let seen = 0;
    let last = "";
    for (;;) {
      const now = await newest();
      if (now === last) {
        seen = await countAlerts();
        if (seen >= TOTAL) break;
      }
      last = now;
      assert.ok(Date.now() < drainDeadline, `only ${seen} of ${TOTAL} alerts after ${DRAIN_TIMEOUT_MS} ms`);
      await sleep(1000);
    }
    const drainedIn = performance.now() - started;

    // Stop it cleanly and read the data folder itself: the API pages could hide a duplicate.
    server.child.kill("SIGTERM");
    assert.equal(await server.exited, 0, server.output());
    server = undefined;
    const database = await openDb({ dataDir });
    try {
      const q = (query: ReturnType<typeof sql>) => executeRows(database.db, query);
      const [inbox] = await q(sql`select count(*)::int as n from alert_inbox`);
      assert.equal(Number(inbox?.n), 0, "nothing is left in the inbox, nothing was set aside");
      const doubled = await q(
        sql`select dedup_key, count(*)::int as n from alerts group by dedup_key having count(*) > 1 limit 10`,
      );
      assert.deepEqual(doubled, [], "no dedup key has two alerts");
      const keys = await q(sql`select dedup_key from alerts`);
      const stored = new Set(keys.map((r) => String(r.dedup_key)));
      const missing = [...acked].filter((k) => !stored.has(k));
      assert.deepEqual(missing.slice(0, 10), [], `${missing.length} acknowledged events have no alert`);
      assert.equal(keys.length, TOTAL);
      const [counts] = await q(
        sql`select (select count(*)::int from incidents) as incidents,
                   (select count(distinct incident_id)::int from alerts) as alert_incidents,
                   (select count(*)::int from alerts where incident_id is null) as orphans,
                   (select count(*)::int from alerts where status <> 'triggered') as not_triggered`,
      );
      assert.deepEqual(counts, { incidents: TOTAL, alert_incidents: TOTAL, orphans: 0, not_triggered: 0 });
      const [declared] = await q(
        sql`select count(*)::int as n from timeline_events where kind = 'incident.declared'`,
      );
      assert.equal(Number(declared?.n), TOTAL, "one declaration per incident");
    } finally {
      await database.close();
    }
    const doneIn = performance.now() - started;
    console.log(
      `# ${TOTAL} events, killed after ${killedAt} acknowledged at ${(killedAfterMs / 1000).toFixed(1)} s, ` +
        `back in ${(restartMs / 1000).toFixed(1)} s, ${retries} retries; ` +
        `all acknowledged in ${(sentIn / 1000).toFixed(1)} s, applied by ${(drainedIn / 1000).toFixed(1)} s, ` +
        `verified by ${(doneIn / 1000).toFixed(1)} s`,
    );
  });
});
