import { formatHumanId } from "#domain/incident/human-id.ts";
import { SEVERITIES, type Severity } from "#domain/incident/severity.ts";
import {
  isPostmortemOverdue,
  POSTMORTEM_REMINDER_EVERY_MS,
  postmortemDueAt,
} from "#domain/postmortem/status.ts";
import { HOUR } from "#domain/time.ts";
import { withTransaction } from "#store/db.ts";
import { lockIncidentById } from "#store/incidents.ts";
import { findPersonByUsername } from "#store/paging.ts";
import { postmortemReminderCandidates, recordPostmortemReminder } from "#store/postmortems.ts";
import type { AppContext } from "../context.ts";
import { publishIncidentChange } from "../events.ts";
import { sendReminder } from "../oncall/remind.ts";

/** At most this many reminders per sweep; the rest go out on the next ones. */
const BATCH = 50;

/**
 * Reminds the commander (else whoever declared the incident) of each overdue postmortem through their
 * paging contact methods, at most once every 24 h per incident. Runs in the on-call sweep; the reminder row
 * is claimed in the same transaction as the notification, so two replicas sweeping at once remind once.
 */
export async function remindOverduePostmortems(ctx: AppContext, now: Date): Promise<number> {
  const required = SEVERITIES.filter(
    (s) =>
      ctx.policy.severities[s].postmortem === "required" &&
      ctx.policy.severities[s].postmortemDueHours !== null,
  );
  if (required.length === 0) return 0;
  const soonest = Math.min(...required.map((s) => ctx.policy.severities[s].postmortemDueHours ?? 0));
  const remindedBefore = new Date(now.getTime() - POSTMORTEM_REMINDER_EVERY_MS);
  const candidates = await postmortemReminderCandidates(ctx.db, {
    severities: required,
    resolvedBefore: new Date(now.getTime() - soonest * HOUR),
    remindedBefore,
    limit: BATCH,
  });
  let sent = 0;
  for (const c of candidates) {
    const dueAt = postmortemDueAt(
      { severity: c.severity as Severity, resolvedAt: c.resolvedAt },
      ctx.policy.severities,
    );
    const status = c.status === "draft" || c.status === "in_review" ? c.status : null;
    if (!dueAt || !isPostmortemOverdue({ dueAt, status, incidentStatus: "resolved" }, now)) continue;
    const to = c.commander ?? c.createdBy;
    const person = await findPersonByUsername(ctx.db, to);
    const number = await withTransaction(ctx.db, async (tx) => {
      const incident = await lockIncidentById(tx, c.incidentId);
      if (incident?.status !== "resolved") return null;
      if (!(await recordPostmortemReminder(tx, c.incidentId, now, remindedBefore))) return null;
      const id = formatHumanId(incident.number);
      const late = Math.floor((now.getTime() - dueAt.getTime()) / HOUR);
      const summary = `${incident.severity} ${id}: postmortem overdue${late ? ` by ${late} h` : ""} (due ${dueAt.toISOString().slice(0, 16).replace("T", " ")} UTC) — ${c.status ? "finish and publish it" : "start it"} (${incident.title})`;
      await sendReminder(
        tx,
        incident,
        {
          to,
          person,
          via: c.commander ? "commander" : "declared by",
          step: `postmortem:${incident.id}:${now.toISOString()}`,
          summary,
          data: { about: "postmortem", due_at: dueAt.toISOString() },
        },
        now,
      );
      return incident.number;
    });
    if (number === null) continue;
    sent += 1;
    ctx.log.info({ incident: number, to }, "postmortem reminder queued");
    publishIncidentChange(ctx.events, number, "reminder.sent", now);
  }
  return sent;
}
