import type { SeverityPolicy } from "../incident/severity.ts";
import type { IncidentCell, IncidentFactInput, IncidentFacts } from "./types.ts";

/**
 * What one incident contributes to each metric, under the severity policy, at `now`:
 *  - MTTA: created → acknowledged. MTTR: created → resolved.
 *  - SLA: met when acknowledged within the severity's ack target; missed when acknowledged later or still
 *    unacknowledged past it (an incident resolved without an acknowledgement counts its resolution as the
 *    response); pending until then.
 *  - Update compliance (resolved incidents only): while open, a status update is due every cadence after
 *    creation or after the previous update (as the reminders count it); each due point is one required
 *    update, on time when an update came before it.
 *  - Postmortem compliance (severities whose postmortem is required): due `postmortemDueHours` after
 *    resolution; on time when published by then, late when published after, missing when the due time
 *    passed unpublished, pending before.
 */
export function incidentFacts(
  _incident: IncidentFactInput,
  _policy: SeverityPolicy,
  _now: Date,
): IncidentFacts {
  throw new Error("not implemented");
}

/** Adds one incident's facts to a rollup cell (a new cell when `cell` is undefined). */
export function addToCell(_cell: IncidentCell | undefined, _facts: IncidentFacts): IncidentCell {
  throw new Error("not implemented");
}
