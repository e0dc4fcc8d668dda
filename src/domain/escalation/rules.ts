/**
 * Escalation rules (seed 003's matrix): "SEV1 unresolved 30 min → notify the engineering manager",
 * "tag data-breach → legal". A rule matches an open incident by severity and tags, and fires once per
 * incident when it has been unresolved for the rule's minutes. Update-cadence reminders live here too.
 */

import { MINUTE } from "../time.ts";

export interface EscalationRuleSpec {
  /** Empty: any severity. */
  severities: readonly string[];
  /** Empty: any tags; otherwise the incident must carry at least one of them. */
  tags: readonly string[];
  /** Fire once the incident has been unresolved this long; null: as soon as it matches. */
  unresolvedMinutes: number | null;
}

export interface RuleIncident {
  severity: string;
  tags: readonly string[];
  createdAt: Date;
  /** resolved or closed incidents never fire rules */
  open: boolean;
}

/** When the rule fires for this incident (maybe in the past: fire now), or null when it does not match. */
export function ruleDueAt(rule: EscalationRuleSpec, incident: RuleIncident): Date | null {
  if (!incident.open) return null;
  if (rule.severities.length > 0 && !rule.severities.includes(incident.severity)) return null;
  if (rule.tags.length > 0) {
    const tags = new Set(incident.tags.map((t) => t.toLowerCase()));
    if (!rule.tags.some((t) => tags.has(t.toLowerCase()))) return null;
  }
  return new Date(incident.createdAt.getTime() + (rule.unresolvedMinutes ?? 0) * MINUTE);
}

/** A readable condition: "SEV1 unresolved for 30 min", "tag data-breach", "any incident". */
export function describeRule(rule: EscalationRuleSpec): string {
  const parts: string[] = [];
  if (rule.severities.length) parts.push(rule.severities.join("/"));
  if (rule.tags.length) parts.push(`tag ${rule.tags.join(" or ")}`);
  if (rule.unresolvedMinutes) parts.push(`unresolved for ${rule.unresolvedMinutes} min`);
  return parts.length ? parts.join(", ") : "any incident";
}

/**
 * When the commander is next due a reminder to post a status update: `cadenceMinutes` after the last
 * update (or the declaration), and again every cadence while none is posted.
 */
export function updateReminderDueAt(since: Date, lastReminderAt: Date | null, cadenceMinutes: number): Date {
  const cadence = cadenceMinutes * MINUTE;
  const base = lastReminderAt && lastReminderAt.getTime() > since.getTime() ? lastReminderAt : since;
  return new Date(base.getTime() + cadence);
}
