import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { hashTimelineEvent } from "#domain/incident/timeline.ts";
import { MINUTE } from "#domain/time.ts";
import { findIncidentByNumber } from "#store/incidents.ts";
import { findServicesByName } from "#store/services.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import { insertTimelineEvents } from "#store/timeline.ts";
import {
  appContext,
  declareTestIncident,
  expectAppError,
  type TestContext,
  tableCounts,
  uniqueName,
} from "../../../test/helpers/factories.ts";
import { createActionItem } from "./action-items.ts";
import { assignRole } from "./assign-role.ts";
import { changeIncidentStatus } from "./change-status.ts";
import { getIncident, listIncidents } from "./get.ts";
import { addEvidence, addNote, postStatusUpdate } from "./records.ts";
import { getTimeline, verifyTimeline } from "./timeline.ts";
import { updateIncident } from "./update.ts";

/**
 * Writes the incident's next timeline event behind its back (as a writer that skipped the row lock would),
 * so the next verb on it fails at its own timeline insert: after it has written everything else.
 */
async function occupyNextTimelineSeq(ctx: TestContext, number: number): Promise<void> {
  const row = await findIncidentByNumber(ctx.db, number);
  assert.ok(row);
  const content = {
    incidentId: row.id,
    seq: row.lastEventSeq + 1,
    kind: "note.added" as const,
    actor: "intruder",
    at: ctx.clock.now(),
    data: { text: "written without the lock" },
    prevHash: row.lastEventHash,
  };
  await insertTimelineEvents(ctx.db, [{ ...content, hash: hashTimelineEvent(content) }]);
}

for (const backend of await testBackends()) {
  describe(`updateIncident (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await openTestDb(backend.kind);
    });
    after(async () => {
      await database?.close();
    });

    test("changed fields are written and recorded with old and new values in one event", async () => {
      const ctx = appContext(database.db, { actor: "carol" });
      const incident = await declareTestIncident(ctx, { severity: "high", tags: ["api"] });
      ctx.clock.advance(10 * MINUTE);
      const view = await updateIncident(ctx, incident.id, {
        title: "Bulk export times out for every account",
        severity: "critical",
        tags: ["api", "Data-Breach"],
        impact: "All exports fail",
        root_cause: "Unbounded query",
        resolution: "",
        description: incident.description,
      });
      assert.equal(view.title, "Bulk export times out for every account");
      assert.equal(view.severity, "SEV1");
      assert.deepEqual(view.tags, ["api", "data-breach"]);
      assert.equal(view.impact, "All exports fail");
      assert.equal(view.root_cause, "Unbounded query");
      assert.equal(view.updated_at, ctx.clock.now().toISOString());
      assert.equal(view.sla.ack_within_minutes, 5, "the SLA follows the new severity");

      const { events } = await getTimeline(ctx, incident.id);
      assert.equal(events.length, 2);
      assert.equal(events[1]?.kind, "incident.updated");
      assert.equal(events[1]?.actor, "carol");
      assert.deepEqual(events[1]?.data, {
        changes: {
          title: { from: "API timeouts on bulk export", to: "Bulk export times out for every account" },
          severity: { from: "SEV2", to: "SEV1" },
          tags: { from: ["api"], to: ["api", "data-breach"] },
          impact: { from: "", to: "All exports fail" },
          root_cause: { from: "", to: "Unbounded query" },
        },
      });
      assert.equal((await verifyTimeline(ctx, incident.id)).ok, true);
    });

    test("services are added and removed, each with its own event", async () => {
      const ctx = appContext(database.db);
      const keep = uniqueName("keep");
      const drop = uniqueName("drop");
      const incident = await declareTestIncident(ctx, { affected_services: [keep, drop] });
      const added = uniqueName("added");
      const view = await updateIncident(ctx, incident.id, {
        add_services: [added, added.toUpperCase(), keep.toUpperCase()],
        remove_services: [drop.toUpperCase(), uniqueName("never-linked")],
      });
      assert.deepEqual(view.affected_services, [added, keep].sort());
      // The list reads the incident row's copy of the names: it must show the same services.
      const listed = await listIncidents(ctx, { q: incident.title, limit: 200 });
      assert.deepEqual(
        listed.items.find((i) => i.id === incident.id)?.affected_services,
        [added, keep].sort(),
      );
      const { events } = await getTimeline(ctx, incident.id);
      assert.deepEqual(
        events.slice(1).map((e) => [e.kind, e.data]),
        [
          ["service.added", { service: added }],
          ["service.removed", { service: drop }],
        ],
      );
      assert.equal((await verifyTimeline(ctx, incident.id)).ok, true);
    });

    test("an update that changes nothing writes nothing", async () => {
      const ctx = appContext(database.db);
      const service = uniqueName("same");
      const incident = await declareTestIncident(ctx, { affected_services: [service], tags: ["a"] });
      const counts = await tableCounts(database.db);
      ctx.clock.advance(MINUTE);
      const view = await updateIncident(ctx, incident.id, {
        title: incident.title,
        severity: "P2",
        tags: ["A", "a"],
        add_services: [service.toUpperCase()],
      });
      assert.equal(view.updated_at, incident.updated_at);
      assert.deepEqual(await tableCounts(database.db), counts);
    });

    test("an empty update and unknown fields are refused", async () => {
      const ctx = appContext(database.db);
      const incident = await declareTestIncident(ctx);
      const empty = await expectAppError(updateIncident(ctx, incident.id, {}), "INVALID_INPUT");
      assert.match(empty.detail, /at least one field/);
      const unknown = await expectAppError(
        updateIncident(ctx, incident.id, { status: "resolved" }),
        "INVALID_INPUT",
      );
      assert.match(unknown.fields[0]?.message ?? "", /"status"/);
      const many = await expectAppError(
        updateIncident(ctx, incident.id, {
          title: "",
          severity: "SEV9",
          tags: ["Not a tag!"],
          add_services: ["@@"],
        }),
        "INVALID_INPUT",
      );
      assert.deepEqual([...new Set(many.fields.map((f) => f.field))].sort(), [
        "add_services.0",
        "severity",
        "tags.0",
        "title",
      ]);
    });

    test("a failure late in the transaction leaves no partial rows", async () => {
      const ctx = appContext(database.db);
      const incident = await declareTestIncident(ctx);
      await occupyNextTimelineSeq(ctx, incident.number);
      const counts = await tableCounts(database.db);
      const row = await findIncidentByNumber(ctx.db, incident.number);
      const newService = uniqueName("never-created");
      ctx.clock.advance(MINUTE);
      // The services are created and linked, and the row patched, before the timeline insert fails.
      await assert.rejects(
        updateIncident(ctx, incident.id, { title: "Changed", severity: "low", add_services: [newService] }),
      );
      assert.deepEqual(await findServicesByName(ctx.db, [newService]), [], "the new service was rolled back");
      assert.deepEqual(
        await findIncidentByNumber(ctx.db, incident.number),
        row,
        "the incident row is unchanged",
      );
      assert.deepEqual(await tableCounts(database.db), { ...counts });
    });

    test("every verb that writes records rolls them back when its event cannot be written", async () => {
      const ctx = appContext(database.db);
      const incident = await declareTestIncident(ctx);
      await occupyNextTimelineSeq(ctx, incident.number);
      const counts = await tableCounts(database.db);
      const row = await findIncidentByNumber(ctx.db, incident.number);
      ctx.clock.advance(MINUTE);
      await assert.rejects(changeIncidentStatus(ctx, incident.id, { status: "mitigating" }));
      await assert.rejects(assignRole(ctx, incident.id, { role: "scribe", person: "sam" }));
      await assert.rejects(addNote(ctx, incident.id, { text: "hello" }));
      await assert.rejects(addEvidence(ctx, incident.id, { kind: "log", url: "https://logs.example.com/q" }));
      await assert.rejects(postStatusUpdate(ctx, incident.id, { message: "Looking into it" }));
      await assert.rejects(createActionItem(ctx, incident.id, { title: "Add a timeout" }));
      assert.deepEqual(await tableCounts(database.db), counts);
      assert.deepEqual(await findIncidentByNumber(ctx.db, incident.number), row);
      const detail = await getIncident(ctx, incident.id);
      assert.equal(detail.status, "triggered");
      assert.equal(detail.roles.scribe, null);
      assert.deepEqual([detail.evidence, detail.status_updates, detail.action_items], [[], [], []]);
    });

    test("an unknown incident is NOT_FOUND", async () => {
      const ctx = appContext(database.db);
      await expectAppError(updateIncident(ctx, "INC-8765432", { title: "x" }), "NOT_FOUND");
    });
  });
}
