// Overdue postmortems remind the commander through the paging channels, at most once a day.
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { changeIncidentStatus } from "#app/incidents/change-status.ts";
import { declareIncident } from "#app/incidents/declare.ts";
import { startPostmortem } from "#app/postmortems/start.ts";
import { changePostmortemStatus } from "#app/postmortems/status.ts";
import { HOUR, ManualClock } from "#domain/time.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import { actingAs, appContext, type TestContext, uniqueName } from "../helpers/factories.ts";
import { addContact, addService, addUser, pagingHarness, timelineData } from "./harness.ts";

for (const backend of await testBackends()) {
  describe(`postmortem reminders (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    beforeEach(async () => {
      database = await openTestDb(backend.kind);
    });
    afterEach(async () => {
      await database?.close();
    });

    test("a resolved SEV1 without a published postmortem reminds its commander after 48 h, then daily", async () => {
      const ctx: TestContext = appContext(database.db, { clock: new ManualClock("2026-03-02T09:00:00Z") });
      const h = pagingHarness(ctx);
      const alice = uniqueName("alice");
      await addContact(database.db, await addUser(database.db, alice), "console", "alice's terminal");
      const service = await addService(database.db, uniqueName("checkout"), null);
      const incident = await declareIncident(ctx, {
        title: "Checkout down",
        severity: "SEV1",
        affected_services: [service],
        assignee: alice,
      });
      await changeIncidentStatus(actingAs(ctx, alice), incident.id, { status: "resolved" });
      await h.engine.start();
      await h.engine.stop();
      await h.run();
      const reminders = () => h.to(alice).filter((s) => /postmortem overdue/.test(s.message.subject ?? ""));

      await h.advance(47 * HOUR);
      assert.equal(reminders().length, 0, "not before the 48 h are up");
      await h.advance(2 * HOUR);
      assert.equal(reminders().length, 1, "49 h after resolving: one reminder");
      assert.match(
        reminders()[0]?.message.subject ?? "",
        new RegExp(`Reminder: SEV1 ${incident.id}: postmortem overdue by 1 h`),
      );
      await h.advance(HOUR);
      assert.equal(reminders().length, 1, "not again within 24 h");
      await h.advance(24 * HOUR);
      assert.equal(reminders().length, 2, "a day later: another");
      const events = await timelineData(database.db, incident.number, "reminder.sent");
      assert.equal(events.length, 2);
      assert.deepEqual(events[0], { to: alice, about: "postmortem", due_at: "2026-03-04T09:00:00.000Z" });

      await startPostmortem(actingAs(ctx, alice), incident.id);
      await changePostmortemStatus(ctx, incident.id, { status: "in_review" });
      await changePostmortemStatus(ctx, incident.id, { status: "published" });
      await h.advance(48 * HOUR);
      assert.equal(reminders().length, 2, "published: no more reminders");
    });

    test("without a commander the declarer is reminded; SEV3 is never reminded", async () => {
      const ctx: TestContext = appContext(database.db, { clock: new ManualClock("2026-03-02T09:00:00Z") });
      const h = pagingHarness(ctx);
      const dana = uniqueName("dana");
      await addContact(database.db, await addUser(database.db, dana), "console", "dana's terminal");
      const service = await addService(database.db, uniqueName("search"), null);
      const as = actingAs(ctx, dana);
      const sev2 = await declareIncident(as, {
        title: "Search slow",
        severity: "SEV2",
        affected_services: [service],
      });
      const sev3 = await declareIncident(as, {
        title: "Typo",
        severity: "SEV3",
        affected_services: [service],
      });
      await changeIncidentStatus(as, sev2.id, { status: "resolved" });
      await changeIncidentStatus(as, sev3.id, { status: "resolved" });
      await h.engine.start();
      await h.engine.stop();
      await h.advance(49 * HOUR);
      const subjects = h.to(dana).map((s) => s.message.subject ?? "");
      assert.equal(subjects.filter((s) => s.includes(`${sev2.id}: postmortem overdue`)).length, 1);
      assert.equal(subjects.filter((s) => s.includes(sev3.id)).length, 0);
    });
  });
}
