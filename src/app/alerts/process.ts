import { randomUUID } from "node:crypto";
import type { AlertEvent, ChangeEvent } from "#domain/alert/event.ts";
import {
  alertContentDigest,
  effectiveAction,
  type KnownMember,
  type MemberMerge,
  mergeMembers,
} from "#domain/alert/group.ts";
import { incidentSeverityFor, type SeverityMap } from "#domain/alert/severity.ts";
import { formatHumanId } from "#domain/incident/human-id.ts";
import type { Severity } from "#domain/incident/severity.ts";
import { decideTransition, type IncidentStatus, isOpenStatus } from "#domain/incident/status.ts";
import type { StoredTimelineEvent } from "#domain/incident/timeline.ts";
import {
  type AlertLogInsert,
  type AlertRow,
  countOpenAlertsOfIncident,
  findOpenIncidentsForKeys,
  insertAlert,
  insertAlertLog,
  insertAlerts,
  insertChangeEvents,
  type MemberWrite,
  maintenanceWindowsDuring,
  nextAlertNumbers,
  recordRepeats,
  touchIntegrations,
  updateAlerts,
  upsertMembers,
  type WindowSpan,
  type WorkingAlert,
} from "#store/alerts.ts";
import { type Db, inSavepoint, withTransaction } from "#store/db.ts";
import {
  claimInboxRows,
  deleteInboxRows,
  eventTextDigest,
  failInboxRow,
  hasPendingInbox,
  type InboxInsert,
  type InboxRow,
  inboxInsertCount,
  SerializedEvent,
  storedEvent,
  tryProcessorLock,
} from "#store/inbox.ts";
import { insertDeclaredIncidents, lockIncidentById } from "#store/incidents.ts";
import { findServicesById, type ServiceRow } from "#store/services.ts";
import { sourceNames } from "#store/sources.ts";
import { dropPendingIncidentEvents, enqueueIncidentEvents, insertTimelineEvents } from "#store/timeline.ts";
import type { AppContext } from "../context.ts";
import { publishIncidentChange } from "../events.ts";
import { applyChange, chainEvents, type NewTimelineEvent } from "../incidents/internal.ts";
import { examineIncidents } from "../oncall/paging.ts";
import { type OpenAlert, openAlertKey, readOpenAlerts, rememberOpenAlerts } from "./open-alerts.ts";

/** What an incident becomes once every alert on it has resolved. */
export type OnAlertsResolved = "mitigating" | "resolved" | "none";

export interface ProcessOptions {
  batchSize?: number;
  maxAttempts?: number;
  /** Only this process can apply the inbox (embedded storage: the data folder is locked), so no advisory lock. */
  singleProcess?: boolean;
  /** Milliseconds one batch may spend applying before it commits what it did (default 25). */
  budgetMs?: number;
  /** The installation's default; a service's on_alerts_resolved overrides it. */
  onAlertsResolved?: OnAlertsResolved;
  /**
   * Start paging the incidents a batch opens inside the batch's own transaction (one hop less between
   * an alert and its page), then hand the contact methods with pages due now to this callback after
   * commit. Without it the engine's outbox job starts paging, as for any incident.
   */
  onPagesDue?: (contactMethodIds: string[]) => void;
  /** Chat announcements are configured (Slack): queue them for the incidents a batch opens and pages. */
  chat?: boolean;
}

/**
 * Applies the oldest events of the durable inbox, in order, and deletes them in the same transaction: each
 * acknowledged event takes effect exactly once, even across crashes. Returns how many rows it handled (0:
 * the inbox is empty). A batch that fails is retried one row at a time so one bad event cannot block the
 * others; a row that keeps failing is set aside (dead) after maxAttempts.
 */
export async function processInbox(ctx: AppContext, options: ProcessOptions = {}): Promise<number> {
  const batchSize = options.batchSize ?? 500;
  try {
    return await processBatch(ctx, batchSize, options);
  } catch (error) {
    if (batchSize === 1) throw error;
    ctx.log.warn({ err: error }, "alert batch failed; applying its events one at a time");
  }
  let handled = 0;
  for (let i = 0; i < batchSize; i++) {
    const [next] = await claimInboxRows(ctx.db, 1);
    if (!next) break;
    try {
      handled += await processBatch(ctx, 1, options);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      ctx.log.error({ err: error, inbox: next.id }, "alert event failed");
      await failInboxRow(ctx.db, next.id, message, ctx.clock.now(), options.maxAttempts ?? 5);
      handled++;
    }
  }
  return handled;
}

/** One batch applied inside a transaction; `announce` publishes it and hands its due pages on, after commit. */
export interface AppliedBatch {
  /** Rows applied (and deleted from the inbox). */
  count: number;
  announce: () => void;
}

async function processBatch(ctx: AppContext, batchSize: number, options: ProcessOptions): Promise<number> {
  const batch = await withTransaction(ctx.db, async (tx) => {
    // One applier at a time across replicas: events of one key must apply in order, and a trigger and its
    // resolve handled by two replicas at once could each miss the other's uncommitted alert.
    if (!options.singleProcess && !(await tryProcessorLock(tx))) return undefined;
    return applyBatch(ctx, tx, batchSize, options);
  });
  batch?.announce();
  return batch?.count ?? 0;
}

/**
 * Per store: the inboxInsertCount() at which a group commit found nothing waiting, before it deleted anything
 * (a rollback cannot bring rows back), so later commits skip the look until this process stores an event.
 */
const inboxSeenEmpty = new WeakMap<object, number>();

/** What a group commit applied of its own events (and of older ones it found waiting). */
export interface AppliedWithin {
  /** The commit's own rows applied: its first `applied` rows; the rest must be stored. */
  applied: number;
  /** Events applied in all, the older ones included. */
  count: number;
  /** Events still wait in the inbox: the processor has work. */
  more: boolean;
  announce: () => void;
}

/**
 * Applies a group commit's events inside its own transaction, before they are stored (see
 * AlertProcessor.inline). Events of one key apply in order, so older events waiting in the inbox (a failed
 * batch, a restart, a replica that could not apply) go first: this transaction applies those (up to
 * `batchSize`), and its own only when none is left. Single process only (embedded storage: no other
 * process applies the inbox, so no advisory lock is taken; on PostgreSQL a replica's commit waiting for
 * that lock measured slower than the processor, whose claims grow with the backlog). A failure throws; the
 * caller then rolls back and stores every row for the processor.
 */
export async function applyEventsWithin(
  ctx: AppContext,
  tx: Db,
  rows: readonly InboxInsert[],
  options: ProcessOptions,
): Promise<AppliedWithin> {
  let older: AppliedBatch | undefined;
  const inserts = inboxInsertCount();
  if (inboxSeenEmpty.get(ctx.db) !== inserts) {
    if (await hasPendingInbox(tx)) {
      older = await applyBatch(ctx, tx, options.batchSize ?? 500, options);
      if (await hasPendingInbox(tx))
        return { applied: 0, count: older.count, more: true, announce: older.announce };
    } else inboxSeenEmpty.set(ctx.db, inserts);
  }
  // Applied from what the inbox would have given back (JSON), so both paths see the same event. A raw
  // webhook's text stays unparsed until applyRows needs it (applyText: an identical repeat never does).
  const events = rows.map((r) => ({
    ...r,
    id: 0,
    attempts: 0,
    event: r.event instanceof SerializedEvent ? r.event : storedEvent(r),
  }));
  const own = await applyEvents(ctx, tx, events, options);
  return {
    applied: own.count,
    count: own.count + (older?.count ?? 0),
    more: own.count < rows.length,
    announce: () => {
      older?.announce();
      own.announce();
    },
  };
}

async function applyBatch(
  ctx: AppContext,
  tx: Db,
  batchSize: number,
  options: ProcessOptions,
): Promise<AppliedBatch> {
  const rows = await claimInboxRows(tx, batchSize);
  if (rows.length === 0) return { count: 0, announce: () => {} };
  const batch = await applyEvents(ctx, tx, rows, options);
  await deleteInboxRows(
    tx,
    rows.slice(0, batch.count).map((r) => r.id),
  );
  return batch;
}

/** Applies events in order (until done or out of time) and starts paging the incidents they opened. */
async function applyEvents(
  ctx: AppContext,
  tx: Db,
  rows: InboxRow[],
  options: ProcessOptions,
): Promise<AppliedBatch> {
  const touched: Touched = new Map();
  const opened = new Map<string, number>();
  const { applied, remember } = await applyRows(tx, ctx, rows, options, touched, opened);
  const paged =
    options.onPagesDue && opened.size
      ? await pageOpened(ctx, tx, opened, touched, options.chat ?? false)
      : undefined;
  return {
    count: applied.length,
    announce: () => {
      remember();
      const now = ctx.clock.now();
      // An incident this batch opened and paged is announced once, by the paging's own change (an engine
      // kind, escalation.started): its outbox job is gone and nothing of it is due, so the engine, which
      // wakes on any other kind, is not woken to find nothing (with chat on, its announcement job is due).
      const announced = options.chat
        ? new Set<number>()
        : new Set((paged?.changed ?? []).map((c) => c.number));
      for (const [number, { kind, outbox, opened }] of touched) {
        if (announced.has(number)) continue;
        // Nothing is due for the engine unless a change queued its look (outbox), an incident opened here
        // kept its outbox job (its paging did not start above), or a chat announcement is queued: on
        // PGlite every needless wake is a claim and a look at the queue on the one thread.
        const noJobs = !options.chat && !outbox && (!opened || paged !== undefined);
        publishIncidentChange(ctx.events, number, kind as never, now, { noJobs });
      }
      for (const c of paged?.changed ?? []) publishIncidentChange(ctx.events, c.number, c.kind, now);
      if (paged?.dueNow.length) options.onPagesDue?.(paged.dueNow);
    },
  };
}

/**
 * Starts paging the incidents this batch opened (id → INC number), in a savepoint of its transaction: a
 * failure there rolls back only the paging, never the alerts, and queues the engine's look at each
 * incident (its outbox job, which the batch did not write with them: flushOpens) to start it instead.
 * When it succeeds, this is the engine's own look at the incidents (chat announcement included), made after
 * everything the batch did to them, so a look queued by a later change in the batch is deleted in the same
 * savepoint instead of being claimed and run again (on PGlite such a look cost ~10 statements on the one
 * thread, and writing and deleting the outbox job two more per batch).
 */
async function pageOpened(
  ctx: AppContext,
  tx: Db,
  opened: ReadonlyMap<string, number>,
  touched: Touched,
  chat: boolean,
) {
  const ids = [...opened.keys()];
  try {
    return await inSavepoint(tx, async (sp) => {
      const result = await examineIncidents(ctx, sp, ids, ctx.clock.now(), { chat, insertedHere: true });
      const queued = ids.filter((id) => touched.get(opened.get(id) ?? 0)?.outbox);
      await dropPendingIncidentEvents(sp, queued);
      return result;
    });
  } catch (error) {
    ctx.log.warn(
      { err: error, incidents: ids.length },
      "could not start paging with the alert batch; the engine will",
    );
    await enqueueIncidentEvents(tx, ids, ctx.clock.now());
    return undefined;
  }
}

/**
 * The incidents a batch changed, by number: the timeline kind to announce; whether a change queued the
 * engine's look at it (a timeline write with its outbox job); whether the batch opened it (its declare
 * queued that look, unless pageOpened makes it itself).
 */
type Touched = Map<number, { kind: string; outbox: boolean; opened: boolean }>;

function touch(
  state: BatchState,
  number: number,
  kind: string,
  how: { outbox?: boolean; opened?: boolean },
): void {
  const before = state.touched.get(number);
  state.touched.set(number, {
    kind,
    outbox: (before?.outbox ?? false) || (how.outbox ?? false),
    opened: (before?.opened ?? false) || (how.opened ?? false),
  });
}

interface BatchState {
  tx: Db;
  ctx: AppContext;
  services: Map<string, ServiceRow>;
  names: Map<string, string>;
  maintenance: WindowSpan[];
  open: Map<string, WorkingAlert>;
  /** Row versions of the open alerts as read or last written here (app/alerts/open-alerts.ts). */
  versions: Map<string, string>;
  /** Event counts of the alerts read, as read or last written here (store/alerts.ts StoredCounts). */
  storedCounts: Map<string, number>;
  members: Map<string, KnownMember[]>;
  dirty: Set<WorkingAlert>;
  /** Dirty alerts whose content or state changed (rewritten in full); the others are only repeats. */
  rewrite: Set<WorkingAlert>;
  resolvedHere: Set<string>;
  /** Alerts resolved in this batch whose row still says open, by key (see applyAlertEvent). */
  resolvedByKey: Map<string, WorkingAlert>;
  memberWrites: MemberWrite[];
  logs: AlertLogInsert[];
  /** INC numbers of the incidents this batch opened, by id. */
  incidentNumbers: Map<string, number>;
  /** Incidents opened in this batch but not yet written: written together by flushOpens(). */
  pending: PendingOpen[];
  /** The open incident an earlier alert of each key belongs to (prefetched, then kept up to date). */
  incidentForKey: Map<string, { id: string; number: number | null }>;
  touched: Touched;
  defaultOnResolved: OnAlertsResolved;
  /** The batch pages the incidents it opens itself (pageOpened): they are written without the outbox job. */
  pageInline: boolean;
}

// Services' alert settings, sources' names and maintenance windows change rarely and are read by every
// batch: kept for a few seconds per process (a changed severity map or a new window applies at once in the
// process that made the change, which forgets them, and within SOURCE_CACHE_MS on every other replica).
const SOURCE_CACHE_MS = 5_000;
/** Windows are cached back to this long before the cache was filled; older events read them afresh. */
const WINDOW_SLACK_MS = 10 * 60_000;
const FAR_FUTURE = new Date("9999-12-31T00:00:00Z");
const sourceCache = new WeakMap<
  object,
  {
    at: number;
    services: Map<string, ServiceRow>;
    names: Map<string, string>;
    /** Per service: every window that ends after `at - WINDOW_SLACK_MS`. */
    windows: Map<string, WindowSpan[]>;
  }
>();

function sourceEntry(ctx: AppContext) {
  const now = ctx.clock.now().getTime();
  let cached = sourceCache.get(ctx.db);
  if (!cached || now - cached.at > SOURCE_CACHE_MS || now < cached.at) {
    cached = { at: now, services: new Map(), names: new Map(), windows: new Map() };
    sourceCache.set(ctx.db, cached);
  }
  return cached;
}

async function sourceInfo(tx: Db, ctx: AppContext, serviceIds: string[], sourceIds: string[]) {
  const entry = sourceEntry(ctx);
  const missingServices = serviceIds.filter((id) => !entry.services.has(id));
  for (const s of await findServicesById(tx, missingServices)) entry.services.set(s.id, s);
  const missingNames = sourceIds.filter((id) => !entry.names.has(id));
  for (const [id, name] of await sourceNames(tx, missingNames)) entry.names.set(id, name);
  return { services: entry.services, names: entry.names };
}

/** The maintenance windows of these services that overlap [from, to]. */
async function windowsDuring(
  tx: Db,
  ctx: AppContext,
  serviceIds: string[],
  from: Date,
  to: Date,
): Promise<WindowSpan[]> {
  const entry = sourceEntry(ctx);
  const since = entry.at - WINDOW_SLACK_MS;
  // Events received long before now (a backlog, a restart): ask the database about their own time.
  if (from.getTime() < since) return maintenanceWindowsDuring(tx, serviceIds, from, to);
  const missing = serviceIds.filter((id) => !entry.windows.has(id));
  if (missing.length) {
    // Cached only once read: a failed read must not leave "no windows" behind for the next batch.
    const found = await maintenanceWindowsDuring(tx, missing, new Date(since), FAR_FUTURE);
    for (const id of missing) entry.windows.set(id, []);
    for (const w of found) entry.windows.get(w.serviceId)?.push(w);
  }
  return serviceIds.flatMap((id) =>
    (entry.windows.get(id) ?? []).filter((w) => w.startsAt <= to && w.endsAt > from),
  );
}

/** Forgets cached service settings, names and maintenance windows (see alertSourcesChanged). */
export function forgetAlertSources(db: object): void {
  sourceCache.delete(db);
}

/**
 * After a committed change to a service's alert settings, an integration or a maintenance window: this
 * process forgets its cached copies at once, and the change feed tells the other replicas to (they
 * subscribe with forgetAlertSources), so a new window mutes alerts on every replica from the next batch.
 */
export function alertSourcesChanged(ctx: Pick<AppContext, "db" | "events" | "clock">): void {
  forgetAlertSources(ctx.db);
  ctx.events.publish({ type: "alert_sources", at: ctx.clock.now().toISOString() });
}

interface PendingOpen {
  alert: AlertRow;
  row: InboxRow;
  severity: Severity;
  serviceName: string;
  actor: string;
}

/**
 * Applies rows in order until done or out of time (`budgetMs`): on PGlite the transaction holds the only
 * connection, and new events wait to be stored while it runs. Rows left over stay in the inbox for the next
 * batch (still in order). Returns the rows applied.
 */
async function applyRows(
  tx: Db,
  ctx: AppContext,
  rows: InboxRow[],
  options: ProcessOptions,
  touched: Touched,
  opened: Map<string, number>,
): Promise<{ applied: InboxRow[]; remember: () => void }> {
  const budgetMs = options.budgetMs ?? 25;
  const alertRows = rows.filter((r) => r.kind === "alert");
  const keys = alertRows.map((r) => ({
    sourceId: r.sourceId,
    dedupKey: r.event instanceof SerializedEvent ? r.event.dedupKey : (r.event as AlertEvent).dedupKey,
  }));
  const openRows = await readOpenAlerts(ctx.db, tx, keys);
  const open = new Map(openRows.map(({ alert }) => [openAlertKey(alert.sourceId, alert.dedupKey), alert]));
  const serviceIds = [...new Set(rows.map((r) => r.serviceId))];
  const state: BatchState = {
    tx,
    ctx,
    ...(await sourceInfo(tx, ctx, serviceIds, [...new Set(rows.map((r) => r.sourceId))])),
    // Windows are judged at each event's receipt, not when it is applied (after a backlog or a restart).
    maintenance: await windowsDuring(
      tx,
      ctx,
      serviceIds,
      rows[0]?.receivedAt ?? ctx.clock.now(),
      rows.at(-1)?.receivedAt ?? ctx.clock.now(),
    ),
    open,
    versions: new Map(openRows.map(({ alert, version }) => [alert.id, version])),
    storedCounts: new Map(openRows.map(({ alert }) => [alert.id, alert.eventCount])),
    members: new Map(),
    dirty: new Set(),
    rewrite: new Set(),
    resolvedHere: new Set(),
    resolvedByKey: new Map(),
    memberWrites: [],
    logs: [],
    touched,
    defaultOnResolved: options.onAlertsResolved ?? "mitigating",
    pageInline: options.onPagesDue !== undefined,
    pending: [],
    incidentNumbers: new Map(),
    incidentForKey: new Map(
      await findOpenIncidentsForKeys(
        tx,
        keys.filter((k) => !open.has(openAlertKey(k.sourceId, k.dedupKey))),
      ),
    ),
  };
  for (const { alert, members } of openRows) if (members.length) state.members.set(alert.id, [...members]);
  const lastSeen = new Map<string, Date>();
  const changes: Parameters<typeof insertChangeEvents>[1][number][] = [];
  const applied: InboxRow[] = [];
  // The budget counts applying only: the reads above cost a few round trips whatever the batch size, and
  // counting them made a slow database link (10 ms per round trip) apply one row per batch.
  const started = performance.now();
  for (const row of rows) {
    if (applied.length > 0 && performance.now() - started > budgetMs) break;
    applied.push(row);
    lastSeen.set(row.sourceId, row.receivedAt);
    if (row.kind === "change") {
      const change = row.event as ChangeEvent;
      changes.push({
        id: randomUUID(),
        integrationId: row.sourceId,
        serviceId: row.serviceId,
        summary: change.summary,
        source: change.source,
        at: change.timestamp ? new Date(change.timestamp) : row.receivedAt,
        details: change.details,
        links: change.links,
        receivedAt: row.receivedAt,
      });
      continue;
    }
    if (row.event instanceof SerializedEvent) await applyText(state, row, row.event);
    else {
      const event = row.event as AlertEvent;
      await applyAlertEvent(state, row, event);
      const after = state.open.get(openAlertKey(row.sourceId, event.dedupKey));
      if (after) setTriggerDigest(state, after, null);
    }
  }
  await flushOpens(state);
  for (const [id, number] of state.incidentNumbers) opened.set(id, number);
  const dirty = [...state.dirty];
  const rewrite = dirty.filter((a) => state.rewrite.has(a));
  written(state, await updateAlerts(tx, rewrite, state.storedCounts), rewrite);
  const repeats = dirty.filter((a) => !state.rewrite.has(a));
  written(state, await recordRepeats(tx, repeats, state.storedCounts), repeats);
  await upsertMembers(tx, state.memberWrites, ctx.clock.now());
  await insertAlertLog(tx, state.logs);
  await insertChangeEvents(tx, changes);
  await touchIntegrations(tx, lastSeen);
  // What the batch leaves open, for the next batch to find without reading it back (after commit).
  const entries: OpenAlert[] = [];
  for (const alert of state.open.values()) {
    const version = state.versions.get(alert.id);
    if (version !== undefined)
      entries.push({
        alert,
        members: state.members.get(alert.id) ?? [],
        version,
      });
  }
  const closed = keys.map((k) => openAlertKey(k.sourceId, k.dedupKey));
  return { applied, remember: () => rememberOpenAlerts(ctx.db, entries, closed) };
}

/**
 * Notes what a write stored: the row versions it returned (the batch's cache entries use the last one of each
 * alert) and, for alerts it updated, the counts they now hold as far as this batch knows.
 */
function written(
  state: BatchState,
  versions: Map<string, string>,
  updated: readonly WorkingAlert[] = [],
): void {
  for (const [id, version] of versions) state.versions.set(id, version);
  for (const alert of updated)
    if (state.storedCounts.has(alert.id)) state.storedCounts.set(alert.id, alert.eventCount);
}

function actorOf(state: BatchState, row: InboxRow): string {
  return state.names.get(row.sourceId) ?? row.sourceKind;
}

function memberWrites(alertId: string, merge: MemberMerge | null): MemberWrite[] {
  if (!merge) return [];
  return [
    ...merge.changed.map((m) => ({ alertId, ...m })),
    ...merge.departed.map((fingerprint) => ({ alertId, fingerprint, status: "resolved", statusOnly: true })),
  ];
}

/**
 * An event that came as JSON text (a raw webhook, http/raw-ingest.ts). When its text is the very text of the
 * trigger last applied to its open alert, and nobody wrote the alert since (readOpenAlerts checked its row
 * version), applying it again can only count a repeat: same action, members and content, so no member,
 * content or state changes. That is all it does then, without parsing or digesting the event: in a storm
 * most events are such repeats (Alertmanager re-sends every group unchanged each group_interval), and the
 * parse and the member and content digests were the processor's largest JavaScript cost (bench/README.md).
 */
async function applyText(state: BatchState, row: InboxRow, text: SerializedEvent): Promise<void> {
  const key = openAlertKey(row.sourceId, text.dedupKey);
  const digest = eventTextDigest(text.json);
  const alert = state.open.get(key);
  if (alert && alert.lastTriggerDigest === digest) {
    alert.eventCount += 1;
    alert.lastEventAt = row.receivedAt;
    state.dirty.add(alert);
    return;
  }
  const event = JSON.parse(text.json) as AlertEvent;
  await applyAlertEvent(state, row, event);
  const after = state.open.get(key);
  if (after) setTriggerDigest(state, after, event.action === "trigger" ? digest : null);
}

/**
 * Notes the digest of the trigger text last applied to an open alert (null: the last event was something
 * else). Stored with the alert: a PostgreSQL group commit counts an event of the same text as a repeat
 * without storing it (store/inbox.ts). An alert already written in this batch is written again.
 */
function setTriggerDigest(state: BatchState, alert: WorkingAlert, digest: string | null): void {
  if (alert.lastTriggerDigest === digest) return;
  alert.lastTriggerDigest = digest;
  // Not yet written (number 0): flushOpens inserts it with the digest.
  if (alert.number !== 0) state.dirty.add(alert);
}

async function applyAlertEvent(state: BatchState, row: InboxRow, event: AlertEvent): Promise<void> {
  const key = openAlertKey(row.sourceId, event.dedupKey);
  const at = row.receivedAt;
  const alert = state.open.get(key);
  const known = alert ? (state.members.get(alert.id) ?? []) : [];
  const merge = event.members?.length ? mergeMembers(known, event) : null;
  const action = effectiveAction(event, merge);
  const log = (outcome: string, message: string, alertId: string | null) =>
    state.logs.push({ sourceId: row.sourceId, alertId, at, action: event.action, outcome, message });
  if (!alert) {
    if (action !== "trigger") {
      // PagerDuty drops an ack or resolve for a key with no open alert (never seen, or already resolved).
      if (row.sourceKind !== "heartbeat" && row.sourceKind !== "healthcheck")
        log(
          "dropped",
          `${action} for dedup key "${event.dedupKey}" dropped: no open alert with that key`,
          null,
        );
      return;
    }
    // The key's previous alert resolved earlier in this batch: write that first, or the new alert collides
    // with its row in the unique index of open keys and the whole batch fails (then retried row by row).
    const resolvedEarlier = state.resolvedByKey.get(key);
    if (resolvedEarlier) {
      written(state, await updateAlerts(state.tx, [resolvedEarlier], state.storedCounts), [resolvedEarlier]);
      state.resolvedByKey.delete(key);
      state.resolvedHere.delete(resolvedEarlier.id);
    }
    const opened = await openAlert(state, row, event, at);
    state.open.set(key, opened);
    if (merge) state.members.set(opened.id, [...merge.members.values()]);
    state.memberWrites.push(...memberWrites(opened.id, merge));
    return;
  }
  const firingBefore = known.filter((m) => m.status === "firing").length;
  const changesState = action !== "trigger" || (merge !== null && merge.firing !== firingBefore);
  if (changesState && alert.number === 0) await flushOpens(state);
  alert.eventCount += 1;
  alert.lastEventAt = at;
  alert.truncatedAlerts = event.truncatedAlerts ?? alert.truncatedAlerts;
  if (merge) {
    state.members.set(alert.id, [...merge.members.values()]);
    state.memberWrites.push(...memberWrites(alert.id, merge));
  }
  state.dirty.add(alert);
  if (action === "trigger") {
    const content = { ...event, severity: event.severity ?? alert.severity };
    const digest = alertContentDigest(content);
    if (digest !== alert.contentDigest) {
      state.rewrite.add(alert);
      alert.summary = content.summary;
      alert.severity = content.severity;
      alert.details = content.details;
      alert.links = content.links;
      alert.images = content.images;
      alert.contentDigest = digest;
    }
    if (merge && merge.firing !== firingBefore) {
      const text = `${merge.firing} of ${merge.members.size} firing`;
      log("changed", text, alert.id);
      await onIncident(state, alert, row, [
        {
          kind: "alert.changed",
          data: { alert: alertRef(alert), firing: merge.firing, resolved: merge.resolved },
        },
      ]);
    }
    return;
  }
  if (action === "acknowledge") {
    if (alert.status !== "triggered") return;
    state.rewrite.add(alert);
    alert.status = "acknowledged";
    alert.acknowledgedAt = at;
    log("acknowledged", `alert ${alertRef(alert)} acknowledged`, alert.id);
    await onIncident(
      state,
      alert,
      row,
      [{ kind: "alert.acknowledged", data: { alert: alertRef(alert) } }],
      "acknowledged",
    );
    return;
  }
  state.rewrite.add(alert);
  alert.status = "resolved";
  alert.resolvedAt = at;
  state.open.delete(key);
  state.resolvedHere.add(alert.id);
  state.resolvedByKey.set(key, alert);
  log("resolved", `alert ${alertRef(alert)} resolved`, alert.id);
  await onIncident(state, alert, row, [
    { kind: "alert.resolved", data: { alert: alertRef(alert), summary: alert.summary } },
  ]);
  await afterResolve(state, alert, row);
}

const alertRef = (alert: WorkingAlert) => `ALR-${alert.number}`;

/** A new alert: recorded always; opens an incident or joins the open one for its key, unless in maintenance. */
async function openAlert(state: BatchState, row: InboxRow, event: AlertEvent, at: Date): Promise<AlertRow> {
  const { tx } = state;
  const service = state.services.get(row.serviceId);
  const suppressed = state.maintenance.some(
    (w) => w.serviceId === row.serviceId && w.startsAt <= row.receivedAt && row.receivedAt < w.endsAt,
  );
  const base = {
    id: randomUUID(),
    sourceId: row.sourceId,
    sourceKind: row.sourceKind,
    serviceId: row.serviceId,
    dedupKey: event.dedupKey,
    status: "triggered",
    summary: event.summary,
    source: event.source,
    severity: event.severity,
    component: event.component ?? null,
    group: event.group ?? null,
    class: event.class ?? null,
    client: event.client ?? null,
    clientUrl: event.clientUrl ?? null,
    details: event.details,
    links: event.links,
    images: event.images,
    truncatedAlerts: event.truncatedAlerts ?? 0,
    contentDigest: alertContentDigest(event),
    lastTriggerDigest: null,
    suppressed,
    createdAt: at,
    lastEventAt: at,
  };
  const log = (outcome: string, message: string, alertId: string) =>
    state.logs.push({ sourceId: row.sourceId, alertId, at, action: event.action, outcome, message });
  if (suppressed) {
    const alert = await insertAlert(tx, { ...base, incidentId: null });
    log(
      "suppressed",
      `alert ${alertRef(alert)} opened during a maintenance window: no incident, no page`,
      alert.id,
    );
    return alert;
  }
  const key = openAlertKey(row.sourceId, event.dedupKey);
  const existing = state.incidentForKey.get(key);
  if (existing) {
    await flushOpens(state);
    const alert = await insertAlert(tx, { ...base, incidentId: existing.id });
    const number = existing.number ?? state.incidentNumbers.get(existing.id) ?? 0;
    log("attached", `alert ${alertRef(alert)} attached to ${formatHumanId(number)}`, alert.id);
    await onIncident(state, alert, row, [{ kind: "alert.attached", data: attachedData(alert) }]);
    return alert;
  }
  // A new incident: kept in memory and written with the batch's other new incidents in a few statements
  // (flushOpens), so a burst of new alert groups costs statements per batch, not per alert.
  const incidentId = randomUUID();
  const alert: AlertRow = {
    ...base,
    number: 0,
    incidentId,
    eventCount: 1,
    acknowledgedAt: null,
    resolvedAt: null,
  };
  state.pending.push({
    alert,
    row,
    severity: incidentSeverityFor(event.severity, (service?.severityMap as SeverityMap | null) ?? null),
    serviceName: service?.name ?? "unknown",
    actor: actorOf(state, row),
  });
  state.incidentForKey.set(key, { id: incidentId, number: null });
  return alert;
}

/**
 * Writes the incidents opened in this batch so far, each with its alert and its first two timeline events
 * (declared, alert attached), in four statements whatever their number.
 */
async function flushOpens(state: BatchState): Promise<void> {
  const pending = state.pending.splice(0);
  if (pending.length === 0) return;
  const { tx } = state;
  const numbers = await nextAlertNumbers(tx, pending.length);
  const attached: StoredTimelineEvent[] = [];
  const declared = pending.map((p, i) => {
    p.alert.number = numbers[i] ?? 0;
    const { alert, row, severity, serviceName, actor } = p;
    const [first, second] = chainEvents(
      { incidentId: alert.incidentId as string, lastEventSeq: 0, lastEventHash: null },
      [
        {
          kind: "incident.declared",
          data: { title: alert.summary, severity, affected_services: [serviceName], from_alert: true },
        },
        { kind: "alert.attached", data: attachedData(alert) },
      ],
      actor,
      row.receivedAt,
    );
    if (!first || !second) throw new Error("chainEvents returned too few events");
    attached.push(second);
    return {
      incident: {
        id: alert.incidentId as string,
        title: alert.summary,
        description: alert.source ? `Opened by an alert from ${alert.source}.` : "Opened by an alert.",
        severity,
        status: "triggered",
        commander: null,
        tags: [],
        relatedAlerts: [alertRef(alert)],
        serviceNames: [serviceName],
        createdBy: actor,
        createdAt: row.receivedAt,
        updatedAt: row.receivedAt,
        lastEventSeq: second.seq,
        lastEventHash: second.hash,
      },
      event: first,
      serviceIds: [alert.serviceId],
      commander: null,
    };
  });
  const incidentNumbers = await insertDeclaredIncidents(tx, declared, { outbox: !state.pageInline });
  written(
    state,
    await insertAlerts(
      tx,
      pending.map((p) => p.alert),
    ),
  );
  // The declare statement queued these incidents for the engine, or pageOpened looks at them itself.
  await insertTimelineEvents(tx, attached, { outbox: false });
  for (const [i, p] of pending.entries()) {
    const number = incidentNumbers[i] ?? 0;
    const { alert, row, severity } = p;
    state.incidentNumbers.set(alert.incidentId as string, number);
    state.logs.push({
      sourceId: row.sourceId,
      alertId: alert.id,
      at: row.receivedAt,
      action: "trigger",
      outcome: "opened",
      message: `alert ${alertRef(alert)} opened ${formatHumanId(number)} (${severity})`,
    });
    touch(state, number, "alert.attached", { opened: true });
    state.ctx.log.info({ incident: number, alert: alert.number, severity }, "incident opened by an alert");
  }
}

function attachedData(alert: WorkingAlert) {
  return {
    alert: alertRef(alert),
    summary: alert.summary,
    severity: alert.severity,
    source: alert.source,
    dedup_key: alert.dedupKey,
  };
}

/**
 * Writes timeline events on the alert's incident (one per state change of the alert, never per repeat) and,
 * for an acknowledgement, acknowledges a still-triggered incident.
 */
async function onIncident(
  state: BatchState,
  alert: WorkingAlert,
  row: InboxRow,
  events: NewTimelineEvent[],
  moveTo?: IncidentStatus,
): Promise<void> {
  if (!alert.incidentId) return;
  const incident = await lockIncidentById(state.tx, alert.incidentId);
  if (!incident) return;
  const at = row.receivedAt;
  let patch = {};
  const all = [...events];
  if (moveTo) {
    const decision = decideTransition(incident.status as IncidentStatus, moveTo, incident, at);
    if (decision.ok) {
      all.push({
        kind: "incident.status_changed",
        data: { from: incident.status, to: moveTo, by_alert: alertRef(alert) },
      });
      patch = { status: moveTo, ...decision.stamps };
    }
  }
  await applyChange(state.tx, incident, all, actorOf(state, row), at, patch);
  touch(state, incident.number, all.at(-1)?.kind ?? "alert.changed", { outbox: true });
}

/** Once every alert of an open incident has resolved, it moves on (mitigating by default; configurable). */
async function afterResolve(state: BatchState, alert: WorkingAlert, row: InboxRow): Promise<void> {
  if (!alert.incidentId) return;
  const service = state.services.get(alert.serviceId);
  const target = (service?.onAlertsResolved as OnAlertsResolved | null) ?? state.defaultOnResolved;
  if (target === "none") return;
  const stillOpen = await countOpenAlertsOfIncident(state.tx, alert.incidentId);
  // Alerts resolved earlier in this batch are still open in the table until the batch's update runs.
  const pendingHere = countResolvedHere(state, alert.incidentId);
  if (stillOpen - pendingHere > 0) return;
  const incident = await lockIncidentById(state.tx, alert.incidentId);
  if (!incident || !isOpenStatus(incident.status as IncidentStatus)) return;
  const decision = decideTransition(incident.status as IncidentStatus, target, incident, row.receivedAt);
  if (!decision.ok) return;
  await applyChange(
    state.tx,
    incident,
    [
      {
        kind: "incident.status_changed",
        data: { from: incident.status, to: target, reason: "all alerts resolved" },
      },
    ],
    actorOf(state, row),
    row.receivedAt,
    { status: target, ...decision.stamps },
  );
  touch(state, incident.number, "incident.status_changed", { outbox: true });
}

function countResolvedHere(state: BatchState, incidentId: string): number {
  let n = 0;
  for (const a of state.dirty)
    if (a.incidentId === incidentId && state.resolvedHere.has(a.id) && !a.suppressed) n++;
  return n;
}
