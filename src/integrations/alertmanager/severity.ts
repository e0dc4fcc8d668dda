/**
 * Severity labels as people write them in alerting rules, mapped onto PagerDuty's four severities.
 * There is no standard: `severity="page"`, `"P2"`, `"warn"` and `"Critical"` all occur in the wild, so the
 * synonyms are accepted case-insensitively. Shared by every label-based source (Alertmanager, Grafana).
 */
import { ALERT_SEVERITIES, type AlertSeverity } from "#domain/alert/event.ts";

const SYNONYMS: Record<AlertSeverity, readonly string[]> = {
  critical: ["critical", "crit", "page", "p1", "emergency", "fatal"],
  error: ["error", "err", "high", "major", "p2"],
  warning: ["warning", "warn", "medium", "minor", "p3"],
  info: ["info", "low", "none", "notice", "p4"],
};

const BY_LABEL = new Map<string, AlertSeverity>(
  ALERT_SEVERITIES.flatMap((severity) => SYNONYMS[severity].map((label) => [label, severity] as const)),
);

/**
 * The severity a label value means, or null when absent or unknown (the service's default then applies,
 * which beats guessing).
 */
export function severityFromLabel(value: string | undefined): AlertSeverity | null {
  if (value === undefined) return null;
  return BY_LABEL.get(value.trim().toLowerCase()) ?? null;
}

/** The most severe of several label values (ALERT_SEVERITIES is ordered most severe first), or null. */
export function mostSevereLabel(values: readonly (string | undefined)[]): AlertSeverity | null {
  let best: number | null = null;
  for (const value of values) {
    const severity = severityFromLabel(value);
    if (severity === null) continue;
    const rank = ALERT_SEVERITIES.indexOf(severity);
    if (best === null || rank < best) best = rank;
  }
  return best === null ? null : (ALERT_SEVERITIES[best] ?? null);
}
