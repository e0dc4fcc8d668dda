// The metrics report on both storages, from incidents run through the real use cases with a manual clock:
// the figures equal hand-computed ones, a change after a read shows on the next read (trigger → dirty day →
// recomputed), figures that change with time alone change on their own (valid_until), and the filters.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, test } from "node:test";
import { sql } from "drizzle-orm";
import pg from "pg";
import { DAY, HOUR, MINUTE } from "#domain/time.ts";
import { withTransaction } from "#store/db.ts";
import { findUsersByUsername } from "#store/directory.ts";
import { insertNotifications, setNotificationState } from "#store/paging.ts";
import { executeRows } from "#store/rows.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import {
  alertEvent,
  appContext,
  expectAppError,
  T0,
  type TestContext,
  uniqueName,
  userActor,
} from "../../../test/helpers/factories.ts";
import { AlertIntake } from "../alerts/intake.ts";
import { createIntegration } from "../alerts/integrations.ts";
import { createMaintenanceWindow } from "../alerts/maintenance.ts";
import { processInbox } from "../alerts/process.ts";
import { createService, updateServiceSettings } from "../alerts/services.ts";
import { createType } from "../incident-types/incident-types.ts";
import { completeActionItem, createActionItem } from "../incidents/action-items.ts";
import { changeIncidentStatus } from "../incidents/change-status.ts";
import { declareIncident } from "../incidents/declare.ts";
import { postStatusUpdate } from "../incidents/records.ts";
import { addContactMethod } from "../oncall/contact-methods.ts";
import { createTeam } from "../oncall/teams.ts";
import { createPerson, updatePerson } from "../oncall/users.ts";
import { startPostmortem } from "../postmortems/start.ts";
import { changePostmortemStatus } from "../postmortems/status.ts";
import { createComponent } from "../status-page/components.ts";
import { updateStatusPageSettings } from "../status-page/settings.ts";
import { metricsReport } from "./report.ts";
import { refreshRollups } from "./rollup.ts";
import type { MetricsFilter, MetricsReport } from "./types.ts";

/** Within the sketches' documented 1 % of the exact nearest-rank value. */
function near(actual: number | null | undefined, expected: number, what: string): void {
  assert.ok(
    typeof actual === "number" && Math.abs(actual - expected) <= expected * 0.01,
    `${what}: ${actual} is not within 1 % of ${expected}`,
  );
}

const WEEK = { from: new Date("2026-03-02T00:00:00Z"), to: new Date("2026-03-09T00:00:00Z") };

function filter(overrides: Partial<MetricsFilter> = {}): MetricsFilter {
  return { ...WEEK, service: null, team: null, severities: [], type: null, ...overrides };
}

const row = <T extends { severity: string }>(rows: T[], severity: string): T => {
  const found = rows.find((r) => r.severity === severity);
  assert.ok(found, `no ${severity} row`);
  return found;
};

async function declare(ctx: TestContext, severity: string, services: string[], type?: string) {
  return declareIncident(ctx, {
    title: `${severity} on ${services.join(", ")}`,
    severity,
    affected_services: services,
    ...(type ? { type } : {}),
  });
}

for (const backend of await testBackends()) {
  describe(`metrics report (${backend.kind})`, { skip: backend.skip }, () => {
    async function withDb(fn: (database: TestDatabase) => Promise<void>) {
      const database = await openTestDb(backend.kind);
      try {
        await fn(database);
      } finally {
        await database.close();
      }
    }

    test("hand-computed figures; changes and deadlines show on the next read; filters", () =>
      withDb(async (database) => {
        const ctx = appContext(database.db, { actor: userActor("alice", "admin") });
        const at = (minutes: number) => ctx.clock.set(new Date(Date.parse(T0) + minutes * MINUTE));
        const svcA = uniqueName("checkout");
        const svcB = uniqueName("search");
        const team = uniqueName("payments");
        const type = uniqueName("deploy");
        await createService(ctx, { name: svcA });
        await createService(ctx, { name: svcB });
        await createTeam(ctx, { name: team });
        await updateServiceSettings(ctx, svcA, { team });
        await createType(ctx, { name: type });

        // Monday 09:00: four incidents. A SEV1 (svcA, typed), B SEV1 (svcB), C SEV2 (both), D SEV3 (svcB).
        const a = await declare(ctx, "SEV1", [svcA], type);
        const b = await declare(ctx, "SEV1", [svcB]);
        const c = await declare(ctx, "SEV2", [svcA, svcB]);
        const d = await declare(ctx, "SEV3", [svcB]);
        at(3);
        await changeIncidentStatus(ctx, a.id, { status: "acknowledged" }); // 3 min: within SEV1's 5
        at(10);
        await changeIncidentStatus(ctx, b.id, { status: "acknowledged" }); // 10 min: late
        await changeIncidentStatus(ctx, c.id, { status: "resolved" }); // ack = resolve = 10 min: within 15
        at(12);
        await postStatusUpdate(ctx, a.id, { message: "Rolling back", visibility: "internal" });
        at(30);
        await changeIncidentStatus(ctx, b.id, { status: "resolved" });

        at(40);
        const first = await metricsReport(ctx, filter());
        assert.equal(
          row(first.sla, "SEV3").compliance.total,
          0,
          "D is inside its 60 min target: not counted yet",
        );
        assert.equal(row(first.response_times, "SEV1").mttr.count, 1, "only B is resolved");

        at(61);
        const second = await metricsReport(ctx, filter());
        assert.deepEqual(
          row(second.sla, "SEV3").compliance,
          { met: 0, total: 1, ratio: 0 },
          "past its target unacknowledged, D counts as missed with no write in between",
        );

        at(63);
        await changeIncidentStatus(ctx, a.id, { status: "resolved" });
        const item = await createActionItem(ctx, a.id, {
          title: "Add a canary",
          due_at: new Date(Date.parse(T0) + DAY).toISOString(),
        });
        const done = await createActionItem(ctx, a.id, { title: "Fix the alert" });
        await completeActionItem(ctx, a.id, done.id);
        at(120);
        await startPostmortem(ctx, a.id);
        await changePostmortemStatus(ctx, a.id, { status: "in_review" });
        await changePostmortemStatus(ctx, a.id, { status: "published" }); // 57 min after A's resolution

        const third = await metricsReport(ctx, filter());
        assert.equal(
          row(third.response_times, "SEV1").mttr.count,
          2,
          "A's resolution shows on the next read",
        );
        assert.deepEqual(third.action_items, { open: 1, overdue: 0, done: 1 });
        assert.deepEqual(
          row(third.postmortem_compliance, "all").compliance,
          { met: 1, total: 1, ratio: 1 },
          "A's was published in time; B's and C's are not due before 48 h after their resolution",
        );
        assert.ok(item.id);

        // Three days later nothing was written, yet: the action item is overdue, B's and C's postmortems missing.
        ctx.clock.set(new Date(Date.parse(T0) + 3 * DAY));
        const report = await metricsReport(ctx, filter());

        assert.deepEqual(report.range, { from: "2026-03-02", to: "2026-03-09", days: 7 });
        const sev1 = row(report.response_times, "SEV1");
        assert.equal(sev1.incidents, 2);
        assert.equal(sev1.mtta.count, 2);
        assert.equal(sev1.mtta.mean_seconds, 390, "(180 + 600) / 2, exact");
        near(sev1.mtta.median_seconds, 180, "SEV1 MTTA median (nearest rank 1 of 2)");
        near(sev1.mtta.p90_seconds, 600, "SEV1 MTTA p90");
        assert.equal(sev1.mttr.mean_seconds, 2790, "(3780 + 1800) / 2");
        near(sev1.mttr.median_seconds, 1800, "SEV1 MTTR median");
        near(sev1.mttr.p90_seconds, 3780, "SEV1 MTTR p90");
        const sev2 = row(report.response_times, "SEV2");
        assert.deepEqual([sev2.incidents, sev2.mtta.mean_seconds, sev2.mttr.mean_seconds], [1, 600, 600]);
        const sev3 = row(report.response_times, "SEV3");
        assert.deepEqual(
          [sev3.incidents, sev3.mtta.count, sev3.mttr.count, sev3.mttr.median_seconds],
          [1, 0, 0, null],
        );
        assert.equal(row(report.response_times, "SEV4").incidents, 0);
        const all = row(report.response_times, "all");
        assert.equal(all.incidents, 4);
        assert.equal(all.mtta.mean_seconds, 460, "(180 + 600 + 600) / 3");
        near(all.mtta.median_seconds, 600, "all MTTA median");
        assert.equal(all.mttr.mean_seconds, 2060, "(3780 + 1800 + 600) / 3");
        near(all.mttr.median_seconds, 1800, "all MTTR median");
        near(all.mttr.p90_seconds, 3780, "all MTTR p90");

        assert.deepEqual(report.frequency, [
          { week: "2026-03-02", SEV1: 2, SEV2: 1, SEV3: 1, SEV4: 0, total: 4 },
        ]);
        assert.equal(report.trend.length, 1);
        assert.equal(report.trend[0]?.incidents, 4);
        assert.equal(report.trend[0]?.sla_ratio, 0.5);

        assert.deepEqual(
          report.sla.map((s) => [s.severity, s.target_minutes, s.compliance.met, s.compliance.total]),
          [
            ["SEV1", 5, 1, 2],
            ["SEV2", 15, 1, 1],
            ["SEV3", 60, 0, 1],
            ["SEV4", 240, 0, 0],
            ["all", null, 2, 4],
          ],
        );
        assert.equal(row(report.sla, "SEV4").compliance.ratio, null, "nothing counted: no ratio");
        // A (15 min cadence, open 63 min, one update at 12 min): due at 15 (met), 27, 42, 57 → 4 required,
        // 1 on time. B (open 30 min, none): due at 15 → 1 required. C was open 10 min: none due.
        assert.deepEqual(
          report.update_compliance.map((u) => [
            u.severity,
            u.cadence_minutes,
            u.compliance.met,
            u.compliance.total,
          ]),
          [
            ["SEV1", 15, 1, 5],
            ["SEV2", 30, 0, 0],
            ["SEV3", 120, 0, 0],
            ["SEV4", 1440, 0, 0],
            ["all", null, 1, 5],
          ],
        );
        assert.deepEqual(report.postmortem_compliance, [
          {
            severity: "SEV1",
            due_hours: 48,
            compliance: { met: 1, total: 2, ratio: 0.5 },
            late: 0,
            missing: 1,
          },
          {
            severity: "SEV2",
            due_hours: 48,
            compliance: { met: 0, total: 1, ratio: 0 },
            late: 0,
            missing: 1,
          },
          {
            severity: "all",
            due_hours: null,
            compliance: { met: 1, total: 3, ratio: 1 / 3 },
            late: 0,
            missing: 2,
          },
        ]);
        assert.deepEqual(report.action_items, { open: 1, overdue: 1, done: 1 });

        // Filters.
        const bySvcA = await metricsReport(ctx, filter({ service: svcA }));
        assert.deepEqual(
          bySvcA.response_times.map((r) => [r.severity, r.incidents]),
          [
            ["SEV1", 1],
            ["SEV2", 1],
            ["SEV3", 0],
            ["SEV4", 0],
            ["all", 2],
          ],
          "svcA: A and C",
        );
        assert.deepEqual(bySvcA.action_items, { open: 1, overdue: 1, done: 1 });
        const byTeam = await metricsReport(ctx, filter({ team: team.toUpperCase() }));
        assert.equal(row(byTeam.response_times, "all").incidents, 2, "the team owns svcA: A and C");
        const mismatch = await metricsReport(ctx, filter({ service: svcB, team }));
        assert.equal(row(mismatch.response_times, "all").incidents, 0, "svcB is not the team's");
        const sev1Only = await metricsReport(ctx, filter({ severities: ["SEV1"] }));
        assert.deepEqual(
          sev1Only.response_times.map((r) => [r.severity, r.incidents]),
          [
            ["SEV1", 2],
            ["all", 2],
          ],
        );
        assert.deepEqual(sev1Only.frequency[0], {
          week: "2026-03-02",
          SEV1: 2,
          SEV2: 0,
          SEV3: 0,
          SEV4: 0,
          total: 2,
        });
        const typed = await metricsReport(ctx, filter({ type }));
        assert.equal(row(typed.response_times, "all").incidents, 1, "only A has the type");
        assert.equal(row(typed.sla, "all").compliance.met, 1);
        const untyped = await metricsReport(ctx, filter({ type: "none" }));
        assert.equal(row(untyped.response_times, "all").incidents, 3, "B, C and D have no type");
        assert.deepEqual(untyped.action_items, { open: 0, overdue: 0, done: 0 });

        // The same figures from day rows (a range of partial weeks) as from the week rows.
        for (const range of [
          { from: new Date("2026-02-25T00:00:00Z"), to: new Date("2026-03-12T00:00:00Z") },
          { from: new Date("2026-03-02T00:00:00Z"), to: new Date("2026-03-03T00:00:00Z") },
        ]) {
          const other = await metricsReport(ctx, filter(range));
          assert.deepEqual(strip(other).response_times, strip(report).response_times);
          assert.deepEqual(other.sla, report.sla);
          assert.deepEqual(other.postmortem_compliance, report.postmortem_compliance);
          assert.deepEqual(other.action_items, report.action_items);
          assert.equal(other.frequency.find((f) => f.week === "2026-03-02")?.total, 4);
          const typedDays = await metricsReport(ctx, filter({ ...range, type }));
          assert.equal(row(typedDays.response_times, "all").incidents, 1);
        }

        // A service joining the team moves its incidents into the team's figures.
        await updateServiceSettings(ctx, svcB, { team });
        const moved = await metricsReport(ctx, filter({ team }));
        assert.equal(row(moved.response_times, "all").incidents, 4, "now both services are the team's");

        // Unknown names: NOT_FOUND naming them (and the few known ones).
        const unknown = await expectAppError(
          metricsReport(ctx, filter({ service: "no-such-service", type: "no-such-type" })),
          "NOT_FOUND",
        );
        assert.match(unknown.detail, /Service "no-such-service", Incident type "no-such-type" do not exist/);
        assert.deepEqual(
          unknown.fields.map((f) => f.field),
          ["service", "type"],
        );
        assert.match(unknown.fields[1]?.message ?? "", new RegExp(`known: ${type}`));
        await expectAppError(metricsReport(ctx, filter({ team: "nobody" })), "NOT_FOUND");
        assert.equal(d.severity, "SEV3");
      }));

    test("alerts and noise per service", () =>
      withDb(async (database) => {
        const ctx = appContext(database.db, { actor: userActor("alice", "admin") });
        const service = uniqueName("db");
        await createService(ctx, { name: service });
        const integration = await createIntegration(ctx, service, { kind: "pagerduty" }, () => []);
        const intake = new AlertIntake(ctx.db, ctx.clock, {
          defaultRateLimitPerMinute: 0,
          maxQueuedEvents: 100,
        });
        const source = {
          id: integration.id,
          kind: "pagerduty",
          serviceId: (await intake.integration(integration.routing_key)).serviceId,
          rateLimitPerMinute: 0,
        };
        const event = (dedupKey: string) => alertEvent("trigger", dedupKey, `${dedupKey} is failing`);
        const trigger = async (dedupKey: string) => {
          await intake.accept(source, [event(dedupKey)]);
          while ((await processInbox(ctx)) > 0);
        };
        await trigger("disk");
        await trigger("cpu");
        const before = await metricsReport(ctx, filter());
        assert.deepEqual(before.alerts, {
          total: 2,
          noise: 0,
          noise_ratio: 0,
          by_service: [{ service, alerts: 2, noise: 0, noise_ratio: 0 }],
        });
        // During a maintenance window an alert is recorded but opens no incident: noise.
        await createMaintenanceWindow(ctx, service, {
          starts_at: "2026-03-02T09:30:00Z",
          ends_at: "2026-03-02T10:30:00Z",
        });
        ctx.clock.advance(45 * MINUTE);
        await trigger("memory");
        const after = await metricsReport(ctx, filter());
        assert.deepEqual(after.alerts.by_service, [{ service, alerts: 3, noise: 1, noise_ratio: 1 / 3 }]);
        // The second incident merged into the first: its alert no longer opened an incident of its own.
        await ctx.db.execute(
          sql`update alerts set incident_id = (select incident_id from alerts where dedup_key = 'disk')
              where dedup_key = 'cpu'`,
        );
        const merged = await metricsReport(ctx, filter());
        assert.deepEqual(merged.alerts.by_service, [{ service, alerts: 3, noise: 2, noise_ratio: 2 / 3 }]);
        assert.equal(merged.alerts.noise_ratio, 2 / 3);
        const other = uniqueName("other");
        await createService(ctx, { name: other });
        assert.equal((await metricsReport(ctx, filter({ service: other }))).alerts.total, 0);
        const nextWeek = { from: new Date("2026-03-09T00:00:00Z"), to: new Date("2026-03-16T00:00:00Z") };
        assert.equal((await metricsReport(ctx, filter(nextWeek))).alerts.total, 0, "alerts of another week");
      }));

    test("pages per person, off hours in their time zone, failed pages; filters through the incident", () =>
      withDb(async (database) => {
        const ctx = appContext(database.db, { actor: userActor("alice", "admin") });
        const service = uniqueName("api");
        const incident = await declare(ctx, "SEV1", [service]);
        const other = await declare(ctx, "SEV2", [uniqueName("web")]);
        const people = [
          { username: uniqueName("utc"), time_zone: "UTC", display_name: "Uma Tan" },
          { username: uniqueName("ny"), time_zone: "America/New_York" },
        ];
        const methods: string[] = [];
        for (const p of people) {
          await createPerson(ctx, p);
          methods.push(
            (await addContactMethod(ctx, p.username, { kind: "console", address: p.username })).id,
          );
        }
        const users = await findUsersByUsername(
          ctx.db,
          people.map((p) => p.username),
        );
        const idOf = (name: string) => users.find((u) => u.username === name)?.id ?? "";
        // Monday 09:30 UTC is working time in UTC and 04:30 in New York.
        const sentAt = new Date(Date.parse(T0) + 30 * MINUTE);
        const page = (user: number, incidentId: string | null, reason = "page") => ({
          id: randomUUID(),
          incidentId,
          userId: idOf(people[user]?.username ?? ""),
          contactMethodId: methods[user] as string,
          reason,
          summary: "page",
          state: "pending",
          dueAt: ctx.clock.now(),
          createdAt: ctx.clock.now(),
        });
        const rows = [
          page(0, incident.uuid),
          page(1, incident.uuid),
          page(0, incident.uuid),
          page(0, other.uuid),
          page(1, null, "escalation_rule"),
          // An update reminder to the commander is a message, not on-call load.
          page(0, incident.uuid, "reminder"),
        ];
        await withTransaction(ctx.db, async (tx) => {
          await insertNotifications(tx, rows, ctx.clock.now());
          await setNotificationState(
            tx,
            [rows[0]?.id, rows[1]?.id, rows[3]?.id, rows[4]?.id, rows[5]?.id] as string[],
            {
              state: "sent",
              sentAt,
            },
          );
          await setNotificationState(tx, [rows[2]?.id as string], { state: "failed" });
        });
        const pending = page(1, incident.uuid);
        await withTransaction(ctx.db, (tx) => insertNotifications(tx, [pending], ctx.clock.now()));

        const report = await metricsReport(ctx, filter());
        const [utc, ny] = people.map((p) => p.username);
        assert.deepEqual(report.oncall_load, {
          sent: 4,
          off_hours: 2,
          failed: 1,
          people: [
            { user: ny, name: ny, sent: 2, off_hours: 2, failed: 0, off_hours_ratio: 1 },
            { user: utc, name: "Uma Tan", sent: 2, off_hours: 0, failed: 1, off_hours_ratio: 0 },
          ],
        });
        const bySeverity = await metricsReport(ctx, filter({ severities: ["SEV1"] }));
        assert.deepEqual(
          bySeverity.oncall_load.people.map((p) => [p.user, p.sent, p.failed]),
          [
            [ny, 1, 0],
            [utc, 1, 1],
          ],
          "SEV1 only: the SEV2 page and the page without an incident drop out",
        );
        const byService = await metricsReport(ctx, filter({ service }));
        assert.equal(byService.oncall_load.sent, 2);

        // A person moving to UTC: their pages are recounted.
        await updatePerson(ctx, ny as string, { time_zone: "UTC" });
        const moved = await metricsReport(ctx, filter());
        assert.equal(moved.oncall_load.off_hours, 0);
        assert.equal((await refreshRollups(ctx)).days, 0, "nothing left to recompute");
      }));

    // PostgreSQL only: PGlite has one connection, so no write can commit while a refresh runs.
    if (backend.kind === "postgres")
      test("a write committed while a refresh runs is not lost", () =>
        withDb(async (database) => {
          const ctx = appContext(database.db, { actor: userActor("alice", "admin") });
          const incident = await declare(ctx, "SEV2", [uniqueName("api")]);
          // The day is dirty (the declare marked it). Another session acknowledges the incident and holds its
          // transaction open: its trigger found the day already dirty and marked nothing.
          const writer = new pg.Client({ connectionString: database.url });
          await writer.connect();
          try {
            await writer.query("begin");
            await writer.query(
              "update incidents set status = 'acknowledged', acknowledged_at = created_at + interval '2 minutes' where id = $1",
              [incident.uuid],
            );
            const refresh = refreshRollups(ctx);
            await new Promise((resolve) => setTimeout(resolve, 300));
            await writer.query("commit");
            assert.equal((await refresh).days, 1);
          } finally {
            await writer.end();
          }
          const [row] = await executeRows(
            ctx.db,
            sql`select acknowledged from metric_incident_days where scope = '*'`,
          );
          assert.equal(
            row?.acknowledged,
            1,
            "the refresh waited for the writer and counted its acknowledgement",
          );
        }));

    test("uptime per component over the range: major outage fully, partial outage at 30 %", () =>
      withDb(async (database) => {
        const ctx = appContext(database.db, { actor: userActor("alice", "admin") });
        const service = uniqueName("api");
        await createService(ctx, { name: service });
        const name = uniqueName("API");
        await createComponent(ctx, { name, services: [service], start_date: "2026-03-01" });
        await createComponent(ctx, { name: uniqueName("Idle"), start_date: "2026-03-01" });
        // SEV1 (major outage) 09:00–10:00, SEV2 (partial outage) 09:30–10:30: 60 min major, 30 min partial.
        const major = await declare(ctx, "SEV1", [service]);
        ctx.clock.advance(30 * MINUTE);
        const partial = await declare(ctx, "SEV2", [service]);
        ctx.clock.advance(30 * MINUTE);
        await changeIncidentStatus(ctx, major.id, { status: "resolved" });
        ctx.clock.advance(30 * MINUTE);
        await changeIncidentStatus(ctx, partial.id, { status: "resolved" });
        ctx.clock.advance(HOUR);
        const day = { from: new Date("2026-03-02T00:00:00Z"), to: new Date("2026-03-03T00:00:00Z") };
        ctx.clock.set(new Date("2026-03-04T00:00:00Z"));
        const report = await metricsReport(ctx, filter(day));
        const api = report.uptime.find((u) => u.component === name);
        assert.deepEqual(api, {
          component: name,
          group: null,
          uptime_percent: Math.round((1 - (3600 + 0.3 * 1800) / 86400) * 100 * 10_000) / 10_000,
          major_outage_minutes: 60,
          partial_outage_minutes: 30,
        });
        assert.equal(report.uptime.find((u) => u.component !== name)?.uptime_percent, 100);
        // An incident still open counts up to now, read live.
        ctx.clock.set(new Date("2026-03-03T12:00:00Z"));
        await declare(ctx, "SEV1", [service]);
        ctx.clock.set(new Date("2026-03-03T18:00:00Z"));
        const nextDay = { from: new Date("2026-03-03T00:00:00Z"), to: new Date("2026-03-04T00:00:00Z") };
        const ongoing = (await metricsReport(ctx, filter(nextDay))).uptime.find((u) => u.component === name);
        assert.deepEqual(
          [ongoing?.uptime_percent, ongoing?.major_outage_minutes],
          [Math.round((1 - 6 / 18) * 100 * 10_000) / 10_000, 360],
          "6 h of major outage in the 18 h so far",
        );
        // The page's severity map applies as the report reads: SEV1 as degraded performance counts as up.
        await updateStatusPageSettings(ctx, {
          component_status_by_severity: { SEV1: "degraded_performance" },
        });
        const remapped = (await metricsReport(ctx, filter(day))).uptime.find((u) => u.component === name);
        assert.deepEqual(
          [remapped?.major_outage_minutes, remapped?.partial_outage_minutes],
          [0, 60],
          "only the SEV2 incident's hour is an outage now",
        );
        const only = await metricsReport(ctx, filter(day), { sections: ["uptime"] });
        assert.deepEqual(only.uptime[0]?.component, name, "one section reads what it needs");
        assert.equal(row(only.response_times, "all").incidents, 0, "and leaves the others empty");
        const sla = await metricsReport(ctx, filter(day), { sections: ["sla"] });
        assert.deepEqual([sla.uptime, row(sla.sla, "all").compliance.total], [[], 2]);
        const before = await metricsReport(
          ctx,
          filter({ from: new Date("2026-02-20T00:00:00Z"), to: new Date("2026-03-01T00:00:00Z") }),
        );
        assert.equal(before.uptime[0]?.uptime_percent, null, "no data before the start date");
      }));
  });
}

/** A report without what legitimately differs between two ranges. */
function strip(report: MetricsReport) {
  return { response_times: report.response_times };
}
