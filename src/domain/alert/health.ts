/**
 * A service's health, shown wherever the service appears (lists, incident pages, the status badge). It is
 * derived, never stored: from the service's health checks and its open alerts, so it cannot drift from them.
 */

import type { AlertSeverity } from "./event.ts";

export type HealthStatus = "healthy" | "degraded" | "down";
export type CheckState = "passing" | "failing" | "unknown";

export interface HealthCheckSnapshot {
  name: string;
  /** "unknown": never run yet, or its last run could not be judged; it says nothing either way. */
  state: CheckState;
  consecutiveFailures: number;
}

export interface OpenAlertSnapshot {
  /** null: the sender gave none; callers should apply the service's default first, else it counts as not critical. */
  severity: AlertSeverity | null;
  /** Recorded during a maintenance window (or otherwise muted): it pages no one, so it does not count here. */
  suppressed: boolean;
}

export interface ServiceHealth {
  status: HealthStatus;
  /** Short human strings explaining the status, most telling first; empty when healthy. */
  reasons: string[];
}

/**
 * The health of a service.
 *
 * - **down** when every check with a known state is failing (and there is at least one such check), or any
 *   open, non-suppressed alert is critical. Unknown checks are left out so that a check that has never run
 *   neither hides an outage nor invents one.
 * - **degraded** when some but not all known checks are failing, or any other open, non-suppressed alert
 *   exists (error, warning, info or no severity): something is wrong but the service still answers.
 * - **healthy** otherwise, including a service with no checks and no alerts, or only unknown checks.
 *
 * Suppressed alerts never count: maintenance is planned, and showing the service as down during it would
 * teach people to ignore the badge.
 */
export function serviceHealth(input: {
  checks: readonly HealthCheckSnapshot[];
  openAlerts: readonly OpenAlertSnapshot[];
}): ServiceHealth {
  const known = input.checks.filter((c) => c.state !== "unknown");
  const failing = known.filter((c) => c.state === "failing");
  const alerts = input.openAlerts.filter((a) => !a.suppressed);
  const critical = alerts.filter((a) => a.severity === "critical").length;

  const reasons: string[] = [];
  for (const check of failing) reasons.push(describeFailingCheck(check));
  if (alerts.length > 0) {
    const noun = alerts.length === 1 ? "alert" : "alerts";
    reasons.push(`${alerts.length} open ${noun}${critical > 0 ? `, ${critical} critical` : ""}`);
  }

  const allChecksFailing = known.length > 0 && failing.length === known.length;
  if (allChecksFailing || critical > 0) return { status: "down", reasons };
  if (failing.length > 0 || alerts.length > 0) return { status: "degraded", reasons };
  return { status: "healthy", reasons: [] };
}

function describeFailingCheck(check: HealthCheckSnapshot): string {
  const streak = check.consecutiveFailures > 1 ? ` (${check.consecutiveFailures} in a row)` : "";
  return `check '${check.name}' failing${streak}`;
}

/**
 * Damping: a failing check opens an alert only after `threshold` consecutive failures, so one dropped
 * packet or slow deploy does not page anyone. A threshold below 1 (or not a number) is treated as 1: a
 * check that has not failed never alerts.
 */
export function checkShouldAlert(consecutiveFailures: number, threshold: number): boolean {
  const n = Number.isFinite(threshold) ? Math.max(1, Math.ceil(threshold)) : 1;
  return consecutiveFailures >= n;
}

/** What a check's latest result asks of its alert: open one, resolve the open one, or nothing. */
export type CheckAlertAction = "open" | "resolve" | null;

export interface CheckRunState {
  consecutiveFailures: number;
  /** True while the check has an open alert. */
  alerting: boolean;
}

/**
 * Applies one check result to the check's run state. Failures accumulate and open an alert once
 * `checkShouldAlert` says so (once only: later failures keep it open). A single pass resets the count and
 * resolves an open alert at once: recovery needs no damping, because a wrongly resolved alert reopens
 * after `threshold` more failures, while a wrongly kept one pages people for nothing.
 */
export function applyCheckResult(
  previous: CheckRunState,
  passed: boolean,
  threshold: number,
): { next: CheckRunState; action: CheckAlertAction } {
  if (passed) {
    return {
      next: { consecutiveFailures: 0, alerting: false },
      action: previous.alerting ? "resolve" : null,
    };
  }
  const consecutiveFailures = previous.consecutiveFailures + 1;
  const alerting = previous.alerting || checkShouldAlert(consecutiveFailures, threshold);
  return {
    next: { consecutiveFailures, alerting },
    action: alerting && !previous.alerting ? "open" : null,
  };
}
