// Pure vocabulary, no imports: shared with the web UI (web/src/api/types.ts), which cannot load node:crypto.

/** Every kind of timeline event, as `entity.verb`. The timeline is append-only. */
export const TIMELINE_KINDS = [
  "incident.declared",
  "incident.status_changed",
  "incident.updated",
  "note.added",
  "evidence.added",
  "status_update.posted",
  "role.assigned",
  "role.removed",
  "service.added",
  "service.removed",
  "action_item.created",
  "action_item.updated",
  "action_item.completed",
  "alert.attached",
  "alert.acknowledged",
  "alert.changed",
  "alert.resolved",
  "escalation.started",
  "escalation.escalated",
  "escalation.stopped",
  "escalation.exhausted",
  "escalation.skipped",
  "escalation.rule_fired",
  "page.sent",
  "page.failed",
  "reminder.sent",
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];
