/**
 * PagerDuty Events API v2 (`POST /v2/enqueue`) and change events (`POST /v2/change/enqueue`), validated as
 * PagerDuty validates them (WIRE-FORMATS.md §4.1), so that Alertmanager, Grafana, Uptime Kuma and anything
 * built on a PagerDuty SDK can point at Foghorn unchanged. Pure: the caller stores and applies the result.
 */
import {
  ALERT_ACTIONS,
  ALERT_SEVERITIES,
  type AlertAction,
  type AlertEvent,
  type AlertSeverity,
  type ChangeEvent,
  MAX_DEDUP_KEY,
  MAX_SUMMARY,
  type ParseResult,
  type PayloadError,
} from "#domain/alert/event.ts";
import { isObject, type JsonObject, notAnObject, optionalFields, Problems } from "./fields.ts";

/** PagerDuty integration keys are exactly 32 characters; anything else is a mistyped or truncated key. */
export const ROUTING_KEY_LENGTH = 32;

export interface ParseOptions {
  /** Key for a trigger that brings none (PagerDuty generates a UUID and returns it in the 202 body). */
  generateKey: () => string;
}

/** What a `payload` contributes. Each field is undefined when absent or, on ack/resolve, unusable. */
interface PayloadFields {
  summary?: string | undefined;
  source?: string | undefined;
  severity?: AlertSeverity | undefined;
  occurredAt?: string | null | undefined;
  component?: string | undefined;
  group?: string | undefined;
  class?: string | undefined;
  details?: JsonObject | undefined;
}

function readPayload(payload: JsonObject, p: Problems, required: boolean): PayloadFields {
  const at = "payload";
  return {
    summary: p.text(payload, "summary", at, { required, nonEmpty: true, max: MAX_SUMMARY }),
    source: p.text(payload, "source", at, { required, nonEmpty: true }),
    severity: p.text(payload, "severity", at, { required, oneOf: ALERT_SEVERITIES }) as
      | AlertSeverity
      | undefined,
    occurredAt: p.timestamp(payload, "timestamp", at),
    component: p.text(payload, "component", at),
    group: p.text(payload, "group", at),
    class: p.text(payload, "class", at),
    details: p.details(payload, "custom_details", at),
  };
}

/**
 * Validates an Events v2 body and reports every problem at once. On acknowledge and resolve only
 * `routing_key`, `event_action` and `dedup_key` can refuse the event: the rest (Alertmanager sends a full
 * payload with its resolves) is used where valid and otherwise dropped, because refusing a resolve over a
 * cosmetic field would leave an incident open that the sender believes closed.
 */
export function parsePagerDutyV2(
  body: unknown,
  opts: ParseOptions,
): ParseResult<{ routingKey: string; event: AlertEvent }> {
  if (!isObject(body)) return notAnObject(body);
  const p = new Problems();
  const routingKey = p.text(body, "routing_key", "", { required: true, length: ROUTING_KEY_LENGTH });
  const action = p.text(body, "event_action", "", { required: true, oneOf: ALERT_ACTIONS }) as
    | AlertAction
    | undefined;
  const closing = action === "acknowledge" || action === "resolve";
  // "" is read as "no key": a trigger gets a generated one, an ack or resolve is told the key is required.
  const keyed = body.dedup_key === "" ? { ...body, dedup_key: undefined } : body;
  const dedupKey = p.text(keyed, "dedup_key", "", {
    max: MAX_DEDUP_KEY,
    required: closing && "is required for acknowledge and resolve",
  });

  // With an unknown action the rest is still checked (every error at once) but nothing is required.
  const sink = closing ? new Problems() : p;
  let fields: PayloadFields = {};
  const payload = body.payload;
  if (payload === undefined || payload === null) {
    if (action === "trigger") p.add("payload", "is required for trigger");
  } else if (!isObject(payload)) {
    sink.add("payload", "must be an object {summary, source, severity, …}");
  } else {
    fields = readPayload(payload, sink, action === "trigger");
  }
  const images = sink.images(body, "images") ?? [];
  const links = sink.links(body, "links") ?? [];
  const client = sink.text(body, "client", "");
  const clientUrl = sink.text(body, "client_url", "");

  if (!p.ok || routingKey === undefined || action === undefined) return { ok: false, errors: p.errors };
  const key = dedupKey ?? opts.generateKey();
  const event: AlertEvent = {
    action,
    dedupKey: key,
    // An ack or resolve without a (valid) payload names no title or source; app/alerts keeps those of the
    // alert the key points at. AlertEvent summaries are never empty, so the dedup key stands in, and ""
    // says "source unknown": both only show if the key matches no alert, and then the event is dropped.
    summary: fields.summary ?? key,
    source: fields.source ?? "",
    severity: fields.severity ?? null,
    occurredAt: fields.occurredAt ?? null,
    ...optionalFields({ component: fields.component, group: fields.group, class: fields.class }),
    details: fields.details ?? {},
    links,
    images,
    ...optionalFields({ client, clientUrl }),
  };
  return { ok: true, value: { routingKey, event } };
}

/** Validates a change event (deploys, config changes): no action and no dedup key, only a summary needed. */
export function parsePagerDutyChange(
  body: unknown,
): ParseResult<{ routingKey: string; change: ChangeEvent }> {
  if (!isObject(body)) return notAnObject(body);
  const p = new Problems();
  const routingKey = p.text(body, "routing_key", "", { required: true, length: ROUTING_KEY_LENGTH });
  const payload = body.payload;
  let summary: string | undefined;
  let source: string | undefined;
  let timestamp: string | null | undefined = null;
  let details: JsonObject | undefined = {};
  if (payload === undefined || payload === null) p.add("payload", "is required");
  else if (!isObject(payload)) p.add("payload", "must be an object {summary, source?, timestamp?, …}");
  else {
    summary = p.text(payload, "summary", "payload", { required: true, nonEmpty: true, max: MAX_SUMMARY });
    source = p.text(payload, "source", "payload");
    timestamp = p.timestamp(payload, "timestamp", "payload");
    details = p.details(payload, "custom_details", "payload");
  }
  const links = p.links(body, "links");
  if (!p.ok || routingKey === undefined || summary === undefined) return { ok: false, errors: p.errors };
  const change: ChangeEvent = {
    summary,
    source: source ?? null,
    timestamp: timestamp ?? null,
    details: details ?? {},
    links: links ?? [],
  };
  return { ok: true, value: { routingKey, change } };
}

/** PagerDuty's 400 body; senders log `errors`, so each entry names its field. */
export interface PagerDutyErrorBody {
  status: "invalid event";
  message: "Event object is invalid";
  errors: string[];
}

export function toPagerDutyErrorBody(errors: readonly PayloadError[]): PagerDutyErrorBody {
  return {
    status: "invalid event",
    message: "Event object is invalid",
    errors: errors.map((e) => `${e.field}: ${e.message}`),
  };
}

/** PagerDuty's documented payload limit for Events API v2 (a larger body is answered 413). */
export const PAGERDUTY_BODY_LIMIT = 512 * 1024;

/** PagerDuty's 202 body. Send it with status 202: go-pagerduty treats any other code as a failure. */
export function PAGERDUTY_SUCCESS(dedupKey: string): {
  status: "success";
  message: "Event processed";
  dedup_key: string;
} {
  return { status: "success", message: "Event processed", dedup_key: dedupKey };
}
