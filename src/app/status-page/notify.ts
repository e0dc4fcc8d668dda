/**
 * The status page's outbox: a use case that changes something subscribers hear about (an external status
 * update, a maintenance scheduled, started, completed or updated, the reminder before one) enqueues one
 * `status.notify` job in its own transaction. The engine's handler fans it out to one `status.deliver` job
 * per matching subscriber, which sends it (ports.ts SubscriberSender) with a stable delivery id.
 */
import type { Db } from "#store/db.ts";
import { enqueueJobs } from "#store/jobs.ts";

export const STATUS_JOB = {
  /** payload: { v: 1, event: StatusNotificationEvent } — fans out to subscribers. */
  notify: "status.notify",
  /** payload: { v: 1, event, subscriber_id } — sends to one subscriber. */
  deliver: "status.deliver",
  /**
   * payload: { v: 1, maintenance_id, step: "remind" | "start" | "complete", at: the start or end it was
   * queued for (ISO) } — a maintenance's own clock (app/status-page/maintenances.ts).
   */
  maintenance: "status.maintenance",
  /** payload: { v: 1, subscriber_id, nonce } — mails an email subscriber its confirmation link (double opt-in). */
  confirm: "status.confirm",
  /** payload: { v: 1, subscriber_id } — tells a subscriber it was disabled after failed deliveries. */
  disabledNotice: "status.disabled_notice",
} as const;

/** What subscribers are told about. Ids are internal ids (uuids for incidents and updates). */
export type StatusNotificationEvent =
  | { kind: "incident_update"; incidentId: string; updateId: string }
  | {
      kind:
        | "maintenance_scheduled"
        | "maintenance_reminder"
        | "maintenance_started"
        | "maintenance_completed"
        | "maintenance_update";
      maintenanceId: string;
      /** status_maintenance_updates.id, for maintenance_update (and the automatic started/completed ones). */
      updateId?: string;
    };

/** The key that makes a second enqueue of the same event a no-op. */
export function statusEventKey(event: StatusNotificationEvent): string {
  return event.kind === "incident_update"
    ? `incident_update:${event.updateId}`
    : `${event.kind}:${event.maintenanceId}:${event.updateId ?? ""}`;
}

/** Enqueues the fan-out of `event`, in the caller's transaction. */
export async function enqueueStatusNotification(
  tx: Db,
  event: StatusNotificationEvent,
  now: Date,
): Promise<void> {
  await enqueueJobs(
    tx,
    [{ kind: STATUS_JOB.notify, key: statusEventKey(event), payload: { v: 1, event }, runAt: now }],
    now,
  );
}
