import type { ReactNode } from "react";
import type { AlertSeverity, IncidentStatus, ServiceHealth, Severity } from "../api/types.ts";

// Severity and status badges: colour plus text (never colour alone).

const STATUS_LABELS: Record<IncidentStatus, string> = {
  triggered: "Triggered",
  acknowledged: "Acknowledged",
  investigating: "Investigating",
  mitigating: "Mitigating",
  resolved: "Resolved",
  postmortem: "Postmortem",
};

export function statusLabel(status: IncidentStatus): string {
  return STATUS_LABELS[status] ?? status;
}

const SEVERITY_WORDS: Record<Severity, string> = {
  SEV1: "critical",
  SEV2: "high",
  SEV3: "medium",
  SEV4: "low",
};

export function severityWord(severity: Severity): string {
  return SEVERITY_WORDS[severity] ?? severity;
}

export function SeverityBadge({ severity, long = false }: { severity: Severity; long?: boolean }) {
  return (
    <span
      className={`badge sev sev-${severity.toLowerCase()}`}
      title={`${severity}: ${severityWord(severity)}`}
    >
      <span className="sev-bars" aria-hidden="true">
        <i />
        <i />
        <i />
        <i />
      </span>
      {severity}
      {long ? <span className="badge-sub"> · {severityWord(severity)}</span> : null}
    </span>
  );
}

export function StatusBadge({ status }: { status: IncidentStatus }) {
  return (
    <span className={`badge status status-${status}`}>
      <span className="dot" aria-hidden="true" />
      {statusLabel(status)}
    </span>
  );
}

export function Tag({ children, tone }: { children: ReactNode; tone?: "muted" | "accent" | "warn" }) {
  return <span className={`tag${tone ? ` tag-${tone}` : ""}`}>{children}</span>;
}

const HEALTH_LABELS: Record<ServiceHealth["status"], string> = {
  healthy: "Healthy",
  degraded: "Degraded",
  down: "Down",
};

/** A service's health; the reasons are in the tooltip and, for screen readers, in the text. */
export function HealthBadge({ health }: { health: ServiceHealth }) {
  const reasons = health.reasons.join("; ");
  return (
    <span className={`badge health health-${health.status}`} title={reasons || undefined}>
      <span className="dot" aria-hidden="true" />
      {HEALTH_LABELS[health.status] ?? health.status}
      {reasons ? <span className="sr-only">: {reasons}</span> : null}
    </span>
  );
}

/** Alert severities take the colour of the incident severity they usually map to. */
const ALERT_SEVERITY_CLASS: Record<AlertSeverity, string> = {
  critical: "sev-sev1",
  error: "sev-sev2",
  warning: "sev-sev3",
  info: "sev-sev4",
};

export function AlertSeverityBadge({ severity }: { severity: AlertSeverity | null }) {
  if (!severity) return <span className="muted">—</span>;
  return <span className={`badge alert-sev ${ALERT_SEVERITY_CLASS[severity] ?? ""}`}>{severity}</span>;
}
