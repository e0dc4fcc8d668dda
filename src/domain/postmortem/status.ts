import type { Severity, SeverityPolicy } from "../incident/severity.ts";
import { HOUR } from "../time.ts";

/** A postmortem's review statuses, in order. Values equal the database's. */
export const POSTMORTEM_STATUSES = ["draft", "in_review", "published"] as const;
export type PostmortemStatus = (typeof POSTMORTEM_STATUSES)[number];

export function isPostmortemStatus(value: string): value is PostmortemStatus {
  return (POSTMORTEM_STATUSES as readonly string[]).includes(value);
}

/**
 * draft → in_review → published. A review can send it back (in_review → draft) for rework. Publishing needs a
 * review first: there is no draft → published shortcut. A published postmortem may be reopened to draft to
 * correct it (the incident stays in `postmortem`, its closed_at unchanged); publishing again re-publishes.
 */
export function allowedPostmortemMoves(from: PostmortemStatus): PostmortemStatus[] {
  if (from === "draft") return ["in_review"];
  if (from === "in_review") return ["draft", "published"];
  return ["draft"];
}

export type PostmortemMove =
  | { ok: true; from: PostmortemStatus; to: PostmortemStatus }
  | { ok: false; from: PostmortemStatus; to: PostmortemStatus; allowed: PostmortemStatus[]; reason: string };

/** Decides a status move; a refusal names the allowed next statuses. */
export function decidePostmortemMove(from: PostmortemStatus, to: PostmortemStatus): PostmortemMove {
  const allowed = allowedPostmortemMoves(from);
  if (allowed.includes(to)) return { ok: true, from, to };
  const reason =
    from === to
      ? `the postmortem is already ${from}`
      : from === "draft" && to === "published"
        ? "submit it for review (in_review) before publishing"
        : `cannot move from ${from} to ${to}`;
  return { ok: false, from, to, allowed, reason };
}

/** "draft" → "Draft", "in_review" → "In review". */
export function postmortemStatusLabel(status: PostmortemStatus): string {
  return status === "in_review" ? "In review" : status === "draft" ? "Draft" : "Published";
}

/** Whether a postmortem is required, lightweight (writable, never due) or not expected, by severity policy. */
export function postmortemPolicy(severity: Severity, policy: SeverityPolicy) {
  const level = policy[severity];
  return { kind: level.postmortem, dueHours: level.postmortemDueHours };
}

/**
 * When the postmortem is due: resolved_at + the severity's postmortemDueHours, for severities whose
 * postmortem is "required" (SEV1/SEV2 by default: 48 h). null: no due date (lightweight or none, or the
 * incident is not resolved).
 */
export function postmortemDueAt(
  incident: { severity: Severity; resolvedAt: Date | null },
  policy: SeverityPolicy,
): Date | null {
  const { kind, dueHours } = postmortemPolicy(incident.severity, policy);
  if (kind !== "required" || dueHours === null || incident.resolvedAt === null) return null;
  return new Date(incident.resolvedAt.getTime() + dueHours * HOUR);
}

/**
 * Overdue: due and past it, not published, and the incident is still `resolved` (an incident already in
 * `postmortem` had its postmortem published, or was closed by hand).
 */
export function isPostmortemOverdue(
  state: { dueAt: Date | null; status: PostmortemStatus | null; incidentStatus: string },
  now: Date,
): boolean {
  return (
    state.dueAt !== null &&
    now.getTime() >= state.dueAt.getTime() &&
    state.status !== "published" &&
    state.incidentStatus === "resolved"
  );
}

/** Reminders about one overdue postmortem go out at most this often. */
export const POSTMORTEM_REMINDER_EVERY_MS = 24 * HOUR;

/** Whether an overdue postmortem's reminder is due now, given when the last one went out. */
export function postmortemReminderDue(lastSentAt: Date | null, now: Date): boolean {
  return lastSentAt === null || now.getTime() - lastSentAt.getTime() >= POSTMORTEM_REMINDER_EVERY_MS;
}
