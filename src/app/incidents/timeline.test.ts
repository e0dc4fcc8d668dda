import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { hashTimelineEvent } from "#domain/incident/timeline.ts";
import { MINUTE } from "#domain/time.ts";
import { findIncidentByNumber } from "#store/incidents.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import { insertTimelineEvents } from "#store/timeline.ts";
import {
  actingAs,
  appContext,
  declareTestIncident,
  expectAppError,
  uniqueName,
} from "../../../test/helpers/factories.ts";
import { completeActionItem, createActionItem, updateActionItem } from "./action-items.ts";
import { assignRole } from "./assign-role.ts";
import { changeIncidentStatus } from "./change-status.ts";
import { getIncident } from "./get.ts";
import { addEvidence, addNote, postStatusUpdate } from "./records.ts";
import { getTimeline, verifyTimeline } from "./timeline.ts";
import { updateIncident } from "./update.ts";

for (const backend of await testBackends()) {
  describe(`timeline of the incident verbs (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await openTestDb(backend.kind);
    });
    after(async () => {
      await database?.close();
    });

    test("every verb appends exactly its events, with actor and time, and the chain stays verified", async () => {
      const ctx = appContext(database.db, { actor: "alice" });
      const incident = await declareTestIncident(ctx);
      let seen = 1;
      let itemId = "";

      const steps: [string, string, () => Promise<unknown>, string[]][] = [
        [
          "bob",
          "acknowledge",
          async () => changeIncidentStatus(actingAs(ctx, "bob"), incident.id, { status: "acknowledged" }),
          ["incident.status_changed"],
        ],
        [
          "bob",
          "move with a note",
          async () =>
            changeIncidentStatus(actingAs(ctx, "bob"), incident.id, {
              status: "investigating",
              note: "looking at the DB",
            }),
          ["incident.status_changed", "note.added"],
        ],
        [
          "carol",
          "note",
          async () => addNote(actingAs(ctx, "carol"), incident.id, { text: "slow query found" }),
          ["note.added"],
        ],
        [
          "carol",
          "evidence",
          async () =>
            addEvidence(actingAs(ctx, "carol"), incident.id, {
              kind: "trace",
              url: "https://tempo.example.com/t/1",
            }),
          ["evidence.added"],
        ],
        [
          "dana",
          "status update",
          async () =>
            postStatusUpdate(actingAs(ctx, "dana"), incident.id, {
              message: "We are investigating",
              visibility: "external",
            }),
          ["status_update.posted"],
        ],
        [
          "dana",
          "role",
          async () => assignRole(actingAs(ctx, "dana"), incident.id, { role: "scribe", person: "sam" }),
          ["role.assigned"],
        ],
        [
          "dana",
          "role removal",
          async () =>
            assignRole(actingAs(ctx, "dana"), incident.id, { role: "scribe", person: "sam", remove: true }),
          ["role.removed"],
        ],
        [
          "ed",
          "update fields and services",
          async () =>
            updateIncident(actingAs(ctx, "ed"), incident.id, {
              severity: "SEV1",
              add_services: [uniqueName("db"), uniqueName("cache")],
            }),
          ["incident.updated", "service.added", "service.added"],
        ],
        [
          "ed",
          "action item",
          async () => {
            itemId = (await createActionItem(actingAs(ctx, "ed"), incident.id, { title: "Add an index" })).id;
          },
          ["action_item.created"],
        ],
        [
          "ed",
          "action item update",
          async () => updateActionItem(actingAs(ctx, "ed"), incident.id, itemId, { owner: "fay" }),
          ["action_item.updated"],
        ],
        [
          "fay",
          "action item done",
          async () => completeActionItem(actingAs(ctx, "fay"), incident.id, itemId),
          ["action_item.completed"],
        ],
        [
          "fay",
          "resolve",
          async () => changeIncidentStatus(actingAs(ctx, "fay"), incident.id, { status: "resolved" }),
          ["incident.status_changed"],
        ],
      ];

      for (const [actor, what, run, kinds] of steps) {
        ctx.clock.advance(MINUTE);
        await run();
        const { events } = await getTimeline(ctx, incident.id);
        const added = events.slice(seen);
        assert.deepEqual(
          added.map((e) => e.kind),
          kinds,
          what,
        );
        for (const e of added) {
          assert.equal(e.actor, actor, what);
          assert.equal(e.at, ctx.clock.now().toISOString(), what);
        }
        assert.deepEqual(
          events.map((e) => e.seq),
          events.map((_, i) => i + 1),
          `${what}: seq has no gaps`,
        );
        seen = events.length;
        const verdict = await verifyTimeline(ctx, incident.id);
        assert.deepEqual(
          verdict,
          { incident_id: incident.id, ok: true, events: seen, head: events.at(-1)?.hash },
          what,
        );
        assert.equal((await getIncident(ctx, incident.id)).timeline_length, seen, what);
      }
      assert.equal(seen, 1 + steps.reduce((n, [, , , kinds]) => n + kinds.length, 0));
    });

    test("the timeline view links each event to the previous hash", async () => {
      const ctx = appContext(database.db);
      const incident = await declareTestIncident(ctx);
      await addNote(ctx, incident.id, { text: "one" });
      await addNote(ctx, incident.id, { text: "two" });
      const { incident_id, events } = await getTimeline(ctx, incident.id);
      assert.equal(incident_id, incident.id);
      assert.equal(events[0]?.prev_hash, null);
      assert.equal(events[1]?.prev_hash, events[0]?.hash);
      assert.equal(events[2]?.prev_hash, events[1]?.hash);
      for (const e of events) assert.match(e.hash, /^[0-9a-f]{64}$/);
    });

    test("an event written behind the incident's back breaks verification", async () => {
      const ctx = appContext(database.db);
      const incident = await declareTestIncident(ctx);
      await addNote(ctx, incident.id, { text: "real note" });
      const row = await findIncidentByNumber(ctx.db, incident.number);
      assert.ok(row);
      const forged = {
        incidentId: row.id,
        seq: row.lastEventSeq + 1,
        kind: "note.added" as const,
        actor: "mallory",
        at: ctx.clock.now(),
        data: { text: "nothing to see" },
        prevHash: row.lastEventHash,
      };
      await insertTimelineEvents(ctx.db, [{ ...forged, hash: hashTimelineEvent(forged) }]);
      const verdict = await verifyTimeline(ctx, incident.id);
      assert.ok(!verdict.ok);
      assert.equal(verdict.events, 3);
      assert.equal(verdict.broken_at_seq, 3);
      assert.match(verdict.problem, /added without updating the incident/);
    });

    test("timeline of an unknown incident is NOT_FOUND", async () => {
      const ctx = appContext(database.db);
      await expectAppError(getTimeline(ctx, "INC-7654321"), "NOT_FOUND");
      await expectAppError(verifyTimeline(ctx, "INC-7654321"), "NOT_FOUND");
    });
  });
}
