// Several `foghorn serve` processes on one PostgreSQL: every escalation step notifies exactly once, the
// same as one process, counted at a local webhook receiver; kill -9 of a process mid-delivery still
// delivers the page (again, with the same delivery id).
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import { addContact, addPolicy, addService, addUser } from "../oncall/harness.ts";

const root = resolve(import.meta.dirname, "../..");
const bin = join(root, "bin/foghorn.mjs");
const TOKEN = "fh_replica-test-token-0123456789abcdefghij";

interface Delivery {
  deliveryId: string;
  username: string;
  summaries: string[];
}

/** A webhook receiver that records every page; `hangNext` keeps the next request open without answering. */
async function startReceiver() {
  const deliveries: Delivery[] = [];
  const hanging: ServerResponse[] = [];
  const state = { hangNext: 0, onHang: (_d: Delivery) => {} };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const json = JSON.parse(body || "{}") as {
        to?: { username?: string };
        items?: { summary: string }[];
        type?: string;
      };
      if (json.type === "page.updated") {
        res.writeHead(204).end();
        return;
      }
      const d: Delivery = {
        deliveryId: String(req.headers["x-foghorn-delivery"] ?? ""),
        username: json.to?.username ?? "",
        summaries: (json.items ?? []).map((i) => i.summary),
      };
      deliveries.push(d);
      if (state.hangNext > 0) {
        state.hangNext -= 1;
        hanging.push(res);
        state.onHang(d);
        return;
      }
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    deliveries,
    state,
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

interface Replica {
  child: ChildProcess;
  url: string;
  exited: Promise<void>;
}

async function startReplica(databaseUrl: string, configPath: string): Promise<Replica> {
  const child = spawn(process.execPath, [bin, "serve"], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      PORT: "0",
      DATABASE_URL: databaseUrl,
      FOGHORN_CONFIG: configPath,
      FOGHORN_BOOTSTRAP_TOKEN: TOKEN,
      FOGHORN_LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const exited = new Promise<void>((r) => child.on("exit", () => r()));
  const url = await new Promise<string>((ok, fail) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /Foghorn listening on (http:\/\/[^"\s]+)/.exec(out);
      if (m?.[1]) ok(m[1]);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("exit", (code) => fail(new Error(`replica exited with ${code} before listening:\n${out}`)));
  });
  return { child, url, exited };
}

async function declare(url: string, title: string, service: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/incidents`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ title, severity: "SEV1", affected_services: [service] }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return ((await res.json()) as { id: string }).id;
}

async function waitFor(check: () => boolean, ms: number, what: string | (() => string)): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) assert.fail(`timed out waiting for ${typeof what === "string" ? what : what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function perStep(deliveries: Delivery[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const d of deliveries)
    for (const s of d.summaries) {
      const key = `${d.username} ${s}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  return counts;
}

const backends = await testBackends();
const postgres = backends.find((b) => b.kind === "postgres");

describe("paging with several replicas on one PostgreSQL", {
  skip: postgres ? postgres.skip : "PostgreSQL tests are off (FOGHORN_TEST_DB)",
}, () => {
  const dir = mkdtempSync(join(tmpdir(), "foghorn-replicas-"));
  const configPath = join(dir, "foghorn.config.yaml");
  before(() => {
    // No throttle (pages go out as soon as they are due; those due together for one person are bundled
    // into one message, so steps are counted per page inside messages); short deadline and lease so the
    // crash test does not wait a minute. The sending deadline is the window in which a slow send counts
    // as still in flight: 2 s was shorter than a send took on a loaded CI machine (3 replicas and
    // PostgreSQL on 2 cores), and another replica resent the page, as designed for a crashed sender.
    writeFileSync(
      configPath,
      "oncall:\n  throttleSeconds: 0\n  sendingDeadlineSeconds: 8\n  jobLeaseSeconds: 10\n  handoffNoticeMinutes: 0\n" +
        // The webhook receiver is on loopback, which the SSRF guard refuses unless named.
        "security:\n  outboundAllow: [127.0.0.1]\n",
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** N replicas page 12 incidents through a two-level policy (level 2 after 3 s); returns the deliveries. */
  async function scenario(replicas: number) {
    const database: TestDatabase = await openTestDb("postgres");
    const receiver = await startReceiver();
    const started: Replica[] = [];
    try {
      // Replicas first: the first start creates the admin (with the bootstrap token) in an empty database.
      for (let i = 0; i < replicas; i++) started.push(await startReplica(database.url ?? "", configPath));
      const first = await addUser(database.db, "first");
      const second = await addUser(database.db, "second");
      await addContact(database.db, first, "webhook", receiver.url);
      await addContact(database.db, second, "webhook", receiver.url);
      const policy = await addPolicy(database.db, "two-levels", [
        { delayMinutes: 0.05, roundRobin: false, targets: [{ kind: "user", id: first }] },
        { delayMinutes: 0.05, roundRobin: false, targets: [{ kind: "user", id: second }] },
      ]);
      await addService(database.db, "checkout", policy);
      const ids: string[] = [];
      for (let i = 0; i < 12; i++)
        ids.push(await declare(started[i % replicas]?.url ?? "", `Incident ${i}`, "checkout"));
      await waitFor(
        () => perStep(receiver.deliveries).size >= 24,
        60_000,
        () =>
          `24 pages (got ${receiver.deliveries.length}: ${JSON.stringify(perStep(receiver.deliveries).size)} steps)`,
      );
      // Let any duplicate arrive before counting.
      await new Promise((r) => setTimeout(r, 4000));
      return { deliveries: [...receiver.deliveries], ids };
    } finally {
      for (const r of started) r.child.kill("SIGTERM");
      await Promise.all(started.map((r) => r.exited));
      await receiver.close();
      await database.close();
    }
  }

  test("three replicas notify each escalation step exactly once, as one process does", async () => {
    const one = await scenario(1);
    const three = await scenario(3);
    for (const [name, run] of [
      ["one process", one],
      ["three replicas", three],
    ] as const) {
      const counts = perStep(run.deliveries);
      assert.equal(counts.size, 24, `${name}: 12 incidents × 2 levels are paged`);
      assert.deepEqual([...new Set(counts.values())], [1], `${name}: every step notified exactly once`);
      assert.equal(
        new Set(run.deliveries.map((d) => d.deliveryId)).size,
        run.deliveries.length,
        `${name}: one delivery id per message`,
      );
    }
    const shape = (run: typeof one) =>
      [...perStep(run.deliveries).keys()].map((k) => k.replace(/INC-\d+/, "INC")).sort();
    assert.deepEqual(shape(three), shape(one), "the same pages with three replicas as with one");
  });

  test("kill -9 of the replica holding a page mid-send: another replica sends it again, same delivery id", async () => {
    const database: TestDatabase = await openTestDb("postgres");
    const receiver = await startReceiver();
    const replicas: Replica[] = [];
    try {
      const a = await startReplica(database.url ?? "", configPath);
      replicas.push(a);
      const oncall = await addUser(database.db, "oncall");
      await addContact(database.db, oncall, "webhook", receiver.url);
      const policy = await addPolicy(database.db, "one-level", [
        { delayMinutes: 60, roundRobin: false, targets: [{ kind: "user", id: oncall }] },
      ]);
      await addService(database.db, "payments", policy);
      receiver.state.hangNext = 1;
      const hung = new Promise<void>((r) => {
        receiver.state.onHang = () => r();
      });
      const id = await declare(a.url, "Payments down", "payments");
      await hung;
      a.child.kill("SIGKILL");
      await a.exited;
      const b = await startReplica(database.url ?? "", configPath);
      replicas.push(b);
      await waitFor(
        () => receiver.deliveries.length >= 2,
        30_000,
        "the page sent again by the surviving replica",
      );
      const [first, again] = receiver.deliveries;
      assert.equal(again?.deliveryId, first?.deliveryId, "the resend carries the same delivery id");
      assert.ok(again?.summaries[0]?.includes(id));
      await new Promise((r) => setTimeout(r, 3000));
      assert.equal(receiver.deliveries.length, 2, "sent again once, not more");
    } finally {
      for (const r of replicas) r.child.kill("SIGTERM");
      await Promise.all(replicas.map((r) => r.exited));
      await receiver.close();
      await database.close();
    }
  });
});
