import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { MINUTE } from "#domain/time.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import {
  appContext,
  declareTestIncident,
  expectAppError,
  tableCounts,
} from "../../../test/helpers/factories.ts";
import { changeIncidentStatus } from "./change-status.ts";
import { getIncident } from "./get.ts";
import { addEvidence, addNote, postStatusUpdate } from "./records.ts";
import { getTimeline } from "./timeline.ts";

for (const backend of await testBackends()) {
  describe(`notes, evidence and status updates (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await openTestDb(backend.kind);
    });
    after(async () => {
      await database?.close();
    });

    test("a note goes on the timeline with its author and time", async () => {
      const ctx = appContext(database.db, { actor: "nina" });
      const incident = await declareTestIncident(ctx);
      ctx.clock.advance(2 * MINUTE);
      const note = await addNote(ctx, incident.id, { text: "  p99 latency is 31 s on export-api  " });
      assert.deepEqual(note, {
        incident_id: incident.id,
        seq: 2,
        text: "p99 latency is 31 s on export-api",
        actor: "nina",
        at: ctx.clock.now().toISOString(),
      });
      const { events } = await getTimeline(ctx, incident.id);
      assert.deepEqual(events[1] && [events[1].kind, events[1].data], [
        "note.added",
        { text: "p99 latency is 31 s on export-api" },
      ]);
      await expectAppError(addNote(ctx, incident.id, { text: "   " }), "INVALID_INPUT");
      await expectAppError(addNote(ctx, incident.id, { text: "x".repeat(10_001) }), "INVALID_INPUT");
    });

    test("evidence is linked with kind, URL, caption, who and when", async () => {
      const ctx = appContext(database.db, { actor: "ed" });
      const incident = await declareTestIncident(ctx);
      ctx.clock.advance(MINUTE);
      const graph = await addEvidence(ctx, incident.id, {
        kind: "metric",
        url: "https://grafana.example.com/d/export?viewPanel=2",
        caption: "p99 latency",
      });
      assert.equal(graph.kind, "metric");
      assert.equal(graph.is_image, false);
      assert.equal(graph.added_by, "ed");
      assert.equal(graph.added_at, ctx.clock.now().toISOString());
      ctx.clock.advance(MINUTE);
      const shot = await addEvidence(ctx, incident.id, {
        kind: "screenshot",
        url: "http://files.example.com/a",
      });
      assert.equal(shot.is_image, true);
      assert.equal(shot.caption, "");
      ctx.clock.advance(MINUTE);
      const link = await addEvidence(ctx, incident.id, { url: "https://example.com/trace.png" });
      assert.equal(link.kind, "link", "kind defaults to link");
      assert.equal(link.is_image, true);

      const detail = await getIncident(ctx, incident.id);
      assert.deepEqual(detail.evidence, [graph, shot, link]);
      const { events } = await getTimeline(ctx, incident.id);
      assert.deepEqual(events[1]?.data, {
        evidence_id: graph.id,
        kind: "metric",
        url: "https://grafana.example.com/d/export?viewPanel=2",
        caption: "p99 latency",
      });
      assert.deepEqual(
        events.map((e) => e.kind),
        ["incident.declared", "evidence.added", "evidence.added", "evidence.added"],
      );
    });

    test("invalid evidence is refused with every problem listed, and nothing is written", async () => {
      const ctx = appContext(database.db);
      const incident = await declareTestIncident(ctx);
      const counts = await tableCounts(database.db);
      const error = await expectAppError(
        addEvidence(ctx, incident.id, {
          kind: "video",
          url: "javascript:alert(1)",
          caption: "x".repeat(501),
        }),
        "INVALID_INPUT",
      );
      assert.deepEqual(error.fields.map((f) => f.field).sort(), ["caption", "kind", "url"]);
      assert.match(
        error.fields.find((f) => f.field === "kind")?.message ?? "",
        /metric, log, trace, screenshot/,
      );
      for (const url of [
        "ftp://files.example.com/x",
        "not a url",
        "",
        "file:///etc/passwd",
        `https://example.com/${"a".repeat(2048)}`,
      ]) {
        const e = await expectAppError(addEvidence(ctx, incident.id, { url }), "INVALID_INPUT");
        assert.deepEqual(
          e.fields.map((f) => f.field),
          ["url"],
          url.slice(0, 40),
        );
      }
      await expectAppError(addEvidence(ctx, incident.id, {}), "INVALID_INPUT");
      await expectAppError(
        addEvidence(ctx, incident.id, { url: "https://example.com", who: "me" }),
        "INVALID_INPUT",
      );
      assert.deepEqual(await tableCounts(database.db), counts);
    });

    test("a status update's public status defaults from the incident's status", async () => {
      const ctx = appContext(database.db, { actor: "sue" });
      const incident = await declareTestIncident(ctx);
      const steps: [string | null, string][] = [
        [null, "investigating"],
        ["acknowledged", "investigating"],
        ["investigating", "investigating"],
        ["mitigating", "identified"],
        ["resolved", "resolved"],
        ["postmortem", "resolved"],
      ];
      for (const [status, expected] of steps) {
        if (status) await changeIncidentStatus(ctx, incident.id, { status });
        ctx.clock.advance(MINUTE);
        const update = await postStatusUpdate(ctx, incident.id, { message: `now ${status ?? "triggered"}` });
        assert.equal(update.status, expected, `while ${status ?? "triggered"}`);
        assert.equal(update.visibility, "internal", "internal unless said otherwise");
        assert.equal(update.incident_id, incident.id);
        assert.equal(update.created_by, "sue");
        assert.equal(update.created_at, ctx.clock.now().toISOString());
      }
    });

    test("seed 002's StatusUpdate: an explicit status and external visibility are kept", async () => {
      const ctx = appContext(database.db);
      const incident = await declareTestIncident(ctx);
      const update = await postStatusUpdate(ctx, incident.id, {
        message: "We are monitoring the fix",
        status: "monitoring",
        visibility: "external",
      });
      assert.deepEqual(
        { ...update, id: "-" },
        {
          id: "-",
          incident_id: incident.id,
          message: "We are monitoring the fix",
          status: "monitoring",
          visibility: "external",
          created_by: "alice",
          created_at: ctx.clock.now().toISOString(),
        },
      );
      const detail = await getIncident(ctx, incident.id);
      assert.deepEqual(detail.status_updates, [update]);
      const { events } = await getTimeline(ctx, incident.id);
      assert.deepEqual(events.at(-1)?.data, {
        update_id: update.id,
        status: "monitoring",
        visibility: "external",
        message: "We are monitoring the fix",
      });
      const error = await expectAppError(
        postStatusUpdate(ctx, incident.id, { message: "", status: "fixed", visibility: "public" }),
        "INVALID_INPUT",
      );
      assert.deepEqual(error.fields.map((f) => f.field).sort(), ["message", "status", "visibility"]);
    });

    test("posting an update restarts the update-cadence clock", async () => {
      const ctx = appContext(database.db);
      const incident = await declareTestIncident(ctx, { severity: "critical" });
      const created = Date.parse(incident.created_at);
      assert.equal(incident.sla.next_update_due_at, new Date(created + 15 * MINUTE).toISOString());
      ctx.clock.advance(16 * MINUTE);
      assert.equal((await getIncident(ctx, incident.id)).sla.update_overdue, true);
      await postStatusUpdate(ctx, incident.id, { message: "Still investigating" });
      const after = await getIncident(ctx, incident.id);
      assert.equal(after.sla.update_overdue, false);
      assert.equal(after.sla.next_update_due_at, new Date(created + 31 * MINUTE).toISOString());
    });

    test("records on an unknown incident are NOT_FOUND", async () => {
      const ctx = appContext(database.db);
      await expectAppError(addNote(ctx, "INC-9876543", { text: "hi" }), "NOT_FOUND");
      await expectAppError(addEvidence(ctx, "INC-9876543", { url: "https://example.com" }), "NOT_FOUND");
      await expectAppError(postStatusUpdate(ctx, "INC-9876543", { message: "hi" }), "NOT_FOUND");
    });
  });
}
