import { localToInstant } from "#domain/alert/maintenance.ts";
import { SEVERITIES, type Severity } from "#domain/incident/severity.ts";
import { OPEN_STATUSES } from "#domain/incident/status.ts";
import { Sketch } from "#domain/metrics/sketch.ts";
import { compliance, sketchStats } from "#domain/metrics/stats.ts";
import type { Compliance, DurationStats } from "#domain/metrics/types.ts";
import { weeksBetween } from "#domain/metrics/weeks.ts";
import { statusBySeverity } from "#domain/status-page/status.ts";
import type { ComponentStatus } from "#domain/status-page/types.ts";
import { type StatusInterval, uptimeDays } from "#domain/status-page/uptime.ts";
import { DAY } from "#domain/time.ts";
import {
  type IncidentRollupFigures,
  knownNames,
  NIL_TYPE_ID,
  type RollupQuery,
  readAlertLoad,
  readIncidentRollups,
  readManualStatusSpans,
  readPageLoad,
  readServiceOutages,
  readStatusPageRules,
  readUptimeComponents,
  resolveMetricNames,
} from "#store/metrics.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { addFigures, emptyFigures, mergeSpans, refreshRollups } from "./rollup.ts";
import type {
  ComplianceView,
  DurationView,
  FrequencyWeek,
  MetricSection,
  MetricsFilter,
  MetricsReport,
  PostmortemComplianceRow,
  ResponseTimesRow,
  SlaRow,
  TrendWeek,
  UpdateComplianceRow,
  UptimeRow,
} from "./types.ts";

const dayOf = (d: Date) => d.toISOString().slice(0, 10);

/** A scope no rollup row has: a service filter with a team the service is not in. */
const NO_SCOPE = "none";

/** The sections that read the incident rollups (the rest read pages, alerts or the status components). */
const INCIDENT_SECTIONS: readonly MetricSection[] = [
  "response-times",
  "frequency",
  "trend",
  "sla",
  "update-compliance",
  "postmortem-compliance",
  "action-items",
];

export interface MetricsReportOptions {
  /**
   * Only these sections are read; the others come back empty (zero counts, no rows). For one section of
   * the API or the CLI: uptime, for one, reads every outage of the range from the incidents themselves.
   */
  sections?: readonly MetricSection[];
}

/** The whole report for a filter (refreshes stale rollups first). Unknown service/team/type: AppError not_found. */
export async function metricsReport(
  ctx: AppContext,
  filter: MetricsFilter,
  options: MetricsReportOptions = {},
): Promise<MetricsReport> {
  const wanted = (...sections: MetricSection[]) =>
    !options.sections || sections.some((s) => options.sections?.includes(s));
  await refreshRollups(ctx, { wait: true });
  const now = ctx.clock.now();
  const fromDay = dayOf(filter.from);
  const toDay = dayOf(filter.to);
  const { scope, typeId, serviceId, teamId } = await resolveScope(ctx, filter);
  const severities: Severity[] = filter.severities.length
    ? SEVERITIES.filter((s) => filter.severities.includes(s))
    : [...SEVERITIES];
  const query: RollupQuery = {
    scope,
    fromDay,
    toDay,
    severities: filter.severities.length ? severities : [],
    typeId,
  };
  // Independent reads: on PostgreSQL they run side by side on pooled connections.
  const [incidentRows, pages, alerts, uptime] = await Promise.all([
    wanted(...INCIDENT_SECTIONS)
      ? readIncidentRollups(ctx.db, query, { sketches: wanted("response-times", "trend") })
      : [],
    wanted("oncall-load") ? readPageLoad(ctx.db, query) : [],
    scope === NO_SCOPE || !wanted("alerts")
      ? []
      : readAlertLoad(ctx.db, { fromDay, toDay, serviceId, teamId }),
    wanted("uptime") ? uptimeRows(ctx, filter.from, filter.to, now) : [],
  ]);

  // Sum the rollup rows per severity and per week.
  const bySeverity = new Map<string, Totals>();
  const byWeek = new Map<string, Totals>();
  const weekSeverityCounts = new Map<string, number>();
  for (const r of incidentRows) {
    addTo(bySeverity, r.severity, r);
    addTo(byWeek, r.week, r);
    const key = `${r.week}|${r.severity}`;
    weekSeverityCounts.set(key, (weekSeverityCounts.get(key) ?? 0) + r.incidents);
  }
  const all = newTotals();
  for (const t of bySeverity.values()) addTotals(all, t);
  const policy = ctx.policy.severities;
  const of = (s: string) => bySeverity.get(s) ?? newTotals();

  const response_times: ResponseTimesRow[] = [
    ...severities.map((s) => responseRow(s, of(s))),
    responseRow("all", all),
  ];
  const weeks = weeksBetween(fromDay, toDay);
  const frequency: FrequencyWeek[] = weeks.map((week) => {
    const count = (s: Severity) => weekSeverityCounts.get(`${week}|${s}`) ?? 0;
    const row = { week, SEV1: count("SEV1"), SEV2: count("SEV2"), SEV3: count("SEV3"), SEV4: count("SEV4") };
    return { ...row, total: row.SEV1 + row.SEV2 + row.SEV3 + row.SEV4 };
  });
  const trend: TrendWeek[] = weeks.map((week) => {
    const t = byWeek.get(week) ?? newTotals();
    return {
      week,
      incidents: t.f.incidents,
      mtta_median_seconds: tenth(t.ack.quantile(0.5)),
      mttr_median_seconds: tenth(t.resolve.quantile(0.5)),
      sla_ratio: compliance(t.f.slaMet, t.f.slaDecided).ratio,
    };
  });
  const sla: SlaRow[] = [
    ...severities.map((s) => ({
      severity: s,
      target_minutes: policy[s].ackWithinMinutes,
      compliance: complianceView(compliance(of(s).f.slaMet, of(s).f.slaDecided)),
    })),
    {
      severity: "all",
      target_minutes: null,
      compliance: complianceView(compliance(all.f.slaMet, all.f.slaDecided)),
    },
  ];
  const update_compliance: UpdateComplianceRow[] = [
    ...severities.map((s) => ({
      severity: s,
      cadence_minutes: policy[s].updateEveryMinutes,
      compliance: complianceView(compliance(of(s).f.updatesOnTime, of(s).f.updatesRequired)),
    })),
    {
      severity: "all",
      cadence_minutes: null,
      compliance: complianceView(compliance(all.f.updatesOnTime, all.f.updatesRequired)),
    },
  ];
  const required = severities.filter(
    (s) => policy[s].postmortem === "required" && policy[s].postmortemDueHours !== null,
  );
  const postmortemRow = (severity: Severity | "all", f: IncidentRollupFigures, dueHours: number | null) => ({
    severity,
    due_hours: dueHours,
    compliance: complianceView(compliance(f.postmortemsOnTime, f.postmortemsDecided)),
    late: f.postmortemsLate,
    missing: Math.max(0, f.postmortemsDecided - f.postmortemsOnTime - f.postmortemsLate),
  });
  const requiredAll = newTotals().f;
  for (const s of required) addFigures(requiredAll, of(s).f);
  const postmortem_compliance: PostmortemComplianceRow[] = [
    ...required.map((s) => postmortemRow(s, of(s).f, policy[s].postmortemDueHours)),
    postmortemRow("all", requiredAll, null),
  ];

  const alertTotal = alerts.reduce((n, a) => n + a.alerts, 0);
  const alertNoise = alerts.reduce((n, a) => n + a.noise, 0);
  const sent = pages.reduce((n, p) => n + p.sent, 0);
  const offHours = pages.reduce((n, p) => n + p.offHours, 0);
  const failed = pages.reduce((n, p) => n + p.failed, 0);

  return {
    range: {
      from: fromDay,
      to: toDay,
      days: Math.round((filter.to.getTime() - filter.from.getTime()) / DAY),
    },
    filters: {
      service: filter.service,
      team: filter.team,
      severity: [...filter.severities],
      type: filter.type,
    },
    generated_at: now.toISOString(),
    response_times,
    frequency,
    trend,
    sla,
    update_compliance,
    postmortem_compliance,
    action_items: {
      open: all.f.actionItemsOpen,
      overdue: all.f.actionItemsOverdue,
      done: all.f.actionItemsDone,
    },
    alerts: {
      total: alertTotal,
      noise: alertNoise,
      noise_ratio: compliance(alertNoise, alertTotal).ratio,
      by_service: alerts.map((a) => ({
        service: a.service,
        alerts: a.alerts,
        noise: a.noise,
        noise_ratio: compliance(a.noise, a.alerts).ratio,
      })),
    },
    oncall_load: {
      sent,
      off_hours: offHours,
      failed,
      people: pages.map((p) => ({
        user: p.username,
        name: p.displayName || p.username,
        sent: p.sent,
        off_hours: p.offHours,
        failed: p.failed,
        off_hours_ratio: compliance(p.offHours, p.sent).ratio,
      })),
    },
    uptime,
  };
}

/** The rollup scope and ids of a filter's names; unknown names are NOT_FOUND errors naming them. */
async function resolveScope(
  ctx: AppContext,
  filter: MetricsFilter,
): Promise<{ scope: string; typeId: string | null; serviceId: string | null; teamId: string | null }> {
  const noType = filter.type !== null && filter.type.trim().toLowerCase() === "none";
  const names = await resolveMetricNames(ctx.db, {
    service: filter.service,
    team: filter.team,
    type: noType ? null : filter.type,
  });
  const missing: { field: "service" | "team" | "type"; name: string }[] = [];
  if (filter.service !== null && !names.service) missing.push({ field: "service", name: filter.service });
  if (filter.team !== null && !names.teamId) missing.push({ field: "team", name: filter.team });
  if (filter.type !== null && !noType && !names.typeId) missing.push({ field: "type", name: filter.type });
  if (missing.length) {
    const fields = [];
    for (const m of missing) {
      const known = await knownNames(ctx.db, m.field);
      const kind = m.field === "type" ? "incident type" : m.field;
      const hint = known.length ? `; known: ${known.join(", ")}` : "";
      fields.push({ field: m.field, message: `no ${kind} "${m.name}"${hint}` });
    }
    const detail = missing
      .map(
        (m) =>
          `${m.field === "type" ? "Incident type" : m.field === "team" ? "Team" : "Service"} "${m.name}"`,
      )
      .join(", ");
    throw new AppError("NOT_FOUND", `${detail} ${missing.length > 1 ? "do" : "does"} not exist`, fields);
  }
  const typeId = noType ? NIL_TYPE_ID : names.typeId;
  const serviceId = names.service?.id ?? null;
  if (names.service && names.teamId && names.service.teamId !== names.teamId)
    return { scope: NO_SCOPE, typeId, serviceId, teamId: names.teamId };
  const scope = names.service ? `s:${names.service.id}` : names.teamId ? `t:${names.teamId}` : "*";
  return { scope, typeId, serviceId, teamId: names.teamId };
}

interface Totals {
  f: IncidentRollupFigures;
  ack: Sketch;
  resolve: Sketch;
}

function newTotals(): Totals {
  return {
    f: emptyFigures(),
    ack: new Sketch(),
    resolve: new Sketch(),
  };
}

/** Adds a row's counts to the totals under `key`; sketches go to the Sketch, not the flat arrays. */
function addTo(map: Map<string, Totals>, key: string, r: IncidentRollupFigures): void {
  let t = map.get(key);
  if (!t) {
    t = newTotals();
    map.set(key, t);
  }
  addFigures(t.f, { ...r, ackHist: [], resolveHist: [] });
  t.ack.mergeFlat(r.ackHist);
  t.resolve.mergeFlat(r.resolveHist);
}

function addTotals(into: Totals, t: Totals): void {
  addFigures(into.f, t.f);
  into.ack.merge(t.ack);
  into.resolve.merge(t.resolve);
}

/** Seconds to a tenth: sketch values carry ±1 % anyway, and nobody reads a duration closer than that. */
const tenth = (seconds: number | null) => (seconds === null ? null : round(seconds, 1));

function durationView(s: DurationStats): DurationView {
  return {
    count: s.count,
    mean_seconds: tenth(s.meanSeconds),
    median_seconds: tenth(s.medianSeconds),
    p90_seconds: tenth(s.p90Seconds),
  };
}

function complianceView(c: Compliance): ComplianceView {
  return { met: c.met, total: c.total, ratio: c.ratio };
}

function responseRow(severity: Severity | "all", t: Totals): ResponseTimesRow {
  return {
    severity,
    incidents: t.f.incidents,
    mtta: durationView(sketchStats(t.f.acknowledged, t.f.ackSumSeconds, t.ack)),
    mttr: durationView(sketchStats(t.f.resolved, t.f.resolveSumSeconds, t.resolve)),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Uptime: per status component over the range, the status page's rule (domain/status-page/uptime.ts).

const OUTAGE_STATUSES: ComponentStatus[] = ["major_outage", "partial_outage"];

async function uptimeRows(ctx: AppContext, from: Date, to: Date, now: Date): Promise<UptimeRow[]> {
  const components = await readUptimeComponents(ctx.db);
  if (components.length === 0) return [];
  // Only outages lower uptime (degraded performance and maintenance count as up), so only the spans of
  // the severities that make one are read; the worst status at each instant still wins, as on the page.
  const rules = await readStatusPageRules(ctx.db);
  const bySeverity = statusBySeverity(rules.statusBySeverity);
  const severities = Object.keys(bySeverity).filter((s) =>
    OUTAGE_STATUSES.includes(bySeverity[s] as ComponentStatus),
  );
  const end = new Date(Math.min(to.getTime(), now.getTime()));
  const lo = from.getTime();
  const hi = end.getTime();
  const [serviceSpans, manualSpans] =
    hi > lo
      ? [
          await readServiceOutages(ctx.db, severities, OPEN_STATUSES, from, end),
          await readManualStatusSpans(ctx.db, OUTAGE_STATUSES, from, end),
        ]
      : [[], []];
  // Spans clipped to the range, per service (or component, hand-set) and status.
  const bySource = new Map<string, [number, number][]>();
  const add = (key: string, start: number, finish: number) => {
    const a = Math.max(start, lo);
    const b = Math.min(finish, hi);
    if (!(b > a)) return;
    const list = bySource.get(key) ?? [];
    list.push([a, b]);
    bySource.set(key, list);
  };
  for (const r of serviceSpans) {
    const status = bySeverity[r.severity];
    for (let i = 0; i + 1 < r.spans.length; i += 2)
      add(`s:${r.serviceId}|${status}`, r.spans[i] as number, r.spans[i + 1] as number);
  }
  for (const m of manualSpans)
    add(`c:${m.componentId}|${m.status}`, m.start, m.end ?? Number.POSITIVE_INFINITY);

  // UTC days from `from` to the one holding `end` (a range ending at midnight adds an empty day).
  const days = hi > lo ? Math.floor((hi - lo) / DAY) + 1 : 0;
  return components.map((c) => {
    const intervals: StatusInterval[] = [];
    for (const status of OUTAGE_STATUSES) {
      const spans = [`c:${c.id}`, ...c.serviceIds.map((id) => `s:${id}`)].flatMap(
        (source) => bySource.get(`${source}|${status}`) ?? [],
      );
      for (const [a, b] of mergeSpans(spans))
        intervals.push({ start: new Date(a), end: new Date(b), status });
    }
    const since = sinceOf(c.startDate, c.createdAt, rules.timeZone);
    const result =
      days > 0
        ? uptimeDays({
            intervals,
            now: end,
            timeZone: "UTC",
            since: new Date(Math.max(since.getTime(), lo)),
            days,
          })
        : { days: [], uptime90: null };
    const major = result.days.reduce((n, d) => n + d.majorSeconds, 0);
    const partial = result.days.reduce((n, d) => n + d.partialSeconds, 0);
    return {
      component: c.name,
      group: c.group,
      uptime_percent: result.uptime90 === null ? null : round(result.uptime90 * 100, 4),
      major_outage_minutes: round(major / 60, 1),
      partial_outage_minutes: round(partial / 60, 1),
    };
  });
}

/** Uptime counts from the component's start date (local midnight in the page's zone), else its creation. */
function sinceOf(startDate: string | null, createdAt: number, timeZone: string): Date {
  if (startDate && /^\d{4}-\d{2}-\d{2}$/.test(startDate)) {
    try {
      return localToInstant(`${startDate}T00:00`, timeZone);
    } catch {
      return new Date(`${startDate}T00:00:00Z`);
    }
  }
  return new Date(createdAt);
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
