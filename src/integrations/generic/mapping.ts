/**
 * The generic JSON webhook: any tool that can POST JSON becomes an alert source once an admin says, per
 * integration, where its summary, severity, key and status live in the body. The mapping is validated when
 * saved (`GenericMapping`) and applied to each body (`applyMapping`); `dryRun` shows the admin what a
 * sample body becomes before any real alert depends on it.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { unstorableStrings } from "#app/validation.ts";
import {
  ALERT_SEVERITIES,
  type AlertAction,
  type AlertEvent,
  type AlertSeverity,
  MAX_DEDUP_KEY,
  MAX_SUMMARY,
  type ParseResult,
  type PayloadError,
} from "#domain/alert/event.ts";
import { severityFromWord } from "#domain/alert/severity.ts";
import { compileExpression, evaluate } from "./selector.ts";

export const DEFAULT_RESOLVE_VALUES = ["resolved", "ok", "closed", "recovered", "inactive", "false"];
export const DEFAULT_ACKNOWLEDGE_VALUES = ["acknowledged", "ack"];

const expression = (allowTemplate: boolean) =>
  z
    .string({ error: "must be a selector such as $.title" })
    .trim()
    .superRefine((text, ctx) => {
      const compiled = compileExpression(text, allowTemplate);
      if (!compiled.ok) ctx.addIssue({ code: "custom", message: compiled.message });
    });
const severity = z.enum(ALERT_SEVERITIES, { error: `must be one of ${ALERT_SEVERITIES.join(", ")}` });

/**
 * What an admin saves for a generic integration. Selectors may be templates (`{{ $.host }}: {{ $.check }}`)
 * except `details`, which must select a value. Unknown keys are refused so a typo (`severty`) is not
 * silently ignored.
 */
export const GenericMapping = z.strictObject({
  summary: expression(true),
  severity: expression(true).optional(),
  dedup_key: expression(true).optional(),
  status: expression(true).optional(),
  source: expression(true).optional(),
  details: expression(false).optional(),
  /** Sender's word → severity, matched case-insensitively before the built-in synonyms. */
  severity_map: z.record(z.string(), severity).optional(),
  /** Status values (case-insensitive) that resolve; checked before acknowledge_values. */
  resolve_values: z.array(z.string()).default(() => [...DEFAULT_RESOLVE_VALUES]),
  acknowledge_values: z.array(z.string()).default(() => [...DEFAULT_ACKNOWLEDGE_VALUES]),
  default_severity: severity.default("warning"),
});
/** A mapping as parsed by `GenericMapping` (defaults filled in). */
export type GenericMapping = z.output<typeof GenericMapping>;
/** A mapping as an admin writes it. */
export type GenericMappingInput = z.input<typeof GenericMapping>;

export type MappedField = "summary" | "severity" | "dedup_key" | "status" | "source" | "details";

export interface MappingDryRun {
  result: ParseResult<AlertEvent>;
  /** What each selector of the mapping selected (a template: the text it rendered); null: nothing. */
  matched: Partial<Record<MappedField, unknown>>;
  /** Fallbacks taken (default severity, derived key, …), worded for the admin checking the mapping. */
  notes: string[];
}

const fold = (text: string) => text.trim().toLowerCase();
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

function truncate(text: string, max: number): string {
  const points = Array.from(text);
  return points.length > max ? points.slice(0, max).join("") : text;
}

function describe(value: unknown): string {
  return Array.isArray(value) ? "an array" : "an object";
}

/** Applies a mapping to a body; fails only when no usable summary is found or a value cannot be stored. */
export function applyMapping(body: unknown, mapping: GenericMapping): ParseResult<AlertEvent> {
  return dryRun(body, mapping).result;
}

/** `applyMapping` plus what each selector matched and which fallbacks applied, for the mapping editor. */
export function dryRun(body: unknown, mapping: GenericMapping): MappingDryRun {
  const errors: PayloadError[] = [];
  const notes: string[] = [];
  const matched: Partial<Record<MappedField, unknown>> = {};

  /** The selected value, or undefined; an invalid stored selector is an error on `mapping.<field>`. */
  const pick = (field: MappedField): unknown => {
    const text = mapping[field];
    if (text === undefined) return undefined;
    const compiled = compileExpression(text, field !== "details");
    if (!compiled.ok) {
      errors.push({ field: `mapping.${field}`, message: compiled.message });
      return undefined;
    }
    const value = evaluate(compiled.expression, body);
    matched[field] = value ?? null;
    return value;
  };
  /** Text for a scalar field: numbers and booleans become text; an object or array is unusable. */
  const text = (field: Exclude<MappedField, "details">): string | undefined => {
    const value = pick(field);
    if (value === undefined) {
      if (matched[field] === null && field !== "summary")
        notes.push(`${field}: ${JSON.stringify(mapping[field])} matched nothing in the body`);
      return undefined;
    }
    if (typeof value === "object") {
      const message = `${JSON.stringify(mapping[field])} selected ${describe(value)}, not a text; select a field inside it`;
      if (field === "summary") errors.push({ field, message });
      else notes.push(`${field}: ${message}`);
      return undefined;
    }
    return String(value).trim();
  };

  const rawSummary = text("summary");
  if (matched.summary === null)
    errors.push({
      field: "summary",
      message: `${JSON.stringify(mapping.summary)} matched nothing in the body`,
    });
  else if (rawSummary === "")
    errors.push({ field: "summary", message: `${JSON.stringify(mapping.summary)} selected an empty text` });
  const summary = truncate(rawSummary ?? "", MAX_SUMMARY);
  const source = text("source") ?? "";

  let dedupKey = text("dedup_key") ?? "";
  if (Array.from(dedupKey).length > MAX_DEDUP_KEY) {
    notes.push(`dedup_key: longer than ${MAX_DEDUP_KEY} characters, so its SHA-256 is used`);
    dedupKey = sha256(dedupKey);
  } else if (dedupKey === "") {
    // No key from the sender: the same summary from the same source is the same alert. The pair is
    // JSON-encoded so ("a b", "c") and ("a", "b c") differ. A summary that embeds a changing value (a
    // measurement, a time) then opens a new alert each time: map dedup_key for such senders.
    dedupKey = sha256(JSON.stringify([summary, source])).slice(0, 32);
    notes.push("dedup_key: derived from the summary and source (no dedup_key selector or value)");
  }

  const severityText = text("severity");
  let level: AlertSeverity | undefined;
  if (severityText !== undefined) {
    const key = fold(severityText);
    const mapped = Object.entries(mapping.severity_map ?? {}).find(([word]) => fold(word) === key);
    level = mapped?.[1] ?? severityFromWord(key) ?? undefined;
    if (level === undefined) {
      notes.push(
        `severity: ${JSON.stringify(severityText)} is not a known severity (add it to severity_map); ` +
          `default_severity ${mapping.default_severity} applies`,
      );
    }
  }

  const statusText = text("status");
  let action: AlertAction = "trigger";
  if (statusText !== undefined) {
    const key = fold(statusText);
    if (mapping.resolve_values.some((v) => fold(v) === key)) action = "resolve";
    else if (mapping.acknowledge_values.some((v) => fold(v) === key)) action = "acknowledge";
  }

  let details: Record<string, unknown> = {};
  const selected = mapping.details === undefined ? body : pick("details");
  if (selected === undefined) {
    if (matched.details === null)
      notes.push(`details: ${JSON.stringify(mapping.details)} matched nothing in the body`);
  } else if (typeof selected === "object" && selected !== null && !Array.isArray(selected)) {
    details = selected as Record<string, unknown>;
  } else details = { details: selected };

  const unstorable = unstorableStrings({ summary, source, dedup_key: dedupKey, details });
  errors.push(...unstorable);
  if (errors.length > 0) return { result: { ok: false, errors }, matched, notes };
  const event: AlertEvent = {
    action,
    dedupKey,
    summary,
    source,
    severity: level ?? mapping.default_severity,
    occurredAt: null,
    details,
    links: [],
    images: [],
  };
  return { result: { ok: true, value: event }, matched, notes };
}
