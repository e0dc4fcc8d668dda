import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import { ChannelError, type DigestMessage, type DigestSender } from "#app/ports.ts";
import { executeRows } from "#store/rows.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import { appContext, declareTestIncident } from "../../../test/helpers/factories.ts";
import { type DigestSettings, runDigestJob, scheduleWeeklyDigest, sendDigestNow } from "./digest.ts";

const SETTINGS: DigestSettings = {
  enabled: true,
  weekday: "monday",
  hour: 9,
  timeZone: "UTC",
  email: ["leads@example.com"],
  slackChannel: "C0REVIEW",
};

/** A sender that records what it sent, and fails the next sends it is told to. */
function recordingSender() {
  const sent: { to: string; message: DigestMessage }[] = [];
  const failNext: { email: Error[]; slack: Error[] } = { email: [], slack: [] };
  const sender: DigestSender = {
    async email(to, message) {
      const failure = failNext.email.shift();
      if (failure) throw failure;
      sent.push({ to: to.join(","), message });
    },
    async slack(channel, message) {
      const failure = failNext.slack.shift();
      if (failure) throw failure;
      sent.push({ to: channel, message });
    },
  };
  return { sender, sent, failNext };
}

for (const backend of await testBackends()) {
  describe(`weekly digest job (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await openTestDb(backend.kind);
    });
    after(async () => {
      await database?.close();
    });

    const clearJobs = () => database.db.execute(sql`delete from jobs where kind = 'metrics.digest'`);
    const jobs = async () =>
      (
        await executeRows(
          database.db,
          sql`select key, run_at from jobs where kind = 'metrics.digest' order by run_at`,
        )
      ).map((r) => [String(r.key), new Date(String(r.run_at)).toISOString()]);

    test("sends each destination once per week; a failed one is retried alone; a second run sends nothing", async () => {
      const ctx = appContext(database.db);
      ctx.clock.set("2026-03-04T12:00:00Z");
      await declareTestIncident(ctx, { title: "Checkout down", severity: "SEV1" });
      const { sender, sent, failNext } = recordingSender();
      const deps = { settings: SETTINGS, sender };
      ctx.clock.set("2026-03-09T09:00:00Z");
      failNext.slack.push(new ChannelError("Slack answered internal_error"));
      await assert.rejects(runDigestJob(ctx, deps, { week: "2026-03-09" }), /internal_error/);
      assert.deepEqual(
        sent.map((s) => s.to),
        ["leads@example.com"],
      );
      assert.equal(sent[0]?.message.deliveryId, "digest-2026-03-09");
      assert.match(
        sent[0]?.message.subject ?? "",
        /^Foghorn weekly digest 2026-03-02 – 2026-03-08: 1 incident/,
      );
      assert.match(sent[0]?.message.text ?? "", /Checkout down/);

      assert.equal(await runDigestJob(ctx, deps, { week: "2026-03-09" }), "sent");
      assert.deepEqual(
        sent.map((s) => s.to),
        ["leads@example.com", "C0REVIEW"],
        "the retry sends Slack only",
      );
      assert.equal(await runDigestJob(ctx, deps, { week: "2026-03-09" }), "already_sent");
      assert.equal(sent.length, 2);
      assert.deepEqual(await jobs(), [["digest:2026-03-16", "2026-03-16T09:00:00.000Z"]], "next week queued");
    });

    test("two runs at once: one sends, the other finds it busy", async () => {
      const ctx = appContext(database.db);
      ctx.clock.set("2026-03-16T09:00:00Z");
      const { sender, sent } = recordingSender();
      const deps = { settings: SETTINGS, sender };
      const outcomes = await Promise.all([
        runDigestJob(ctx, deps, { week: "2026-03-16" }),
        runDigestJob(ctx, deps, { week: "2026-03-16" }),
      ]);
      assert.deepEqual(outcomes.sort(), ["busy", "sent"].sort());
      assert.equal(sent.length, 2, "email and Slack, once each");
    });

    test("a job that runs early (the hour moved later) waits; a disabled digest does nothing", async () => {
      await clearJobs();
      const ctx = appContext(database.db);
      ctx.clock.set("2026-03-23T09:00:00Z");
      const { sender, sent } = recordingSender();
      const later = { settings: { ...SETTINGS, hour: 15 }, sender };
      assert.equal(await runDigestJob(ctx, later, { week: "2026-03-23" }), "not_due");
      assert.ok(
        (await jobs()).some(([key, at]) => key === "digest:2026-03-23" && at === "2026-03-23T15:00:00.000Z"),
      );
      const off = { settings: { ...SETTINGS, enabled: false }, sender };
      ctx.clock.set("2026-03-23T15:00:00Z");
      assert.equal(await runDigestJob(ctx, off, { week: "2026-03-23" }), "disabled");
      assert.equal(sent.length, 0);
      await clearJobs();
    });

    test("at start: the next week is queued, and a digest missed less than a day ago is sent now", async () => {
      await clearJobs();
      const ctx = appContext(database.db);
      // Monday 2026-03-30 09:00 was missed (Foghorn was down); it starts at 20:00.
      ctx.clock.set("2026-03-30T20:00:00Z");
      assert.equal((await scheduleWeeklyDigest(ctx, SETTINGS))?.toISOString(), "2026-04-06T09:00:00.000Z");
      assert.deepEqual(await jobs(), [
        ["digest:2026-03-30", "2026-03-30T20:00:00.000Z"],
        ["digest:2026-04-06", "2026-04-06T09:00:00.000Z"],
      ]);
      // Starting again (a second replica): the same two jobs, not four.
      await scheduleWeeklyDigest(ctx, SETTINGS);
      assert.equal((await jobs()).length, 2);
      await clearJobs();
      // A week already sent is not caught up; nor one missed more than a day ago.
      ctx.clock.set("2026-03-16T20:00:00Z");
      await scheduleWeeklyDigest(ctx, SETTINGS);
      assert.deepEqual(await jobs(), [["digest:2026-03-23", "2026-03-23T09:00:00.000Z"]]);
      await clearJobs();
      ctx.clock.set("2026-03-31T10:00:00Z");
      await scheduleWeeklyDigest(ctx, SETTINGS);
      assert.deepEqual(await jobs(), [["digest:2026-04-06", "2026-04-06T09:00:00.000Z"]]);
      await clearJobs();
      assert.equal(await scheduleWeeklyDigest(ctx, { ...SETTINGS, enabled: false }), null);
      assert.deepEqual(await jobs(), []);
    });

    test("send now: admins only; nowhere to send is a conflict", async () => {
      const { sender } = recordingSender();
      const ctx = appContext(database.db, { actor: "bob" });
      await assert.rejects(sendDigestNow(ctx, { settings: SETTINGS, sender }), { code: "FORBIDDEN" });
      const admin = appContext(database.db, { actor: { kind: "user", name: "root", role: "admin" } });
      await assert.rejects(
        sendDigestNow(admin, { settings: { ...SETTINGS, email: [], slackChannel: null }, sender }),
        { code: "CONFLICT", message: /has no destination/ },
      );
      await assert.rejects(sendDigestNow(admin, { settings: SETTINGS, sender: {} }), {
        code: "CONFLICT",
        message: /SMTP is not configured/,
      });
    });
  });
}
