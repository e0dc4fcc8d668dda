// /readyz fails when the database does not answer or the job engine is stuck (its last cycle old while jobs
// are due), and never for an engine that is merely idle; /metrics shows the engine's lag live.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { AlertIntake } from "#app/alerts/intake.ts";
import { SessionAuthenticator } from "#app/auth/sessions.ts";
import { TokenAuthenticator } from "#app/auth/tokens.ts";
import { silentLogger } from "#app/context.ts";
import { noChangeFeed } from "#app/events.ts";
import type { EngineProbe } from "#app/system/engine-health.ts";
import { DEFAULT_SEVERITY_POLICY } from "#domain/incident/severity.ts";
import { JobRunner } from "#engine/runner.ts";
import { buildServer } from "#http/server.ts";
import { dueBacklog, enqueueJobs } from "#store/jobs.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import { startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";

type Json = Record<string, unknown>;
const clock = { now: () => new Date() };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The metric samples of a Prometheus text page, by name with labels. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (m?.[1] && m[2]) out.set(m[1], Number(m[2]));
  }
  return out;
}

for (const backend of await testBackends()) {
  describe(`/readyz and engine lag (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    let runner: JobRunner;
    let app: FastifyInstance;
    let dbUp = true;
    const ran: number[] = [];
    before(async () => {
      database = await openTestDb(backend.kind);
      runner = new JobRunner(
        { db: database.db, clock, log: silentLogger },
        { "test.ready": async (job) => void ran.push(job.id) },
        { worker: "readyz-test", pollMs: 50 },
      );
      // A short threshold so that the test can see "stuck"; production uses 60 s.
      const engine: EngineProbe = {
        stuckAfterSeconds: 0.3,
        runners: [
          {
            name: "jobs",
            cycleAgeSeconds: () => runner.cycleAgeSeconds(),
            backlog: () => dueBacklog(database.db, runner.kinds, clock.now()),
          },
        ],
      };
      app = buildServer({
        context: {
          db: database.db,
          clock,
          log: silentLogger,
          policy: { severities: DEFAULT_SEVERITY_POLICY, priorityScheme: "p1-p4" },
          events: noChangeFeed,
        },
        authenticator: new TokenAuthenticator(database.db, clock),
        sessions: new SessionAuthenticator(database.db, clock),
        system: {
          version: "test",
          storage: backend.kind,
          ready: async () => {
            if (!dbUp) throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
            await database.ping();
          },
          engine,
        },
        intake: new AlertIntake(database.db, clock, { defaultRateLimitPerMinute: 0, maxQueuedEvents: 1000 }),
        bodyLimit: 1024 * 1024,
        trustProxy: false,
        logger: undefined,
      });
      await app.ready();
    });
    after(async () => {
      await runner?.stop();
      await app?.close();
      await database?.close();
    });

    async function readyz() {
      const res = await app.inject({ method: "GET", url: "/readyz" });
      return { status: res.statusCode, body: res.json() as Json };
    }
    async function metrics() {
      const res = await app.inject({ method: "GET", url: "/metrics" });
      assert.equal(res.statusCode, 200);
      return samples(res.body);
    }
    const enqueueDue = (key: string, secondsAgo: number) =>
      enqueueJobs(
        database.db,
        [{ kind: "test.ready", key, payload: { v: 1 }, runAt: new Date(Date.now() - secondsAgo * 1000) }],
        new Date(),
      );

    test("an idle engine stays ready: it sleeps, but still cycles every poll interval", async () => {
      // Something scheduled for later: not due, so nothing for the runner to do.
      await enqueueJobs(
        database.db,
        [{ kind: "test.ready", key: "later", payload: { v: 1 }, runAt: new Date(Date.now() + 3600_000) }],
        new Date(),
      );
      runner.start();
      const cycles = new Set<number>();
      for (let i = 0; i < 200 && cycles.size < 6; i++) {
        cycles.add(runner.lastCycleAt?.getTime() ?? 0);
        const { status, body } = await readyz();
        assert.equal(status, 200, JSON.stringify(body));
        assert.equal(body.status, "ready");
        await sleep(25);
      }
      assert.ok(cycles.size >= 6, "the idle runner kept cycling");
      assert.equal(ran.length, 0, "and ran nothing");
      const m = await metrics();
      assert.ok((m.get('foghorn_engine_cycle_age_seconds{runner="jobs"}') ?? 99) < 5);
      assert.equal(m.get('foghorn_engine_due_unclaimed_jobs{runner="jobs"}'), 0);
      assert.equal(m.get('foghorn_engine_due_unclaimed_oldest_seconds{runner="jobs"}'), 0);
    });

    test("a stopped engine with nothing due is not stuck; with a job due, /readyz says why (503)", async () => {
      await runner.stop();
      await sleep(400);
      assert.equal((await readyz()).status, 200, "old last cycle, but nothing is due");

      await enqueueDue("late", 5);
      const { status, body } = await readyz();
      assert.equal(status, 503);
      assert.equal(body.status, "unavailable");
      assert.equal(body.check, "engine");
      assert.match(
        String(body.detail),
        /^job engine stuck: the jobs runner's last cycle was \d+ s ago \(limit 0\.3 s\) with 1 job\(s\) due, the oldest waiting [5-9] s$/,
      );
      const m = await metrics();
      assert.ok((m.get('foghorn_engine_cycle_age_seconds{runner="jobs"}') ?? 0) >= 0.4);
      assert.equal(m.get('foghorn_engine_due_unclaimed_jobs{runner="jobs"}'), 1);
      assert.ok((m.get('foghorn_engine_due_unclaimed_oldest_seconds{runner="jobs"}') ?? 0) >= 5);

      // Started again, it runs the job and is ready at once.
      runner.start();
      await runner.idle();
      assert.equal(ran.length, 1);
      assert.equal((await readyz()).status, 200);
    });

    test("a database that does not answer: 503 naming the database", async () => {
      dbUp = false;
      try {
        const { status, body } = await readyz();
        assert.equal(status, 503);
        assert.equal(body.check, "database");
        assert.equal(body.detail, "database unreachable: connect ECONNREFUSED 127.0.0.1:5432");
        assert.equal(body.storage, backend.kind);
      } finally {
        dbUp = true;
      }
      await database.db.execute(sql`delete from jobs where kind = 'test.ready'`);
    });
  });
}

describe("/readyz and /metrics of the real server (pglite)", () => {
  let foghorn: TestFoghorn;
  before(async () => {
    foghorn = await startTestFoghorn("pglite");
  });
  after(async () => {
    await foghorn?.close();
  });

  test("ready, with the engine's cycle age per runner and its due backlog in /metrics", async () => {
    const ready = await foghorn.api("/readyz", { token: null });
    assert.equal(ready.status, 200);
    assert.equal(((await ready.json()) as Json).status, "ready");
    await foghorn.pagingIdle();
    const res = await foghorn.api("/metrics", { token: null });
    const m = samples(await res.text());
    for (const runner of ["jobs", "alerts"])
      assert.ok(m.has(`foghorn_engine_cycle_age_seconds{runner="${runner}"}`), runner);
    assert.ok((m.get('foghorn_engine_cycle_age_seconds{runner="jobs"}') ?? 99) < 5);
    assert.equal(m.get('foghorn_engine_due_unclaimed_jobs{runner="jobs"}'), 0);
  });
});
