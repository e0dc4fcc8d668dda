import type { SeverityPolicy } from "../incident/severity.ts";
import { HOUR, MINUTE, SECOND } from "../time.ts";
import { bucketOf } from "./sketch.ts";
import type { IncidentCell, IncidentFactInput, IncidentFacts } from "./types.ts";

/**
 * What one incident contributes to each metric, under the severity policy, at `now`:
 *  - MTTA: created → acknowledged. MTTR: created → resolved. In whole seconds (rounded).
 *  - SLA: met when acknowledged within the severity's ack target; missed when acknowledged later or still
 *    unacknowledged past it (an incident resolved without an acknowledgement counts its resolution as the
 *    response); pending until then.
 *  - Update compliance (resolved incidents only): while open, a status update is due every cadence after
 *    creation or after the previous update (as the reminders count it); each due point is one required
 *    update, on time when an update came before it.
 *  - Postmortem compliance (severities whose postmortem is required): due `postmortemDueHours` after
 *    resolution; on time when published by then, late when published after, missing when the due time
 *    passed unpublished, pending before.
 *
 * Boundaries follow the live clocks (incident/sla.ts, postmortem/status.ts): an acknowledgement exactly at
 * the target is met, an update exactly at its due point is on time, a postmortem is missing from its due
 * instant on. `pendingUntil` is the first instant at which a figure reads differently.
 */
export function incidentFacts(incident: IncidentFactInput, policy: SeverityPolicy, now: Date): IncidentFacts {
  const level = policy[incident.severity];
  const created = incident.createdAt.getTime();
  // Whole seconds: the rollup keeps exact integer sums (bigint columns); negative (clock skew) reads as 0.
  const seconds = (at: Date | null) =>
    at === null ? null : Math.max(0, Math.round((at.getTime() - created) / SECOND));
  const pending: number[] = [];

  // SLA: the acknowledgement, or the resolution when it came without one, against created + target.
  const ackDue = created + level.ackWithinMinutes * MINUTE;
  const response = incident.acknowledgedAt ?? incident.resolvedAt;
  let sla: IncidentFacts["sla"];
  if (response !== null) sla = response.getTime() <= ackDue ? "met" : "missed";
  else if (now.getTime() > ackDue) sla = "missed";
  else {
    sla = "pending";
    pending.push(ackDue + 1);
  }

  const updates =
    incident.resolvedAt === null
      ? null
      : updateCompliance(
          created,
          incident.resolvedAt.getTime(),
          level.updateEveryMinutes * MINUTE,
          incident.updateTimes,
        );

  let postmortem: IncidentFacts["postmortem"] = "not_required";
  if (level.postmortem === "required" && level.postmortemDueHours !== null) {
    if (incident.resolvedAt === null) postmortem = "pending";
    else {
      const due = incident.resolvedAt.getTime() + level.postmortemDueHours * HOUR;
      const published = incident.postmortemPublishedAt;
      if (published !== null) postmortem = published.getTime() <= due ? "on_time" : "late";
      else if (now.getTime() >= due) postmortem = "missing";
      else {
        postmortem = "pending";
        pending.push(due);
      }
    }
  }

  return {
    ackSeconds: seconds(incident.acknowledgedAt),
    resolveSeconds: seconds(incident.resolvedAt),
    sla,
    updates,
    postmortem,
    pendingUntil: pending.length === 0 ? null : new Date(Math.min(...pending)),
  };
}

/**
 * Counts the status updates a resolved incident's cadence required and how many came on time, the way the
 * commander's reminders run (app/oncall/sweep.ts, escalation/rules.ts updateReminderDueAt):
 *  - the clock starts at creation; the next update is due one cadence after the clock's start;
 *  - updates in (start, due] meet that due point (several count once) and restart the clock from the last;
 *  - with none, the due point is missed and the next is one cadence later (the reminder repeats), unless a
 *    late update came within that cadence: it meets nothing but restarts the clock from it (so a later
 *    update within a cadence of the late one meets the next due point);
 *  - due points at or after the resolution are not required.
 * Times are epoch ms.
 */
export function updateCompliance(
  createdMs: number,
  resolvedMs: number,
  cadenceMs: number,
  updateTimes: readonly Date[],
): { required: number; onTime: number } {
  if (!(cadenceMs > 0)) return { required: 0, onTime: 0 };
  const ups = updateTimes
    .map((u) => u.getTime())
    .filter((t) => t > createdMs && t < resolvedMs)
    .sort((a, b) => a - b);
  let required = 0;
  let onTime = 0;
  let start = createdMs;
  let i = 0; // first update after `start`
  for (;;) {
    const due = start + cadenceMs;
    if (due >= resolvedMs) break;
    required += 1;
    const next = ups[i];
    if (next !== undefined && next <= due) {
      onTime += 1;
      while (i < ups.length && (ups[i] as number) <= due) i += 1;
      start = ups[i - 1] as number;
      continue;
    }
    // Missed. Every further due point before the next update (or the resolution) is missed too.
    const until = Math.min(next ?? resolvedMs, resolvedMs);
    const more = Math.max(0, Math.ceil((until - due) / cadenceMs) - 1);
    required += more;
    if (next === undefined) break;
    // The late update (within a cadence of the last missed point) meets nothing; the clock restarts from it.
    start = next;
    i += 1;
  }
  return { required, onTime };
}

/** An empty rollup cell. */
export function emptyCell(): IncidentCell {
  return {
    incidents: 0,
    acknowledged: 0,
    ackSumSeconds: 0,
    ackHist: [],
    resolved: 0,
    resolveSumSeconds: 0,
    resolveHist: [],
    slaDecided: 0,
    slaMet: 0,
    updatesRequired: 0,
    updatesOnTime: 0,
    postmortemsDecided: 0,
    postmortemsOnTime: 0,
    postmortemsLate: 0,
    validUntil: null,
  };
}

/**
 * Adds one incident's facts to a rollup cell (a new cell when `cell` is undefined) and returns it: the cell
 * passed in is updated in place (a rollup adds thousands of incidents to one cell). Pending figures are not
 * counted; the cell's validUntil is the earliest pendingUntil, when the cell must be computed again.
 */
export function addToCell(cell: IncidentCell | undefined, facts: IncidentFacts): IncidentCell {
  const out = cell ?? emptyCell();
  out.incidents += 1;
  if (facts.ackSeconds !== null) {
    out.acknowledged += 1;
    out.ackSumSeconds += facts.ackSeconds;
    addToFlat(out.ackHist, bucketOf(facts.ackSeconds));
  }
  if (facts.resolveSeconds !== null) {
    out.resolved += 1;
    out.resolveSumSeconds += facts.resolveSeconds;
    addToFlat(out.resolveHist, bucketOf(facts.resolveSeconds));
  }
  if (facts.sla !== "pending") {
    out.slaDecided += 1;
    if (facts.sla === "met") out.slaMet += 1;
  }
  if (facts.updates !== null) {
    out.updatesRequired += facts.updates.required;
    out.updatesOnTime += facts.updates.onTime;
  }
  if (facts.postmortem === "on_time" || facts.postmortem === "late" || facts.postmortem === "missing") {
    out.postmortemsDecided += 1;
    if (facts.postmortem === "on_time") out.postmortemsOnTime += 1;
    if (facts.postmortem === "late") out.postmortemsLate += 1;
  }
  if (
    facts.pendingUntil !== null &&
    (out.validUntil === null || facts.pendingUntil.getTime() < out.validUntil.getTime())
  )
    out.validUntil = facts.pendingUntil;
  return out;
}

/** Counts one value in bucket `bucket` of a flat [bucket, count, …] array (ascending), in place. */
function addToFlat(flat: number[], bucket: number): void {
  let lo = 0;
  let hi = flat.length / 2;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((flat[mid * 2] as number) < bucket) lo = mid + 1;
    else hi = mid;
  }
  if (flat[lo * 2] === bucket) flat[lo * 2 + 1] = (flat[lo * 2 + 1] as number) + 1;
  else flat.splice(lo * 2, 0, bucket, 1);
}
