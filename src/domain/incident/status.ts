/** The six lifecycle statuses of SPEC §1, in lifecycle order. */
export const INCIDENT_STATUSES = [
  "triggered",
  "acknowledged",
  "investigating",
  "mitigating",
  "resolved",
  "postmortem",
] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** Statuses in which the incident is still open (not yet resolved). */
export const OPEN_STATUSES: readonly IncidentStatus[] = [
  "triggered",
  "acknowledged",
  "investigating",
  "mitigating",
];

export function isIncidentStatus(value: string): value is IncidentStatus {
  return (INCIDENT_STATUSES as readonly string[]).includes(value);
}

export function isOpenStatus(status: IncidentStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

const order = (s: IncidentStatus): number => INCIDENT_STATUSES.indexOf(s);

/**
 * The statuses an incident may move to from `from`. Forward moves may skip stages up to `resolved`
 * (a false alarm goes triggered → resolved); `postmortem` follows `resolved` only; a resolved incident
 * may be reopened to `investigating`; `postmortem` is final.
 */
export function allowedNextStatuses(from: IncidentStatus): IncidentStatus[] {
  if (from === "postmortem") return [];
  if (from === "resolved") return ["investigating", "postmortem"];
  return INCIDENT_STATUSES.filter((s) => s !== "postmortem" && order(s) > order(from));
}

/** The stage timestamps an incident carries; null until the stage is reached. */
export interface StageTimestamps {
  acknowledgedAt: Date | null;
  mitigatedAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
}

export type TransitionDecision =
  | { ok: true; from: IncidentStatus; to: IncidentStatus; reopened: boolean; stamps: StageTimestamps }
  | { ok: false; from: IncidentStatus; to: IncidentStatus; allowed: IncidentStatus[]; reason: string };

/**
 * Decides a status change and the stage timestamps that follow from it.
 * Any human move out of `triggered` counts as the acknowledgement (sets acknowledgedAt once: MTTA);
 * reaching `mitigating` or `resolved` sets mitigatedAt once; `resolved` sets resolvedAt (MTTR);
 * reopening clears resolvedAt so MTTR measures the final resolution. closedAt is set when the
 * postmortem is published, not by a status change.
 */
export function decideTransition(
  from: IncidentStatus,
  to: IncidentStatus,
  stamps: StageTimestamps,
  now: Date,
): TransitionDecision {
  const allowed = allowedNextStatuses(from);
  if (!allowed.includes(to)) {
    const reason =
      from === to
        ? `the incident is already ${from}`
        : allowed.length === 0
          ? `${from} is final: no further status changes are possible`
          : `cannot move from ${from} to ${to}; allowed next: ${allowed.join(", ")}`;
    return { ok: false, from, to, allowed, reason };
  }
  // Copy the four stamps by name: callers pass whole incident rows, and nothing else may leak into the patch.
  const next: StageTimestamps = {
    acknowledgedAt: stamps.acknowledgedAt,
    mitigatedAt: stamps.mitigatedAt,
    resolvedAt: stamps.resolvedAt,
    closedAt: stamps.closedAt,
  };
  const reopened = from === "resolved" && to === "investigating";
  if (reopened) {
    next.resolvedAt = null;
  } else {
    if (next.acknowledgedAt === null) next.acknowledgedAt = now;
    if ((to === "mitigating" || to === "resolved") && next.mitigatedAt === null) next.mitigatedAt = now;
    if (to === "resolved") next.resolvedAt = now;
  }
  return { ok: true, from, to, reopened, stamps: next };
}

/** The public status-page status that best describes an incident status (Statuspage vocabulary). */
export type PublicStatus = "investigating" | "identified" | "monitoring" | "resolved";
export const PUBLIC_STATUSES: readonly PublicStatus[] = [
  "investigating",
  "identified",
  "monitoring",
  "resolved",
];

export function defaultPublicStatus(status: IncidentStatus): PublicStatus {
  if (status === "mitigating") return "identified";
  if (status === "resolved" || status === "postmortem") return "resolved";
  return "investigating";
}
