/**
 * Maps one validated Alertmanager-shaped message (Alertmanager or Grafana) to one AlertEvent for the
 * whole group: the group is the alert (deduplicated by groupKey), and its alerts are members tracked by
 * fingerprint, so partial resolves keep the group open (WIRE-FORMATS.md §4.2, "Recommendation").
 */
import { createHash } from "node:crypto";
import {
  type AlertEvent,
  type AlertImage,
  type AlertLink,
  type AlertMember,
  MAX_DEDUP_KEY,
  MAX_SUMMARY,
} from "#domain/alert/event.ts";
import type { AlertGroupMessage, WireAlert } from "./schema.ts";
import { mostSevereLabel, severityFromLabel } from "./severity.ts";

// A group of 10,000 alerts, each with its own dashboard or silence URL, would otherwise carry 10,000+
// links; past a few dozen nobody reads them, and the members keep every per-alert URL anyway.
const MAX_LINKS = 50;
const MAX_IMAGES = 20;

/** What a sender adds per alert on top of Alertmanager's fields (Grafana: values, silence URL, …). */
export interface AlertExtras {
  extra?: Record<string, unknown>;
  links?: AlertLink[];
  images?: AlertImage[];
}

/** How one sender of the Alertmanager shape differs; Alertmanager itself needs only `client`. */
export interface AlertGroupMapping {
  /** Shown as the event's client and as the text of the link to `externalURL`. */
  client: string;
  /** A group-wide title preferred over per-alert summaries (Grafana's `title`). */
  groupTitle?: (message: AlertGroupMessage) => string | undefined;
  alertExtras?: (alert: WireAlert) => AlertExtras;
  /** Added to the event's details. */
  groupDetails?: (message: AlertGroupMessage) => Record<string, unknown>;
}

function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/**
 * The group's dedup key: the groupKey itself, or its hash when longer than PagerDuty's 255 characters
 * (counted in code points, as PostgreSQL counts them).
 */
export function groupDedupKey(groupKey: string): string {
  return Array.from(groupKey).length <= MAX_DEDUP_KEY ? groupKey : `sha256:${sha256Hex(groupKey)}`;
}

/**
 * A stable fingerprint for an alert that came without one: sha256 of its labels sorted by name, first 16
 * hex characters (Alertmanager's own length). Not Alertmanager's FNV hash, so only used when it is absent.
 */
export function labelsFingerprint(labels: Record<string, string>): string {
  const sorted = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return sha256Hex(JSON.stringify(sorted)).slice(0, 16);
}

/**
 * Cuts `text` to `max` code points, the last an ellipsis. Code points, not UTF-16 units: Alertmanager
 * truncates to 1024 runes and PostgreSQL counts characters, and a surrogate pair is never split.
 */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

/** Only http(s) links are kept: anything else (javascript:, data:) is not safe to render as a link. */
function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}

/** Links in first-seen order, deduplicated by href, capped at MAX_LINKS. */
class LinkList {
  readonly links: AlertLink[] = [];
  readonly #seen = new Set<string>();

  add(href: string | null | undefined, text: string): void {
    if (!href || this.#seen.has(href) || this.links.length >= MAX_LINKS || !isHttpUrl(href)) return;
    this.#seen.add(href);
    this.links.push({ href, text });
  }
}

/** Alertmanager's default title, `[FIRING:2] HighErrorRate (checkout)`: status, alertname, group labels. */
function defaultTitle(message: AlertGroupMessage, firingCount: number): string {
  const status = firingCount > 0 ? `FIRING:${firingCount}` : "RESOLVED";
  const name =
    message.commonLabels.alertname ??
    message.groupLabels.alertname ??
    message.alerts[0]?.labels.alertname ??
    "alert";
  const others = Object.entries(message.groupLabels)
    .filter(([key]) => key !== "alertname")
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, value]) => value);
  return `[${status}] ${name}${others.length > 0 ? ` (${others.join(" ")})` : ""}`;
}

/**
 * The group's title: the common summary, else the sender's group title, else the first firing alert's
 * summary (prefixed `[FIRING:n]` when the firing alerts say different things), else the default title.
 */
function groupSummary(message: AlertGroupMessage, firing: WireAlert[], mapping: AlertGroupMapping): string {
  const group = [message.commonAnnotations.summary, mapping.groupTitle?.(message)];
  let summary = group.map((s) => s?.trim()).find(Boolean);
  if (!summary) {
    const pool = firing.length > 0 ? firing : message.alerts;
    const first = pool.map((a) => a.annotations.summary?.trim()).find(Boolean);
    const distinct = new Set(firing.map((a) => a.annotations.summary?.trim() ?? ""));
    const prefix = firing.length > 1 && distinct.size > 1 ? `[FIRING:${firing.length}] ` : "";
    if (first) summary = prefix + first;
  }
  return truncateText(summary ?? defaultTitle(message, firing.length), MAX_SUMMARY);
}

function toMember(alert: WireAlert, extras: AlertExtras | undefined): AlertMember {
  const member: AlertMember = {
    fingerprint: alert.fingerprint || labelsFingerprint(alert.labels),
    status: alert.status,
    labels: alert.labels,
    annotations: alert.annotations,
    startsAt: alert.startsAt,
    endsAt: alert.endsAt,
    generatorUrl: alert.generatorURL,
  };
  if (extras?.extra && Object.keys(extras.extra).length > 0) member.extra = extras.extra;
  return member;
}

function earliest(timestamps: (string | null)[]): string | null {
  let best: string | null = null;
  for (const t of timestamps) if (t !== null && (best === null || Date.parse(t) < Date.parse(best))) best = t;
  return best;
}

/** The one AlertEvent for a validated group message; pure, so the same body always maps the same way. */
export function alertGroupToEvent(message: AlertGroupMessage, mapping: AlertGroupMapping): AlertEvent {
  const { alerts, commonLabels: common } = message;
  const firing = alerts.filter((alert) => alert.status === "firing");
  const links = new LinkList();
  const images: AlertImage[] = [];
  links.add(message.externalURL, mapping.client);
  const members = alerts.map((alert) => {
    const extras = mapping.alertExtras?.(alert);
    links.add(alert.generatorURL, "Source");
    links.add(alert.annotations.runbook_url ?? message.commonAnnotations.runbook_url, "Runbook");
    links.add(alert.annotations.dashboard ?? message.commonAnnotations.dashboard, "Dashboard");
    for (const link of extras?.links ?? []) links.add(link.href, link.text ?? "Link");
    for (const image of extras?.images ?? []) {
      const fresh = !images.some((i) => i.src === image.src);
      if (fresh && images.length < MAX_IMAGES && isHttpUrl(image.src)) images.push(image);
    }
    return toMember(alert, extras);
  });

  const event: AlertEvent = {
    // The group status is "firing" while any member fires; a firing member wins over an odd group status.
    action: message.status === "firing" || firing.length > 0 ? "trigger" : "resolve",
    dedupKey: groupDedupKey(message.groupKey),
    summary: groupSummary(message, firing, mapping),
    source: [common.instance, common.job, common.service, message.receiver].find(Boolean) ?? mapping.client,
    severity:
      severityFromLabel(common.severity) ?? mostSevereLabel(alerts.map((alert) => alert.labels.severity)),
    occurredAt: earliest(alerts.map((alert) => alert.startsAt)),
    details: {
      receiver: message.receiver,
      status: message.status,
      groupLabels: message.groupLabels,
      commonLabels: common,
      commonAnnotations: message.commonAnnotations,
      externalURL: message.externalURL,
      ...(message.notification_reason ? { notification_reason: message.notification_reason } : {}),
      ...mapping.groupDetails?.(message),
    },
    links: links.links,
    images,
    client: mapping.client,
    members,
    completeGroup: !(message.truncatedAlerts && message.truncatedAlerts > 0),
    truncatedAlerts: message.truncatedAlerts ?? 0,
  };
  if (common.service) event.component = common.service;
  if (common.team) event.group = common.team;
  if (common.alertname) event.class = common.alertname;
  if (isHttpUrl(message.externalURL)) event.clientUrl = message.externalURL;
  return event;
}
