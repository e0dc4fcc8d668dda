import type { EscalationTarget } from "#domain/escalation/policy.ts";
import { describeRule, ruleDueAt, updateReminderDueAt } from "#domain/escalation/rules.ts";
import { formatHumanId } from "#domain/incident/human-id.ts";
import type { Severity } from "#domain/incident/severity.ts";
import { finalShifts, userShifts } from "#domain/schedule/on-call.ts";
import type { Layer, ScheduleSpec } from "#domain/schedule/types.ts";
import { describeLocal } from "#domain/schedule/wall-clock.ts";
import { formatDuration, MINUTE } from "#domain/time.ts";
import { withTransaction } from "#store/db.ts";
import { lockIncidentById } from "#store/incidents.ts";
import {
  enabledRules,
  findPeople,
  findPersonByUsername,
  insertNotifications,
  listAllSchedules,
  openIncidentsForSweep,
  overridesBetween,
  recordRuleFiring,
  setLastReminder,
} from "#store/paging.ts";
import type { AppContext } from "../context.ts";
import { publishIncidentChange } from "../events.ts";
import { applyChange } from "../incidents/internal.ts";
import { remindOverduePostmortems } from "../postmortems/remind.ts";
import { pageSummary, planNotifications } from "./paging.ts";
import { sendReminder } from "./remind.ts";
import { storedOverrides } from "./schedule-facts.ts";
import { resolveTargets } from "./targets.ts";

export interface SweepOptions {
  /** Minutes before a shift starts that its person is told ("you are on call from 09:00"); 0: never. */
  handoffNoticeMinutes: number;
}

export interface SweepResult {
  rulesFired: number;
  reminders: number;
  handoffNotices: number;
  /** Overdue-postmortem reminders (app/postmortems/remind.ts). */
  postmortemReminders: number;
}

/**
 * The periodic look at everything time-driven that is not an escalation step (job `oncall.sweep`):
 * escalation rules whose condition has held long enough, status-update reminders to commanders, overdue
 * postmortem reminders, and hand-off notices. Each writes notifications with dedup keys, so two replicas
 * sweeping at once notify once.
 */
export async function runOnCallSweep(ctx: AppContext, opts: SweepOptions): Promise<SweepResult> {
  const now = ctx.clock.now();
  const result: SweepResult = { rulesFired: 0, reminders: 0, handoffNotices: 0, postmortemReminders: 0 };
  const rules = await enabledRules(ctx.db);
  const remindSeverities = Object.entries(ctx.policy.severities)
    .filter(([, s]) => s?.updateEveryMinutes)
    .map(([severity]) => severity);
  const open = await openIncidentsForSweep(ctx.db, { everyOpen: rules.length > 0, remindSeverities });
  for (const incident of open) {
    for (const rule of rules) {
      if (incident.firedRuleIds.includes(rule.id)) continue;
      const spec = {
        severities: rule.severities,
        tags: rule.tags,
        unresolvedMinutes: rule.unresolvedMinutes,
      };
      const due = ruleDueAt(spec, { ...incident, open: true });
      if (!due || due > now) continue;
      if (await fireRule(ctx, incident.id, rule, describeRule(spec), now)) result.rulesFired += 1;
    }
    const cadence = ctx.policy.severities[incident.severity as Severity]?.updateEveryMinutes;
    if (incident.commander && cadence) {
      const since = incident.lastUpdateAt ?? incident.createdAt;
      const due = updateReminderDueAt(since, incident.lastReminderAt, cadence);
      if (due <= now && (await remind(ctx, incident, since, now))) result.reminders += 1;
    }
  }
  result.postmortemReminders = await remindOverduePostmortems(ctx, now);
  if (opts.handoffNoticeMinutes > 0)
    result.handoffNotices = await handoffNotices(ctx, opts.handoffNoticeMinutes, now);
  return result;
}

async function fireRule(
  ctx: AppContext,
  incidentId: string,
  rule: { id: string; name: string; targets: unknown[] },
  condition: string,
  now: Date,
): Promise<boolean> {
  const number = await withTransaction(ctx.db, async (tx) => {
    const incident = await lockIncidentById(tx, incidentId);
    if (!incident || incident.status === "resolved" || incident.status === "postmortem") return null;
    if (!(await recordRuleFiring(tx, incidentId, rule.id, now))) return null;
    const resolved = await resolveTargets(tx, rule.targets as EscalationTarget[], now);
    const { rows, unreachable } = await planNotifications({ db: tx }, resolved.people, {
      incidentId,
      reason: "escalation_rule",
      step: `rule:${incidentId}:${rule.id}`,
      summary: `${pageSummary(incident)} — escalation rule "${rule.name}": ${condition}`,
      now,
    });
    await insertNotifications(tx, rows, now);
    await applyChange(
      tx,
      incident,
      [
        {
          kind: "escalation.rule_fired",
          data: {
            rule: rule.name,
            condition,
            notified: resolved.people.filter((p) => !unreachable.includes(p.username)).map((p) => p.username),
            ...(unreachable.length ? { unreachable } : {}),
            ...(resolved.empty.length ? { empty: resolved.empty } : {}),
          },
        },
      ],
      "foghorn",
      now,
    );
    return incident.number;
  });
  if (number === null) return false;
  ctx.log.info({ incident: number, rule: rule.name }, "escalation rule fired");
  publishIncidentChange(ctx.events, number, "escalation.rule_fired", now);
  return true;
}

async function remind(
  ctx: AppContext,
  open: { id: string; commander: string | null; severity: string },
  since: Date,
  now: Date,
): Promise<boolean> {
  const commander = open.commander;
  if (!commander) return false;
  const person = await findPersonByUsername(ctx.db, commander);
  const number = await withTransaction(ctx.db, async (tx) => {
    const incident = await lockIncidentById(tx, open.id);
    if (!incident) return null;
    await setLastReminder(tx, open.id, now);
    const ago = formatDuration(now.getTime() - since.getTime());
    const summary = `${incident.severity} ${formatHumanId(incident.number)}: last update ${ago} ago — post a status update (${incident.title})`;
    await sendReminder(
      tx,
      incident,
      {
        to: commander,
        person,
        via: "commander",
        step: `remind:${incident.id}:${now.toISOString()}`,
        summary,
        data: { last_update_ago: ago },
      },
      now,
    );
    return incident.number;
  });
  if (number === null) return false;
  publishIncidentChange(ctx.events, number, "reminder.sent", now);
  return true;
}

/** Tells each person whose shift starts within the next `lead` minutes, once per shift. */
async function handoffNotices(ctx: AppContext, leadMinutes: number, now: Date): Promise<number> {
  const schedules = await listAllSchedules(ctx.db);
  if (schedules.length === 0) return 0;
  const to = new Date(now.getTime() + leadMinutes * MINUTE);
  const overrides = await overridesBetween(
    ctx.db,
    schedules.map((s) => s.id),
    new Date(now.getTime() - MINUTE),
    new Date(to.getTime() + 30 * 24 * 60 * MINUTE),
  );
  let sent = 0;
  for (const schedule of schedules) {
    const spec: ScheduleSpec = { timeZone: schedule.timeZone, layers: schedule.layers as Layer[] };
    const own = storedOverrides(overrides.filter((o) => o.scheduleId === schedule.id));
    const shifts = finalShifts(spec, own, new Date(now.getTime() - MINUTE), to);
    for (let i = 1; i < shifts.length; i++) {
      const shift = shifts[i];
      const before = shifts[i - 1];
      if (!shift || !before || shift.start <= now) continue;
      const arriving = shift.userIds.filter((id) => !before.userIds.includes(id));
      if (arriving.length === 0) continue;
      const people = await findPeople(ctx.db, arriving);
      for (const person of people) {
        const [period] = userShifts(
          spec,
          own,
          person.id,
          shift.start,
          new Date(shift.start.getTime() + 30 * 24 * 60 * MINUTE),
        );
        const until = period
          ? ` until ${describeLocal(period.end, person.timeZone || schedule.timeZone)}`
          : "";
        const summary = `You are on call for ${schedule.name} from ${describeLocal(shift.start, person.timeZone || schedule.timeZone)}${until}`;
        const written = await withTransaction(ctx.db, async (tx) => {
          const { rows } = await planNotifications(
            { db: tx },
            [{ ...person, via: `schedule ${schedule.name}` }],
            {
              incidentId: null,
              reason: "handoff",
              step: `handoff:${schedule.id}:${shift.start.toISOString()}`,
              summary,
              now,
            },
          );
          return insertNotifications(tx, rows, now);
        });
        if (written.length) {
          sent += 1;
          ctx.log.info(
            { schedule: schedule.name, user: person.username, from: shift.start },
            "hand-off notice queued",
          );
        }
      }
    }
  }
  return sent;
}
