import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { MINUTE } from "#domain/time.ts";
import { listServices as listServiceRows } from "#store/services.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import {
  appContext,
  declareTestIncident,
  expectAppError,
  T0,
  tableCounts,
  uniqueName,
} from "../../../test/helpers/factories.ts";
import { changeIncidentStatus } from "./change-status.ts";
import { declareIncident } from "./declare.ts";
import { getIncident } from "./get.ts";
import { getTimeline, verifyTimeline } from "./timeline.ts";

for (const backend of await testBackends()) {
  describe(`declareIncident (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await openTestDb(backend.kind);
    });
    after(async () => {
      await database?.close();
    });

    test("seed 002's CreateIncidentRequest declares a triggered incident", async () => {
      const ctx = appContext(database.db, { actor: "dana" });
      const service = uniqueName("bulk-export");
      const incident = await declareIncident(ctx, {
        title: "API timeouts on bulk export",
        description: "Exports over 10k rows time out",
        severity: "high",
        affected_services: [service],
        assignee: "alice",
        related_alerts: ["alert-123", "alert-456"],
      });
      assert.match(incident.id, /^INC-\d+$/);
      assert.equal(incident.id, `INC-${incident.number}`);
      assert.equal(incident.title, "API timeouts on bulk export");
      assert.equal(incident.description, "Exports over 10k rows time out");
      assert.equal(incident.severity, "SEV2");
      assert.equal(incident.severity_label, "high");
      assert.equal(incident.status, "triggered");
      assert.deepEqual(incident.allowed_next_statuses, [
        "acknowledged",
        "investigating",
        "mitigating",
        "resolved",
      ]);
      assert.equal(incident.assignee, "alice");
      assert.deepEqual(incident.roles, {
        commander: "alice",
        communications_lead: null,
        scribe: null,
        responders: [],
      });
      assert.deepEqual(incident.affected_services, [service]);
      assert.deepEqual(incident.related_alerts, ["alert-123", "alert-456"]);
      assert.equal(incident.created_by, "dana");
      assert.equal(incident.created_at, T0);
      assert.equal(incident.acknowledged_at, null);
      assert.equal(incident.resolved_at, null);
      assert.equal(incident.sla.ack_due_at, new Date(Date.parse(T0) + 15 * MINUTE).toISOString());
      assert.equal(incident.timeline_length, 1);

      const stored = await getIncident(ctx, incident.id);
      const { evidence, status_updates, action_items, ...view } = stored;
      assert.deepEqual(view, incident, "what declare answers is what a later read shows");
      assert.deepEqual([evidence, status_updates, action_items], [[], [], []]);

      const { events } = await getTimeline(ctx, incident.id);
      assert.equal(events.length, 1);
      assert.equal(events[0]?.kind, "incident.declared");
      assert.equal(events[0]?.actor, "dana");
      assert.equal(events[0]?.at, T0);
      assert.deepEqual(events[0]?.data, {
        title: "API timeouts on bulk export",
        severity: "SEV2",
        affected_services: [service],
        assignee: "alice",
      });
      assert.deepEqual(await verifyTimeline(ctx, incident.id), {
        incident_id: incident.id,
        ok: true,
        events: 1,
        head: events[0]?.hash,
      });
    });

    test("incident numbers increase", async () => {
      const ctx = appContext(database.db);
      const numbers: number[] = [];
      for (let i = 0; i < 4; i++) numbers.push((await declareTestIncident(ctx)).number);
      for (let i = 1; i < numbers.length; i++) {
        assert.ok(
          (numbers[i] ?? 0) > (numbers[i - 1] ?? 0),
          `INC numbers ${numbers.join(", ")} must increase`,
        );
      }
    });

    test("services are created by name once, whatever the capitalisation", async () => {
      const ctx = appContext(database.db);
      const name = uniqueName("Checkout");
      const first = await declareTestIncident(ctx, {
        affected_services: [name, name.toLowerCase(), name.toUpperCase()],
      });
      assert.deepEqual(first.affected_services, [name]);
      const before = await tableCounts(database.db);
      const second = await declareTestIncident(ctx, { affected_services: [name.toUpperCase()] });
      assert.deepEqual(second.affected_services, [name], "the first spelling is kept");
      const after = await tableCounts(database.db);
      assert.equal(after.services, before.services, "no second service row");
      const rows = (await listServiceRows(database.db)).filter(
        (s) => s.name.toLowerCase() === name.toLowerCase(),
      );
      assert.equal(rows.length, 1);
    });

    test("affected services are listed in case-insensitive order", async () => {
      const ctx = appContext(database.db);
      const tag = uniqueName("x");
      const names = [`zeta-${tag}`, `Alpha-${tag}`, `mid-${tag}`];
      const incident = await declareTestIncident(ctx, { affected_services: names });
      const expected = [`Alpha-${tag}`, `mid-${tag}`, `zeta-${tag}`];
      assert.deepEqual(incident.affected_services, expected);
      assert.deepEqual((await getIncident(ctx, incident.id)).affected_services, expected);
    });

    test("every severity spelling is stored as its canonical level", async () => {
      const ctx = appContext(database.db);
      const cases: [string, string][] = [
        ["critical", "SEV1"],
        ["SEV1", "SEV1"],
        ["P1", "SEV1"],
        ["sev-2", "SEV2"],
        ["Medium", "SEV3"],
        ["P4", "SEV4"],
        ["low", "SEV4"],
      ];
      for (const [input, expected] of cases) {
        const incident = await declareTestIncident(ctx, { severity: input });
        assert.equal(incident.severity, expected, input);
      }
    });

    test("the configured priority scheme decides what P0 and P4 mean", async () => {
      const p0 = appContext(database.db, { priorityScheme: "p0-p3" });
      assert.equal((await declareTestIncident(p0, { severity: "P0" })).severity, "SEV1");
      assert.equal((await declareTestIncident(p0, { severity: "P3" })).severity, "SEV4");
      const before = await tableCounts(database.db);
      const p4 = await expectAppError(declareTestIncident(p0, { severity: "P4" }), "INVALID_INPUT");
      assert.deepEqual(
        p4.fields.map((f) => f.field),
        ["severity"],
      );
      assert.match(p4.fields[0]?.message ?? "", /P0, P1, P2, P3/);
      const p1 = appContext(database.db);
      const p0Refused = await expectAppError(declareTestIncident(p1, { severity: "P0" }), "INVALID_INPUT");
      assert.match(p0Refused.detail, /P1, P2, P3, P4/);
      assert.deepEqual(await tableCounts(database.db), before, "a refused declare writes nothing");
    });

    test("optional fields may be left out", async () => {
      const ctx = appContext(database.db);
      const incident = await declareIncident(ctx, { title: "Login slow", severity: "low" });
      assert.equal(incident.description, "");
      assert.equal(incident.assignee, null);
      assert.deepEqual(incident.roles, {
        commander: null,
        communications_lead: null,
        scribe: null,
        responders: [],
      });
      assert.deepEqual(incident.affected_services, []);
      assert.deepEqual(incident.related_alerts, []);
      assert.deepEqual(incident.tags, []);
    });

    test("tags are lower-cased and de-duplicated; a leading @ on the assignee is dropped", async () => {
      const ctx = appContext(database.db);
      const incident = await declareTestIncident(ctx, {
        tags: ["Data-Breach", "data-breach", "pci"],
        assignee: "@bob",
      });
      assert.deepEqual(incident.tags, ["data-breach", "pci"]);
      assert.equal(incident.assignee, "bob");
    });

    test("every invalid field is reported at once and nothing is written", async () => {
      const ctx = appContext(database.db);
      const before = await tableCounts(database.db);
      const error = await expectAppError(
        declareIncident(ctx, {
          title: "   ",
          severity: "urgent",
          affected_services: ["ok-service", ""],
          assignee: "not a handle",
          related_alerts: [""],
          priority: "high",
        }),
        "INVALID_INPUT",
      );
      const fields = [...new Set(error.fields.map((f) => f.field))].sort();
      assert.deepEqual(fields, [
        "(body)",
        "affected_services.1",
        "assignee",
        "related_alerts.0",
        "severity",
        "title",
      ]);
      assert.match(error.fields.find((f) => f.field === "(body)")?.message ?? "", /"priority"/);
      assert.deepEqual(await tableCounts(database.db), before);
    });

    test("missing required fields are named", async () => {
      const ctx = appContext(database.db);
      const error = await expectAppError(declareIncident(ctx, {}), "INVALID_INPUT");
      assert.deepEqual(error.fields.map((f) => [f.field, f.message]).sort(), [
        ["severity", "is required"],
        ["title", "is required"],
      ]);
      await expectAppError(declareIncident(ctx, null), "INVALID_INPUT");
      await expectAppError(declareIncident(ctx, "title"), "INVALID_INPUT");
    });

    test("the declare time comes from the clock", async () => {
      const ctx = appContext(database.db);
      ctx.clock.set("2026-07-04T12:34:56.789Z");
      const incident = await declareTestIncident(ctx);
      assert.equal(incident.created_at, "2026-07-04T12:34:56.789Z");
      assert.equal(incident.updated_at, "2026-07-04T12:34:56.789Z");
    });

    test("an unknown incident is NOT_FOUND and a malformed id INVALID_INPUT", async () => {
      const ctx = appContext(database.db);
      await expectAppError(getIncident(ctx, "INC-987654"), "NOT_FOUND");
      await expectAppError(getIncident(ctx, "incident-1"), "INVALID_INPUT");
    });

    test("an incident number beyond any stored one is NOT_FOUND, not a database error", async () => {
      const ctx = appContext(database.db);
      await expectAppError(getIncident(ctx, "INC-99999999999"), "NOT_FOUND");
      await expectAppError(getIncident(ctx, "2147483648"), "NOT_FOUND");
      await expectAppError(
        changeIncidentStatus(ctx, "INC-99999999999", { status: "acknowledged" }),
        "NOT_FOUND",
      );
    });
  });
}
