// SIGTERM drain of the job runner: the job in hand finishes, the claimed jobs it never started go back to
// the queue at once (no lease to wait out), and another worker claims them right after stop().
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import { silentLogger } from "#app/context.ts";
import { claimJobs, dueBacklog, enqueueJobs, releaseJobs } from "#store/jobs.ts";
import { executeRows, toInt } from "#store/rows.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import { JobRunner } from "./runner.ts";

const T0 = new Date("2026-03-02T09:00:00Z");
const clock = { now: () => T0 };

for (const backend of await testBackends()) {
  describe(`job runner drain (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await openTestDb(backend.kind);
    });
    after(async () => {
      await database?.close();
    });

    async function rows() {
      return executeRows(
        database.db,
        sql`select id, key, state, locked_by, locked_until, attempts from jobs where kind = 'test.drain' order by id`,
      );
    }

    test("stop() finishes the job started and hands back the claimed ones: another worker takes them at once", async () => {
      await enqueueJobs(
        database.db,
        ["a", "b", "c", "d"].map((key) => ({
          kind: "test.drain",
          key,
          payload: { v: 1 },
          runAt: new Date(T0.getTime() - 1000),
        })),
        T0,
      );
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let startedFirst!: () => void;
      const firstStarted = new Promise<void>((resolve) => {
        startedFirst = resolve;
      });
      const ran: string[] = [];
      const runner = new JobRunner(
        { db: database.db, clock, log: silentLogger },
        {
          "test.drain": async (job) => {
            ran.push(String(job.key));
            startedFirst();
            await gate;
          },
        },
        { worker: "replica-a", concurrency: 1, leaseMs: 10 * 60_000, pollMs: 50 },
      );
      runner.start();
      await firstStarted;
      // All four are claimed by replica-a (one batch), one is running.
      const claimed = await rows();
      assert.equal(claimed.length, 4);
      assert.ok(claimed.every((r) => r.state === "running" && r.locked_by === "replica-a"));

      const stopped = runner.stop();
      release();
      await stopped;

      assert.deepEqual(ran, ["a"], "only the job in hand ran");
      const left = await rows();
      assert.deepEqual(
        left.map((r) => [r.key, r.state, r.locked_by, r.locked_until, toInt(r.attempts)]),
        [
          ["b", "pending", null, null, 0],
          ["c", "pending", null, null, 0],
          ["d", "pending", null, null, 0],
        ],
        "the finished job is gone; the others are pending again, unlocked, their attempt refunded",
      );
      // Another replica claims them right away, at the same instant: no lease to wait out.
      const taken = await claimJobs(database.db, {
        worker: "replica-b",
        kinds: ["test.drain"],
        now: T0,
        leaseMs: 60_000,
        limit: 10,
      });
      assert.deepEqual(
        taken.map((j) => [j.key, j.attempts]),
        [
          ["b", 1],
          ["c", 1],
          ["d", 1],
        ],
      );
      await database.db.execute(sql`delete from jobs where kind = 'test.drain'`);
    });

    test("releaseJobs only touches this worker's running jobs", async () => {
      await enqueueJobs(database.db, [{ kind: "test.drain", key: "x", payload: { v: 1 }, runAt: T0 }], T0);
      const [job] = await claimJobs(database.db, {
        worker: "replica-b",
        kinds: ["test.drain"],
        now: T0,
        leaseMs: 60_000,
        limit: 1,
      });
      assert.ok(job);
      assert.equal(await releaseJobs(database.db, [job.id], "replica-a"), 0, "not replica-a's to give back");
      assert.equal((await rows())[0]?.locked_by, "replica-b");
      // Held under a live lease: not due for anyone else.
      assert.deepEqual(await dueBacklog(database.db, ["test.drain"], T0), { due: 0, oldestSeconds: 0 });
      assert.equal(await releaseJobs(database.db, [job.id], "replica-b"), 1);
      assert.equal((await dueBacklog(database.db, ["test.drain"], T0)).due, 1);
      await database.db.execute(sql`delete from jobs where kind = 'test.drain'`);
    });

    test("dueBacklog: pending past run_at and expired leases count, from when they became due", async () => {
      const past = (s: number) => new Date(T0.getTime() - s * 1000);
      await enqueueJobs(
        database.db,
        [
          { kind: "test.drain", key: "due-30s", payload: { v: 1 }, runAt: past(30) },
          { kind: "test.drain", key: "future", payload: { v: 1 }, runAt: new Date(T0.getTime() + 60_000) },
          { kind: "test.other", key: "not-ours", payload: { v: 1 }, runAt: past(500) },
        ],
        T0,
      );
      // A job whose worker died: claimed 2 minutes ago with a 30 s lease (expired 90 s ago).
      await enqueueJobs(
        database.db,
        [{ kind: "test.drain", key: "dead-worker", payload: { v: 1 }, runAt: past(130) }],
        past(130),
      );
      const [stale] = await claimJobs(database.db, {
        worker: "gone",
        kinds: ["test.drain"],
        now: past(120),
        leaseMs: 30_000,
        limit: 1,
      });
      assert.equal(stale?.key, "dead-worker");
      assert.deepEqual(await dueBacklog(database.db, ["test.drain"], T0), { due: 2, oldestSeconds: 90 });
      await database.db.execute(sql`delete from jobs where kind in ('test.drain', 'test.other')`);
    });
  });
}
