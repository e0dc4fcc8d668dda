/**
 * Severity labels as people write them in alerting rules, mapped onto PagerDuty's four severities.
 * There is no standard: `severity="page"`, `"P2"`, `"warn"` and `"Critical"` all occur in the wild, so the
 * synonyms are accepted case-insensitively (domain/alert/severity.ts). Used by the label-based sources.
 */
import { ALERT_SEVERITIES, type AlertSeverity } from "#domain/alert/event.ts";
import { severityFromWord } from "#domain/alert/severity.ts";

/**
 * The severity a label value means, or null when absent or unknown (the service's default then applies,
 * which beats guessing).
 */
export function severityFromLabel(value: string | undefined): AlertSeverity | null {
  return value === undefined ? null : severityFromWord(value);
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
