/**
 * Entry point for Prometheus Alertmanager's webhook (`webhook_config`, format version 4): validates the
 * body, reporting every problem at once with dotted paths, and maps it to one AlertEvent per group.
 * `parseAlertGroup` is the shared part Grafana's webhook (the same shape plus fields) reuses.
 */

import type { z } from "zod";
import { unstorableStrings } from "#app/validation.ts";
import type { AlertEvent, ParseResult, PayloadError } from "#domain/alert/event.ts";
import { AlertGroupMessageSchema } from "./schema.ts";
import { type AlertGroupMapping, alertGroupToEvent } from "./to-alert.ts";

export { severityFromLabel } from "./severity.ts";

/** One sender of the Alertmanager shape: how it maps, and which `version` values it accepts. */
export interface AlertGroupSource extends AlertGroupMapping {
  /** An error message for an unacceptable `version` (undefined when absent), or null to accept it. */
  checkVersion: (version: unknown) => string | null;
}

/**
 * Zod issues as payload errors with dotted paths. The messages are the schema's own (written to say what
 * is expected), so no rewording here.
 */
function payloadErrors(error: z.ZodError): PayloadError[] {
  return error.issues.map((issue) => ({
    field: issue.path.map(String).join(".") || "(body)",
    message: issue.message,
  }));
}

const EXPECTED_VERSION = "4";

/** Alertmanager has sent "4" since 0.16; anything else is another sender or a custom payload template. */
function checkAlertmanagerVersion(version: unknown): string | null {
  if (version === EXPECTED_VERSION) return null;
  const received = version === undefined ? "is missing" : `is ${JSON.stringify(version)}`;
  return (
    `${received}; Foghorn expects Alertmanager's webhook_config format version "4". ` +
    "Point a webhook_config (without a custom payload template) at this URL"
  );
}

const ALERTMANAGER: AlertGroupSource = { client: "Alertmanager", checkVersion: checkAlertmanagerVersion };

/**
 * Validates an Alertmanager-shaped body and maps it with `source`. Unknown keys are accepted everywhere;
 * all problems (the version included) are reported together, as `alerts.1.status`-style paths.
 */
export function parseAlertGroup(body: unknown, source: AlertGroupSource): ParseResult<AlertEvent> {
  const parsed = AlertGroupMessageSchema.safeParse(body);
  const errors: PayloadError[] = [];
  // A non-object body has no version to speak of: the one "(body)" error says it all.
  const isObject = typeof body === "object" && body !== null && !Array.isArray(body);
  const versionError = isObject ? source.checkVersion("version" in body ? body.version : undefined) : null;
  if (versionError) errors.push({ field: "version", message: versionError });
  if (!parsed.success) errors.push(...payloadErrors(parsed.error));
  // NUL or a lone surrogate cannot be stored (jsonb): refused here, named, instead of failing as a 500.
  const reported = (field: string) =>
    errors.some((e) => e.field === field || e.field.startsWith(`${field}.`));
  errors.push(...unstorableStrings(body).filter((u) => !reported(u.field)));
  if (!parsed.success || errors.length > 0) return { ok: false, errors };
  return { ok: true, value: alertGroupToEvent(parsed.data, source) };
}

/** Parses an Alertmanager webhook (version "4") into one AlertEvent for the whole alert group. */
export function parseAlertmanagerWebhook(body: unknown): ParseResult<AlertEvent> {
  return parseAlertGroup(body, ALERTMANAGER);
}
