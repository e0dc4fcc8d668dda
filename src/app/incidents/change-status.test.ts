import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { INCIDENT_STATUSES, type IncidentStatus } from "#domain/incident/status.ts";
import { MINUTE } from "#domain/time.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import {
  actingAs,
  appContext,
  declareTestIncident,
  expectAppError,
  type TestContext,
  tableCounts,
} from "../../../test/helpers/factories.ts";
import { changeIncidentStatus } from "./change-status.ts";
import { getIncident } from "./get.ts";
import { getTimeline, verifyTimeline } from "./timeline.ts";

/** Drives an incident to `status` along the shortest allowed path. */
async function driveTo(ctx: TestContext, id: string, status: IncidentStatus): Promise<void> {
  const paths: Record<IncidentStatus, IncidentStatus[]> = {
    triggered: [],
    acknowledged: ["acknowledged"],
    investigating: ["investigating"],
    mitigating: ["mitigating"],
    resolved: ["resolved"],
    postmortem: ["resolved", "postmortem"],
  };
  for (const step of paths[status]) await changeIncidentStatus(ctx, id, { status: step });
}

for (const backend of await testBackends()) {
  describe(`changeIncidentStatus (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await openTestDb(backend.kind);
    });
    after(async () => {
      await database?.close();
    });

    test("the full lifecycle with its stage timestamps, a reopen, and the postmortem", async () => {
      const ctx = appContext(database.db, { actor: "alice" });
      const t = (minutes: number) => new Date(ctx.clock.now().getTime() + minutes * MINUTE).toISOString();
      const created = ctx.clock.now().toISOString();
      const incident = await declareTestIncident(ctx);

      ctx.clock.advance(4 * MINUTE);
      const ackAt = t(0);
      let view = await changeIncidentStatus(actingAs(ctx, "bob"), incident.id, { status: "acknowledged" });
      assert.equal(view.status, "acknowledged");
      assert.equal(view.acknowledged_at, ackAt);
      assert.equal(view.sla.ack_breached, false, "acknowledged 4 minutes into a 15-minute SEV2 target");
      assert.deepEqual(view.allowed_next_statuses, ["investigating", "mitigating", "resolved"]);

      ctx.clock.advance(6 * MINUTE);
      view = await changeIncidentStatus(ctx, incident.id, { status: "investigating" });
      assert.equal(view.acknowledged_at, ackAt, "acknowledged_at is set once");
      assert.equal(view.mitigated_at, null);

      ctx.clock.advance(20 * MINUTE);
      const mitigatedAt = t(0);
      view = await changeIncidentStatus(ctx, incident.id, { status: "mitigating" });
      assert.equal(view.mitigated_at, mitigatedAt);
      assert.equal(view.resolved_at, null);

      ctx.clock.advance(30 * MINUTE);
      const firstResolve = t(0);
      view = await changeIncidentStatus(ctx, incident.id, { status: "resolved" });
      assert.equal(view.resolved_at, firstResolve);
      assert.equal(view.duration_seconds, 60 * 60, "duration runs from declaration to resolution");
      assert.deepEqual(view.allowed_next_statuses, ["investigating", "postmortem"]);

      ctx.clock.advance(15 * MINUTE);
      view = await changeIncidentStatus(ctx, incident.id, {
        status: "investigating",
        note: "errors are back",
      });
      assert.equal(view.status, "investigating");
      assert.equal(view.resolved_at, null, "reopening clears resolved_at");
      assert.equal(view.acknowledged_at, ackAt);
      assert.equal(view.mitigated_at, mitigatedAt);

      ctx.clock.advance(45 * MINUTE);
      const finalResolve = t(0);
      view = await changeIncidentStatus(ctx, incident.id, { status: "resolved" });
      assert.equal(view.resolved_at, finalResolve, "MTTR counts to the final resolution");
      assert.equal(view.mitigated_at, mitigatedAt, "mitigated_at is set once");
      assert.equal(view.duration_seconds, 120 * 60);

      ctx.clock.advance(24 * 60 * MINUTE);
      view = await changeIncidentStatus(ctx, incident.id, { status: "postmortem" });
      assert.equal(view.status, "postmortem");
      assert.deepEqual(view.allowed_next_statuses, []);
      assert.equal(view.resolved_at, finalResolve);
      assert.equal(view.closed_at, null, "closed_at waits for the published postmortem");
      assert.equal(view.created_at, created);

      const { events } = await getTimeline(ctx, incident.id);
      assert.deepEqual(
        events.map((e) => [e.kind, e.actor, e.data]),
        [
          ["incident.declared", "alice", events[0]?.data],
          ["incident.status_changed", "bob", { from: "triggered", to: "acknowledged" }],
          ["incident.status_changed", "alice", { from: "acknowledged", to: "investigating" }],
          ["incident.status_changed", "alice", { from: "investigating", to: "mitigating" }],
          ["incident.status_changed", "alice", { from: "mitigating", to: "resolved" }],
          ["incident.status_changed", "alice", { from: "resolved", to: "investigating", reopened: true }],
          ["note.added", "alice", { text: "errors are back" }],
          ["incident.status_changed", "alice", { from: "investigating", to: "resolved" }],
          ["incident.status_changed", "alice", { from: "resolved", to: "postmortem" }],
        ],
      );
      assert.equal(events[1]?.at, ackAt);
      assert.equal(events[7]?.at, finalResolve);
      const verdict = await verifyTimeline(ctx, incident.id);
      assert.equal(verdict.ok, true);
      assert.equal(verdict.events, 9);
    });

    test("a false alarm goes straight from triggered to resolved", async () => {
      const ctx = appContext(database.db);
      const incident = await declareTestIncident(ctx);
      ctx.clock.advance(3 * MINUTE);
      const view = await changeIncidentStatus(ctx, incident.id, { status: "resolved", note: "false alarm" });
      const at = ctx.clock.now().toISOString();
      assert.equal(view.status, "resolved");
      assert.deepEqual([view.acknowledged_at, view.mitigated_at, view.resolved_at], [at, at, at]);
    });

    test("a refused move names the allowed next statuses and writes nothing", async () => {
      const ctx = appContext(database.db);
      const expected: Record<IncidentStatus, IncidentStatus[]> = {
        triggered: ["acknowledged", "investigating", "mitigating", "resolved"],
        acknowledged: ["investigating", "mitigating", "resolved"],
        investigating: ["mitigating", "resolved"],
        mitigating: ["resolved"],
        resolved: ["investigating", "postmortem"],
        postmortem: [],
      };
      for (const from of INCIDENT_STATUSES) {
        const incident = await declareTestIncident(ctx);
        await driveTo(ctx, incident.id, from);
        const stored = await getIncident(ctx, incident.id);
        const timeline = await getTimeline(ctx, incident.id);
        const counts = await tableCounts(database.db);
        const readAt = ctx.clock.now();
        for (const to of INCIDENT_STATUSES.filter((s) => !expected[from].includes(s))) {
          ctx.clock.advance(MINUTE);
          const error = await expectAppError(
            changeIncidentStatus(ctx, incident.id, { status: to, note: "should not be written" }),
            "INVALID_TRANSITION",
          );
          assert.deepEqual(
            error.extra,
            { current_status: from, allowed_next_statuses: expected[from] },
            `${from} → ${to}`,
          );
          assert.ok(error.detail.includes(incident.id), error.detail);
          assert.ok(
            error.detail.includes(expected[from].length ? expected[from].join(", ") : "none"),
            error.detail,
          );
          assert.deepEqual(
            error.fields.map((f) => f.field),
            ["status"],
          );
        }
        ctx.clock.set(readAt); // the same read time, so durations and SLA clocks compare equal
        assert.deepEqual(await getIncident(ctx, incident.id), stored, `${from}: the incident is unchanged`);
        assert.deepEqual(await getTimeline(ctx, incident.id), timeline, `${from}: no timeline event`);
        assert.deepEqual(await tableCounts(database.db), counts, `${from}: no rows anywhere`);
      }
    });

    test("an unknown status is INVALID_INPUT listing the statuses; unknown fields are refused", async () => {
      const ctx = appContext(database.db);
      const incident = await declareTestIncident(ctx);
      const error = await expectAppError(
        changeIncidentStatus(ctx, incident.id, { status: "closed" }),
        "INVALID_INPUT",
      );
      assert.match(
        error.fields[0]?.message ?? "",
        /triggered, acknowledged, investigating, mitigating, resolved, postmortem/,
      );
      await expectAppError(
        changeIncidentStatus(ctx, incident.id, { status: "acknowledged", by: "x" }),
        "INVALID_INPUT",
      );
      await expectAppError(changeIncidentStatus(ctx, incident.id, {}), "INVALID_INPUT");
      assert.equal((await getIncident(ctx, incident.id)).status, "triggered");
    });

    test("an unknown incident is NOT_FOUND", async () => {
      const ctx = appContext(database.db);
      await expectAppError(changeIncidentStatus(ctx, "INC-765432", { status: "acknowledged" }), "NOT_FOUND");
    });

    test("two responders acknowledging at once: one wins, the other is told it already happened", async () => {
      const ctx = appContext(database.db);
      const incident = await declareTestIncident(ctx);
      const results = await Promise.allSettled([
        changeIncidentStatus(actingAs(ctx, "bob"), incident.id, { status: "acknowledged" }),
        changeIncidentStatus(actingAs(ctx, "carol"), incident.id, { status: "acknowledged" }),
      ]);
      assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
      const failed = results.find((r) => r.status === "rejected");
      assert.ok(failed && failed.status === "rejected");
      assert.equal((failed.reason as { code?: string }).code, "INVALID_TRANSITION");
      const { events } = await getTimeline(ctx, incident.id);
      assert.equal(events.filter((e) => e.kind === "incident.status_changed").length, 1);
      assert.equal((await verifyTimeline(ctx, incident.id)).ok, true);
    });
  });
}
