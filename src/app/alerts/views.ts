import type { AlertEvent } from "#domain/alert/event.ts";
import type { AlertMemberRow, AlertRow, IntegrationRow } from "#store/alerts.ts";

// The public representation of services' integrations and alerts (snake_case, like the incident views).

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/** Where a sender posts, per integration kind; PagerDuty-compatible senders keep the key in the body. */
export function integrationUrl(baseUrl: string, kind: string, routingKey: string): string {
  const base = baseUrl.replace(/\/+$/, "");
  switch (kind) {
    case "pagerduty":
      return `${base}/v2/enqueue`;
    case "heartbeat":
      return `${base}/api/v1/heartbeats/${routingKey}`;
    default:
      return `${base}/webhooks/${kind}/${routingKey}`;
  }
}

/** Integration settings without secrets: a secret is shown as set or not, never echoed. */
function publicConfig(config: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries((config ?? {}) as Record<string, unknown>)) {
    if (k.endsWith("secret")) out[`${k}_set`] = typeof v === "string" && v.length > 0;
    else out[k] = v;
  }
  return out;
}

export function integrationView(row: IntegrationRow & { serviceName: string }, baseUrl: string) {
  return {
    id: row.id,
    service: row.serviceName,
    kind: row.kind,
    name: row.name,
    routing_key: row.routingKey,
    url: integrationUrl(baseUrl, row.kind, row.routingKey),
    config: publicConfig(row.config),
    rate_limit_per_minute: row.rateLimitPerMinute,
    last_event_at: iso(row.lastEventAt),
    created_by: row.createdBy,
    created_at: iso(row.createdAt),
  };
}
export type IntegrationView = ReturnType<typeof integrationView>;

export function alertView(row: AlertRow & { serviceName: string; incidentNumber?: number | null }) {
  return {
    id: `ALR-${row.number}`,
    number: row.number,
    service: row.serviceName,
    source_kind: row.sourceKind,
    dedup_key: row.dedupKey,
    status: row.status,
    summary: row.summary,
    source: row.source,
    severity: row.severity,
    component: row.component,
    group: row.group,
    class: row.class,
    client: row.client,
    client_url: row.clientUrl,
    event_count: row.eventCount,
    truncated_alerts: row.truncatedAlerts,
    suppressed: row.suppressed,
    incident: row.incidentNumber ? `INC-${row.incidentNumber}` : null,
    created_at: iso(row.createdAt),
    last_event_at: iso(row.lastEventAt),
    acknowledged_at: iso(row.acknowledgedAt),
    resolved_at: iso(row.resolvedAt),
    details: row.details,
    links: row.links,
    images: row.images,
  };
}
export type AlertView = ReturnType<typeof alertView>;

export function memberView(m: AlertMemberRow) {
  return {
    fingerprint: m.fingerprint,
    status: m.status,
    labels: m.labels,
    annotations: m.annotations,
    starts_at: iso(m.startsAt),
    ends_at: iso(m.endsAt),
    generator_url: m.generatorUrl,
    extra: m.extra,
  };
}

/** An AlertEvent as the API shows it (a dry run's answer): snake_case like every other view. */
export function alertEventView(e: AlertEvent) {
  return {
    action: e.action,
    dedup_key: e.dedupKey,
    summary: e.summary,
    source: e.source,
    severity: e.severity,
    occurred_at: e.occurredAt,
    component: e.component ?? null,
    group: e.group ?? null,
    class: e.class ?? null,
    details: e.details,
    links: e.links,
    images: e.images,
  };
}
