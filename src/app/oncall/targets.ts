import type { EscalationTarget } from "#domain/escalation/policy.ts";
import { onCallAt } from "#domain/schedule/on-call.ts";
import type { Layer } from "#domain/schedule/types.ts";
import type { Db } from "#store/db.ts";
import { findPeople, findSchedules, overridesBetween, type PersonRow, teamMemberIds } from "#store/paging.ts";
import { storedOverrides } from "./schedule-facts.ts";

/** A person a target resolved to, and through what ("schedule primary", "team payments"). */
export interface ResolvedPerson extends PersonRow {
  via: string;
}

export interface ResolvedTargets {
  /** In target order, each person once. */
  people: ResolvedPerson[];
  /** Targets that resolved to nobody, in words ("schedule primary has nobody on call"). */
  empty: string[];
}

/**
 * Who the targets mean at `at`: a user is themself, a schedule is whoever is on call then (overrides
 * applied), a team is its members (managers first).
 */
export async function resolveTargets(
  db: Db,
  targets: readonly EscalationTarget[],
  at: Date,
): Promise<ResolvedTargets> {
  const scheduleIds = targets.filter((t) => t.kind === "schedule").map((t) => t.id);
  const teamIds = targets.filter((t) => t.kind === "team").map((t) => t.id);
  const [scheduleRows, overrides, teams] = await Promise.all([
    findSchedules(db, scheduleIds),
    overridesBetween(db, scheduleIds, at, at),
    teamMemberIds(db, teamIds),
  ]);
  const schedules = new Map(scheduleRows.map((s) => [s.id, s]));
  const wanted: { userId: string; via: string }[] = [];
  const empty: string[] = [];
  for (const target of targets) {
    if (target.kind === "user") wanted.push({ userId: target.id, via: "directly" });
    else if (target.kind === "team") {
      const members = teams.get(target.id) ?? [];
      if (members.length === 0) empty.push("a team with no members");
      for (const userId of members) wanted.push({ userId, via: "team" });
    } else {
      const schedule = schedules.get(target.id);
      if (!schedule) {
        empty.push("a schedule that no longer exists");
        continue;
      }
      const own = storedOverrides(overrides.filter((o) => o.scheduleId === schedule.id));
      const onCall = onCallAt({ timeZone: schedule.timeZone, layers: schedule.layers as Layer[] }, own, at);
      if (onCall.length === 0) empty.push(`schedule ${schedule.name} has nobody on call`);
      for (const entry of onCall) wanted.push({ userId: entry.userId, via: `schedule ${schedule.name}` });
    }
  }
  const people = new Map(
    (await findPeople(db, [...new Set(wanted.map((w) => w.userId))])).map((p) => [p.id, p]),
  );
  const seen = new Set<string>();
  const out: ResolvedPerson[] = [];
  for (const w of wanted) {
    const person = people.get(w.userId);
    if (!person || seen.has(person.id)) continue;
    seen.add(person.id);
    out.push({ ...person, via: w.via });
  }
  return { people: out, empty };
}
