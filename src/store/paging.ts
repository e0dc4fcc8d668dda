import { and, asc, eq, gte, inArray, lt, lte, or, sql } from "drizzle-orm";
import type { Db } from "./db.ts";
import { enqueueJobs, type NewJob } from "./jobs.ts";
import { executeRows, insertJsonRows, textArray, toDate, toInt } from "./rows.ts";
import {
  chatAnnouncements,
  contactMethods,
  escalationPolicies,
  escalationRuleFirings,
  escalationRules,
  incidentEscalations,
  incidentServices,
  incidents,
  notificationRules,
  notifications,
  roundRobinCursors,
  scheduleOverrides,
  schedules,
  services,
  teamMembers,
  users,
} from "./schema/index.ts";
import { openContactRow, unseal } from "./secret-box.ts";

// What the paging engine reads and writes: escalation state (the fencing row), the directory it resolves
// targets through, and notifications (one message to one contact method). Writes run in the caller's
// transaction.

export type EscalationRow = typeof incidentEscalations.$inferSelect;
export type NotificationRow = typeof notifications.$inferSelect;
export type ContactMethodRow = typeof contactMethods.$inferSelect;

/** The job kinds the paging engine runs. */
export const JOB = {
  step: "escalation.step",
  deliver: "notification.deliver",
  update: "notification.update",
  chat: "chat.sync",
  sweep: "oncall.sweep",
} as const;

export interface PolicyRow {
  id: string;
  name: string;
  repeat: number;
  levels: unknown[];
}

export interface PersonRow {
  id: string;
  username: string;
  displayName: string;
  timeZone: string;
}

export async function findPeople(db: Db, ids: readonly string[]): Promise<PersonRow[]> {
  if (ids.length === 0) return [];
  return db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      timeZone: users.timeZone,
    })
    .from(users)
    .where(inArray(users.id, [...ids]));
}

export async function findPersonByUsername(db: Db, username: string): Promise<PersonRow | undefined> {
  const [row] = await db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      timeZone: users.timeZone,
    })
    .from(users)
    .where(eq(users.username, username));
  return row;
}

/** Members of teams, in team then join order; a team's managers first. */
export async function teamMemberIds(db: Db, teamIds: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (teamIds.length === 0) return out;
  const rows = await db
    .select({ teamId: teamMembers.teamId, userId: teamMembers.userId, role: teamMembers.role })
    .from(teamMembers)
    .where(inArray(teamMembers.teamId, [...teamIds]))
    .orderBy(asc(teamMembers.addedAt));
  for (const r of rows.sort((a, b) => (a.role === "manager" ? 0 : 1) - (b.role === "manager" ? 0 : 1))) {
    const list = out.get(r.teamId) ?? [];
    list.push(r.userId);
    out.set(r.teamId, list);
  }
  return out;
}

export interface ScheduleRow {
  id: string;
  name: string;
  timeZone: string;
  layers: unknown[];
}

export interface OverrideRow {
  id: string;
  scheduleId: string;
  kind: string;
  userId: string | null;
  replacesUserId: string | null;
  startsAt: Date;
  endsAt: Date;
}

export async function findSchedules(db: Db, ids: readonly string[]): Promise<ScheduleRow[]> {
  if (ids.length === 0) return [];
  return db
    .select({
      id: schedules.id,
      name: schedules.name,
      timeZone: schedules.timeZone,
      layers: schedules.layers,
    })
    .from(schedules)
    .where(inArray(schedules.id, [...ids]));
}

export async function listAllSchedules(db: Db): Promise<ScheduleRow[]> {
  return db
    .select({
      id: schedules.id,
      name: schedules.name,
      timeZone: schedules.timeZone,
      layers: schedules.layers,
    })
    .from(schedules)
    .orderBy(asc(schedules.name));
}

/** Overrides of these schedules that overlap [from, to). */
export async function overridesBetween(
  db: Db,
  scheduleIds: readonly string[],
  from: Date,
  to: Date,
): Promise<OverrideRow[]> {
  if (scheduleIds.length === 0) return [];
  return db
    .select({
      id: scheduleOverrides.id,
      scheduleId: scheduleOverrides.scheduleId,
      kind: scheduleOverrides.kind,
      userId: scheduleOverrides.userId,
      replacesUserId: scheduleOverrides.replacesUserId,
      startsAt: scheduleOverrides.startsAt,
      endsAt: scheduleOverrides.endsAt,
    })
    .from(scheduleOverrides)
    .where(
      and(
        inArray(scheduleOverrides.scheduleId, [...scheduleIds]),
        lte(scheduleOverrides.startsAt, to),
        gte(scheduleOverrides.endsAt, from),
      ),
    )
    .orderBy(asc(scheduleOverrides.createdAt));
}

export interface ContactPlan {
  methods: ContactMethodRow[];
  rules: { contactMethodId: string; delayMinutes: number }[];
}

/** Each person's contact methods and notification rules. */
export async function contactPlans(db: Db, userIds: readonly string[]): Promise<Map<string, ContactPlan>> {
  const out = new Map<string, ContactPlan>(userIds.map((id) => [id, { methods: [], rules: [] }]));
  if (userIds.length === 0) return out;
  const [methods, rules] = await Promise.all([
    db
      .select()
      .from(contactMethods)
      .where(inArray(contactMethods.userId, [...userIds]))
      .orderBy(asc(contactMethods.createdAt)),
    db
      .select({
        userId: notificationRules.userId,
        contactMethodId: notificationRules.contactMethodId,
        delayMinutes: notificationRules.delayMinutes,
      })
      .from(notificationRules)
      .where(inArray(notificationRules.userId, [...userIds])),
  ]);
  for (const m of methods) out.get(m.userId)?.methods.push(openContactRow(m));
  for (const r of rules) out.get(r.userId)?.rules.push(r);
  return out;
}

export async function roundRobinPosition(tx: Db, policyId: string, level: number): Promise<number> {
  const [row] = await tx
    .select({ position: roundRobinCursors.position })
    .from(roundRobinCursors)
    .where(and(eq(roundRobinCursors.policyId, policyId), eq(roundRobinCursors.level, level)))
    .for("update");
  return row?.position ?? 0;
}

export async function setRoundRobinPosition(
  tx: Db,
  policyId: string,
  level: number,
  position: number,
): Promise<void> {
  await tx
    .insert(roundRobinCursors)
    .values({ policyId, level, position })
    .onConflictDoUpdate({ target: [roundRobinCursors.policyId, roundRobinCursors.level], set: { position } });
}

export type NewNotification = typeof notifications.$inferInsert;

/**
 * Writes notifications and one delivery job per contact method (due at the earliest of its rows). A
 * notification whose dedup key exists is skipped: a step retried after a crash pages nobody twice.
 * Returns the rows written.
 */
export async function insertNotifications(
  tx: Db,
  rows: readonly NewNotification[],
  now: Date,
  opts: {
    /** Notifications due now are about to be sent by the caller: their job is only a safety net, this late. */
    deliveringNowMs?: number;
    /** Other jobs to enqueue in the same statement. */
    alsoEnqueue?: readonly NewJob[];
  } = {},
): Promise<NotificationRow[]> {
  const written = rows.length
    ? await tx
        .insert(notifications)
        .values([...rows])
        .onConflictDoNothing()
        .returning()
    : [];
  const due = new Map<string, Date>();
  for (const n of written) {
    const at =
      opts.deliveringNowMs !== undefined && n.dueAt.getTime() <= now.getTime()
        ? new Date(now.getTime() + opts.deliveringNowMs)
        : n.dueAt;
    const known = due.get(n.contactMethodId);
    if (!known || at < known) due.set(n.contactMethodId, at);
  }
  await enqueueJobs(
    tx,
    [
      ...[...due].map(([methodId, runAt]) => ({
        kind: JOB.deliver,
        key: methodId,
        payload: { contact_method_id: methodId, v: 1 },
        runAt,
      })),
      ...(opts.alsoEnqueue ?? []),
    ],
    now,
  );
  return written;
}

export interface DeliveryCandidate {
  notification: NotificationRow;
  incident: {
    status: string;
    acknowledgedAt: Date | null;
    number: number;
    title: string;
    severity: string;
  } | null;
}

/**
 * Locks a contact method's notifications that are ready to go: pending and due, or stuck in `sending`
 * past their deadline (the sender crashed: resent with the same delivery id), with their incident's
 * state, in one statement. Skips rows another worker holds.
 */
export async function lockDueNotifications(
  tx: Db,
  methodId: string,
  now: Date,
): Promise<DeliveryCandidate[]> {
  const rows = await tx
    .select({
      n: notifications,
      status: incidents.status,
      acknowledgedAt: incidents.acknowledgedAt,
      number: incidents.number,
      title: incidents.title,
      severity: incidents.severity,
    })
    .from(notifications)
    .leftJoin(incidents, eq(incidents.id, notifications.incidentId))
    .where(
      and(
        eq(notifications.contactMethodId, methodId),
        or(
          and(eq(notifications.state, "pending"), lte(notifications.dueAt, now)),
          and(eq(notifications.state, "sending"), lt(notifications.deadline, now)),
        ),
      ),
    )
    .orderBy(asc(notifications.dueAt), asc(notifications.createdAt))
    .limit(50)
    .for("update", { of: notifications, skipLocked: true });
  return rows.map((r) => ({
    notification: r.n,
    incident:
      r.status === null || r.number === null
        ? null
        : {
            status: r.status,
            acknowledgedAt: r.acknowledgedAt,
            number: r.number,
            title: r.title ?? "",
            severity: r.severity ?? "",
          },
  }));
}

/** A contact method with its person and when it last had a message sent (the throttle), in one read. */
export async function findContactTarget(db: Db, methodId: string) {
  const [row] = await db
    .select({
      method: contactMethods,
      username: users.username,
      displayName: users.displayName,
      lastSentAt: sql<unknown>`(select max(s.sent_at) from notifications s
        where s.contact_method_id = ${contactMethods.id} and s.state = 'sent')`,
    })
    .from(contactMethods)
    .innerJoin(users, eq(users.id, contactMethods.userId))
    .where(eq(contactMethods.id, methodId));
  return row ? { ...row, method: openContactRow(row.method), lastSentAt: toDate(row.lastSentAt) } : undefined;
}

export async function setNotificationState(
  tx: Db,
  ids: readonly string[],
  patch: Partial<typeof notifications.$inferInsert>,
): Promise<void> {
  if (ids.length === 0) return;
  await tx
    .update(notifications)
    .set(patch)
    .where(inArray(notifications.id, [...ids]));
}

export async function findContactMethod(db: Db, id: string): Promise<ContactMethodRow | undefined> {
  const [row] = await db.select().from(contactMethods).where(eq(contactMethods.id, id));
  return openContactRow(row);
}

/** Sent copies of an incident's pages that carry a provider reference (Slack message, webhook URL). */
export async function sentCopies(db: Db, incidentId: string): Promise<NotificationRow[]> {
  return db
    .select()
    .from(notifications)
    .where(
      and(
        eq(notifications.incidentId, incidentId),
        eq(notifications.state, "sent"),
        sql`${notifications.providerRef} is not null`,
      ),
    );
}

export async function findNotificationByLinkToken(
  db: Db,
  token: string,
): Promise<NotificationRow | undefined> {
  const [row] = await db.select().from(notifications).where(eq(notifications.linkToken, token));
  return row;
}

/** The latest page sent to a phone number (SMS replies): with a code, the one carrying it. */
export async function latestSmsPage(
  db: Db,
  phone: string,
  code: string | undefined,
): Promise<NotificationRow | undefined> {
  const rows = await executeRows(
    db,
    sql`select n.id from notifications n join contact_methods c on c.id = n.contact_method_id
        where c.kind = 'sms' and c.address = ${phone} and n.state = 'sent' and n.incident_id is not null
          ${code ? sql`and upper(n.reply_code) = upper(${code})` : sql``}
        order by n.sent_at desc limit 1`,
  );
  const id = rows[0]?.id;
  if (!id) return undefined;
  const [row] = await db
    .select()
    .from(notifications)
    .where(eq(notifications.id, String(id)));
  return row;
}

/** Contact methods of kind slack with this Slack user id (Slack buttons and slash commands). */
export async function userBySlackId(db: Db, slackUserId: string): Promise<PersonRow | undefined> {
  const [row] = await db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      timeZone: users.timeZone,
    })
    .from(contactMethods)
    .innerJoin(users, eq(users.id, contactMethods.userId))
    .where(and(eq(contactMethods.kind, "slack"), eq(contactMethods.address, slackUserId)))
    .limit(1);
  return row;
}

export interface NotificationListRow extends NotificationRow {
  username: string;
  kind: string;
  address: string;
}

/** Notifications, newest first; optionally of one incident or in given states (dead letters: failed). */
export async function listNotifications(
  db: Db,
  opts: { incidentId?: string; states?: readonly string[]; id?: string; limit: number },
): Promise<NotificationListRow[]> {
  const where = [];
  if (opts.id) where.push(eq(notifications.id, opts.id));
  if (opts.incidentId) where.push(eq(notifications.incidentId, opts.incidentId));
  if (opts.states?.length) where.push(inArray(notifications.state, [...opts.states]));
  const rows = await db
    .select({
      n: notifications,
      username: users.username,
      kind: contactMethods.kind,
      address: contactMethods.address,
    })
    .from(notifications)
    .innerJoin(users, eq(users.id, notifications.userId))
    .innerJoin(contactMethods, eq(contactMethods.id, notifications.contactMethodId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(sql`${notifications.createdAt} desc`)
    .limit(opts.limit);
  return rows.map((r) => ({
    ...r.n,
    username: r.username,
    kind: r.kind,
    address: r.kind === "webhook" ? unseal(r.address) : r.address,
  }));
}

export interface RuleRow {
  id: string;
  name: string;
  severities: string[];
  tags: string[];
  unresolvedMinutes: number | null;
  targets: unknown[];
}

export async function enabledRules(db: Db): Promise<RuleRow[]> {
  return db
    .select({
      id: escalationRules.id,
      name: escalationRules.name,
      severities: escalationRules.severities,
      tags: escalationRules.tags,
      unresolvedMinutes: escalationRules.unresolvedMinutes,
      targets: escalationRules.targets,
    })
    .from(escalationRules)
    .where(eq(escalationRules.enabled, true))
    .orderBy(asc(escalationRules.name));
}

/** Records that a rule fired for an incident; false when it already had (another worker won). */
export async function recordRuleFiring(
  tx: Db,
  incidentId: string,
  ruleId: string,
  at: Date,
): Promise<boolean> {
  const rows = await tx
    .insert(escalationRuleFirings)
    .values({ incidentId, ruleId, firedAt: at })
    .onConflictDoNothing()
    .returning({ ruleId: escalationRuleFirings.ruleId });
  return rows.length > 0;
}

export interface OpenIncidentRow {
  id: string;
  number: number;
  title: string;
  severity: string;
  status: string;
  tags: string[];
  commander: string | null;
  createdAt: Date;
  lastUpdateAt: Date | null;
  lastReminderAt: Date | null;
  firedRuleIds: string[];
}

/**
 * Open incidents with what the sweep needs: last status update, last reminder, rules already fired. With
 * `everyOpen` false (no escalation rule is enabled), only those a reminder can be due for: with a commander
 * and of a severity in `remindSeverities`. An alert storm leaves thousands of open incidents without a
 * commander; reading them all every sweep stalled PGlite's one thread for 30-140 ms (bench/README.md).
 */
export async function openIncidentsForSweep(
  db: Db,
  { everyOpen, remindSeverities }: { everyOpen: boolean; remindSeverities: readonly string[] },
): Promise<OpenIncidentRow[]> {
  if (!everyOpen && remindSeverities.length === 0) return [];
  const rows = await executeRows(
    db,
    sql`select i.id, i.number, i.title, i.severity, i.status, i.tags, i.commander, i.created_at,
          (select max(s.created_at) from status_updates s where s.incident_id = i.id) as last_update_at,
          e.last_reminder_at,
          coalesce((select array_agg(f.rule_id::text) from escalation_rule_firings f where f.incident_id = i.id), '{}') as fired
        from incidents i left join incident_escalations e on e.incident_id = i.id
        where i.status in ('triggered', 'acknowledged', 'investigating', 'mitigating')
          ${everyOpen ? sql`` : sql`and i.commander is not null and i.severity = any(${textArray(remindSeverities)}::text[])`}`,
  );
  return rows.map((r) => ({
    id: String(r.id),
    number: toInt(r.number),
    title: String(r.title),
    severity: String(r.severity),
    status: String(r.status),
    tags: Array.isArray(r.tags) ? (r.tags as string[]) : parsePgArray(r.tags),
    commander: r.commander === null ? null : String(r.commander),
    createdAt: toDate(r.created_at) ?? new Date(0),
    lastUpdateAt: toDate(r.last_update_at),
    lastReminderAt: toDate(r.last_reminder_at),
    firedRuleIds: Array.isArray(r.fired) ? (r.fired as string[]) : parsePgArray(r.fired),
  }));
}

function parsePgArray(value: unknown): string[] {
  if (typeof value !== "string" || value.length < 2) return [];
  const inner = value.slice(1, -1);
  return inner ? inner.split(",").map((s) => s.replace(/^"|"$/g, "")) : [];
}

export async function setLastReminder(tx: Db, incidentId: string, at: Date): Promise<void> {
  await tx
    .insert(incidentEscalations)
    .values({ incidentId, level: 0, cycle: 0, state: "none", lastReminderAt: at, updatedAt: at })
    .onConflictDoUpdate({ target: incidentEscalations.incidentId, set: { lastReminderAt: at } });
}

export type ChatAnnouncementRow = typeof chatAnnouncements.$inferSelect;

export async function findChatAnnouncement(
  db: Db,
  incidentId: string,
): Promise<ChatAnnouncementRow | undefined> {
  const [row] = await db.select().from(chatAnnouncements).where(eq(chatAnnouncements.incidentId, incidentId));
  return row;
}

/** Records the announcement; false when another worker recorded one first. */
export async function insertChatAnnouncement(db: Db, row: ChatAnnouncementRow): Promise<boolean> {
  const written = await db
    .insert(chatAnnouncements)
    .values(row)
    .onConflictDoNothing()
    .returning({ id: chatAnnouncements.incidentId });
  return written.length > 0;
}

/** Moves the posted cursor forward only from where this worker read it (a concurrent sync loses). */
export async function advanceChatCursor(
  db: Db,
  incidentId: string,
  from: number,
  to: number,
  dedicatedChannel?: string,
): Promise<boolean> {
  const rows = await db
    .update(chatAnnouncements)
    .set({ postedSeq: to, ...(dedicatedChannel ? { dedicatedChannel } : {}) })
    .where(and(eq(chatAnnouncements.incidentId, incidentId), eq(chatAnnouncements.postedSeq, from)))
    .returning({ id: chatAnnouncements.incidentId });
  return rows.length > 0;
}

/** Slack user ids of these usernames (their slack contact methods). */
export async function slackIdsOf(db: Db, usernames: readonly string[]): Promise<string[]> {
  if (usernames.length === 0) return [];
  const rows = await db
    .select({ address: contactMethods.address })
    .from(contactMethods)
    .innerJoin(users, eq(users.id, contactMethods.userId))
    .where(and(eq(contactMethods.kind, "slack"), inArray(users.username, [...usernames])));
  return [...new Set(rows.map((r) => r.address))];
}

/** Escalation rows of these incidents, locked (not when insertedHere: see lockIncidentsById), by incident id. */
export async function lockEscalations(
  tx: Db,
  incidentIds: readonly string[],
  options: { insertedHere?: boolean } = {},
): Promise<Map<string, EscalationRow>> {
  if (incidentIds.length === 0) return new Map();
  const query = tx
    .select()
    .from(incidentEscalations)
    .where(inArray(incidentEscalations.incidentId, [...incidentIds]))
    .orderBy(asc(incidentEscalations.incidentId));
  const rows = await (options.insertedHere ? query : query.for("update"));
  return new Map(rows.map((r) => [r.incidentId, r]));
}

export async function upsertEscalations(tx: Db, rows: readonly EscalationRow[]): Promise<void> {
  if (rows.length === 0) return;
  await insertJsonRows(
    tx,
    incidentEscalations,
    rows,
    sql`on conflict (incident_id) do update set policy_id = excluded.policy_id, level = excluded.level,
      cycle = excluded.cycle, state = excluded.state, next_at = excluded.next_at,
      last_reminder_at = coalesce(excluded.last_reminder_at, incident_escalations.last_reminder_at),
      updated_at = excluded.updated_at`,
  );
}

/** Each incident's escalation policy: that of its first service (by name) that has one. */
export async function policiesForIncidents(
  db: Db,
  incidentIds: readonly string[],
): Promise<Map<string, PolicyRow & { service: string }>> {
  if (incidentIds.length === 0) return new Map();
  const rows = await db
    .select({
      incidentId: incidentServices.incidentId,
      id: escalationPolicies.id,
      name: escalationPolicies.name,
      repeat: escalationPolicies.repeat,
      levels: escalationPolicies.levels,
      service: services.name,
    })
    .from(incidentServices)
    .innerJoin(services, eq(services.id, incidentServices.serviceId))
    .innerJoin(escalationPolicies, eq(escalationPolicies.id, services.escalationPolicyId))
    .where(inArray(incidentServices.incidentId, [...incidentIds]))
    .orderBy(asc(services.name));
  const out = new Map<string, PolicyRow & { service: string }>();
  for (const { incidentId, ...policy } of rows) if (!out.has(incidentId)) out.set(incidentId, policy);
  return out;
}

export async function findPolicies(db: Db, ids: readonly string[]): Promise<Map<string, PolicyRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({
      id: escalationPolicies.id,
      name: escalationPolicies.name,
      repeat: escalationPolicies.repeat,
      levels: escalationPolicies.levels,
    })
    .from(escalationPolicies)
    .where(inArray(escalationPolicies.id, [...ids]));
  return new Map(rows.map((r) => [r.id, r]));
}

/** Cancels the pending notifications of these incidents; returns how many per incident. */
export async function cancelPendingFor(tx: Db, incidentIds: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (incidentIds.length === 0) return out;
  const rows = await tx
    .update(notifications)
    .set({ state: "cancelled" })
    .where(and(inArray(notifications.incidentId, [...incidentIds]), eq(notifications.state, "pending")))
    .returning({ incidentId: notifications.incidentId });
  for (const r of rows) if (r.incidentId) out.set(r.incidentId, (out.get(r.incidentId) ?? 0) + 1);
  return out;
}

/** Whether any escalation policy exists (paging is set up at all). */
export async function anyEscalationPolicy(db: Db): Promise<boolean> {
  const rows = await db.select({ id: escalationPolicies.id }).from(escalationPolicies).limit(1);
  return rows.length > 0;
}
