/**
 * Escalation policies: ordered levels of targets, each waiting a delay for an acknowledgement before the
 * next level is paged; the whole policy repeats `repeat` more times; it stops when the incident is
 * acknowledged (checked by the caller, which holds the incident lock). Pure: no clock, no storage.
 */

import { MINUTE } from "../time.ts";

export const TARGET_KINDS = ["user", "schedule", "team"] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export interface EscalationTarget {
  kind: TargetKind;
  id: string;
}

export interface EscalationLevel {
  /**
   * Minutes to wait for an acknowledgement before paging the next level. Null: the incident severity's
   * "ack within" (SPEC §1), so a SEV1 escalates after 5 minutes and a SEV2 after 15.
   */
  delayMinutes: number | null;
  /** Page one target per escalation (rotating through them) instead of all of them. */
  roundRobin: boolean;
  targets: EscalationTarget[];
}

export interface EscalationPolicySpec {
  /** How many more times the whole policy runs after the last level (0: once). */
  repeat: number;
  levels: EscalationLevel[];
}

/** Where an escalation stands: level index (0-based) within cycle (0-based). */
export interface EscalationPosition {
  level: number;
  cycle: number;
}

/** How long `level` waits for an ack, given the severity's ack target in minutes. */
export function levelWaitMs(level: EscalationLevel, ackWithinMinutes: number): number {
  return (level.delayMinutes ?? ackWithinMinutes) * MINUTE;
}

/** The step after `at`: the next level, or level 0 of the next cycle, or null when the policy is done. */
export function nextPosition(
  policy: EscalationPolicySpec,
  at: EscalationPosition,
): EscalationPosition | null {
  if (at.level + 1 < policy.levels.length) return { level: at.level + 1, cycle: at.cycle };
  if (at.cycle < policy.repeat) return { level: 0, cycle: at.cycle + 1 };
  return null;
}

/**
 * Which of a level's resolved people to page. All of them, or with round robin the one at `cursor`
 * (taken modulo their number); returns the people and the next cursor.
 */
export function pickRecipients<T>(
  level: EscalationLevel,
  people: readonly T[],
  cursor: number,
): { recipients: T[]; nextCursor: number } {
  if (!level.roundRobin || people.length <= 1) return { recipients: [...people], nextCursor: cursor };
  const index = ((cursor % people.length) + people.length) % people.length;
  const chosen = people[index];
  return { recipients: chosen === undefined ? [] : [chosen], nextCursor: index + 1 };
}

/** Human label of a position: "level 2" or "level 1 (repeat 2 of 3)". */
export function positionLabel(policy: EscalationPolicySpec, at: EscalationPosition): string {
  const level = `level ${at.level + 1}`;
  return at.cycle === 0 ? level : `${level} (repeat ${at.cycle} of ${policy.repeat})`;
}

/** Problems that mean a policy can page no one, in words a person can act on. */
export function policyWarnings(policy: EscalationPolicySpec): string[] {
  const warnings: string[] = [];
  if (policy.levels.length === 0) warnings.push("the policy has no levels: it pages no one");
  policy.levels.forEach((level, i) => {
    if (level.targets.length === 0) warnings.push(`level ${i + 1} has no targets: it pages no one`);
  });
  return warnings;
}

/** A notification rule of a person: this contact method, `delayMinutes` after they are paged. */
export interface NotificationRule {
  contactMethodId: string;
  delayMinutes: number;
}

/**
 * When each of a person's contact methods is notified for one page. With no rules, every contact method
 * is notified at once (a person who set nothing up still gets paged).
 */
export function notificationPlan(
  rules: readonly NotificationRule[],
  contactMethodIds: readonly string[],
): NotificationRule[] {
  const known = new Set(contactMethodIds);
  const usable = rules.filter((r) => known.has(r.contactMethodId));
  if (usable.length > 0) return [...usable].sort((a, b) => a.delayMinutes - b.delayMinutes);
  return contactMethodIds.map((id) => ({ contactMethodId: id, delayMinutes: 0 }));
}
