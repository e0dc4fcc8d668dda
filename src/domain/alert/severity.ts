import type { Severity } from "../incident/severity.ts";
import { ALERT_SEVERITIES, type AlertSeverity } from "./event.ts";

/** The default alert → incident severity table (issue 4): PagerDuty's four levels onto SEV1..SEV4. */
export const DEFAULT_SEVERITY_MAP: Readonly<Record<AlertSeverity, Severity>> = {
  critical: "SEV1",
  error: "SEV2",
  warning: "SEV3",
  info: "SEV4",
};

/** When the sender gave no usable severity: a real problem of unknown size, so the middle of the scale. */
export const UNKNOWN_ALERT_SEVERITY: AlertSeverity = "warning";

export type SeverityMap = Partial<Record<AlertSeverity, Severity>>;

/** The incident severity an alert opens, from a service's overrides over the defaults. */
export function incidentSeverityFor(alert: AlertSeverity | null, overrides: SeverityMap | null): Severity {
  const level = alert ?? UNKNOWN_ALERT_SEVERITY;
  return overrides?.[level] ?? DEFAULT_SEVERITY_MAP[level];
}

/** Orders alert severities, most severe first (critical = 0). */
export function alertSeverityRank(severity: AlertSeverity | null): number {
  return severity === null ? ALERT_SEVERITIES.length : ALERT_SEVERITIES.indexOf(severity);
}

/**
 * Severity words as people write them in alerting rules and payloads, onto PagerDuty's four. There is no
 * standard: `severity="page"`, `"P2"`, `"warn"` and `"Critical"` all occur in the wild. One table for every
 * source (Alertmanager and Grafana labels, the generic webhook).
 */
const SYNONYMS: Readonly<Record<AlertSeverity, readonly string[]>> = {
  critical: ["critical", "crit", "page", "p1", "emergency", "fatal"],
  error: ["error", "err", "high", "major", "p2"],
  warning: ["warning", "warn", "medium", "minor", "p3"],
  info: ["info", "low", "none", "notice", "ok", "p4"],
};

const BY_WORD = new Map<string, AlertSeverity>(
  ALERT_SEVERITIES.flatMap((severity) => SYNONYMS[severity].map((word) => [word, severity] as const)),
);

/** The severity a word means (case-insensitive), or null when unknown: the service's default then applies. */
export function severityFromWord(word: string): AlertSeverity | null {
  return BY_WORD.get(word.trim().toLowerCase()) ?? null;
}
