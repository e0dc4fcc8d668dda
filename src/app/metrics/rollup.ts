import { createHash } from "node:crypto";
import { isActionItemOverdue } from "#domain/incident/action-item.ts";
import { SEVERITIES, type Severity, type SeverityPolicy } from "#domain/incident/severity.ts";
import { addToCell, emptyCell, incidentFacts } from "#domain/metrics/facts.ts";
import { isOffHours } from "#domain/metrics/off-hours.ts";
import type { IncidentCell } from "#domain/metrics/types.ts";
import { weekStartOf } from "#domain/metrics/weeks.ts";
import { withTransaction } from "#store/db.ts";
import {
  ANY_TYPE_ID,
  claimDirtyDays,
  countDirtyWeeks,
  type IncidentDayRow,
  type IncidentFactRow,
  type IncidentRollupFigures,
  type IncidentWeekRow,
  markDaysDirty,
  markExpiredDays,
  type OutageWeekRow,
  type PageDayRow,
  readEndedIncidentSpans,
  readIncidentDayRows,
  readIncidentFacts,
  readPageFacts,
  readServiceTeams,
  rebuildAlertDays,
  replaceIncidentDays,
  replaceIncidentWeeks,
  replaceOutageWeeks,
  replacePageDays,
  syncPolicyFingerprint,
  tryLockRollups,
  waitForWriters,
} from "#store/metrics.ts";
import type { AppContext } from "../context.ts";

/**
 * Bumped when what a rollup row holds changes meaning (a definition in domain/metrics changed): like a
 * policy change, it recomputes every day.
 */
const ROLLUP_VERSION = 1;

/** Weeks of incident days per transaction: ~2,700 incidents a day at the bench's scale is ~19,000. */
const INCIDENT_WEEKS_PER_BATCH = 1;
/** Alert and page days are cheaper (SQL sums, or a few columns per page). */
const OTHER_WEEKS_PER_BATCH = 4;

/** The fingerprint of everything in the policy that a rollup depends on. */
export function policyFingerprint(policy: SeverityPolicy): string {
  const relevant = SEVERITIES.map((s) => {
    const p = policy[s];
    return [s, p.ackWithinMinutes, p.updateEveryMinutes, p.postmortem, p.postmortemDueHours];
  });
  return createHash("sha256")
    .update(JSON.stringify({ v: ROLLUP_VERSION, relevant }))
    .digest("hex")
    .slice(0, 32);
}

/**
 * Recomputes the rollups of every dirty day (metric_dirty_days, and rows whose valid_until passed), a
 * batch of days per transaction, and records the severity policy's fingerprint (a changed policy marks
 * every day dirty first). Safe to run from several places at once (an advisory lock): the engine's tick
 * gives up when another holds it; a report (`wait`) waits for the holder's batch to commit, so it never
 * reads rollups another process is half-way through recomputing. Returns how many days it recomputed.
 */
export async function refreshRollups(
  ctx: AppContext,
  opts: { wait?: boolean } = {},
): Promise<{ days: number }> {
  const fingerprint = policyFingerprint(ctx.policy.severities);
  let days = 0;
  let first = true;
  // Bounded, so a steady stream of writes cannot keep one call busy forever: what is dirtied meanwhile is
  // the next call's (the engine runs one every 10 s).
  let budget = Number.POSITIVE_INFINITY;
  while (budget-- > 0) {
    const batch = await withTransaction(ctx.db, async (tx) => {
      if (!(await tryLockRollups(tx, opts.wait))) return null;
      const now = ctx.clock.now();
      if (first) {
        await syncPolicyFingerprint(tx, fingerprint, now);
        await markExpiredDays(tx, now);
        budget = (await countDirtyWeeks(tx)) + 1;
      }
      const incidentDays = await claimDirtyDays(tx, "incident", INCIDENT_WEEKS_PER_BATCH);
      const alertDays = await claimDirtyDays(tx, "alert", OTHER_WEEKS_PER_BATCH);
      const pageDays = await claimDirtyDays(tx, "page", OTHER_WEEKS_PER_BATCH);
      const claimed = incidentDays.length + alertDays.length + pageDays.length;
      if (claimed === 0) return { claimed, settled: true };
      const settled = await waitForWriters(tx);
      await recomputeIncidentDays(tx, ctx.policy.severities, now, incidentDays);
      await rebuildAlertDays(tx, alertDays);
      await recomputePageDays(tx, pageDays);
      if (!settled) {
        // A write transaction older than the claim is still open: its change may be missing; again later.
        await markDaysDirty(tx, "incident", incidentDays);
        await markDaysDirty(tx, "alert", alertDays);
        await markDaysDirty(tx, "page", pageDays);
      }
      return { claimed, settled };
    });
    first = false;
    if (batch === null || batch.claimed === 0) break;
    days += batch.claimed;
    if (!batch.settled) break;
  }
  return { days };
}

// ---------------------------------------------------------------------------------------------------------

type Figures = IncidentRollupFigures;

/** Zero figures: what a rollup cell or a report total starts from. */
export function emptyFigures(): Figures {
  const { validUntil: _, ...cell } = emptyCell();
  return { ...cell, actionItemsOpen: 0, actionItemsOverdue: 0, actionItemsDone: 0 };
}

/** Merges two flat [bucket, count, …] sketches (buckets ascending) into a new one. */
export function mergeFlat(a: readonly number[], b: readonly number[]): number[] {
  if (b.length === 0) return a.slice();
  if (a.length === 0) return b.slice();
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const ba = i < a.length ? (a[i] as number) : Number.POSITIVE_INFINITY;
    const bb = j < b.length ? (b[j] as number) : Number.POSITIVE_INFINITY;
    if (ba === bb) {
      out.push(ba, (a[i + 1] as number) + (b[j + 1] as number));
      i += 2;
      j += 2;
    } else if (ba < bb) {
      out.push(ba, a[i + 1] as number);
      i += 2;
    } else {
      out.push(bb, b[j + 1] as number);
      j += 2;
    }
  }
  return out;
}

/** Adds `src`'s figures into `into` (sketches merged). */
export function addFigures(into: Figures, src: Figures): void {
  into.incidents += src.incidents;
  into.acknowledged += src.acknowledged;
  into.ackSumSeconds += src.ackSumSeconds;
  into.ackHist = mergeFlat(into.ackHist, src.ackHist);
  into.resolved += src.resolved;
  into.resolveSumSeconds += src.resolveSumSeconds;
  into.resolveHist = mergeFlat(into.resolveHist, src.resolveHist);
  into.slaDecided += src.slaDecided;
  into.slaMet += src.slaMet;
  into.updatesRequired += src.updatesRequired;
  into.updatesOnTime += src.updatesOnTime;
  into.postmortemsDecided += src.postmortemsDecided;
  into.postmortemsOnTime += src.postmortemsOnTime;
  into.postmortemsLate += src.postmortemsLate;
  into.actionItemsOpen += src.actionItemsOpen;
  into.actionItemsOverdue += src.actionItemsOverdue;
  into.actionItemsDone += src.actionItemsDone;
}

interface DayCell {
  day: string;
  scope: string;
  severity: string;
  typeId: string;
  cell: IncidentCell | undefined;
  actionItemsOpen: number;
  actionItemsOverdue: number;
  actionItemsDone: number;
  /** When an open action item becomes overdue (the earliest); null: none will. */
  actionItemsUntil: number | null;
}

/** The scopes an incident counts in: everything, each of its services, each of their teams (once). */
function scopesOf(
  serviceNames: readonly string[],
  services: ReadonlyMap<string, { id: string; teamId: string | null }>,
): string[] {
  const scopes = new Set<string>(["*"]);
  for (const name of serviceNames) {
    const service = services.get(name.toLowerCase());
    if (!service) continue;
    scopes.add(`s:${service.id}`);
    if (service.teamId) scopes.add(`t:${service.teamId}`);
  }
  return [...scopes];
}

const isSeverity = (s: string): s is Severity => (SEVERITIES as readonly string[]).includes(s);

function incidentInput(row: IncidentFactRow, severity: Severity) {
  const date = (ms: number | null) => (ms === null ? null : new Date(ms));
  return {
    severity,
    status: row.status,
    createdAt: new Date(row.createdAt),
    acknowledgedAt: date(row.acknowledgedAt),
    mitigatedAt: date(row.mitigatedAt),
    resolvedAt: date(row.resolvedAt),
    updateTimes: row.updateTimes.map((t) => new Date(t)),
    postmortemPublishedAt: date(row.postmortemPublishedAt),
  };
}

/** Recomputes the day rows of `days` (one ISO week's) from the incidents, then their week's rows. */
async function recomputeIncidentDays(
  tx: AppContext["db"],
  policy: SeverityPolicy,
  now: Date,
  days: readonly string[],
): Promise<void> {
  if (days.length === 0) return;
  const facts = await readIncidentFacts(tx, days);
  const services = await readServiceTeams(tx);
  const cells = new Map<string, DayCell>();
  for (const row of facts) {
    if (!isSeverity(row.severity)) continue;
    const f = incidentFacts(incidentInput(row, row.severity), policy, now);
    let overdue = 0;
    let until: number | null = null;
    for (const due of row.openActionItemDues) {
      if (isActionItemOverdue({ status: "open", dueAt: new Date(due) }, now)) overdue += 1;
      else if (until === null || due < until) until = due;
    }
    for (const scope of scopesOf(row.serviceNames, services)) {
      const key = `${row.day}|${scope}|${row.severity}|${row.typeId}`;
      let c = cells.get(key);
      if (!c) {
        c = {
          day: row.day,
          scope,
          severity: row.severity,
          typeId: row.typeId,
          cell: undefined,
          actionItemsOpen: 0,
          actionItemsOverdue: 0,
          actionItemsDone: 0,
          actionItemsUntil: null,
        };
        cells.set(key, c);
      }
      c.cell = addToCell(c.cell, f);
      c.actionItemsOpen += row.actionItemsOpen;
      c.actionItemsOverdue += overdue;
      c.actionItemsDone += row.actionItemsDone;
      if (until !== null && (c.actionItemsUntil === null || until < c.actionItemsUntil))
        c.actionItemsUntil = until;
    }
  }

  const dayRows: IncidentDayRow[] = [];
  for (const c of cells.values()) {
    const cell = c.cell as IncidentCell;
    // An open item becomes overdue the first instant after its due time.
    const aiUntil = c.actionItemsUntil === null ? null : c.actionItemsUntil + 1;
    const cellUntil = cell.validUntil?.getTime() ?? null;
    const until = aiUntil === null ? cellUntil : cellUntil === null ? aiUntil : Math.min(aiUntil, cellUntil);
    dayRows.push({
      day: c.day,
      scope: c.scope,
      severity: c.severity,
      typeId: c.typeId,
      incidents: cell.incidents,
      acknowledged: cell.acknowledged,
      ackSumSeconds: cell.ackSumSeconds,
      ackHist: cell.ackHist,
      resolved: cell.resolved,
      resolveSumSeconds: cell.resolveSumSeconds,
      resolveHist: cell.resolveHist,
      slaDecided: cell.slaDecided,
      slaMet: cell.slaMet,
      updatesRequired: cell.updatesRequired,
      updatesOnTime: cell.updatesOnTime,
      postmortemsDecided: cell.postmortemsDecided,
      postmortemsOnTime: cell.postmortemsOnTime,
      postmortemsLate: cell.postmortemsLate,
      actionItemsOpen: c.actionItemsOpen,
      actionItemsOverdue: c.actionItemsOverdue,
      actionItemsDone: c.actionItemsDone,
      validUntil: until === null ? null : new Date(until),
    });
  }
  await replaceIncidentDays(tx, days, dayRows);

  // The weeks of these days: their day rows, plus the other days of the week as stored.
  const weeks = [...new Set(days.map(weekStartOf))].sort();
  const weekRows = new Map<string, IncidentWeekRow>();
  const add = (week: string, r: IncidentDayRow, typeId: string) => {
    const key = `${week}|${r.scope}|${r.severity}|${typeId}`;
    let w = weekRows.get(key);
    if (!w) {
      w = { week, scope: r.scope, severity: r.severity, typeId, ...emptyFigures() };
      weekRows.set(key, w);
    }
    addFigures(w, r);
  };
  const others: IncidentDayRow[] = [];
  for (const week of weeks) others.push(...(await readIncidentDayRows(tx, week, addDaysTo(week, 7), days)));
  for (const r of [...dayRows, ...others]) {
    const week = weekStartOf(r.day);
    add(week, r, r.typeId);
    add(week, r, ANY_TYPE_ID);
  }
  await replaceIncidentWeeks(tx, weeks, [...weekRows.values()]);

  // Uptime's inputs: the week's ended incidents' spans, merged per service and severity.
  const outages: OutageWeekRow[] = [];
  for (const week of weeks)
    outages.push(...outageRows(week, await readEndedIncidentSpans(tx, week), services));
  await replaceOutageWeeks(tx, weeks, outages);
}

/** The uptime inputs of a week's ended incidents: per service and severity, their merged spans. */
function outageRows(
  week: string,
  groups: readonly { serviceName: string; severity: string; starts: number[]; ends: number[] }[],
  services: ReadonlyMap<string, { id: string; teamId: string | null }>,
): OutageWeekRow[] {
  const spans = new Map<string, { serviceId: string; severity: string; list: [number, number][] }>();
  for (const g of groups) {
    const service = services.get(g.serviceName);
    if (!service) continue;
    const key = `${service.id}|${g.severity}`;
    let entry = spans.get(key);
    if (!entry) {
      entry = { serviceId: service.id, severity: g.severity, list: [] };
      spans.set(key, entry);
    }
    for (let i = 0; i < g.starts.length; i++) {
      const start = g.starts[i] as number;
      entry.list.push([start, Math.max(start, g.ends[i] ?? start)]);
    }
  }
  return [...spans.values()].map((e) => {
    const merged = mergeSpans(e.list);
    return {
      week,
      serviceId: e.serviceId,
      severity: e.severity,
      spans: merged.flat(),
      maxEnd: Math.max(...merged.map(([, end]) => end)),
    };
  });
}

/** Unions [start, end] spans: sorted, overlapping or touching ones merged. */
export function mergeSpans(list: readonly (readonly [number, number])[]): [number, number][] {
  const sorted = [...list].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = out[out.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

function addDaysTo(day: string, n: number): string {
  return new Date(new Date(`${day}T00:00:00Z`).getTime() + n * 86_400_000).toISOString().slice(0, 10);
}

/** Recomputes the page rollups of `days`: per person, scope, severity and type; off hours in their zone. */
async function recomputePageDays(tx: AppContext["db"], days: readonly string[]): Promise<void> {
  if (days.length === 0) return;
  const facts = await readPageFacts(tx, days);
  const services = await readServiceTeams(tx);
  const cells = new Map<string, PageDayRow>();
  for (const p of facts) {
    const scopes = p.severity === null ? ["*"] : scopesOf(p.serviceNames, services);
    const severity = p.severity ?? "";
    const sent = p.state === "sent" ? 1 : 0;
    const offHours = sent && p.sentAt !== null && isOffHours(new Date(p.sentAt), p.timeZone) ? 1 : 0;
    const failed = p.state === "failed" ? 1 : 0;
    for (const scope of scopes) {
      const key = `${p.day}|${scope}|${severity}|${p.typeId}|${p.userId}`;
      let c = cells.get(key);
      if (!c) {
        c = {
          day: p.day,
          scope,
          severity,
          typeId: p.typeId,
          userId: p.userId,
          sent: 0,
          offHours: 0,
          failed: 0,
        };
        cells.set(key, c);
      }
      c.sent += sent;
      c.offHours += offHours;
      c.failed += failed;
    }
  }
  await replacePageDays(tx, days, [...cells.values()]);
}
