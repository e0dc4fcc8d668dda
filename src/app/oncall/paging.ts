import { randomBytes, randomUUID } from "node:crypto";
import {
  type EscalationLevel,
  type EscalationPolicySpec,
  levelWaitMs,
  nextPosition,
  notificationPlan,
  pickRecipients,
  positionLabel,
} from "#domain/escalation/policy.ts";
import { formatHumanId } from "#domain/incident/human-id.ts";
import type { Severity } from "#domain/incident/severity.ts";
import type { TimelineKind } from "#domain/incident/timeline.ts";
import { formatDuration } from "#domain/time.ts";
import type { Db } from "#store/db.ts";
import { withTransaction } from "#store/db.ts";
import { type IncidentRow, lockIncidentsById } from "#store/incidents.ts";
import { enqueueJobs, type NewJob } from "#store/jobs.ts";
import {
  anyEscalationPolicy,
  type ContactPlan,
  cancelPendingFor,
  contactPlans,
  type EscalationRow,
  findPolicies,
  insertNotifications,
  JOB,
  lockEscalations,
  type NewNotification,
  type PolicyRow,
  policiesForIncidents,
  roundRobinPosition,
  setRoundRobinPosition,
  upsertEscalations,
} from "#store/paging.ts";
import type { AppContext } from "../context.ts";
import { publishIncidentChange } from "../events.ts";
import { appendEventsBatch, type NewTimelineEvent } from "../incidents/internal.ts";
import type { NotificationReason } from "../ports.ts";
import { type ResolvedPerson, type ResolvedTargets, resolveTargets } from "./targets.ts";

// Escalation: an incident that pages starts its service's policy at level 1; each level waits for an
// acknowledgement, then the next is paged; the policy repeats; an ack stops it. Every step runs in one
// transaction that holds the incident row and the escalation row (the fence), writes the notifications
// with unique dedup keys, the timeline event that explains them, and the next step's job.

/** True while the incident still wants paging: nobody acknowledged it and it is not resolved. */
export function awaitingAck(incident: Pick<IncidentRow, "status" | "acknowledgedAt">): boolean {
  return incident.status === "triggered" && incident.acknowledgedAt === null;
}

/** Reads the stored levels JSON (written by the directory's use cases in the domain shape). */
export function policySpec(row: PolicyRow): EscalationPolicySpec {
  return { repeat: row.repeat, levels: row.levels as EscalationLevel[] };
}

/** A short random code people reply with by SMS ("4 K7Q"). */
function replyCode(): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  return [...randomBytes(3)].map((b) => alphabet[b % alphabet.length]).join("");
}

/** One line that says what a page is about: "[SEV1] INC-42 Checkout is down". */
export function pageSummary(incident: Pick<IncidentRow, "severity" | "number" | "title">): string {
  return `[${incident.severity}] ${formatHumanId(incident.number)} ${incident.title}`;
}

/**
 * Notification rows for `people`: each person's contact methods per their rules (all at once without
 * rules). `step` makes the dedup key: the same step never pages the same method twice. `plans` may be
 * preloaded for a batch.
 */
export async function planNotifications(
  ctx: Pick<AppContext, "db">,
  people: readonly ResolvedPerson[],
  opts: { incidentId: string | null; reason: NotificationReason; step: string; summary: string; now: Date },
  preloaded?: Map<string, ContactPlan>,
): Promise<{ rows: NewNotification[]; unreachable: string[] }> {
  const plans =
    preloaded ??
    (await contactPlans(
      ctx.db,
      people.map((p) => p.id),
    ));
  return planRows(people, plans, opts);
}

interface LevelOutcome {
  paged: string[];
  unreachable: string[];
  empty: string[];
}

interface PageRequest {
  incident: IncidentRow;
  policy: PolicyRow;
  at: { level: number; cycle: number };
}

/**
 * Pages one level for each request and schedules the step after it, in the caller's transaction, with a
 * constant number of statements per batch: targets are resolved once per policy level, contact plans
 * read once, notifications, escalation rows and step jobs written with one statement each.
 */
async function pageLevels(
  ctx: AppContext,
  tx: Db,
  requests: readonly PageRequest[],
  now: Date,
  dueNow: Set<string>,
): Promise<(LevelOutcome & { waitMs: number })[]> {
  if (requests.length === 0) return [];
  const resolvedByLevel = new Map<string, ResolvedTargets>();
  const cursors = new Map<string, number>();
  const chosen: ResolvedPerson[][] = [];
  for (const { policy, at } of requests) {
    const level = policySpec(policy).levels[at.level];
    const key = `${policy.id}:${at.level}`;
    let resolved = resolvedByLevel.get(key);
    if (!resolved) {
      resolved = level ? await resolveTargets(tx, level.targets, now) : { people: [], empty: [] };
      resolvedByLevel.set(key, resolved);
    }
    let people = resolved.people;
    if (level?.roundRobin && people.length > 1) {
      const cursor = cursors.get(key) ?? (await roundRobinPosition(tx, policy.id, at.level));
      const pick = pickRecipients(level, people, cursor);
      people = pick.recipients;
      cursors.set(key, pick.nextCursor);
    }
    chosen.push(people);
  }
  for (const [key, position] of cursors) {
    const [policyId = "", level = "0"] = key.split(":");
    await setRoundRobinPosition(tx, policyId, Number(level), position);
  }
  const plans = await contactPlans(tx, [...new Set(chosen.flat().map((p) => p.id))]);
  const rows: NewNotification[] = [];
  const escalations: EscalationRow[] = [];
  const steps: NewJob[] = [];
  const outcomes = requests.map(({ incident, policy, at }, i) => {
    const level = policySpec(policy).levels[at.level];
    const severity = ctx.policy.severities[incident.severity as Severity];
    const waitMs = level ? levelWaitMs(level, severity?.ackWithinMinutes ?? 15) : 0;
    const people = chosen[i] ?? [];
    const planned = planRows(people, plans, {
      incidentId: incident.id,
      reason: "page",
      step: `page:${incident.id}:${at.cycle}:${at.level}`,
      summary: pageSummary(incident),
      now,
    });
    rows.push(...planned.rows);
    escalations.push({
      incidentId: incident.id,
      policyId: policy.id,
      level: at.level,
      cycle: at.cycle,
      state: "active",
      nextAt: new Date(now.getTime() + waitMs),
      lastReminderAt: null,
      updatedAt: now,
    });
    steps.push({
      kind: JOB.step,
      key: incident.id,
      payload: { incident_id: incident.id, level: at.level, cycle: at.cycle, v: 1 },
      runAt: new Date(now.getTime() + waitMs),
    });
    const resolved = resolvedByLevel.get(`${policy.id}:${at.level}`);
    return {
      paged: people.filter((p) => !planned.unreachable.includes(p.username)).map((p) => p.username),
      unreachable: planned.unreachable,
      empty: level && level.targets.length === 0 ? ["the level has no targets"] : (resolved?.empty ?? []),
      waitMs,
    };
  });
  // The engine sends what is due now right after this commit (dueNow); the delivery job is the safety net.
  const written = await insertNotifications(tx, rows, now, { deliveringNowMs: 15_000, alsoEnqueue: steps });
  for (const n of written) if (n.dueAt.getTime() <= now.getTime()) dueNow.add(n.contactMethodId);
  await upsertEscalations(tx, escalations);
  return outcomes;
}

/** planNotifications without I/O, for plans already loaded. */
function planRows(
  people: readonly ResolvedPerson[],
  plans: Map<string, ContactPlan>,
  opts: { incidentId: string | null; reason: NotificationReason; step: string; summary: string; now: Date },
): { rows: NewNotification[]; unreachable: string[] } {
  const rows: NewNotification[] = [];
  const unreachable: string[] = [];
  for (const person of people) {
    const plan = plans.get(person.id);
    const methods = plan?.methods ?? [];
    if (methods.length === 0) {
      unreachable.push(person.username);
      continue;
    }
    for (const rule of notificationPlan(
      plan?.rules ?? [],
      methods.map((m) => m.id),
    )) {
      rows.push({
        id: randomUUID(),
        dedupKey: `${opts.step}:${person.id}:${rule.contactMethodId}:${rule.delayMinutes}`,
        incidentId: opts.incidentId,
        userId: person.id,
        contactMethodId: rule.contactMethodId,
        reason: opts.reason,
        summary: opts.summary,
        state: "pending",
        dueAt: new Date(opts.now.getTime() + rule.delayMinutes * 60_000),
        linkToken: opts.incidentId ? randomBytes(24).toString("base64url") : null,
        replyCode: opts.incidentId ? replyCode() : null,
        createdAt: opts.now,
      });
    }
  }
  return { rows, unreachable };
}

function levelEventData(policy: PolicyRow, at: { level: number; cycle: number }, outcome: LevelOutcome) {
  return {
    policy: policy.name,
    level: at.level + 1,
    ...(at.cycle ? { cycle: at.cycle } : {}),
    label: positionLabel(policySpec(policy), at),
    paged: outcome.paged,
    ...(outcome.unreachable.length ? { unreachable: outcome.unreachable } : {}),
    ...(outcome.empty.length ? { empty: outcome.empty } : {}),
  };
}

/**
 * Stops active escalations once their incident is acknowledged or resolved: cancels pages not yet sent,
 * and queues the update of every copy already sent ("Acknowledged by …"). Returns each timeline event.
 */
async function stopEscalations(
  tx: Db,
  items: readonly { incident: IncidentRow; escalation: EscalationRow }[],
  now: Date,
): Promise<Map<string, NewTimelineEvent>> {
  const out = new Map<string, NewTimelineEvent>();
  if (items.length === 0) return out;
  const cancelled = await cancelPendingFor(
    tx,
    items.map((i) => i.incident.id),
  );
  await upsertEscalations(
    tx,
    items.map((i) => ({ ...i.escalation, state: "stopped", nextAt: null, updatedAt: now })),
  );
  await enqueueJobs(
    tx,
    items.map((i) => ({
      kind: JOB.update,
      key: i.incident.id,
      payload: { incident_id: i.incident.id, v: 1 },
      runAt: now,
    })),
    now,
  );
  for (const { incident } of items) {
    const n = cancelled.get(incident.id) ?? 0;
    const reason =
      incident.status === "resolved" || incident.status === "postmortem" ? "resolved" : "acknowledged";
    out.set(incident.id, {
      kind: "escalation.stopped",
      data: { reason, status: incident.status, ...(n ? { cancelled_pages: n } : {}) },
    });
  }
  return out;
}

/** Writes the engine's events (no outbox: the engine needs not look at them again) and announces them. */
async function recordEvents(
  tx: Db,
  incidents: readonly IncidentRow[],
  events: Map<string, NewTimelineEvent[]>,
  now: Date,
  chat: boolean,
): Promise<{ number: number; kind: TimelineKind }[]> {
  const items = incidents
    .filter((i) => (events.get(i.id)?.length ?? 0) > 0)
    .map((incident) => ({ incident, events: events.get(incident.id) ?? [] }));
  await appendEventsBatch(tx, items, "foghorn", now, { outbox: false });
  if (chat)
    await enqueueJobs(
      tx,
      items.map((i) => ({
        kind: JOB.chat,
        key: i.incident.id,
        payload: { incident_id: i.incident.id, v: 1 },
        runAt: now,
      })),
      now,
    );
  return items.map((i) => ({ number: i.incident.number, kind: (i.events[0] as NewTimelineEvent).kind }));
}

function push(map: Map<string, NewTimelineEvent[]>, id: string, event: NewTimelineEvent): void {
  const list = map.get(id) ?? [];
  list.push(event);
  map.set(id, list);
}

/**
 * The engine's look at incidents after they changed (job `incident.events`, claimed in batches): starts
 * paging new incidents, stops paging acknowledged ones, and lets chat catch up. Idempotent: each
 * escalation row says what was already done. One transaction for the whole batch.
 */
export async function handleIncidentEvents(
  ctx: AppContext,
  incidentIds: readonly string[],
  opts: { chat: boolean },
): Promise<{ dueNow: string[] }> {
  const now = ctx.clock.now();
  const { changed, dueNow } = await withTransaction(ctx.db, (tx) =>
    examineIncidents(ctx, tx, incidentIds, now, opts),
  );
  for (const c of changed) publishIncidentChange(ctx.events, c.number, c.kind, now);
  return { dueNow };
}

/**
 * handleIncidentEvents inside the caller's transaction (the alert processor starts paging the incidents it
 * opens in the transaction that opens them). The caller publishes `changed` and sends `dueNow` after commit.
 * `insertedHere`: that transaction inserted every one of the incidents, so no other can see them or their
 * escalations yet, and neither is locked (lockIncidentsById).
 */
export async function examineIncidents(
  ctx: AppContext,
  tx: Db,
  incidentIds: readonly string[],
  now: Date,
  opts: { chat: boolean; insertedHere?: boolean },
): Promise<{ changed: { number: number; kind: TimelineKind }[]; dueNow: string[] }> {
  const dueNow = new Set<string>();
  const insertedHere = opts.insertedHere ?? false;
  const changed = await (async () => {
    // Locked in id order (no lock cycles between batches; not locked when insertedHere), handled in incident
    // order (round robin).
    const incidents = (await lockIncidentsById(tx, [...new Set(incidentIds)], { insertedHere })).sort(
      (a, b) => a.number - b.number,
    );
    const escalations = await lockEscalations(
      tx,
      incidents.map((i) => i.id),
      { insertedHere },
    );
    const events = new Map<string, NewTimelineEvent[]>();
    const starting = incidents.filter((incident) => {
      const escalation = escalations.get(incident.id);
      const pages = ctx.policy.severities[incident.severity as Severity]?.pages ?? true;
      return (!escalation || escalation.state === "none") && awaitingAck(incident) && pages;
    });
    const policies = await policiesForIncidents(
      tx,
      starting.map((i) => i.id),
    );
    const requests: PageRequest[] = [];
    const none: EscalationRow[] = [];
    // Before any policy exists paging is simply not set up: say nothing. Once it is, an incident that
    // pages nobody says so on its timeline.
    const unpaged = starting.filter((i) => !policies.has(i.id) && !escalations.has(i.id));
    const pagingSetUp = unpaged.length > 0 && (await anyEscalationPolicy(tx));
    for (const incident of starting) {
      const policy = policies.get(incident.id);
      if (policy) requests.push({ incident, policy, at: { level: 0, cycle: 0 } });
      else if (!escalations.has(incident.id)) {
        none.push({
          incidentId: incident.id,
          policyId: null,
          level: 0,
          cycle: 0,
          state: "none",
          nextAt: null,
          lastReminderAt: null,
          updatedAt: now,
        });
        if (pagingSetUp)
          push(events, incident.id, {
            kind: "escalation.skipped",
            data: {
              reason: incident.serviceNames.length
                ? `no escalation policy on ${incident.serviceNames.join(", ")}: nobody was paged`
                : "no affected service with an escalation policy: nobody was paged",
            },
          });
      }
    }
    const outcomes = await pageLevels(ctx, tx, requests, now, dueNow);
    requests.forEach(({ incident, policy, at }, i) => {
      const outcome = outcomes[i] as LevelOutcome;
      push(events, incident.id, {
        kind: "escalation.started",
        data: { ...levelEventData(policy, at, outcome), service: policies.get(incident.id)?.service },
      });
    });
    await upsertEscalations(tx, none);
    const stopping = incidents
      .filter((i) => escalations.get(i.id)?.state === "active" && !awaitingAck(i))
      .map((incident) => ({ incident, escalation: escalations.get(incident.id) as EscalationRow }));
    for (const [id, event] of await stopEscalations(tx, stopping, now)) push(events, id, event);
    if (opts.chat)
      await enqueueJobs(
        tx,
        incidents.map((i) => ({
          kind: JOB.chat,
          key: i.id,
          payload: { incident_id: i.id, v: 1 },
          runAt: now,
        })),
        now,
      );
    return recordEvents(tx, incidents, events, now, false);
  })();
  return { changed, dueNow: [...dueNow] };
}

export type StepOutcome = "escalated" | "exhausted" | "fenced" | "stopped";

/**
 * Levels whose wait is over (job `escalation.step`, claimed in batches): for each incident still
 * unacknowledged whose escalation still stands where its job says (the fence), page the next level, or
 * end the policy. One transaction for the batch.
 */
export async function runEscalationSteps(
  ctx: AppContext,
  payloads: readonly { incidentId: string; level: number; cycle: number }[],
  opts: { chat: boolean } = { chat: false },
): Promise<{ outcomes: StepOutcome[]; dueNow: string[] }> {
  const now = ctx.clock.now();
  const dueNow = new Set<string>();
  const { outcomes, changed } = await withTransaction(ctx.db, async (tx) => {
    const incidents = new Map(
      (await lockIncidentsById(tx, [...new Set(payloads.map((p) => p.incidentId))])).map((i) => [i.id, i]),
    );
    const escalations = await lockEscalations(tx, [...incidents.keys()]);
    const policies = await findPolicies(tx, [
      ...new Set([...escalations.values()].map((e) => e.policyId).filter((id): id is string => id !== null)),
    ]);
    const events = new Map<string, NewTimelineEvent[]>();
    const result: StepOutcome[] = [];
    const stopping: { incident: IncidentRow; escalation: EscalationRow }[] = [];
    const requests: PageRequest[] = [];
    const fromOf = new Map<string, { level: number; cycle: number; waited: string }>();
    const done: EscalationRow[] = [];
    const handled = new Set<string>();
    for (const p of payloads) {
      const incident = incidents.get(p.incidentId);
      const escalation = escalations.get(p.incidentId);
      if (
        !incident ||
        handled.has(p.incidentId) ||
        escalation?.state !== "active" ||
        escalation.level !== p.level ||
        escalation.cycle !== p.cycle
      ) {
        result.push("fenced");
        continue;
      }
      handled.add(p.incidentId);
      if (!awaitingAck(incident)) {
        stopping.push({ incident, escalation });
        result.push("stopped");
        continue;
      }
      const policy = escalation.policyId ? policies.get(escalation.policyId) : undefined;
      const from = { level: escalation.level, cycle: escalation.cycle };
      const next = policy ? nextPosition(policySpec(policy), from) : null;
      const severity = ctx.policy.severities[incident.severity as Severity];
      const level = policy ? policySpec(policy).levels[from.level] : undefined;
      const waited = formatDuration(level ? levelWaitMs(level, severity?.ackWithinMinutes ?? 15) : 0);
      if (!policy || !next) {
        done.push({ ...escalation, state: "completed", nextAt: null, updatedAt: now });
        push(events, incident.id, {
          kind: "escalation.exhausted",
          data: {
            policy: policy?.name ?? null,
            reason: `not acknowledged within ${waited} after the last level${policy?.repeat ? ` and ${policy.repeat} repeat${policy.repeat === 1 ? "" : "s"}` : ""}: nobody else to page`,
          },
        });
        result.push("exhausted");
        continue;
      }
      requests.push({ incident, policy, at: next });
      fromOf.set(incident.id, { ...from, waited });
      result.push("escalated");
    }
    const outcomes = await pageLevels(ctx, tx, requests, now, dueNow);
    requests.forEach(({ incident, policy, at }, i) => {
      const from = fromOf.get(incident.id);
      const severity = ctx.policy.severities[incident.severity as Severity];
      push(events, incident.id, {
        kind: "escalation.escalated",
        data: {
          ...levelEventData(policy, at, outcomes[i] as LevelOutcome),
          from_level: (from?.level ?? 0) + 1,
          reason: `not acknowledged within ${from?.waited ?? "?"} (${incident.severity} ack target ${severity?.ackWithinMinutes ?? "?"} min)`,
        },
      });
    });
    await upsertEscalations(tx, done);
    for (const [id, event] of await stopEscalations(tx, stopping, now)) push(events, id, event);
    const changed = await recordEvents(tx, [...incidents.values()], events, now, opts.chat);
    return { outcomes: result, changed };
  });
  for (const c of changed) publishIncidentChange(ctx.events, c.number, c.kind, now);
  return { outcomes, dueNow: [...dueNow] };
}

/** One step (tests and tools); the engine runs them in batches. */
export async function runEscalationStep(
  ctx: AppContext,
  payload: { incidentId: string; level: number; cycle: number },
): Promise<StepOutcome> {
  const {
    outcomes: [outcome],
  } = await runEscalationSteps(ctx, [payload]);
  return outcome ?? "fenced";
}
