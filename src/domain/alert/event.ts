/**
 * The one shape every alert source is translated into (PagerDuty Events v2 and v1, Alertmanager, Grafana,
 * the generic webhook, heartbeats and health checks). Parsers in src/integrations/<system>/ produce it;
 * app/alerts/ stores it durably and then applies it. Plain JSON: it is stored as jsonb in the inbox.
 */

export const ALERT_ACTIONS = ["trigger", "acknowledge", "resolve"] as const;
export type AlertAction = (typeof ALERT_ACTIONS)[number];

/** PagerDuty's severities; every source maps onto these four. */
export const ALERT_SEVERITIES = ["critical", "error", "warning", "info"] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** Longest dedup key PagerDuty accepts; longer keys from other sources are hashed to fit. */
export const MAX_DEDUP_KEY = 255;
/** Longest summary PagerDuty accepts. */
export const MAX_SUMMARY = 1024;

export interface AlertLink {
  href: string;
  text?: string;
}

export interface AlertImage {
  src: string;
  href?: string;
  alt?: string;
}

/** One member of a grouped alert (an Alertmanager/Grafana alert inside a group), tracked by fingerprint. */
export interface AlertMember {
  fingerprint: string;
  status: "firing" | "resolved";
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** ISO 8601, or null when the sender gave none (Alertmanager's 0001-01-01 "zero time" becomes null). */
  startsAt: string | null;
  endsAt: string | null;
  generatorUrl: string | null;
  /** Source-specific extras worth showing (Grafana: values, silenceURL, imageURL, dashboardURL, panelURL). */
  extra?: Record<string, unknown>;
}

export interface AlertEvent {
  action: AlertAction;
  /** Identity of the alert within its integration (dedup is scoped per integration); ≤ MAX_DEDUP_KEY chars. */
  dedupKey: string;
  /** Becomes the alert's (and a new incident's) title; ≤ MAX_SUMMARY chars. */
  summary: string;
  /** The affected system (hostname, job, URL). */
  source: string;
  /** null: the sender said nothing usable; the service's default applies. */
  severity: AlertSeverity | null;
  /** When the sender says it happened (ISO 8601), or null. */
  occurredAt: string | null;
  component?: string;
  group?: string;
  class?: string;
  /** Free-form details shown on the alert (PagerDuty custom_details, Alertmanager common labels, …). */
  details: Record<string, unknown>;
  links: AlertLink[];
  images: AlertImage[];
  client?: string;
  clientUrl?: string;
  /**
   * Grouped sources only: the member alerts carried by this message. The group stays open while any known
   * member fires and resolves when all have (partial resolves).
   */
  members?: AlertMember[];
  /**
   * Grouped sources only: true when the message carries every member of the group (Alertmanager sends the
   * whole group unless truncated), so members missing from it have left the group (resolved).
   */
  completeGroup?: boolean;
  /** Members the sender left out (Alertmanager `truncatedAlerts`), surfaced on the alert. */
  truncatedAlerts?: number;
}

/** A PagerDuty change event (deploys, config changes): shown on its service and nearby incidents. */
export interface ChangeEvent {
  summary: string;
  source: string | null;
  /** ISO 8601; when absent the receive time is used. */
  timestamp: string | null;
  details: Record<string, unknown>;
  links: AlertLink[];
}

/** One problem with an incoming body: where (a dotted path) and what was wrong. */
export interface PayloadError {
  field: string;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: PayloadError[] };
