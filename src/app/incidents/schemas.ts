import { z } from "zod";
import { normalizeHandle } from "#domain/incident/roles.ts";
import {
  acceptedSeverityNames,
  type PriorityScheme,
  parseSeverity,
  type Severity,
} from "#domain/incident/severity.ts";
import { AppError } from "../errors.ts";
import { text } from "../validation.ts";

// Field schemas shared by the incident verbs; the OpenAPI document is generated from these.

/** Any spelling of a severity in either P-scheme; the configured scheme is applied by toSeverity(). */
export const severityInput = z
  .string()
  .refine((s) => parseSeverity(s, "p1-p4").ok || parseSeverity(s, "p0-p3").ok, {
    error: `must be one of ${[...new Set([...acceptedSeverityNames("p1-p4"), "P0"])].join(", ")}`,
  })
  .describe("SEV1–SEV4, critical|high|medium|low, or P1–P4 (P0–P3 when configured)");

export function toSeverity(value: string, scheme: PriorityScheme, field = "severity"): Severity {
  const parsed = parseSeverity(value, scheme);
  if (parsed.ok) return parsed.severity;
  throw new AppError(
    "INVALID_INPUT",
    `severity "${value}" is not valid here: use one of ${parsed.accepted.join(", ")}`,
    [{ field, message: `must be one of ${parsed.accepted.join(", ")}` }],
  );
}

export const serviceName = z
  .string()
  .trim()
  .min(1, { error: "must not be empty" })
  .max(100, { error: "must be at most 100 characters" })
  .regex(/^[\w][\w .:/-]*$/u, { error: "may contain letters, digits, space and . _ - : / only" });

export const serviceList = z.array(serviceName).max(50, { error: "at most 50 services" });

export const tagName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9:_-]{0,49}$/, { error: "tags are 1–50 of a-z 0-9 : _ - (e.g. data-breach)" });

export const handle = z
  .string()
  .transform((s, ctx) => {
    const h = normalizeHandle(s);
    if (h === undefined) {
      ctx.addIssue({
        code: "custom",
        message: "must be a handle like alice or @alice (letters, digits, . _ -)",
      });
      return z.NEVER;
    }
    return h;
  })
  .describe("a person's handle, e.g. alice");

export const title = text(200, "title");
export const longText = (max: number) => z.string().max(max, { error: `must be at most ${max} characters` });

// PostgreSQL timestamps run from year 1 to 9999 (in UTC); an instant outside fails the query, not the input.
const FIRST_INSTANT = Date.parse("0001-01-01T00:00:00.000Z");
const LAST_INSTANT = Date.parse("9999-12-31T23:59:59.999Z");

/** An ISO 8601 date-time with offset, within the range the database can store. */
export function isoInstant(error: string) {
  return z.iso.datetime({ offset: true, error }).refine(
    (v) => {
      const t = Date.parse(v);
      // An unreadable value already has the format error; report one problem per field.
      return Number.isNaN(t) || (t >= FIRST_INSTANT && t <= LAST_INSTANT);
    },
    { error: "must be between the years 0001 and 9999 (UTC)" },
  );
}
