import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { findIncidentByNumber } from "#store/incidents.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import {
  appContext,
  declareTestIncident,
  expectAppError,
  tableCounts,
  uniqueName,
} from "../../../test/helpers/factories.ts";
import { assignRole } from "./assign-role.ts";
import { getIncident, listIncidents } from "./get.ts";
import { getTimeline, verifyTimeline } from "./timeline.ts";

for (const backend of await testBackends()) {
  describe(`assignRole (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await openTestDb(backend.kind);
    });
    after(async () => {
      await database?.close();
    });

    test("a new commander replaces the old one, and is the incident's assignee", async () => {
      const ctx = appContext(database.db, { actor: "lead" });
      const alice = uniqueName("alice");
      const bob = uniqueName("bob");
      const incident = await declareTestIncident(ctx, { assignee: alice });
      const view = await assignRole(ctx, incident.id, { role: "IC", person: `@${bob}` });
      assert.equal(view.roles.commander, bob);
      assert.equal(view.assignee, bob);
      const row = await findIncidentByNumber(ctx.db, incident.number);
      assert.equal(row?.commander, bob, "the commander column is the assignee");
      const { events } = await getTimeline(ctx, incident.id);
      assert.deepEqual(events.at(-1)?.data, { role: "commander", person: bob, replaced: alice });
      assert.equal(events.at(-1)?.kind, "role.assigned");
      assert.equal(events.at(-1)?.actor, "lead");

      const byNew = await listIncidents(ctx, { assignee: bob });
      assert.deepEqual(
        byNew.items.map((i) => i.id),
        [incident.id],
      );
      assert.deepEqual((await listIncidents(ctx, { assignee: alice })).items, []);
    });

    test("communications lead and scribe have one holder each", async () => {
      const ctx = appContext(database.db);
      const incident = await declareTestIncident(ctx);
      await assignRole(ctx, incident.id, { role: "comms", person: "cora" });
      let view = await assignRole(ctx, incident.id, { role: "communications-lead", person: "colin" });
      assert.equal(view.roles.communications_lead, "colin");
      await assignRole(ctx, incident.id, { role: "scribe", person: "sam" });
      view = await assignRole(ctx, incident.id, { role: "Scribe", person: "sue" });
      assert.deepEqual(view.roles, {
        commander: "alice",
        communications_lead: "colin",
        scribe: "sue",
        responders: [],
      });
      assert.equal(view.assignee, "alice", "other roles leave the commander alone");
    });

    test("responders accumulate; assigning someone twice changes nothing", async () => {
      const ctx = appContext(database.db);
      const incident = await declareTestIncident(ctx);
      await assignRole(ctx, incident.id, { role: "responder", person: "rita" });
      ctx.clock.advance(1000);
      await assignRole(ctx, incident.id, { role: "responders", person: "raj" });
      const counts = await tableCounts(database.db);
      const view = await assignRole(ctx, incident.id, { role: "responder", person: "rita" });
      assert.deepEqual(view.roles.responders, ["rita", "raj"]);
      assert.deepEqual(await tableCounts(database.db), counts, "a repeated assignment writes nothing");
      const again = await assignRole(ctx, incident.id, { role: "commander", person: "alice" });
      assert.equal(again.assignee, "alice");
      assert.deepEqual(await tableCounts(database.db), counts);
    });

    test("roles are removed; removing the commander leaves the incident unassigned", async () => {
      const ctx = appContext(database.db);
      const incident = await declareTestIncident(ctx);
      await assignRole(ctx, incident.id, { role: "responder", person: "rita" });
      await assignRole(ctx, incident.id, { role: "responder", person: "raj" });
      let view = await assignRole(ctx, incident.id, { role: "responder", person: "rita", remove: true });
      assert.deepEqual(view.roles.responders, ["raj"]);
      view = await assignRole(ctx, incident.id, { role: "commander", person: "alice", remove: true });
      assert.equal(view.roles.commander, null);
      assert.equal(view.assignee, null);
      const { events } = await getTimeline(ctx, incident.id);
      assert.deepEqual(
        events.slice(1).map((e) => [e.kind, e.data]),
        [
          ["role.assigned", { role: "responder", person: "rita" }],
          ["role.assigned", { role: "responder", person: "raj" }],
          ["role.removed", { role: "responder", person: "rita" }],
          ["role.removed", { role: "commander", person: "alice" }],
        ],
      );
      assert.equal((await verifyTimeline(ctx, incident.id)).ok, true);
    });

    test("removing someone who does not hold the role is a CONFLICT naming the holders; nothing is written", async () => {
      const ctx = appContext(database.db);
      const incident = await declareTestIncident(ctx);
      await assignRole(ctx, incident.id, { role: "responder", person: "rita" });
      const counts = await tableCounts(database.db);
      const before = await getIncident(ctx, incident.id);
      const error = await expectAppError(
        assignRole(ctx, incident.id, { role: "commander", person: "bob", remove: true }),
        "CONFLICT",
      );
      assert.match(error.detail, /bob is not commander/);
      assert.deepEqual(error.fields, [{ field: "person", message: "current holders: alice" }]);
      const none = await expectAppError(
        assignRole(ctx, incident.id, { role: "scribe", person: "sam", remove: true }),
        "CONFLICT",
      );
      assert.deepEqual(none.fields, [{ field: "person", message: "current holders: none" }]);
      assert.deepEqual(await tableCounts(database.db), counts);
      assert.deepEqual(await getIncident(ctx, incident.id), before);
    });

    test("unknown roles and bad handles are refused together", async () => {
      const ctx = appContext(database.db);
      const incident = await declareTestIncident(ctx);
      const error = await expectAppError(
        assignRole(ctx, incident.id, { role: "owner", person: "not a handle", remove: "yes" }),
        "INVALID_INPUT",
      );
      assert.deepEqual(error.fields.map((f) => f.field).sort(), ["person", "remove", "role"]);
      assert.match(
        error.fields.find((f) => f.field === "role")?.message ?? "",
        /commander, communications_lead, scribe, responder/,
      );
    });
  });
}
