import { SEVERITIES, severityWord } from "#domain/incident/severity.ts";
import type { AppContext } from "../context.ts";

/**
 * The severity policy in force (configuration), most severe first: what each level means and obliges.
 * The declare form shows it beside each level.
 */
export function listSeverities(ctx: Pick<AppContext, "policy">) {
  const { severities, priorityScheme } = ctx.policy;
  const offset = priorityScheme === "p1-p4" ? 1 : 0;
  return {
    priority_scheme: priorityScheme,
    items: SEVERITIES.map((severity, i) => {
      const level = severities[severity];
      return {
        severity,
        label: severityWord(severity),
        priority: `P${i + offset}`,
        meaning: level.meaning,
        ack_within_minutes: level.ackWithinMinutes,
        update_every_minutes: level.updateEveryMinutes,
        who_is_told: level.whoIsTold,
        postmortem: level.postmortem,
        postmortem_due_hours: level.postmortemDueHours,
        escalate_if_unresolved_minutes: level.escalateIfUnresolvedMinutes,
      };
    }),
  };
}
