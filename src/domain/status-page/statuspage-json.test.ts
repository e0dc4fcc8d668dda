/**
 * Contract tests: every endpoint of the Statuspage-compatible JSON against ../shared/WIRE-FORMATS.md §4.3,
 * field for field (strict objects: no field missing, none extra, each of the type the spec gives).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { z } from "zod";
import { sampleStatusData } from "./samples.ts";
import { STATUSPAGE_JSON_PATHS, statuspageJson } from "./statuspage-json.ts";

const isoDateTime = z.iso.datetime();
const id = z.string().regex(/^[a-z0-9]{12}$/);
const componentStatus = z.enum([
  "operational",
  "degraded_performance",
  "partial_outage",
  "major_outage",
  "under_maintenance",
]);

const page = z.strictObject({
  id,
  name: z.string(),
  url: z.url(),
  time_zone: z.string(),
  updated_at: isoDateTime,
});
const status = z.strictObject({
  indicator: z.enum(["none", "minor", "major", "critical"]),
  description: z.string().min(1),
});
const componentFields = {
  id,
  name: z.string(),
  status: componentStatus,
  created_at: isoDateTime,
  updated_at: isoDateTime,
  position: z.number().int(),
  description: z.string().nullable(),
  showcase: z.boolean(),
  start_date: z.iso.date().nullable(),
  group_id: id.nullable(),
  page_id: id,
  only_show_if_degraded: z.boolean(),
};
const component = z.union([
  z.strictObject({ ...componentFields, group: z.literal(false) }),
  z.strictObject({ ...componentFields, group: z.literal(true), components: z.array(id) }),
]);
const updateStatus = z.enum([
  "investigating",
  "identified",
  "monitoring",
  "resolved",
  "postmortem",
  "scheduled",
  "in_progress",
  "verifying",
  "completed",
]);
const incidentUpdate = z.strictObject({
  id,
  status: updateStatus,
  body: z.string(),
  incident_id: id,
  created_at: isoDateTime,
  updated_at: isoDateTime,
  display_at: isoDateTime,
  affected_components: z.array(
    z.strictObject({ code: id, name: z.string(), old_status: componentStatus, new_status: componentStatus }),
  ),
  deliver_notifications: z.boolean(),
  custom_tweet: z.string().nullable(),
  tweet_id: z.string().nullable(),
});
const incidentFields = {
  id,
  name: z.string(),
  created_at: isoDateTime,
  updated_at: isoDateTime,
  monitoring_at: isoDateTime.nullable(),
  resolved_at: isoDateTime.nullable(),
  started_at: isoDateTime,
  shortlink: z.url(),
  page_id: id,
  incident_updates: z.array(incidentUpdate),
  components: z.array(component),
};
const incident = z.strictObject({
  ...incidentFields,
  status: z.enum(["investigating", "identified", "monitoring", "resolved", "postmortem"]),
  impact: z.enum(["none", "minor", "major", "critical"]),
});
const maintenance = z.strictObject({
  ...incidentFields,
  status: z.enum(["scheduled", "in_progress", "verifying", "completed"]),
  impact: z.literal("maintenance"),
  scheduled_for: isoDateTime,
  scheduled_until: isoDateTime,
});

const ENDPOINTS = {
  "/api/v2/summary.json": z.strictObject({
    page,
    status,
    components: z.array(component),
    incidents: z.array(incident),
    scheduled_maintenances: z.array(maintenance),
  }),
  "/api/v2/status.json": z.strictObject({ page, status }),
  "/api/v2/components.json": z.strictObject({ page, components: z.array(component) }),
  "/api/v2/incidents.json": z.strictObject({ page, incidents: z.array(incident).max(50) }),
  "/api/v2/incidents/unresolved.json": z.strictObject({ page, incidents: z.array(incident) }),
  "/api/v2/scheduled-maintenances.json": z.strictObject({
    page,
    scheduled_maintenances: z.array(maintenance).max(50),
  }),
  "/api/v2/scheduled-maintenances/upcoming.json": z.strictObject({
    page,
    scheduled_maintenances: z.array(maintenance),
  }),
  "/api/v2/scheduled-maintenances/active.json": z.strictObject({
    page,
    scheduled_maintenances: z.array(maintenance),
  }),
} as const;

/** The JSON as a client receives it (through JSON.stringify, as render-site serves it). */
function wire(scenario: Parameters<typeof sampleStatusData>[0]) {
  return JSON.parse(JSON.stringify(statuspageJson(sampleStatusData(scenario)))) as Record<string, unknown>;
}

type Json = Record<string, unknown> & {
  incidents: { id: string; status: string; [k: string]: unknown }[];
  scheduled_maintenances: { id: string; status: string; [k: string]: unknown }[];
  components: Record<string, unknown>[];
  status: { indicator: string; description: string };
};

describe("Statuspage JSON (WIRE-FORMATS.md §4.3)", () => {
  test("serves exactly the eight endpoints", () => {
    assert.deepEqual(Object.keys(wire("normal")).sort(), [...STATUSPAGE_JSON_PATHS].sort());
  });

  for (const scenario of ["normal", "major-outage", "maintenance"] as const) {
    for (const [path, schema] of Object.entries(ENDPOINTS)) {
      test(`${path} (${scenario}): every field, of the spec's type`, () => {
        const result = schema.safeParse(wire(scenario)[path]);
        assert.ok(result.success, result.success ? "" : z.prettifyError(result.error));
      });
    }
  }

  test("page object", () => {
    const json = wire("normal")["/api/v2/status.json"] as Json;
    assert.deepEqual(json.page, {
      id: "pg7k2m9x4q1z",
      name: "Acme Cloud",
      url: "https://status.example.com",
      time_zone: "Europe/Berlin",
      updated_at: "2026-01-15T10:00:00.000Z",
    });
  });

  test("status: the four indicators only, maintenance said in the description", () => {
    const statusOf = (s: Parameters<typeof wire>[0]) => (wire(s)["/api/v2/status.json"] as Json).status;
    assert.deepEqual(statusOf("normal"), { indicator: "none", description: "All Systems Operational" });
    assert.deepEqual(statusOf("major-outage"), { indicator: "critical", description: "Major System Outage" });
    assert.deepEqual(statusOf("maintenance"), {
      indicator: "none",
      description: "Service Under Maintenance",
    });
  });

  test("components: groups carry their children's ids; hidden-unless-degraded ones are still listed", () => {
    const { components } = wire("normal")["/api/v2/components.json"] as Json;
    const group = components.find((c) => c.id === "grpcore00001");
    assert.deepEqual(group?.components, ["cmpweb000001", "cmpapi000001", "cmpdash00001"]);
    assert.equal(group?.group, true);
    const api = components.find((c) => c.id === "cmpapi000001");
    assert.deepEqual(api, {
      id: "cmpapi000001",
      name: "API",
      status: "operational",
      created_at: "2025-06-01T09:00:00.000Z",
      updated_at: "2025-06-01T09:00:00.000Z",
      position: 2,
      description: "REST and GraphQL endpoints",
      showcase: true,
      start_date: null,
      group_id: "grpcore00001",
      page_id: "pg7k2m9x4q1z",
      group: false,
      only_show_if_degraded: false,
    });
    assert.ok(components.some((c) => c.name === "Billing" && c.only_show_if_degraded === true));
  });

  test("incidents: the 50 most recent; unresolved only the open ones; updates newest first", () => {
    const all = (wire("major-outage")["/api/v2/incidents.json"] as Json).incidents;
    assert.deepEqual(
      all.map((i) => i.status),
      ["identified", "postmortem", "resolved", "resolved"],
    );
    const open = (wire("major-outage")["/api/v2/incidents/unresolved.json"] as Json).incidents;
    assert.deepEqual(
      open.map((i) => i.id),
      ["incapidown01"],
    );
    const outage = open[0] as unknown as Record<string, unknown> & {
      incident_updates: Record<string, unknown>[];
      components: { id: string }[];
    };
    assert.equal(outage.impact, "critical");
    assert.equal(outage.shortlink, "https://status.example.com/incidents/incapidown01");
    assert.deepEqual(
      outage.components.map((c) => c.id),
      ["cmpapi000001", "cmpdash00001", "cmpweb000001"],
    );
    assert.deepEqual(outage.incident_updates[1], {
      id: "updapidown01",
      status: "investigating",
      body: "The API and the dashboard return errors for all requests. The website loads slowly.",
      incident_id: "incapidown01",
      created_at: "2026-03-20T13:40:00.000Z",
      updated_at: "2026-03-20T13:40:00.000Z",
      display_at: "2026-03-20T13:40:00.000Z",
      affected_components: [
        { code: "cmpapi000001", name: "API", old_status: "operational", new_status: "major_outage" },
        { code: "cmpdash00001", name: "Dashboard", old_status: "operational", new_status: "major_outage" },
        { code: "cmpweb000001", name: "Website", old_status: "operational", new_status: "partial_outage" },
      ],
      deliver_notifications: true,
      custom_tweet: null,
      tweet_id: null,
    });
    // No responder names, internal notes or incident numbers in the JSON, whatever the page shows.
    assert.ok(!JSON.stringify(all).includes("Dana Whitfield"));
  });

  test("scheduled maintenances: all, upcoming (scheduled), active (in progress or verifying)", () => {
    const json = wire("maintenance");
    const ids = (path: string) =>
      (json[path] as Json).scheduled_maintenances.map((m) => `${m.id}:${m.status}`);
    assert.deepEqual(ids("/api/v2/scheduled-maintenances.json"), [
      "mntsmsprov01:scheduled",
      "mntpgupgr001:in_progress",
      "mntdbpatch01:completed",
    ]);
    assert.deepEqual(ids("/api/v2/scheduled-maintenances/upcoming.json"), ["mntsmsprov01:scheduled"]);
    assert.deepEqual(ids("/api/v2/scheduled-maintenances/active.json"), ["mntpgupgr001:in_progress"]);
    const summary = json["/api/v2/summary.json"] as Json;
    assert.deepEqual(
      summary.scheduled_maintenances.map((m) => m.id),
      ["mntsmsprov01", "mntpgupgr001"],
    );
    const active = summary.scheduled_maintenances[1] as unknown as Record<string, unknown> & {
      incident_updates: { status: string; body: string }[];
    };
    assert.equal(active.impact, "maintenance");
    assert.equal(active.scheduled_for, "2026-03-20T14:00:00.000Z");
    assert.equal(active.scheduled_until, "2026-03-20T16:00:00.000Z");
    // The description is the first ("scheduled") update, as Statuspage records it.
    assert.deepEqual(
      active.incident_updates.map((u) => u.status),
      ["in_progress", "scheduled"],
    );
    assert.match(active.incident_updates[1]?.body ?? "", /upgrading our primary database/);
  });

  test("summary: unresolved incidents only", () => {
    const summary = wire("normal")["/api/v2/summary.json"] as Json;
    assert.deepEqual(summary.incidents, []);
    assert.deepEqual(
      (wire("major-outage")["/api/v2/summary.json"] as Json).incidents.map((i) => i.id),
      ["incapidown01"],
    );
  });
});
