import { readFile } from "node:fs/promises";
import { ALERT_SEVERITIES } from "#domain/alert/event.ts";
import { isValidTimeZone } from "#domain/alert/maintenance.ts";
import { SEVERITIES } from "#domain/incident/severity.ts";
import { parseDuration } from "#domain/time.ts";
import type { CommandContext, FlagSpec } from "../command.ts";
import { usageError } from "../errors.ts";
import { isRecord, parseJsonOrUndefined } from "../json.ts";
import type { Colors } from "../output.ts";
import { printPage } from "../paging.ts";
import type { Cell } from "../table.ts";

// Pieces the service, integration, alert, maintenance and check commands share: the API's shapes (the
// contract of src/http/routes/alerts.ts, only the fields the tables read), paths, and flag parsing.

export const INTEGRATION_KINDS = ["alertmanager", "grafana", "pagerduty", "generic", "heartbeat"] as const;
export const ON_ALERTS_RESOLVED = ["mitigating", "resolved", "none"] as const;
export const ALERT_STATUSES = ["open", "triggered", "acknowledged", "resolved"] as const;

export interface Health {
  status: string;
  reasons: string[];
}

export interface ServiceSummary {
  id: string;
  name: string;
  description: string;
  created_at: string;
  severity_map: Record<string, string> | null;
  on_alerts_resolved: string | null;
  /** The escalation policy that pages for the service; null: nobody is paged. */
  escalation_policy: string | null;
  /** The team that owns the service (the metrics' team filter); null: none. */
  team: string | null;
  health: Health;
}

export interface Integration {
  id: string;
  service: string;
  kind: string;
  name: string;
  routing_key: string;
  url: string;
  config: Record<string, unknown>;
  rate_limit_per_minute: number | null;
  last_event_at: string | null;
  created_by: string;
  created_at: string;
}

export interface IntegrationDetail extends Integration {
  log: { at: string; action: string; outcome: string; message: string | null }[];
}

export interface HealthCheck {
  id: string;
  name: string;
  url: string;
  method: string;
  interval_seconds: number;
  timeout_ms: number;
  expected_status: string;
  keyword: string | null;
  json_path: string | null;
  json_equals: string | null;
  failure_threshold: number;
  state: string;
  consecutive_failures: number;
  last_checked_at: string | null;
  last_latency_ms: number | null;
  last_error: string | null;
}

export interface MaintenanceWindow {
  id: string;
  starts_at: string;
  ends_at: string;
  time_zone: string;
  reason: string | null;
  active: boolean;
}

export interface ChangeEventView {
  id: string;
  service: string;
  summary: string;
  source: string | null;
  at: string;
  links: { href: string; text?: string }[];
}

export interface ServiceDetail extends ServiceSummary {
  integrations: Integration[];
  health_checks: HealthCheck[];
  maintenance_windows: MaintenanceWindow[];
  change_events: ChangeEventView[];
}

export interface CheckResult {
  at: string;
  ok: boolean;
  status_code: number | null;
  latency_ms: number | null;
  error: string | null;
}

export interface AlertView {
  id: string;
  number: number;
  service: string;
  source_kind: string;
  dedup_key: string;
  status: string;
  summary: string;
  source: string;
  severity: string | null;
  event_count: number;
  truncated_alerts: number;
  suppressed: boolean;
  incident: string | null;
  created_at: string;
  last_event_at: string;
  acknowledged_at: string | null;
  resolved_at: string | null;
  details: Record<string, unknown>;
  links: { href: string; text?: string }[];
  images: { src: string; href?: string; alt?: string }[];
}

export interface AlertMemberView {
  fingerprint: string;
  status: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  starts_at: string | null;
  ends_at: string | null;
  generator_url: string | null;
}

export interface AlertDetail extends AlertView {
  members: AlertMemberView[];
}

export const SERVICE_FLAG: FlagSpec = {
  name: "service",
  type: "string",
  value: "NAME",
  description: "The service, e.g. checkout (required)",
};

/** API field → CLI flag for the service settings. */
export const SERVICE_FIELD_FLAGS: Record<string, string> = {
  name: "NAME",
  description: "--description",
  severity_map: "--severity-map",
  on_alerts_resolved: "--on-alerts-resolved",
};

const segment = (value: string) => encodeURIComponent(value.trim());

/** `/api/v1/services/checkout` plus an optional sub-path. */
export function servicePath(name: string, sub = ""): string {
  return `/api/v1/services/${segment(name)}${sub}`;
}

export function integrationPath(id: string, sub = ""): string {
  return `/api/v1/integrations/${segment(id)}${sub}`;
}

/**
 * `list --service NAME` of what the service's detail holds (health checks, maintenance windows): the
 * items as `{items}` JSON or `table`, else the `empty` lines for the service's name.
 */
export async function printServiceItems<T>(
  ctx: CommandContext,
  pick: (service: ServiceDetail) => T[],
  empty: (service: string) => string[],
  table: (items: T[]) => void,
): Promise<void> {
  const detail = await ctx.api().get<ServiceDetail>(servicePath(ctx.args.requiredString("service")));
  printPage(ctx, { items: pick(detail) }, empty(detail.name), table);
}

/** DELETE (the server answers 204), then say so: `what` with `deleted: true` as JSON, else `message`. */
export async function deleteResource(
  ctx: CommandContext,
  path: string,
  what: Record<string, string>,
  message: string,
): Promise<void> {
  await ctx.api().request<unknown>("DELETE", path);
  ctx.out.result({ ...what, deleted: true }, () => ctx.out.print(message));
}

/** The value of `--flag` when it is one of `allowed` (case-insensitive), else a usage error naming them. */
export function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  const folded = value.trim().toLowerCase();
  const found = allowed.find((a) => a === folded);
  if (!found) throw usageError(`--${flag} must be one of ${allowed.join(", ")}; got "${value}"`);
  return found;
}

/** "30s", "2m", "1h30m" or a plain number of seconds → milliseconds; a usage error otherwise. */
function durationMs(flag: string, text: string): number {
  const trimmed = text.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : parseDuration(trimmed);
  if (ms === undefined)
    throw usageError(
      `--${flag} must be a duration such as 30s, 2m or 1h (a plain number is seconds); got "${text}"`,
    );
  return ms;
}

/** A duration flag in whole seconds (`--interval 60s` → 60), or undefined when absent. */
export function secondsFlag(ctx: CommandContext, flag: string): number | undefined {
  const text = ctx.args.string(flag);
  if (text === undefined) return undefined;
  const ms = durationMs(flag, text);
  if (ms % 1000 !== 0) throw usageError(`--${flag} must be whole seconds, e.g. 30s; got "${text}"`);
  return ms / 1000;
}

/** A duration flag in milliseconds (`--timeout 2s` → 2000), or undefined when absent. */
export function millisecondsFlag(ctx: CommandContext, flag: string): number | undefined {
  const text = ctx.args.string(flag);
  return text === undefined ? undefined : durationMs(flag, text);
}

/**
 * `warning=SEV2,info=SEV4` → `{ warning: "SEV2", info: "SEV4" }`; "default" → null (back to the default
 * table). Each alert severity and incident severity is checked here so a typo names the choices.
 */
export function parseSeverityMap(text: string): Record<string, string> | null {
  if (text.trim().toLowerCase() === "default") return null;
  const map: Record<string, string> = {};
  for (const pair of text.split(",").map((p) => p.trim())) {
    if (pair === "") continue;
    const [key = "", value = "", ...more] = pair.split("=").map((p) => p.trim());
    if (!key || !value || more.length)
      throw usageError(`--severity-map takes ALERT=SEV pairs, e.g. warning=SEV2,info=SEV4; got "${pair}"`);
    const alert = ALERT_SEVERITIES.find((s) => s === key.toLowerCase());
    if (!alert)
      throw usageError(
        `--severity-map: ${key}=${value}: the alert severity must be one of ${ALERT_SEVERITIES.join(", ")}`,
      );
    const incident = SEVERITIES.find((s) => s === value.toUpperCase().replace(/^SEV-?/, "SEV"));
    if (!incident)
      throw usageError(
        `--severity-map: ${alert}=${value}: the incident severity must be one of ${SEVERITIES.join(", ")}`,
      );
    map[alert] = incident;
  }
  if (Object.keys(map).length === 0)
    throw usageError('--severity-map needs ALERT=SEV pairs, e.g. warning=SEV2,info=SEV4 (or "default")');
  return map;
}

/** `--on-alerts-resolved`: mitigating, resolved, none, or "default" (null: the installation's setting). */
export function parseOnAlertsResolved(text: string): string | null {
  if (text.trim().toLowerCase() === "default") return null;
  return oneOf("on-alerts-resolved", text, ON_ALERTS_RESOLVED);
}

/** An IANA time zone, checked here so a typo is a usage error that says what is expected. */
export function timeZoneFlag(value: string): string {
  const zone = value.trim();
  if (!isValidTimeZone(zone))
    throw usageError(
      `--tz must be an IANA time zone such as Europe/Berlin, America/New_York or UTC; got "${value}"`,
    );
  return zone;
}

const LOCAL_TIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$/i;

/** "2026-12-24 22:00" → "2026-12-24T22:00"; an offset (Z, +01:00) is kept and wins over --tz. */
export function localTimeFlag(ctx: CommandContext, flag: string): string {
  const text = ctx.args.requiredString(flag).trim();
  const m = LOCAL_TIME.exec(text);
  if (!m)
    throw usageError(
      `--${flag} must be a local time "YYYY-MM-DD HH:MM" (or ISO 8601 with an offset); got "${text}"`,
    );
  return `${m[1]}T${m[2]}${(m[3] ?? "").toUpperCase()}`;
}

/** The JSON in a file (or standard input for "-"), for --mapping and --sample; a usage error when unreadable. */
export async function readJsonFlag(ctx: CommandContext, flag: string): Promise<unknown> {
  const file = ctx.args.requiredString(flag);
  let text: string | undefined;
  try {
    text = file === "-" ? await ctx.readStdin() : await readFile(file, "utf8");
  } catch (error) {
    const why = isRecord(error) && typeof error.code === "string" ? error.code : String(error);
    throw usageError(`--${flag} ${file}: cannot read the file (${why})`);
  }
  const value = text === undefined ? undefined : parseJsonOrUndefined(text);
  if (value === undefined)
    throw usageError(`--${flag} ${file === "-" ? "- (standard input)" : file}: not valid JSON`);
  return value;
}

/** An integration URL as a sender must use it: absolute, resolved against the server the CLI talks to. */
export function absoluteUrl(url: string, serverUrl: string): string {
  try {
    return new URL(url, `${serverUrl.replace(/\/+$/, "")}/`).toString();
  } catch {
    return url;
  }
}

export function healthCell(status: string, c: Colors): Cell {
  const paints: Record<string, (s: string) => string> = {
    healthy: c.green,
    degraded: c.yellow,
    down: (s) => c.bold(c.red(s)),
  };
  return { text: status, paint: paints[status] ?? ((s: string) => s) };
}

export function alertSeverityCell(severity: string | null, c: Colors): Cell {
  const paints: Record<string, (s: string) => string> = {
    critical: (s) => c.bold(c.red(s)),
    error: c.red,
    warning: c.yellow,
    info: c.dim,
  };
  return { text: severity ?? "-", paint: (severity && paints[severity]) || c.dim };
}

/** Check states: passing green, failing red, unknown dim. */
export function checkStateCell(state: string, c: Colors): Cell {
  const paints: Record<string, (s: string) => string> = {
    passing: c.green,
    failing: (s) => c.bold(c.red(s)),
  };
  return { text: state, paint: paints[state] ?? c.dim };
}

/** "2026-12-24 22:00" as the wall clock in `timeZone` shows the instant. */
export function wallClock(iso: string, timeZone: string): string {
  try {
    const parts = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).formatToParts(new Date(iso));
    const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
    return `${get("year")}-${get("month")}-${get("day")} ${get("hour")}:${get("minute")}`;
  } catch {
    return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
  }
}

/** "2026-12-24 22:00 → 2026-12-25 02:00 Europe/Berlin": a maintenance window in its own time zone. */
export function windowText(w: MaintenanceWindow): string {
  return `${wallClock(w.starts_at, w.time_zone)} → ${wallClock(w.ends_at, w.time_zone)} ${w.time_zone}`;
}

/** Where a window stands now: active, scheduled or ended. */
export function windowState(w: MaintenanceWindow, now: Date): string {
  if (w.active) return "active";
  return Date.parse(w.starts_at) > now.getTime() ? "scheduled" : "ended";
}
