import { DEFAULT_SEVERITY_MAP } from "#domain/alert/severity.ts";
import {
  type AlertDetail,
  type AlertMemberView,
  type AlertView,
  absoluteUrl,
  alertSeverityCell,
  checkStateCell,
  type HealthCheck,
  healthCell,
  type Integration,
  type IntegrationDetail,
  type MaintenanceWindow,
  type ServiceDetail,
  type ServiceSummary,
  windowState,
  windowText,
} from "../commands/alerting-shared.ts";
import { duration, orDash, paint, relative, statusCell, timestamp } from "../format.ts";
import type { Output } from "../output.ts";

// How services, integrations, alerts, checks and maintenance windows look in a terminal.

export function section(out: Output, title: string): void {
  out.print("");
  out.print(out.color.bold(title));
}

export function fields(out: Output, rows: readonly [string, string][]): void {
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) out.print(`  ${out.color.dim(k.padEnd(width))}  ${v}`);
}

/** "warning → SEV2 (set), …": the whole table the service uses, its own entries marked. */
export function severityMapText(map: Record<string, string> | null): string {
  const own = map ?? {};
  const entries = Object.entries(DEFAULT_SEVERITY_MAP).map(([alert, sev]) => {
    const set = own[alert];
    return set ? `${alert} → ${set} (set)` : `${alert} → ${sev}`;
  });
  return `${entries.join(", ")}${map ? "" : " (default)"}`;
}

export function onResolvedText(value: string | null): string {
  const meaning: Record<string, string> = {
    mitigating: "the incident moves to mitigating",
    resolved: "the incident is resolved",
    none: "the incident is left as it is",
  };
  return value ? `${value}: ${meaning[value] ?? ""}`.replace(/: $/, "") : "the server's default";
}

export function healthText(out: Output, health: ServiceSummary["health"]): string {
  const status = paint(healthCell(health.status, out.color));
  return health.reasons.length ? `${status}: ${health.reasons.join("; ")}` : status;
}

/** The settings every change command prints after its one-line verdict. */
export function printServiceSettings(out: Output, s: ServiceSummary): void {
  fields(out, [
    ["Health", healthText(out, s.health)],
    ["Description", orDash(s.description)],
    ["Severity map", severityMapText(s.severity_map)],
    ["When all alerts resolve", onResolvedText(s.on_alerts_resolved)],
    ["Escalation policy", policyText(s.escalation_policy)],
    ["Team", s.team ?? "none (foghorn service set NAME --team TEAM)"],
  ]);
}

/** Who a service's incidents page. */
export function policyText(policy: string | null | undefined): string {
  return policy ? policy : "none: incidents page no one (foghorn service set NAME --policy POLICY)";
}

export function printIntegrationTable(
  out: Output,
  items: readonly Integration[],
  serverUrl: string,
  now: Date,
): void {
  out.table(
    ["ID", "SERVICE", "KIND", "NAME", "LAST EVENT", "URL"],
    items.map((i) => [
      i.id,
      i.service,
      i.kind,
      i.name,
      i.last_event_at ? relative(i.last_event_at, now) : "never",
      absoluteUrl(i.url, serverUrl),
    ]),
  );
}

export function printCheckTable(out: Output, checks: readonly HealthCheck[], now: Date): void {
  const c = out.color;
  out.table(
    ["NAME", "STATE", "EVERY", "LAST CHECK", "LATENCY", "URL", "LAST ERROR"],
    checks.map((k) => [
      k.name,
      checkStateCell(k.consecutive_failures > 1 ? `${k.state} ×${k.consecutive_failures}` : k.state, c),
      duration(k.interval_seconds),
      k.last_checked_at ? relative(k.last_checked_at, now) : "never",
      k.last_latency_ms === null ? "-" : `${k.last_latency_ms}ms`,
      `${k.method} ${k.url}`,
      orDash(k.last_error),
    ]),
  );
}

export function printWindowTable(out: Output, windows: readonly MaintenanceWindow[], now: Date): void {
  const c = out.color;
  out.table(
    ["ID", "STATE", "WHEN", "REASON"],
    windows.map((w) => {
      const state = windowState(w, now);
      return [
        w.id,
        { text: state, paint: state === "active" ? c.yellow : c.dim },
        windowText(w),
        orDash(w.reason),
      ];
    }),
  );
}

/** `foghorn service show`: settings, health, integrations, checks, maintenance, recent change events. */
export function printServiceDetail(out: Output, s: ServiceDetail, serverUrl: string, now: Date): void {
  out.print(`${out.color.bold(s.name)}  ${paint(healthCell(s.health.status, out.color))}`);
  if (s.description) out.print(`  ${s.description}`);
  out.print("");
  fields(out, [
    ["Created", timestamp(s.created_at)],
    ["Health", healthText(out, s.health)],
    ["Severity map", severityMapText(s.severity_map)],
    ["When all alerts resolve", onResolvedText(s.on_alerts_resolved)],
    ["Escalation policy", policyText(s.escalation_policy)],
  ]);
  section(out, `Integrations (${s.integrations.length})`);
  if (s.integrations.length) {
    out.table(
      ["ID", "KIND", "NAME", "LAST EVENT", "URL"],
      s.integrations.map((i) => [
        i.id,
        i.kind,
        i.name,
        i.last_event_at ? relative(i.last_event_at, now) : "never",
        absoluteUrl(i.url, serverUrl),
      ]),
    );
  } else
    out.print(out.color.dim(`  Add one: foghorn integration create --service ${s.name} --kind alertmanager`));
  section(out, `Health checks (${s.health_checks.length})`);
  if (s.health_checks.length) printCheckTable(out, s.health_checks, now);
  else
    out.print(
      out.color.dim(`  Add one: foghorn check add --service ${s.name} --name api --url https://…/healthz`),
    );
  section(out, `Maintenance windows (${s.maintenance_windows.length})`);
  if (s.maintenance_windows.length) printWindowTable(out, s.maintenance_windows, now);
  section(out, `Recent change events (${s.change_events.length})`);
  if (s.change_events.length)
    out.table(
      ["AT", "SOURCE", "SUMMARY"],
      s.change_events.map((e) => [timestamp(e.at), orDash(e.source), e.summary]),
    );
}

const READY_TO_PASTE = "Ready to paste";

/** What to paste into the sender, per kind: the receiver/contact point that points at this integration. */
export function printSenderSetup(out: Output, i: Integration, serverUrl: string): void {
  const url = absoluteUrl(i.url, serverUrl);
  const receiver = `foghorn-${i.service}`;
  const c = out.color;
  switch (i.kind) {
    case "alertmanager":
      out.print(c.bold(`${READY_TO_PASTE} into alertmanager.yml (then route alerts to the receiver):`));
      out.print("");
      for (const line of [
        "receivers:",
        `  - name: ${receiver}`,
        "    webhook_configs:",
        `      - url: ${url}`,
        "        send_resolved: true",
      ])
        out.print(`  ${line}`);
      break;
    case "pagerduty":
      out.print(
        c.bold(`${READY_TO_PASTE} into alertmanager.yml (any PagerDuty Events API v2 sender works):`),
      );
      out.print("");
      for (const line of [
        "receivers:",
        `  - name: ${receiver}`,
        "    pagerduty_configs:",
        `      - url: ${url}`,
        `        routing_key: ${i.routing_key}`,
      ])
        out.print(`  ${line}`);
      break;
    case "grafana": {
      out.print(c.bold("In Grafana: Alerting → Contact points → + Add contact point:"));
      out.print("");
      const rows: [string, string][] = [
        ["Integration", "Webhook"],
        ["URL", url],
        ["HTTP Method", "POST"],
      ];
      if (i.config.hmac_secret_set === true) {
        rows.push([
          "HMAC signature",
          "Optional Webhook settings → HMAC: the secret given with --hmac-secret",
        ]);
        if (typeof i.config.timestamp_header === "string")
          rows.push(["Timestamp header", i.config.timestamp_header]);
      }
      fields(out, rows);
      break;
    }
    case "heartbeat": {
      const every = typeof i.config.interval_seconds === "number" ? duration(i.config.interval_seconds) : "?";
      out.print(c.bold(`Ping it at least every ${every}, e.g. at the end of a cron job:`));
      out.print("");
      out.print(`  curl -fsS -X POST ${url}`);
      break;
    }
    case "generic":
      out.print(c.bold("POST JSON to the URL; check the mapping on a sample first:"));
      out.print("");
      out.print(`  foghorn integration test ${i.id} --sample event.json`);
      out.print(`  curl -fsS -X POST -H 'content-type: application/json' -d @event.json ${url}`);
      break;
  }
}

/** The URL, routing key and setup text: what `integration create` prints. */
export function printIntegrationCreated(out: Output, i: Integration, serverUrl: string): void {
  out.print(`Created ${i.kind} integration "${i.name}" for service ${i.service} (id ${i.id}).`);
  out.print("");
  fields(out, [
    ["URL", absoluteUrl(i.url, serverUrl)],
    ["Routing key", i.routing_key],
  ]);
  out.print("");
  printSenderSetup(out, i, serverUrl);
}

function configText(config: Record<string, unknown>): string {
  const entries = Object.entries(config);
  if (entries.length === 0) return "-";
  return entries.map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(", ");
}

/** `foghorn integration show`: settings, setup text and the recent log. */
export function printIntegrationDetail(
  out: Output,
  i: IntegrationDetail,
  serverUrl: string,
  now: Date,
): void {
  out.print(`${out.color.bold(i.name)}  ${i.kind}  service ${i.service}`);
  out.print("");
  fields(out, [
    ["ID", i.id],
    ["URL", absoluteUrl(i.url, serverUrl)],
    ["Routing key", i.routing_key],
    ["Settings", configText(i.config)],
    [
      "Rate limit",
      i.rate_limit_per_minute === null
        ? "the default"
        : i.rate_limit_per_minute === 0
          ? "unlimited"
          : `${i.rate_limit_per_minute} events per minute`,
    ],
    [
      "Last event",
      i.last_event_at ? `${timestamp(i.last_event_at)} (${relative(i.last_event_at, now)})` : "never",
    ],
    ["Created", `${timestamp(i.created_at)} by ${i.created_by}`],
  ]);
  out.print("");
  printSenderSetup(out, i, serverUrl);
  section(out, `Recent log (${i.log.length})`);
  if (i.log.length)
    out.table(
      ["AT", "ACTION", "OUTCOME", "MESSAGE"],
      i.log.map((l) => [timestamp(l.at), l.action, l.outcome, orDash(l.message)]),
    );
  else out.print(out.color.dim("  Nothing received yet."));
}

function alertStatusCell(a: AlertView, out: Output) {
  const cell = statusCell(a.status, out.color);
  return a.suppressed && typeof cell === "object"
    ? { text: `${a.status} (muted)`, paint: out.color.dim }
    : cell;
}

/** The alert list: ID, status, severity, service, summary, events, incident, age. */
export function printAlertTable(out: Output, items: readonly AlertView[], now: Date): void {
  const c = out.color;
  out.table(
    ["ID", "STATUS", "SEVERITY", "SERVICE", "SUMMARY", "EVENTS", "INCIDENT", "AGE"],
    items.map((a) => [
      { text: a.id, paint: c.bold },
      alertStatusCell(a, out),
      alertSeverityCell(a.severity, c),
      a.service,
      a.summary,
      String(a.event_count),
      orDash(a.incident),
      relative(a.created_at, now).replace(/ ago$/, ""),
    ]),
  );
}

/**
 * A member's labels that tell it apart from the others (instance=10.0.0.11:9100); the labels every member
 * shares are the group's and say nothing per row. A lone member shows all of its labels.
 */
function distinctLabels(members: readonly AlertMemberView[]): (labels: Record<string, string>) => string {
  const shared = (key: string, value: string) =>
    members.length > 1 && members.every((m) => m.labels[key] === value);
  return (labels) =>
    Object.entries(labels)
      .filter(([k, v]) => !shared(k, v))
      .map(([k, v]) => `${k}=${v}`)
      .join(" ") || "-";
}

/** `foghorn alert show`: the alert, its details, links and members. */
export function printAlertDetail(out: Output, a: AlertDetail, now: Date): void {
  const c = out.color;
  out.print(
    [c.bold(a.id), paint(alertSeverityCell(a.severity, c)), paint(alertStatusCell(a, out)), a.summary].join(
      "  ",
    ),
  );
  out.print("");
  const rows: [string, string][] = [
    ["Service", a.service],
    ["Source", `${orDash(a.source)} (via ${a.source_kind})`],
    ["Dedup key", a.dedup_key],
    ["Incident", a.incident ?? "none"],
    ["Events", String(a.event_count)],
    ["First seen", `${timestamp(a.created_at)} (${relative(a.created_at, now)})`],
    ["Last event", `${timestamp(a.last_event_at)} (${relative(a.last_event_at, now)})`],
  ];
  if (a.acknowledged_at) rows.push(["Acknowledged", timestamp(a.acknowledged_at)]);
  if (a.resolved_at) rows.push(["Resolved", timestamp(a.resolved_at)]);
  if (a.suppressed) rows.push(["Muted", "yes: it arrived during maintenance and paged no one"]);
  if (a.truncated_alerts > 0)
    rows.push(["Truncated", `${a.truncated_alerts} member alerts were left out by the sender`]);
  fields(out, rows);
  const details = Object.entries(a.details ?? {});
  if (details.length) {
    section(out, "Details");
    fields(
      out,
      details.map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
    );
  }
  if (a.links.length || a.images.length) {
    section(out, `Links (${a.links.length + a.images.length})`);
    for (const l of a.links) out.print(`  ${l.text ? `${l.text}: ` : ""}${l.href}`);
    for (const img of a.images) out.print(`  image${img.alt ? ` ${img.alt}` : ""}: ${img.src}`);
  }
  const members = a.members ?? [];
  if (members.length) {
    const labelsText = distinctLabels(members);
    section(out, `Members (${members.length})`);
    out.table(
      ["STATUS", "STARTED", "FINGERPRINT", members.length > 1 ? "LABELS (those that differ)" : "LABELS"],
      members.map((m) => [
        m.status === "firing" ? { text: m.status, paint: c.red } : { text: m.status, paint: c.green },
        m.starts_at ? timestamp(m.starts_at) : "-",
        m.fingerprint,
        labelsText(m.labels),
      ]),
    );
    const sources = [...new Set(members.map((m) => m.generator_url).filter((u): u is string => !!u))];
    for (const u of sources) out.print(`  ${c.dim("source:")} ${u}`);
  }
}
