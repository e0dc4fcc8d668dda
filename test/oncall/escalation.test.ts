import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { changeIncidentStatus } from "#app/incidents/change-status.ts";
import { declareIncident } from "#app/incidents/declare.ts";
import { postStatusUpdate } from "#app/incidents/records.ts";
import { runEscalationStep } from "#app/oncall/paging.ts";
import { ManualClock, MINUTE, SECOND } from "#domain/time.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import { actingAs, appContext, type TestContext, uniqueName } from "../helpers/factories.ts";
import {
  addContact,
  addEscalationRule,
  addPolicy,
  addRule,
  addSchedule,
  addService,
  addTeam,
  addUser,
  type Harness,
  pagingHarness,
  permanent,
  timelineData,
  timelineKinds,
  transient,
} from "./harness.ts";

const lvl = (
  targets: { kind: "user" | "schedule" | "team"; id: string }[],
  delayMinutes: number | null = null,
  roundRobin = false,
) => ({
  delayMinutes,
  roundRobin,
  targets,
});

for (const backend of await testBackends()) {
  describe(`escalation and paging on a virtual clock (${backend.kind})`, { skip: backend.skip }, () => {
    // A database per test: pending jobs of one test must not run on another test's clock.
    let database: TestDatabase;
    beforeEach(async () => {
      database = await openTestDb(backend.kind);
    });
    afterEach(async () => {
      await database?.close();
    });

    /** A fresh clock, engine and two people with a console contact each, on a service whose policy pages
     * alice, then bob after 10 minutes, repeated once. */
    async function setup(
      opts: { repeat?: number; firstDelay?: number | null; throttleMs?: number; chat?: boolean } = {},
    ) {
      const ctx: TestContext = appContext(database.db, { clock: new ManualClock("2026-03-02T09:00:00Z") });
      const h: Harness = pagingHarness(ctx, {
        ...(opts.throttleMs ? { throttleMs: opts.throttleMs } : {}),
        ...(opts.chat ? { chat: true } : {}),
      });
      const alice = uniqueName("alice");
      const bob = uniqueName("bob");
      const aliceId = await addUser(database.db, alice);
      const bobId = await addUser(database.db, bob);
      const aliceConsole = await addContact(database.db, aliceId, "console", "alice's terminal");
      await addContact(database.db, bobId, "console", "bob's terminal");
      const policy = await addPolicy(
        database.db,
        uniqueName("policy"),
        [
          lvl([{ kind: "user", id: aliceId }], opts.firstDelay === undefined ? null : opts.firstDelay),
          lvl([{ kind: "user", id: bobId }], 10),
        ],
        opts.repeat ?? 1,
      );
      const service = await addService(database.db, uniqueName("checkout"), policy);
      return { ctx, h, alice, bob, aliceId, bobId, aliceConsole, service, policy };
    }

    test("a SEV1 pages level 1 at once, level 2 after the severity's 5-minute ack target, repeats, then ends", async () => {
      const { ctx, h, alice, bob, service } = await setup();
      const incident = await declareIncident(ctx, {
        title: "Checkout down",
        severity: "SEV1",
        affected_services: [service],
      });
      await h.run();
      assert.equal(h.to(alice).length, 1, "alice is paged at once");
      assert.equal(h.to(bob).length, 0);
      assert.match(
        h.to(alice)[0]?.message.subject ?? "",
        new RegExp(`\\[SEV1\\] ${incident.id} Checkout down`),
      );
      await h.advance(4 * MINUTE + 59 * SECOND);
      assert.equal(h.to(bob).length, 0, "not before the ack target");
      await h.advance(SECOND);
      assert.equal(h.to(bob).length, 1, "bob is paged when alice did not acknowledge within 5 min");
      const escalated = await timelineData(database.db, incident.number, "escalation.escalated");
      assert.equal(escalated.length, 1);
      assert.match(String(escalated[0]?.reason), /not acknowledged within 5m/);
      assert.deepEqual(escalated[0]?.paged, [bob]);
      await h.advance(10 * MINUTE);
      assert.equal(h.to(alice).length, 2, "the policy repeats once: alice again");
      await h.advance(5 * MINUTE);
      assert.equal(h.to(bob).length, 2);
      await h.advance(10 * MINUTE);
      const kinds = await timelineKinds(database.db, incident.number);
      assert.equal(kinds.filter((k) => k === "escalation.exhausted").length, 1);
      await h.advance(60 * MINUTE);
      assert.equal(h.to(alice).length, 2, "nothing after the policy ended");
      assert.equal(h.to(bob).length, 2);
      assert.equal(kinds.filter((k) => k === "page.sent").length, 4, "each page is on the timeline");
    });

    test("acknowledging stops the escalation, cancels later pages and updates the copies sent", async () => {
      const { ctx, h, alice, aliceId, bob, service } = await setup();
      const sms = await addContact(database.db, aliceId, "sms", "+4915100000001");
      const aliceConsole = await addContact(database.db, aliceId, "webhook", "http://127.0.0.1:9/hook");
      await addRule(database.db, aliceId, aliceConsole, 0);
      await addRule(database.db, aliceId, sms, 2);
      const incident = await declareIncident(ctx, {
        title: "Payments slow",
        severity: "SEV2",
        affected_services: [service],
      });
      await h.run();
      assert.equal(h.to(alice).length, 1, "webhook at once; SMS waits 2 minutes");
      assert.equal(h.to(alice)[0]?.kind, "webhook");
      await h.advance(MINUTE);
      await changeIncidentStatus(actingAs(ctx, alice), incident.id, { status: "acknowledged" });
      await h.run();
      const stopped = await timelineData(database.db, incident.number, "escalation.stopped");
      assert.equal(stopped.length, 1);
      assert.equal(stopped[0]?.reason, "acknowledged");
      assert.equal(stopped[0]?.cancelled_pages, 1, "the SMS due at 2 min is cancelled");
      await h.advance(60 * MINUTE);
      assert.equal(h.to(alice).length, 1, "no SMS after the ack");
      assert.equal(h.to(bob).length, 0, "level 2 never paged");
      assert.equal(h.channels.webhook.updates.length, 1, "the webhook copy is told");
      assert.equal(h.channels.webhook.updates[0]?.update.state, "acknowledged");
    });

    test("a stale or repeated step job is fenced: one step pages once", async () => {
      const { ctx, h, bob, service } = await setup();
      const incident = await declareIncident(ctx, {
        title: "Queue backlog",
        severity: "SEV1",
        affected_services: [service],
      });
      await h.run();
      await h.advance(5 * MINUTE);
      assert.equal(h.to(bob).length, 1);
      const id = String(
        (await timelineData(database.db, incident.number, "escalation.started")).length ? incident.number : 0,
      );
      assert.ok(id);
      // The job for level 1 → 2 already ran; replaying it must not page bob again.
      const rows = await database.db.execute(
        (await import("drizzle-orm")).sql`select id from incidents where number = ${incident.number}`,
      );
      const incidentId = String((rows as unknown as { rows: { id: string }[] }).rows[0]?.id);
      assert.equal(await runEscalationStep(ctx, { incidentId, level: 0, cycle: 0 }), "fenced");
      await h.run();
      assert.equal(h.to(bob).length, 1, "bob paged exactly once for that step");
    });

    test("notification rules: each contact method at its own delay, only while unacknowledged", async () => {
      const { ctx, h, aliceId, alice, service } = await setup();
      const hook = await addContact(database.db, aliceId, "webhook", "http://127.0.0.1:9/alice");
      const sms = await addContact(database.db, aliceId, "sms", "+4915100000002");
      await addRule(database.db, aliceId, hook, 0);
      await addRule(database.db, aliceId, sms, 2);
      await declareIncident(ctx, { title: "Search errors", severity: "SEV2", affected_services: [service] });
      await h.run();
      assert.deepEqual(
        h.to(alice).map((s) => s.kind),
        ["webhook"],
      );
      await h.advance(2 * MINUTE);
      assert.deepEqual(
        h.to(alice).map((s) => s.kind),
        ["webhook", "sms"],
      );
      assert.match(h.to(alice)[1]?.message.replyCode ?? "", /^[A-Z2-9]{3}$/, "the SMS carries a reply code");
    });

    test("one message a minute per contact method: pages meanwhile are bundled", async () => {
      const { ctx, h, alice, service } = await setup({ throttleMs: 60_000 });
      await declareIncident(ctx, { title: "First", severity: "SEV1", affected_services: [service] });
      await h.run();
      ctx.clock.advance(10 * SECOND);
      await declareIncident(ctx, { title: "Second", severity: "SEV1", affected_services: [service] });
      await declareIncident(ctx, { title: "Third", severity: "SEV1", affected_services: [service] });
      await h.run();
      assert.equal(h.to(alice).length, 1, "the second and third wait for the throttle");
      await h.advance(50 * SECOND);
      assert.equal(h.to(alice).length, 2);
      const bundle = h.to(alice)[1]?.message;
      assert.equal(bundle?.items.length, 2, "both pages in one message");
      assert.match(bundle?.subject ?? "", /2 notifications/);
    });

    test("round robin pages one person per escalation, in turn", async () => {
      const ctx: TestContext = appContext(database.db, { clock: new ManualClock("2026-03-02T09:00:00Z") });
      const h = pagingHarness(ctx);
      const a = uniqueName("rr-a");
      const b = uniqueName("rr-b");
      const aId = await addUser(database.db, a);
      const bId = await addUser(database.db, b);
      await addContact(database.db, aId, "console", "a");
      await addContact(database.db, bId, "console", "b");
      const policy = await addPolicy(database.db, uniqueName("rr"), [
        lvl(
          [
            { kind: "user", id: aId },
            { kind: "user", id: bId },
          ],
          5,
          true,
        ),
      ]);
      const service = await addService(database.db, uniqueName("rr-svc"), policy);
      for (const title of ["one", "two", "three"])
        await declareIncident(ctx, { title, severity: "SEV1", affected_services: [service] });
      await h.run();
      const items = (name: string) => h.to(name).flatMap((s) => s.message.items.map((i) => i.summary));
      assert.equal(items(a).length + items(b).length, 3, "one person per incident");
      assert.equal(items(a).length, 2, "a, then b, then a again");
      assert.match(items(b)[0] ?? "", / two$/);
    });

    test("schedules and teams resolve to the people on call and the members", async () => {
      const ctx: TestContext = appContext(database.db, { clock: new ManualClock("2026-03-02T09:00:00Z") });
      const h = pagingHarness(ctx);
      const day = uniqueName("day");
      const night = uniqueName("night");
      const lead = uniqueName("lead");
      const dayId = await addUser(database.db, day);
      const nightId = await addUser(database.db, night);
      const leadId = await addUser(database.db, lead);
      for (const id of [dayId, nightId, leadId]) await addContact(database.db, id, "console", id);
      const schedule = await addSchedule(database.db, uniqueName("primary"), "Europe/Berlin", [
        {
          name: "daily",
          start: "2026-03-01T08:00",
          rotation: { kind: "custom", handoffTime: "08:00", shiftMinutes: 720 },
          members: [dayId, nightId],
        },
      ]);
      const team = await addTeam(database.db, uniqueName("sre"), [{ userId: leadId, role: "manager" }]);
      const policy = await addPolicy(database.db, uniqueName("sched"), [
        lvl([{ kind: "schedule", id: schedule }], 5),
        lvl([{ kind: "team", id: team }], 5),
      ]);
      const service = await addService(database.db, uniqueName("sched-svc"), policy);
      // 09:00Z is 10:00 in Berlin: the day shift (08:00–20:00 local) is on.
      await declareIncident(ctx, { title: "Disk full", severity: "SEV2", affected_services: [service] });
      await h.run();
      assert.equal(h.to(day).length, 1);
      assert.equal(h.to(night).length, 0);
      await h.advance(5 * MINUTE);
      assert.equal(h.to(lead).length, 1, "the team's manager is paged at level 2");
    });

    test("no policy, or a severity that does not page: nobody is paged and the timeline says why", async () => {
      const { ctx, h, alice, service } = await setup();
      const orphan = await addService(database.db, uniqueName("orphan"), null);
      const a = await declareIncident(ctx, {
        title: "No policy",
        severity: "SEV1",
        affected_services: [orphan],
      });
      const b = await declareIncident(ctx, {
        title: "Minor",
        severity: "SEV4",
        affected_services: [service],
      });
      await h.run();
      assert.equal(h.to(alice).length, 0);
      const skipped = await timelineData(database.db, a.number, "escalation.skipped");
      assert.match(String(skipped[0]?.reason), /no escalation policy on orphan-/);
      assert.ok(!(await timelineKinds(database.db, b.number)).some((k) => k.startsWith("escalation.")));
    });

    test("a failing channel is retried with backoff; a permanent failure is dead and on the timeline", async () => {
      const { ctx, h, alice, bob, service } = await setup();
      h.channels.console.failures.push(transient(), transient());
      const incident = await declareIncident(ctx, {
        title: "Flaky",
        severity: "SEV2",
        affected_services: [service],
      });
      await h.run();
      assert.equal(h.to(alice).length, 0, "first attempt failed");
      await h.advance(2 * SECOND);
      assert.equal(h.to(alice).length, 0, "second attempt (after 2 s) failed");
      await h.advance(4 * SECOND);
      assert.equal(h.to(alice).length, 1, "third attempt (after 4 s more) delivered");
      assert.equal((await timelineData(database.db, incident.number, "page.sent")).length, 1);
      h.channels.console.failures.push(permanent("no such terminal"));
      await h.advance(15 * MINUTE);
      assert.equal(h.to(bob).length, 0);
      const failed = await timelineData(database.db, incident.number, "page.failed");
      assert.equal(failed.length, 1);
      assert.equal(failed[0]?.error, "no such terminal");
    });

    test("a send that crashed mid-way is sent again after its deadline with the same delivery id", async () => {
      const { ctx, h, alice, service } = await setup();
      // Simulate the crash: the first send never returns, as if the process died holding it.
      let hang = true;
      const original = h.channels.console.send.bind(h.channels.console);
      h.channels.console.send = async (message) => {
        if (hang) {
          hang = false;
          h.channels.console.sent.push({ kind: "console", message, at: ctx.clock.now() });
          throw transient("lost");
        }
        return original(message);
      };
      await declareIncident(ctx, { title: "Crash window", severity: "SEV1", affected_services: [service] });
      await h.run();
      await h.advance(5 * SECOND);
      const ids = h.to(alice).map((s) => s.message.deliveryId);
      assert.equal(ids.length, 2);
      assert.equal(ids[0], ids[1], "the retry carries the same delivery id, so the receiver can drop it");
    });

    test("escalation rules: SEV1 unresolved 30 min notifies the manager once; tag data-breach notifies legal at once", async () => {
      const { ctx, h, service } = await setup();
      const manager = uniqueName("manager");
      const legal = uniqueName("legal");
      const managerId = await addUser(database.db, manager);
      const legalId = await addUser(database.db, legal);
      await addContact(database.db, managerId, "console", "m");
      await addContact(database.db, legalId, "console", "l");
      await addEscalationRule(database.db, uniqueName("sev1-30"), {
        severities: ["SEV1"],
        unresolvedMinutes: 30,
        targets: [{ kind: "user", id: managerId }],
      });
      await addEscalationRule(database.db, uniqueName("breach"), {
        tags: ["data-breach"],
        targets: [{ kind: "user", id: legalId }],
      });
      const breach = await declareIncident(ctx, {
        title: "Leaked export",
        severity: "SEV2",
        affected_services: [service],
        tags: ["data-breach"],
      });
      const outage = await declareIncident(ctx, {
        title: "Outage",
        severity: "SEV1",
        affected_services: [service],
      });
      await h.engine.start();
      await h.engine.stop();
      await h.run();
      assert.equal(h.to(legal).length, 1, "legal is told about the breach at once");
      assert.equal(h.to(manager).length, 0);
      await h.advance(29 * MINUTE);
      assert.equal(h.to(manager).length, 0);
      await h.advance(MINUTE + 15 * SECOND);
      assert.equal(h.to(manager).length, 1, "SEV1 unresolved for 30 min reaches the manager");
      await h.advance(60 * MINUTE);
      assert.equal(h.to(manager).length, 1, "once per incident");
      assert.equal((await timelineData(database.db, outage.number, "escalation.rule_fired")).length, 1);
      assert.equal((await timelineData(database.db, breach.number, "escalation.rule_fired")).length, 1);
      await changeIncidentStatus(ctx, outage.id, { status: "resolved" });
      await changeIncidentStatus(ctx, breach.id, { status: "resolved" });
    });

    test("the commander is reminded when the last status update is older than the severity's cadence", async () => {
      const { ctx, h, alice, service } = await setup();
      const incident = await declareIncident(ctx, {
        title: "Slow API",
        severity: "SEV1",
        affected_services: [service],
        assignee: alice,
      });
      await changeIncidentStatus(actingAs(ctx, alice), incident.id, { status: "investigating" });
      await h.engine.start();
      await h.engine.stop();
      await h.run();
      const before = h.to(alice).length;
      await h.advance(14 * MINUTE);
      assert.equal(h.to(alice).length, before, "no reminder before 15 min");
      await h.advance(MINUTE + 15 * SECOND);
      const reminder = h.to(alice).at(-1)?.message;
      assert.match(reminder?.subject ?? "", new RegExp(`SEV1 ${incident.id}: last update 15m ago`));
      await postStatusUpdate(actingAs(ctx, alice), incident.id, { message: "Mitigation in progress" });
      const count = h.to(alice).length;
      await h.advance(14 * MINUTE);
      assert.equal(h.to(alice).length, count, "the update resets the cadence");
      await h.advance(2 * MINUTE);
      assert.equal(h.to(alice).length, count + 1);
      assert.equal((await timelineData(database.db, incident.number, "reminder.sent")).length, 2);
      await changeIncidentStatus(ctx, incident.id, { status: "resolved" });
    });

    test("chat: the declaration is announced by severity and later changes go to its thread", async () => {
      const { ctx, h, service } = await setup({ chat: true });
      const incident = await declareIncident(ctx, {
        title: "API timeout",
        severity: "SEV2",
        affected_services: [service],
      });
      await h.run();
      assert.deepEqual(h.announcer.posts[0], { channel: "#incidents", text: "[SEV2] API timeout" });
      await changeIncidentStatus(ctx, incident.id, { status: "investigating" });
      await postStatusUpdate(ctx, incident.id, { message: "Rolling back", visibility: "external" });
      await h.run();
      const thread = h.announcer.posts.filter((p) => p.thread);
      assert.ok(
        thread.some((p) => /Status: triggered → investigating/.test(p.text)),
        JSON.stringify(thread),
      );
      assert.ok(thread.some((p) => /Rolling back/.test(p.text)));
      assert.ok(
        h.announcer.updates.some((u) => u.endsWith(":investigating")),
        "the announcement shows the new status",
      );
      const low = await declareIncident(ctx, {
        title: "Typo",
        severity: "SEV4",
        affected_services: [service],
      });
      await h.run();
      assert.ok(
        h.announcer.posts.some((p) => p.channel === "#incidents-low" && p.text === `[SEV4] ${low.title}`),
      );
    });
  });
}
