import { MINUTE } from "../time.ts";
import type { Severity, SeverityPolicy } from "./severity.ts";

export interface SlaClocks {
  /** When the incident must be acknowledged by (created + the severity's ack target). */
  ackDueAt: Date;
  /** True when it was acknowledged late, or is still unacknowledged past the target. */
  ackBreached: boolean;
  /** When the next status update is due while the incident is open; null once resolved. */
  nextUpdateDueAt: Date | null;
  updateOverdue: boolean;
}

/**
 * The SLA clocks of an incident under the severity policy: time to acknowledge and the status-update
 * cadence (SPEC §1). The cadence counts from the last status update, or from creation when none was posted.
 */
export function computeSlaClocks(
  incident: {
    severity: Severity;
    createdAt: Date;
    acknowledgedAt: Date | null;
    resolvedAt: Date | null;
    lastUpdateAt: Date | null;
  },
  policy: SeverityPolicy,
  now: Date,
): SlaClocks {
  const level = policy[incident.severity];
  const ackDueAt = new Date(incident.createdAt.getTime() + level.ackWithinMinutes * MINUTE);
  const ackAt = incident.acknowledgedAt ?? now;
  const ackBreached = ackAt.getTime() > ackDueAt.getTime();
  if (incident.resolvedAt !== null)
    return { ackDueAt, ackBreached, nextUpdateDueAt: null, updateOverdue: false };
  const from = incident.lastUpdateAt ?? incident.createdAt;
  const nextUpdateDueAt = new Date(from.getTime() + level.updateEveryMinutes * MINUTE);
  return { ackDueAt, ackBreached, nextUpdateDueAt, updateOverdue: now.getTime() > nextUpdateDueAt.getTime() };
}
