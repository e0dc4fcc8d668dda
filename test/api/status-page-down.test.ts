// "Up when we are down": the status page keeps serving its last good snapshot (with that snapshot's time)
// while the database does not answer, comes back by itself when it does, and a fresh instance serves the
// snapshot kept on disk before (or without) the database answering.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import pino from "pino";
import type { Logger } from "#app/context.ts";
import { LocalChangeFeed } from "#app/events.ts";
import { postStatusUpdate } from "#app/incidents/records.ts";
import { StatusPageCache } from "#app/status-page/cache.ts";
import { loadConfig } from "#config/load.ts";
import { createFsSnapshotStore } from "#integrations/status-snapshot/fs-store.ts";
import { openDb } from "#store/db.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import { type RunningFoghorn, startFoghorn, systemClock } from "../../src/main.ts";
import { appContext, declareTestIncident, uniqueName } from "../helpers/factories.ts";
import { startTestFoghorn, TEST_ADMIN_TOKEN, type TestFoghorn } from "../helpers/foghorn.ts";

type Json = Record<string, unknown>;

async function get(url: string) {
  const res = await fetch(url);
  return {
    status: res.status,
    generatedAt: res.headers.get("x-status-generated-at"),
    body: await res.text(),
  };
}

/** A logger that keeps what was said, to count warnings. */
function recordingLogger() {
  const lines: { level: string; msg: string }[] = [];
  const at =
    (level: string) =>
    (obj: object | string, msg?: string): void => {
      lines.push({ level, msg: typeof obj === "string" ? obj : (msg ?? "") });
    };
  const log: Logger = { info: at("info"), warn: at("warn"), error: at("error"), debug: at("debug") };
  return { log, lines };
}

/**
 * A TCP proxy in front of PostgreSQL that the test can cut (every connection dropped, nothing listening)
 * and restore on the same port. The shared PostgreSQL server itself is never touched.
 */
class CuttableProxy {
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();
  port = 0;
  constructor(private readonly target: { host: string; port: number }) {}

  async up(): Promise<void> {
    if (this.#server) return;
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on("close", () => this.#sockets.delete(s));
        s.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", resolve);
    });
    this.port = (server.address() as { port: number }).port;
    this.#server = server;
  }

  async down(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const s of this.#sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

for (const backend of await testBackends()) {
  if (backend.kind === "pglite")
    describe("status page with the database closed (pglite)", { skip: backend.skip }, () => {
      let foghorn: TestFoghorn;
      before(async () => {
        foghorn = await startTestFoghorn("pglite");
      });
      after(async () => {
        await foghorn?.close().catch(() => {});
      });

      test("the page and the JSON keep answering with the last snapshot and its time", async () => {
        const service = uniqueName("api");
        assert.equal((await foghorn.api("/api/v1/services", { body: { name: service } })).status, 201);
        const created = await foghorn.api("/api/v1/status-page/components", {
          body: { name: "Public API", services: [service] },
        });
        assert.equal(created.status, 201, await created.clone().text());
        const incident = (await (
          await foghorn.api("/api/v1/incidents", {
            body: { title: "API errors", description: "x", severity: "SEV2", affected_services: [service] },
          })
        ).json()) as Json;
        const posted = await foghorn.api(`/api/v1/incidents/${incident.id}/status-updates`, {
          body: { message: "Elevated error rates on the API.", visibility: "external" },
        });
        assert.equal(posted.status, 201);
        await foghorn.statusPage.idle();

        const page = await get(`${foghorn.url}/status`);
        const summary = await get(`${foghorn.url}/api/v2/summary.json`);
        assert.equal(page.status, 200);
        assert.ok(page.body.includes("Elevated error rates on the API."));
        assert.ok(page.generatedAt);

        await foghorn.database.close();
        assert.equal(
          (await fetch(`${foghorn.url}/readyz`)).status,
          503,
          "the server knows its database is gone",
        );
        assert.equal(await foghorn.statusPage.refresh(), false, "a rebuild cannot read anything");

        const pageDown = await get(`${foghorn.url}/status`);
        const summaryDown = await get(`${foghorn.url}/api/v2/summary.json`);
        assert.equal(pageDown.status, 200);
        assert.equal(pageDown.body, page.body);
        assert.equal(pageDown.generatedAt, page.generatedAt, "served with the time its data was read");
        assert.equal(summaryDown.status, 200);
        assert.equal(summaryDown.body, summary.body);
        const json = JSON.parse(summaryDown.body) as { incidents: Json[] };
        assert.equal(json.incidents[0]?.name, "API errors");
      });
    });

  describe(`a fresh status page instance serves the snapshot on disk (${backend.kind})`, {
    skip: backend.skip,
  }, () => {
    let database: TestDatabase;
    let dir: string;
    before(async () => {
      database = await openTestDb(backend.kind);
      dir = mkdtempSync(join(tmpdir(), "foghorn-snapshot-"));
    });
    after(async () => {
      await database?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test("before and without the database answering; one warning however many retries", async () => {
      const ctx = appContext(database.db);
      const incident = await declareTestIncident(ctx, { title: "Login failures" });
      await postStatusUpdate(ctx, incident.id, { message: "Some logins fail.", visibility: "external" });
      const store = createFsSnapshotStore(join(dir, "status-snapshot"));
      const first = new StatusPageCache(
        { db: database.db, clock: ctx.clock, log: recordingLogger().log },
        { store, refreshMs: 3_600_000 },
      );
      await first.start();
      await first.idle();
      await first.stop();
      const served = first.lookup("localhost", "/status", {});
      assert.equal(served?.status, 200);
      assert.deepEqual(
        readdirSync(join(dir, "status-snapshot")),
        ["snapshot.json"],
        "one file, no temp left",
      );

      // A restarted process whose database does not answer: a closed PGlite, or PostgreSQL at a port
      // where nothing listens.
      const unreachable =
        backend.kind === "pglite"
          ? await openDb({})
          : await openDb({ databaseUrl: "postgres://postgres@127.0.0.1:1/foghorn", poolSize: 1 });
      if (backend.kind === "pglite") await unreachable.close();
      const { log, lines } = recordingLogger();
      const second = new StatusPageCache(
        { db: unreachable.db, clock: ctx.clock, log, events: new LocalChangeFeed() },
        {
          store,
          refreshMs: 3_600_000,
        },
      );
      await second.start();
      for (let i = 0; i < 3; i++) assert.equal(await second.refresh(), false);
      await second.stop();
      const again = second.lookup("localhost", "/status", {});
      assert.equal(again?.status, 200);
      assert.deepEqual(again?.body, served?.body);
      assert.equal(again?.headers["x-status-generated-at"], served?.headers["x-status-generated-at"]);
      const json = second.lookup("localhost", "/api/v2/incidents.json", { "accept-encoding": "gzip" });
      assert.equal(json?.status, 200);
      assert.equal(json?.headers["content-encoding"], "gzip");
      assert.equal(lines.filter((l) => l.level === "warn").length, 1, JSON.stringify(lines));
      if (backend.kind === "postgres") await unreachable.close();

      // No snapshot anywhere and no database: 503 with Retry-After, not an error page.
      const empty = new StatusPageCache(
        { db: database.db, clock: ctx.clock, log: recordingLogger().log },
        { read: () => Promise.reject(new Error("down")), refreshMs: 3_600_000 },
      );
      await empty.start();
      await empty.idle();
      await empty.stop();
      const none = empty.lookup("localhost", "/status", {});
      assert.equal(none?.status, 503);
      assert.equal(none?.headers["retry-after"], "5");
    });
  });

  if (backend.kind === "postgres")
    describe("status page with PostgreSQL cut off by a proxy (postgres)", { skip: backend.skip }, () => {
      let direct: TestDatabase;
      let proxy: CuttableProxy;
      let running: RunningFoghorn;
      let snapshotDir: string;
      let stopped = false;
      const api = (path: string, body?: unknown) =>
        fetch(`${running.url}${path}`, {
          method: body === undefined ? "GET" : "POST",
          headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": "application/json" },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      before(async () => {
        direct = await openTestDb("postgres");
        const target = new URL(direct.url ?? "");
        proxy = new CuttableProxy({ host: target.hostname, port: Number(target.port || 5432) });
        await proxy.up();
        const proxied = new URL(target);
        proxied.hostname = "127.0.0.1";
        proxied.port = String(proxy.port);
        snapshotDir = mkdtempSync(join(tmpdir(), "foghorn-snapshot-"));
        const config = loadConfig({
          env: {
            PORT: "0",
            FOGHORN_LOG_LEVEL: "silent",
            FOGHORN_BOOTSTRAP_TOKEN: TEST_ADMIN_TOKEN,
            FOGHORN_STATUS_SNAPSHOT_DIR: snapshotDir,
            DATABASE_URL: proxied.toString(),
          },
          cwd: process.cwd(),
          configPath: undefined,
        });
        const database = await openDb({ databaseUrl: proxied.toString(), poolSize: 4 });
        running = await startFoghorn(config, pino({ level: "silent" }), {
          clock: systemClock,
          database,
          stdout: { write: () => true },
        });
      });
      after(async () => {
        await proxy?.up().catch(() => {});
        if (!stopped) await running?.stop().catch(() => {});
        await proxy?.down();
        await direct?.close();
        if (snapshotDir) rmSync(snapshotDir, { recursive: true, force: true });
      });

      test("the page keeps its last snapshot while PostgreSQL is unreachable, and follows changes again after", async () => {
        const service = uniqueName("payments");
        assert.equal((await api("/api/v1/services", { name: service })).status, 201);
        assert.equal(
          (await api("/api/v1/status-page/components", { name: "Payments", services: [service] })).status,
          201,
        );
        const incident = (await (
          await api("/api/v1/incidents", {
            title: "Card payments failing",
            description: "x",
            severity: "SEV1",
            affected_services: [service],
          })
        ).json()) as Json;
        assert.equal(
          (
            await api(`/api/v1/incidents/${incident.id}/status-updates`, {
              message: "Card payments are failing.",
              visibility: "external",
            })
          ).status,
          201,
        );
        await running.statusPage.idle();
        const before = await get(`${running.url}/status`);
        assert.equal(before.status, 200);
        assert.ok(before.body.includes("Card payments are failing."));
        assert.deepEqual(readdirSync(snapshotDir), ["snapshot.json"], "the snapshot is on disk too");

        await proxy.down();
        assert.equal(await running.statusPage.refresh(), false);
        const down = await get(`${running.url}/status`);
        assert.equal(down.status, 200);
        assert.equal(down.body, before.body);
        assert.equal(down.generatedAt, before.generatedAt);
        const json = await get(`${running.url}/api/v2/summary.json`);
        assert.equal(json.status, 200);
        assert.equal((JSON.parse(json.body) as { status: Json }).status.indicator, "critical");

        await proxy.up();
        let posted = 0;
        for (let attempt = 0; attempt < 5 && posted !== 201; attempt++) {
          // The first request after the outage may get a pooled connection that died with the proxy.
          posted = (
            await api(`/api/v1/incidents/${incident.id}/status-updates`, {
              message: "Payments recovered; monitoring.",
              status: "monitoring",
              visibility: "external",
            })
          ).status;
        }
        assert.equal(posted, 201);
        await running.statusPage.idle();
        const after = await get(`${running.url}/status`);
        assert.ok(after.body.includes("Payments recovered; monitoring."), "the change shows again");
        assert.notEqual(after.generatedAt, before.generatedAt);

        // No connection was lost to the outage: closing the pool waits for every client to come back.
        await running.stop();
        stopped = true;
      });
    });
}
