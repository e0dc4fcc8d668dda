import type { Db } from "#store/db.ts";
import type { IncidentRow } from "#store/incidents.ts";
import { insertNotifications, type PersonRow } from "#store/paging.ts";
import { applyChange } from "../incidents/internal.ts";
import { planNotifications } from "./paging.ts";

/**
 * Sends a reminder about a locked incident to one person through their contact methods and records it on
 * the timeline as `reminder.sent` (marked unreachable when no method could take it), in the caller's
 * transaction. Used by the status-update and the overdue-postmortem reminders.
 */
export async function sendReminder(
  tx: Db,
  incident: IncidentRow,
  reminder: {
    /** The username reminded. */
    to: string;
    /** Their contact details (undefined: no such user, the reminder reaches nobody). */
    person: PersonRow | undefined;
    /** Why they are the one: "commander", "declared by". */
    via: string;
    /** The notification's dedup step, unique per reminder. */
    step: string;
    summary: string;
    /** What the timeline event says besides `to`. */
    data: Record<string, unknown>;
  },
  now: Date,
): Promise<void> {
  let reached = false;
  if (reminder.person) {
    const { rows } = await planNotifications({ db: tx }, [{ ...reminder.person, via: reminder.via }], {
      incidentId: incident.id,
      reason: "reminder",
      step: reminder.step,
      summary: reminder.summary,
      now,
    });
    reached = (await insertNotifications(tx, rows, now)).length > 0;
  }
  await applyChange(
    tx,
    incident,
    [
      {
        kind: "reminder.sent",
        data: { to: reminder.to, ...reminder.data, ...(reached ? {} : { unreachable: true }) },
      },
    ],
    "foghorn",
    now,
  );
}
