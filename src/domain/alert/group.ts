import { hash } from "node:crypto";
import type { AlertAction, AlertEvent, AlertMember } from "./event.ts";

/** A member as stored: enough to decide the group's state, and whether a message changes it. */
export interface KnownMember {
  fingerprint: string;
  status: "firing" | "resolved";
  /** memberDigest() of what is stored; null when unknown (stored before digests, or status-only since). */
  digest?: string | null;
}

/** A member a message carries, with its digest: written back only when that differs from the stored one. */
export type MemberChange = AlertMember & { digest: string };

/**
 * Everything stored of a member, hashed: a sender repeats a firing group every `repeat_interval` (and
 * Alertmanager re-sends it on every group_interval while anything in it changes), and a member whose
 * status, labels, annotations, times and extras are all the same needs no write.
 */
export function memberDigest(m: AlertMember): string {
  // One-shot hash: no Hash object per member (it showed in the ingest profile).
  const stored = [m.status, m.labels, m.annotations, m.startsAt, m.endsAt, m.generatorUrl, m.extra ?? {}];
  return hash("sha1", JSON.stringify(stored), "base64");
}

export interface MemberMerge {
  /** The members after the message: stored ones updated by what the message says. */
  members: Map<string, KnownMember>;
  /** Members this message changed in any way (or that are new), to write back. */
  changed: MemberChange[];
  /** Members missing from a complete group message, now resolved. */
  departed: string[];
  firing: number;
  resolved: number;
}

/** Summary, severity, details, links and images of an alert, hashed: a repeat that matches rewrites none. */
export function alertContentDigest(a: {
  summary: string;
  severity: string | null;
  details: unknown;
  links: unknown;
  images: unknown;
}): string {
  return hash("sha1", JSON.stringify([a.summary, a.severity, a.details, a.links, a.images]), "base64");
}

/**
 * Merges a grouped message (Alertmanager, Grafana) into the members already known for its alert. The
 * message's own per-alert statuses are the truth for the members it carries; when it carries the whole group
 * (nothing truncated), members it no longer lists have left the group and count as resolved.
 */
export function mergeMembers(known: readonly KnownMember[], event: AlertEvent): MemberMerge {
  const members = new Map(known.map((m) => [m.fingerprint, { ...m }]));
  const incoming = event.members ?? [];
  const listed = new Set(incoming.map((m) => m.fingerprint));
  const changed: MemberChange[] = [];
  for (const member of incoming) {
    const digest = memberDigest(member);
    const before = members.get(member.fingerprint);
    members.set(member.fingerprint, { fingerprint: member.fingerprint, status: member.status, digest });
    if (before?.digest !== digest) changed.push({ ...member, digest });
  }
  const departed: string[] = [];
  if (event.completeGroup) {
    for (const m of members.values()) {
      if (!listed.has(m.fingerprint) && m.status === "firing") {
        m.status = "resolved";
        m.digest = null;
        departed.push(m.fingerprint);
      }
    }
  }
  let firing = 0;
  for (const m of members.values()) if (m.status === "firing") firing++;
  return { members, changed, departed, firing, resolved: members.size - firing };
}

/**
 * What a message means for its alert as a whole. Ungrouped sources say it themselves; a group is open while
 * any known member fires and resolves only when every member has (partial resolves keep it open).
 */
export function effectiveAction(event: AlertEvent, merge: MemberMerge | null): AlertAction {
  if (!merge || (event.members ?? []).length === 0) return event.action;
  if (event.action === "acknowledge") return "acknowledge";
  return merge.firing > 0 ? "trigger" : "resolve";
}
