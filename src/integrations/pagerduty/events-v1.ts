/**
 * The legacy PagerDuty "generic" Events API v1 (`POST /generic/2010-04-15/create_event.json`). Alertmanager
 * still emits it for a receiver configured with `service_key` instead of `routing_key` (WIRE-FORMATS.md
 * §4.1), so existing configurations keep working when pointed at Foghorn. Errors use the v2 400 body
 * (`toPagerDutyErrorBody`), which has the same shape in v1.
 */
import {
  ALERT_ACTIONS,
  type AlertAction,
  type AlertEvent,
  MAX_DEDUP_KEY,
  MAX_SUMMARY,
  type ParseResult,
} from "#domain/alert/event.ts";
import { type ParseOptions, ROUTING_KEY_LENGTH } from "./events-v2.ts";
import { isObject, notAnObject, optionalFields, Problems } from "./fields.ts";

/**
 * Validates a v1 body, every problem at once. As in v2, ack and resolve are refused only over the key,
 * the type and the incident key; their description, details and client are used where valid. v1 carries
 * no source and no severity: source is "" (unknown) and severity null, so the service's default applies.
 */
export function parsePagerDutyV1(
  body: unknown,
  opts: ParseOptions,
): ParseResult<{ serviceKey: string; event: AlertEvent }> {
  if (!isObject(body)) return notAnObject(body);
  const p = new Problems();
  const serviceKey = p.text(body, "service_key", "", { required: true, length: ROUTING_KEY_LENGTH });
  const action = p.text(body, "event_type", "", { required: true, oneOf: ALERT_ACTIONS }) as
    | AlertAction
    | undefined;
  const closing = action === "acknowledge" || action === "resolve";
  const keyed = body.incident_key === "" ? { ...body, incident_key: undefined } : body;
  const incidentKey = p.text(keyed, "incident_key", "", {
    max: MAX_DEDUP_KEY,
    required: closing && "is required for acknowledge and resolve",
  });
  const sink = closing ? new Problems() : p;
  const description = sink.text(body, "description", "", {
    required: action === "trigger",
    nonEmpty: true,
    max: MAX_SUMMARY,
  });
  const details = sink.details(body, "details", "");
  const client = sink.text(body, "client", "");
  const clientUrl = sink.text(body, "client_url", "");

  if (!p.ok || serviceKey === undefined || action === undefined) return { ok: false, errors: p.errors };
  const key = incidentKey ?? opts.generateKey();
  const event: AlertEvent = {
    action,
    dedupKey: key,
    // As in v2: an ack or resolve without a description acts on the alert the key names, whose title stays.
    summary: description ?? key,
    source: "",
    severity: null,
    occurredAt: null,
    details: details ?? {},
    links: [],
    images: [],
    ...optionalFields({ client, clientUrl }),
  };
  return { ok: true, value: { serviceKey, event } };
}

/** PagerDuty v1's success body. v1 answered 200 (v2 answers 202); Alertmanager accepts any 2xx. */
export function PAGERDUTY_V1_SUCCESS(incidentKey: string): {
  status: "success";
  message: "Event processed";
  incident_key: string;
} {
  return { status: "success", message: "Event processed", incident_key: incidentKey };
}
