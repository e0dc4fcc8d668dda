import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { localToInstant } from "#domain/alert/maintenance.ts";
import { parseDuration } from "#domain/time.ts";
import type { CommandContext, FlagSpec } from "../command.ts";
import { usageError } from "../errors.ts";
import { isRecord } from "../json.ts";
import type { Output } from "../output.ts";
import { timeZoneFlag } from "./alerting-shared.ts";

// Pieces the user, contact, team, policy, escalation-rule, schedule and oncall commands share: the API's
// shapes (the contract of src/http/routes/oncall.ts and oncall-schedules.ts, only the fields the CLI
// reads), paths, target and minute parsing, files, warnings.

export interface ContactMethod {
  id: string;
  kind: string;
  address: string;
  label: string;
}

export interface NotificationRule {
  id: string;
  contact_method_id: string;
  kind: string | null;
  address: string | null;
  delay_minutes: number;
}

export interface PersonSummary {
  id: string;
  username: string;
  display_name: string;
  role: string;
  time_zone: string;
  contact_methods: number;
  warnings: string[];
}

export interface PersonDetail extends Omit<PersonSummary, "contact_methods"> {
  contact_methods: ContactMethod[];
  notification_rules: NotificationRule[];
  teams: { name: string; role: string }[];
}

export interface TargetView {
  type: string;
  id: string;
  name: string | null;
}

export interface Team {
  id: string;
  name: string;
  description: string;
  members: { username: string; display_name: string; role: string }[];
  warnings: string[];
}

export interface Policy {
  id: string;
  name: string;
  description: string;
  /** The owning team; null: none. */
  team: string | null;
  repeat: number;
  levels: { level: number; delay_minutes: number | null; round_robin: boolean; targets: TargetView[] }[];
  services: string[];
  warnings: string[];
}

export interface EscalationRule {
  id: string;
  name: string;
  enabled: boolean;
  severities: string[];
  tags: string[];
  unresolved_minutes: number | null;
  condition: string;
  targets: TargetView[];
  warnings: string[];
}

/** NAME of the schedule commands. */
export const SCHEDULE_ARG = { name: "NAME", description: "The schedule's name or id, e.g. primary" };

/** --tz of the schedule commands: the zone times are read and shown in. */
export const TZ_FLAG: FlagSpec = {
  name: "tz",
  type: "string",
  value: "ZONE",
  description: "IANA zone to read and show times in (default: the schedule's)",
};

const segment = (value: string) => encodeURIComponent(value.trim());

export const userPath = (username: string, sub = "") => `/api/v1/users/${segment(username)}${sub}`;
export const teamPath = (team: string, sub = "") => `/api/v1/teams/${segment(team)}${sub}`;
export const policyPath = (policy: string) => `/api/v1/escalation-policies/${segment(policy)}`;
export const rulePath = (rule: string) => `/api/v1/escalation-rules/${segment(rule)}`;
export const schedulePath = (schedule: string, sub = "") => `/api/v1/schedules/${segment(schedule)}${sub}`;

/** The username the configured token belongs to (GET /api/v1/me). */
export async function whoAmI(ctx: CommandContext): Promise<string> {
  return (await ctx.api().get<{ username: string }>("/api/v1/me")).username;
}

/** `--user NAME`, else the caller. */
export async function userFlagOrMe(ctx: CommandContext): Promise<string> {
  return ctx.args.string("user")?.trim() || (await whoAmI(ctx));
}

const TARGET_TYPES = ["user", "schedule", "team"] as const;

/** "alice", "user:alice", "schedule:primary", "team:payments" → the API's `{type, name}`. */
export function parseTarget(flag: string, text: string): { type: string; name: string } {
  const trimmed = text.trim();
  const colon = trimmed.indexOf(":");
  const type = colon < 0 ? "user" : trimmed.slice(0, colon).trim().toLowerCase();
  const name = colon < 0 ? trimmed : trimmed.slice(colon + 1).trim();
  if (!TARGET_TYPES.some((t) => t === type) || name === "")
    throw usageError(
      `--${flag}: "${text}" is not a target; write a username (alice), schedule:NAME or team:NAME`,
    );
  return { type, name };
}

/** A comma-separated target list, e.g. "alice,schedule:primary". */
export function parseTargets(flag: string, text: string): { type: string; name: string }[] {
  const parts = text
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0)
    throw usageError(`--${flag} needs targets, e.g. --${flag} "alice,schedule:primary"`);
  return parts.map((p) => parseTarget(flag, p));
}

/** "5", "5m", "1h30m" → whole minutes; a usage error otherwise. */
export function minutesOf(flag: string, text: string): number {
  const trimmed = text.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 60_000 : parseDuration(trimmed);
  if (ms === undefined || ms % 60_000 !== 0)
    throw usageError(`--${flag} must be whole minutes such as 5, 15m or 1h; got "${text}"`);
  return ms / 60_000;
}

/** A YAML or JSON file (YAML is a superset of JSON), or standard input for "-": the API body it holds. */
export async function readDocumentFlag(ctx: CommandContext, flag: string): Promise<Record<string, unknown>> {
  const file = ctx.args.requiredString(flag);
  let text: string | undefined;
  try {
    text = file === "-" ? await ctx.readStdin() : await readFile(file, "utf8");
  } catch (error) {
    const why = isRecord(error) && typeof error.code === "string" ? error.code : String(error);
    throw usageError(`--${flag} ${file}: cannot read the file (${why})`);
  }
  let value: unknown;
  try {
    value = parseYaml(text ?? "");
  } catch (error) {
    const why = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw usageError(`--${flag} ${file}: not valid YAML or JSON (${why})`);
  }
  if (!isRecord(value)) throw usageError(`--${flag} ${file}: expected a mapping (an object) at the top`);
  return value;
}

/** Warnings in yellow, one per line, after a blank line; nothing when there are none. */
export function printWarnings(out: Output, warnings: readonly string[]): void {
  if (warnings.length === 0) return;
  out.print("");
  for (const w of warnings) out.print(out.color.yellow(`! ${w}`));
}

/** "alice", "schedule primary", "team payments"; a deleted target shows its id. */
export function targetText(t: TargetView): string {
  const name = t.name ?? `(deleted ${t.id})`;
  return t.type === "user" ? name : `${t.type} ${name}`;
}

/** "after 5 min" or the default: the severity's ack target. */
export function delayText(minutes: number | null): string {
  return minutes === null ? "severity's ack target" : `${minutes} min`;
}

const OFFSET_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;
const LOCAL_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(:\d{2})?)$/;

/**
 * A time flag as an ISO instant: ISO 8601 with an offset as given, or "YYYY-MM-DD HH:MM" local to --tz,
 * else to the schedule's zone (`schedule` given), else UTC. Undefined when absent and not `required`.
 */
export async function timeFlag(
  ctx: CommandContext,
  flag: string,
  schedule?: string,
  required = false,
): Promise<string | undefined> {
  const text = required ? ctx.args.requiredString(flag).trim() : ctx.args.string(flag)?.trim();
  if (text === undefined) return undefined;
  if (OFFSET_TIME.test(text)) {
    const at = new Date(text.replace(" ", "T"));
    if (!Number.isNaN(at.getTime())) return at.toISOString();
  }
  const m = LOCAL_TIME.exec(text);
  if (!m)
    throw usageError(
      `--${flag} must be "YYYY-MM-DD HH:MM" (local) or ISO 8601 with an offset; got "${text}"`,
    );
  const tzText = ctx.args.string("tz");
  const zone =
    tzText !== undefined
      ? timeZoneFlag(tzText)
      : schedule !== undefined
        ? (await ctx.api().get<{ time_zone: string }>(schedulePath(schedule))).time_zone
        : "UTC";
  try {
    return localToInstant(`${m[1]}T${m[2]}`, zone).toISOString();
  } catch {
    throw usageError(`--${flag} "${text}" is not a real date and time`);
  }
}

const zonedFormats = new Map<string, Intl.DateTimeFormat>();

/** "Mon 07 Dec 09:00": an instant on the wall clock of `timeZone` (shifts and hand-offs read this way). */
export function zoned(iso: string, timeZone: string): string {
  let f = zonedFormats.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat("en-GB", {
        timeZone,
        weekday: "short",
        day: "2-digit",
        month: "short",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      });
    } catch {
      return iso;
    }
    zonedFormats.set(timeZone, f);
  }
  const parts = f.formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("weekday")} ${get("day")} ${get("month")} ${get("hour")}:${get("minute")}`;
}
