/**
 * Grafana's alerting webhook contact point (WIRE-FORMATS.md §4.4): Alertmanager's webhook shape plus
 * `orgId`, `title`, `state`, `message` and per-alert query values, silence and dashboard links. Parsed by
 * the shared Alertmanager code with Grafana's extras layered on top, so the two never drift apart.
 *
 * A contact point with a custom payload template (Grafana 12+) sends another shape entirely; it fails
 * here and belongs to the generic webhook.
 */
import type { AlertEvent, AlertImage, AlertLink, ParseResult } from "#domain/alert/event.ts";
import type { AlertGroupMessage, WireAlert } from "../alertmanager/schema.ts";
import type { AlertExtras } from "../alertmanager/to-alert.ts";
import { type AlertGroupSource, parseAlertGroup } from "../alertmanager/webhook.ts";

/** Per-alert string fields Grafana adds, kept on the member when non-empty. */
const EXTRA_STRINGS = ["valueString", "silenceURL", "dashboardURL", "panelURL", "imageURL"] as const;

/** Per-alert URLs that also become links on the alert, with their text. */
const LINKED: readonly (readonly [(typeof EXTRA_STRINGS)[number], string])[] = [
  ["silenceURL", "Silence"],
  ["dashboardURL", "Dashboard"],
  ["panelURL", "Panel"],
];

// Grafana's extras are decoration: one of the wrong type is ignored rather than refused, because a
// refused delivery is a lost alert (a 4xx is not retried).
function nonEmptyString(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

function isNonEmptyObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length > 0
  );
}

/** Grafana's per-alert extras: the query values that fired, and links to silence, dashboard and panel. */
function grafanaAlertExtras(alert: WireAlert): AlertExtras {
  const extra: Record<string, unknown> = {};
  if (isNonEmptyObject(alert.values)) extra.values = alert.values;
  for (const key of EXTRA_STRINGS) {
    const value = nonEmptyString(alert[key]);
    if (value !== undefined) extra[key] = value;
  }
  const links: AlertLink[] = [];
  for (const [key, text] of LINKED) {
    const href = nonEmptyString(alert[key]);
    if (href !== undefined) links.push({ href, text });
  }
  const images: AlertImage[] = [];
  const imageURL = nonEmptyString(alert.imageURL);
  if (imageURL !== undefined)
    images.push({ src: imageURL, alt: `${alert.labels.alertname ?? "Alert"} screenshot` });
  return { extra, links, images };
}

/** Grafana's group details worth keeping: which organization sent it, and its (deprecated) state. */
function grafanaGroupDetails(message: AlertGroupMessage): Record<string, unknown> {
  const details: Record<string, unknown> = {};
  if (typeof message.orgId === "number") details.orgId = message.orgId;
  const state = nonEmptyString(message.state);
  if (state !== undefined) details.state = state;
  return details;
}

const GRAFANA: AlertGroupSource = {
  client: "Grafana",
  // Grafana sends "1" today; the shape, not the number, is what matters, so any version is accepted.
  checkVersion: () => null,
  // Grafana renders `title` from the group (its default is Alertmanager's title): better than one alert's.
  groupTitle: (message) => nonEmptyString(message.title),
  alertExtras: grafanaAlertExtras,
  groupDetails: grafanaGroupDetails,
};

/** Parses a Grafana alerting webhook into one AlertEvent for the whole alert group. */
export function parseGrafanaWebhook(body: unknown): ParseResult<AlertEvent> {
  return parseAlertGroup(body, GRAFANA);
}
