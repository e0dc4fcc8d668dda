/**
 * The zod schema of Alertmanager's webhook body (`webhook_config`, format version 4), which Grafana's
 * webhook contact point reuses with extra fields. WIRE-FORMATS.md §4.2 and §4.4 list the fields.
 *
 * Every object is loose: Alertmanager adds fields over time (`notification_reason` in 0.32,
 * `routeLabels` in 0.34) and Grafana adds its own, and refusing an unknown key would drop an alert,
 * because Alertmanager does not retry a 4xx. `version` is checked by the caller, since the two senders
 * differ there.
 */
import { z } from "zod";

/** More alerts than this in one message is not a real group; refuse it before mapping. */
export const MAX_ALERTS = 10_000;

/** Go's zero `time.Time`, which Alertmanager sends as `endsAt` while an alert fires. */
const GO_ZERO_TIME_MS = Date.parse("0001-01-01T00:00:00Z");

// RFC 3339 as Go's time.MarshalJSON writes it (RFC3339Nano): up to 9 fractional digits, Z or ±hh:mm.
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** "is required" for a missing value, else `message`: zod's defaults name types, not the fix. */
function orRequired(message: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? "is required" : message);
}

const STATUS = z.enum(["firing", "resolved"], { error: orRequired('must be "firing" or "resolved"') });

const stringMap = (what: string) =>
  z.record(z.string(), z.string({ error: orRequired(`must be a string (values of ${what} are strings)`) }), {
    error: orRequired(`must be an object of ${what}, each value a string`),
  });

const optionalMap = (what: string) => stringMap(what).optional().default({});

/** An RFC 3339 timestamp, normalized to ISO 8601 UTC; Go's zero time (and absence) becomes null. */
const timestamp = z
  .string({ error: orRequired("must be an RFC 3339 timestamp such as 2026-11-23T00:04:58.422Z") })
  .refine((value) => RFC3339.test(value) && !Number.isNaN(Date.parse(value)), {
    error: "must be an RFC 3339 timestamp such as 2026-11-23T00:04:58.422Z",
  })
  .optional()
  .transform((value) => {
    if (value === undefined) return null;
    const ms = Date.parse(value);
    return ms === GO_ZERO_TIME_MS ? null : new Date(ms).toISOString();
  });

/** One alert of the group. `labels` identify it; `fingerprint` is Alertmanager's hash of them. */
export const WireAlertSchema = z.looseObject(
  {
    status: STATUS,
    labels: stringMap("labels"),
    annotations: optionalMap("annotations"),
    startsAt: timestamp,
    endsAt: timestamp,
    generatorURL: z
      .string({ error: "must be a string (the URL of the rule that fired)" })
      .optional()
      .transform((value) => (value ? value : null)),
    // An empty fingerprint is treated as absent and derived from the labels, rather than refused.
    fingerprint: z.string({ error: "must be a string (16 hex characters from Alertmanager)" }).optional(),
  },
  { error: orRequired("must be an object (one alert)") },
);

/** The whole message, without `version` (checked per sender). */
export const AlertGroupMessageSchema = z.looseObject(
  {
    groupKey: z
      .string({ error: orRequired("must be a string (Alertmanager's group key)") })
      .min(1, { error: "must not be empty: it identifies the alert group" }),
    status: STATUS,
    receiver: z.string({ error: "must be a string (the receiver name)" }).optional().default(""),
    groupLabels: optionalMap("labels"),
    commonLabels: optionalMap("labels"),
    commonAnnotations: optionalMap("annotations"),
    externalURL: z.string({ error: "must be a string (the sender's URL)" }).optional().default(""),
    truncatedAlerts: z
      .number({ error: "must be a number (alerts left out of this message)" })
      .int({ error: "must be a whole number" })
      .min(0, { error: "must not be negative" })
      .optional(),
    notification_reason: z.string({ error: "must be a string" }).optional(),
    alerts: z
      .array(WireAlertSchema, { error: orRequired("must be an array of alerts") })
      .min(1, { error: "must contain at least one alert" })
      .max(MAX_ALERTS, {
        error: `must contain at most ${MAX_ALERTS} alerts; lower max_alerts in the webhook_config`,
      }),
  },
  { error: orRequired("must be a JSON object: the webhook body") },
);

export type WireAlert = z.output<typeof WireAlertSchema>;
export type AlertGroupMessage = z.output<typeof AlertGroupMessageSchema>;
