import { type ActionItemStatus, isActionItemOverdue } from "#domain/incident/action-item.ts";
import { type EvidenceKind, isImageEvidence } from "#domain/incident/evidence.ts";
import { formatHumanId } from "#domain/incident/human-id.ts";
import { type Severity, severityWord } from "#domain/incident/severity.ts";
import { computeSlaClocks } from "#domain/incident/sla.ts";
import { allowedNextStatuses, type IncidentStatus } from "#domain/incident/status.ts";
import type { StoredTimelineEvent } from "#domain/incident/timeline.ts";
import type { IncidentRoleRow, IncidentRow } from "#store/incidents.ts";
import type { ActionItemRow, EvidenceRow, StatusUpdateRow } from "#store/records.ts";
import type { IncidentPolicy } from "../context.ts";

// The public representation of incidents: what the REST API returns and the CLI and UI read (snake_case,
// seed 002's field names). One place, so every interface shows the same thing.

/** Case-insensitive code-point order: the same order the store's `lower(name) collate "C"` gives. */
export function sortNames(names: readonly string[]): string[] {
  return [...names].sort((a, b) => {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export interface RolesView {
  commander: string | null;
  communications_lead: string | null;
  scribe: string | null;
  responders: string[];
}

export function rolesView(rows: readonly IncidentRoleRow[]): RolesView {
  const one = (role: string) => rows.find((r) => r.role === role)?.person ?? null;
  return {
    commander: one("commander"),
    communications_lead: one("communications_lead"),
    scribe: one("scribe"),
    responders: rows.filter((r) => r.role === "responder").map((r) => r.person),
  };
}

export function durationSeconds(createdAt: Date, resolvedAt: Date | null, now: Date): number {
  return Math.max(0, Math.round(((resolvedAt ?? now).getTime() - createdAt.getTime()) / 1000));
}

export function incidentView(
  row: IncidentRow,
  extra: {
    services: readonly string[];
    roles: readonly IncidentRoleRow[];
    lastUpdateAt: Date | null;
    /** The name of the incident type it was declared with; null: none (or the type was deleted since). */
    typeName?: string | null;
  },
  policy: IncidentPolicy,
  now: Date,
) {
  const severity = row.severity as Severity;
  const status = row.status as IncidentStatus;
  const sla = computeSlaClocks(
    { ...row, severity, lastUpdateAt: extra.lastUpdateAt },
    policy.severities,
    now,
  );
  return {
    id: formatHumanId(row.number),
    number: row.number,
    uuid: row.id,
    title: row.title,
    /** The title the public status page shows; null: the title. */
    public_title: row.publicTitle,
    description: row.description,
    severity,
    severity_label: severityWord(severity),
    status,
    allowed_next_statuses: allowedNextStatuses(status),
    assignee: row.commander,
    roles: rolesView(extra.roles),
    affected_services: [...extra.services],
    tags: row.tags,
    type: extra.typeName ?? null,
    custom_fields: row.customFields,
    related_alerts: row.relatedAlerts,
    impact: row.impact,
    root_cause: row.rootCause,
    resolution: row.resolution,
    private: row.private,
    created_by: row.createdBy,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    acknowledged_at: iso(row.acknowledgedAt),
    mitigated_at: iso(row.mitigatedAt),
    resolved_at: iso(row.resolvedAt),
    closed_at: iso(row.closedAt),
    duration_seconds: durationSeconds(row.createdAt, row.resolvedAt, now),
    sla: {
      ack_within_minutes: policy.severities[severity].ackWithinMinutes,
      ack_due_at: sla.ackDueAt.toISOString(),
      ack_breached: sla.ackBreached,
      update_every_minutes: policy.severities[severity].updateEveryMinutes,
      next_update_due_at: iso(sla.nextUpdateDueAt),
      update_overdue: sla.updateOverdue,
    },
    timeline_length: row.lastEventSeq,
  };
}
export type IncidentView = ReturnType<typeof incidentView>;

export function evidenceView(row: EvidenceRow) {
  return {
    id: row.id,
    kind: row.kind,
    url: row.url,
    caption: row.caption,
    is_image: isImageEvidence(row.kind as EvidenceKind, row.url),
    added_by: row.addedBy,
    added_at: row.addedAt.toISOString(),
  };
}

export function statusUpdateView(row: StatusUpdateRow, incidentRef: string) {
  return {
    id: row.id,
    incident_id: incidentRef,
    message: row.message,
    status: row.status,
    visibility: row.visibility,
    created_by: row.createdBy,
    created_at: row.createdAt.toISOString(),
  };
}

export function actionItemView(row: ActionItemRow, incidentRef: string, now: Date) {
  return {
    id: row.id,
    incident_id: incidentRef,
    title: row.title,
    description: row.description,
    owner: row.owner,
    priority: row.priority,
    status: row.status,
    due_at: iso(row.dueAt),
    overdue: isActionItemOverdue({ status: row.status as ActionItemStatus, dueAt: row.dueAt }, now),
    created_by: row.createdBy,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    completed_at: iso(row.completedAt),
    /** The GitHub issue it was filed as; null until filed. */
    issue:
      row.issueRepository !== null && row.issueNumber !== null
        ? { repository: row.issueRepository, number: row.issueNumber, url: row.issueUrl ?? "" }
        : null,
  };
}

export function timelineEventView(event: StoredTimelineEvent) {
  return {
    seq: event.seq,
    kind: event.kind,
    actor: event.actor,
    at: event.at.toISOString(),
    data: event.data,
    hash: event.hash,
    prev_hash: event.prevHash,
  };
}
