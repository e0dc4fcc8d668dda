import { hash } from "node:crypto";
import { sql } from "drizzle-orm";
import { alertKey } from "./alerts.ts";
import { type Db, isTransaction, withTransaction } from "./db.ts";
import { executeRows, textArray, toDate, toInt } from "./rows.ts";

/** An event already serialised as JSON (by a status worker): stored as is, never parsed and stringified again. */
export class SerializedEvent {
  constructor(
    readonly json: string,
    /** The event's dedup key, known where it was serialised (app/alerts/process.ts: identical repeats). */
    readonly dedupKey: string,
  ) {}
}

/** An event waiting in the durable inbox. */
export interface InboxInsert {
  sourceId: string;
  sourceKind: string;
  serviceId: string;
  kind: "alert" | "change";
  /** The event (serialised here), or its JSON text. */
  event: unknown;
  receivedAt: Date;
}

export interface InboxRow extends InboxInsert {
  id: number;
  attempts: number;
}

/** The digest that recognises an identical repeat: of an alert event's JSON text, as stored. */
export const eventTextDigest = (json: string): string => hash("sha1", json, "base64");

/**
 * Writes inbox rows in one statement (one commit) and returns their ids in order. The rows travel as one
 * JSON array whose events are embedded as JSON values, not as strings: nothing is escaped twice, and
 * `json_to_recordset` hands each event's own text to the text column as it was sent (read as a `text`
 * field, not `json`, it is not parsed a second time: ~10 µs less per 2 KB event, measured).
 *
 * With `countRepeats` (PostgreSQL, where the processor applies the inbox in its own transactions), the
 * same statement counts identical repeats on their open alerts instead of storing them: an event whose
 * text is the very text of the trigger last applied to its key's open alert (alerts.last_trigger_digest)
 * can only add one to its count and move its last event time, so that is all it does. Only when no earlier
 * event of the key still waits in the inbox (events of a key apply in order), when every event of the key
 * in this batch has that same text, and when no one else holds the alert's row (skip locked: the processor
 * applying it, another replica's group commit counting on it; those events are stored instead, and the
 * commit never waits for a lock). The integration's last event time moves too, in steps of at least a
 * second. The events stored are returned; the counted ones are as durable, in the same commit.
 */
export async function insertInboxRows(
  db: Db,
  rows: readonly InboxInsert[],
  countRepeats = false,
): Promise<number[]> {
  try {
    return await insertRows(db, rows, countRepeats, true);
  } catch (error) {
    // A repeat sent without its text could not be counted after all (its alert resolved, or held by the
    // processor, since it was last counted): the statement failed whole, so nothing was stored. Again, with
    // every text.
    if (!(error instanceof TextLeftOut)) throw error;
    return insertRows(db, rows, countRepeats, false);
  }
}

class TextLeftOut extends Error {}

/**
 * Per database handle, the digest of the text each key (source, dedup key) was last counted with. A
 * repeat of that very text almost always counts again, so it travels without its text (a few KB that the
 * database would parse only to throw away); if it cannot be counted, the insert meets a null event and
 * fails whole, and the batch is sent again with every text (insertInboxRows).
 */
const countedTexts = new WeakMap<Db, Map<string, string>>();
/** Keys remembered per handle (~150 bytes each); the least recently counted go first. */
const MAX_COUNTED_TEXTS = 50_000;

function countedTextsOf(db: Db): Map<string, string> {
  let known = countedTexts.get(db);
  if (!known) {
    known = new Map();
    countedTexts.set(db, known);
  }
  return known;
}

/** A not-null violation on alert_inbox.event: a repeat left without its text was not counted. */
function isTextLeftOut(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const { code, column } = e as { code?: unknown; column?: unknown };
    if (code === "23502") return column === undefined || column === "event";
  }
  return false;
}

async function insertRows(
  db: Db,
  rows: readonly InboxInsert[],
  countRepeats: boolean,
  leaveOutKnown: boolean,
): Promise<number[]> {
  if (rows.length === 0) return [];
  const texts: string[] = [];
  const keys: (string | null)[] = [];
  for (const r of rows) {
    const serialized = r.event instanceof SerializedEvent ? r.event : undefined;
    texts.push(serialized ? serialized.json : JSON.stringify(r.event));
    const dedupKey =
      serialized?.dedupKey ?? (r.kind === "alert" ? (r.event as { dedupKey?: unknown }).dedupKey : undefined);
    keys.push(typeof dedupKey === "string" ? dedupKey : null);
  }
  const repeats = countRepeats ? repeatGroups(rows, texts, keys) : [];
  const known = countRepeats ? countedTextsOf(db) : undefined;
  const leftOut = new Set<string>();
  // Inside a transaction a failed statement would abort it: texts are left out only where a retry can follow.
  if (known && leaveOutKnown && !isTransaction(db))
    for (const g of repeats) if (known.get(g.key) === g.digest) leftOut.add(g.key);
  const parts: string[] = [];
  for (let ord = 0; ord < rows.length; ord++) {
    const r = rows[ord] as InboxInsert;
    const key = keys[ord];
    const text =
      leftOut.size > 0 && key != null && leftOut.has(alertKey(r.sourceId, key)) ? "null" : texts[ord];
    parts.push(
      `{"ord":${ord},"source_id":${JSON.stringify(r.sourceId)},"source_kind":${JSON.stringify(r.sourceKind)},` +
        `"service_id":${JSON.stringify(r.serviceId)},"kind":${JSON.stringify(r.kind)},` +
        `"received_at":"${r.receivedAt.toISOString()}","dedup_key":${key === null ? "null" : JSON.stringify(key)},` +
        `"event":${text}}`,
    );
  }
  const input = `[${parts.join(",")}]`;
  inboxInserts++;
  // The repeat groups travel as arrays (textArray): the planner sees how many there are and probes the
  // open-key index of alerts per group, where a JSON recordset (guessed at 100 rows) made it scan them all.
  // Not a prepared statement: a generic plan made while `alerts` was new and nearly empty kept scanning the
  // whole table as it grew (15 ms per commit at 20,000 alerts, measured) until autovacuum's next analyze; a
  // fresh plan sizes the table as it is now.
  const recordset = sql`json_to_recordset(${input}::json) as x(
    ord int, source_id uuid, source_kind text, service_id uuid, kind text, event text, dedup_key text,
    received_at timestamptz)`;
  let result: Record<string, unknown>[];
  try {
    result = await executeRows(
      db,
      repeats.length > 0
        ? sql`with x as materialized (select * from ${recordset}),
          lockable as (
            select o.id, r.n, r.at
            from unnest(${textArray(repeats.map((g) => g.sourceId))}::uuid[],
              ${textArray(repeats.map((g) => g.dedupKey))}::text[], ${textArray(repeats.map((g) => g.digest))}::text[],
              ${textArray(repeats.map((g) => String(g.count)))}::int[],
              ${textArray(repeats.map((g) => g.at.toISOString()))}::timestamptz[]) as r(source_id, dedup_key, digest, n, at)
            -- One probe of the open-key index per group (a join planned on a new, empty table scanned every
            -- alert). No lock order is needed: nobody waits here (skip locked), so no wait can close a cycle.
            cross join lateral (
              select a.id from alerts a
              where a.source_id = r.source_id and a.dedup_key = r.dedup_key and a.status <> 'resolved'
                and a.last_trigger_digest = r.digest
                and not exists (select 1 from alert_inbox i
                  where i.source_id = r.source_id and i.dedup_key = r.dedup_key and i.dead_at is null)
              for update skip locked
            ) o
          ),
          counted as (
            update alerts a set event_count = a.event_count + l.n, last_event_at = greatest(a.last_event_at, l.at)
            from lockable l where a.id = l.id
            returning a.source_id, a.dedup_key, l.at
          ),
          -- An integration's last event moves in steps of a second at most: the row is not rewritten (and
          -- locked) by every commit of a storm.
          sources as (
            select i.id from integrations i
            where i.id in (select source_id from counted)
              and (i.last_event_at is null or i.last_event_at < (select max(at) from counted) - interval '1 second')
            for update skip locked
          ),
          touched as (
            update integrations i set last_event_at = greatest(coalesce(i.last_event_at, t.at), t.at)
            from (select source_id, max(at) as at from counted group by source_id) t
            where i.id = t.source_id and i.id in (select id from sources)
          )
          insert into alert_inbox (source_id, source_kind, service_id, kind, event, dedup_key, received_at)
          select source_id, source_kind, service_id, kind, event, dedup_key, received_at from x
          where not exists (select 1 from counted k where k.source_id = x.source_id and k.dedup_key = x.dedup_key)
          order by ord
          returning id, source_id::text as source_id, dedup_key`
        : sql`insert into alert_inbox (source_id, source_kind, service_id, kind, event, dedup_key, received_at)
          select source_id, source_kind, service_id, kind, event, dedup_key, received_at from ${recordset}
          order by ord
          returning id`,
    );
  } catch (error) {
    if (leftOut.size > 0 && isTextLeftOut(error)) {
      for (const key of leftOut) known?.delete(key);
      throw new TextLeftOut("a repeat sent without its text was not counted", { cause: error });
    }
    throw error;
  }
  if (known) rememberCounted(known, rows, keys, repeats, result);
  return result.map((r) => toInt(r.id)).sort((a, b) => a - b);
}

/**
 * After a commit: the keys whose events were all counted keep their text's digest; a key with an event
 * stored (its alert will change, or the batch had two texts for it) is forgotten.
 */
function rememberCounted(
  known: Map<string, string>,
  rows: readonly InboxInsert[],
  keys: readonly (string | null)[],
  repeats: readonly RepeatGroup[],
  stored: readonly Record<string, unknown>[],
): void {
  const storedKeys = new Set(stored.map((r) => alertKey(String(r.source_id), String(r.dedup_key))));
  const counted = new Set<string>();
  for (const g of repeats)
    if (!storedKeys.has(g.key)) {
      known.delete(g.key); // re-inserted last: the Map's order is the eviction order
      known.set(g.key, g.digest);
      counted.add(g.key);
    }
  for (let i = 0; i < rows.length; i++) {
    const key = keys[i];
    if (key == null) continue;
    const full = alertKey((rows[i] as InboxInsert).sourceId, key);
    if (!counted.has(full)) known.delete(full);
  }
  let excess = known.size - MAX_COUNTED_TEXTS;
  if (excess > 0)
    for (const key of known.keys()) {
      if (excess-- <= 0) break;
      known.delete(key);
    }
}

interface RepeatGroup {
  /** alertKey(sourceId, dedupKey) */
  key: string;
  sourceId: string;
  dedupKey: string;
  digest: string;
  count: number;
  at: Date;
}

/**
 * The batch's events that may be counted as repeats, grouped by key: alert events of a key that has only
 * this one text in the batch (a key sent with two texts keeps its order through the inbox).
 */
function repeatGroups(
  rows: readonly InboxInsert[],
  texts: readonly string[],
  keys: readonly (string | null)[],
): RepeatGroup[] {
  const byKey = new Map<string, { text: string; same: boolean; group: Omit<RepeatGroup, "digest"> }>();

  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as InboxInsert;
    const dedupKey = keys[i];
    if (r.kind !== "alert" || dedupKey == null) continue;
    const key = alertKey(r.sourceId, dedupKey);
    const text = texts[i] as string;
    const entry = byKey.get(key);
    if (!entry)
      byKey.set(key, {
        text,
        same: true,
        group: { key, sourceId: r.sourceId, dedupKey, count: 1, at: r.receivedAt },
      });
    else {
      entry.same &&= entry.text === text;
      entry.group.count++;
      if (r.receivedAt > entry.group.at) entry.group.at = r.receivedAt;
    }
  }
  const groups: RepeatGroup[] = [];
  for (const { text, same, group } of byKey.values())
    if (same) groups.push({ ...group, digest: eventTextDigest(text) });
  return groups;
}

// Group commit: concurrent requests' events share one INSERT and one commit. Throughput comes from this,
// never from answering before the commit (issue 4, "durable before 2xx").
const MAX_BATCH = 1000;

/**
 * Work done inside a group commit's own transaction before its rows are stored (embedded storage applies
 * the events there, see AlertProcessor.inline). `apply` applies the batch's first `applied` rows itself —
 * their effects commit with the transaction, so they are never written to the inbox at all — and the
 * batcher stores the rest; `after` runs once the commit is done and the senders answered. When `apply`
 * throws, that transaction is rolled back whole and the batch is stored in a new one (no savepoint needed
 * on the way: a failure is rare, and the two extra statements of a savepoint were paid on every batch);
 * `failed` hears of it once that is committed, before the senders are answered.
 */
export interface InboxHook {
  apply(tx: Db, rows: readonly InboxInsert[]): Promise<{ applied: number; after?: () => void }>;
  failed(error: unknown): void;
}

export interface EnqueueOptions {
  within?: InboxHook;
  /** Count identical repeats on their open alerts instead of storing them (PostgreSQL; see insertInboxRows). */
  countRepeats?: boolean;
}

interface Pending {
  rows: InboxInsert[];
  /** With the number of the batch's events stored in the inbox (the others were applied or counted). */
  resolve(stored: number): void;
  reject(error: unknown): void;
}

class InboxBatcher {
  #queue: Pending[] = [];
  #queuedRows = 0;
  /**
   * Whether a group commit is in flight. One at a time, on PostgreSQL too: the senders that arrive meanwhile
   * make the next batch. Up to three in flight (so the next batch was written while the last committed)
   * made smaller batches, each paying its own planning, round trips and commit, and the bench's ingest
   * measured ~12 % fewer events/s for it (six alternating pairs, bench/README.md).
   */
  #flushing = false;
  constructor(
    private readonly db: Db,
    readonly within: InboxHook | undefined,
    readonly countRepeats: boolean,
  ) {}

  get queuedRows(): number {
    return this.#queuedRows;
  }

  add(rows: InboxInsert[]): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ rows, resolve, reject });
      this.#queuedRows += rows.length;
      if (!this.#flushing) {
        this.#flushing = true;
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    const batch: Pending[] = [];
    let size = 0;
    while (this.#queue.length && (size === 0 || size + (this.#queue[0]?.rows.length ?? 0) <= MAX_BATCH)) {
      const next = this.#queue.shift() as Pending;
      batch.push(next);
      size += next.rows.length;
    }
    this.#queuedRows -= size;
    try {
      const rows = batch.flatMap((p) => p.rows);
      const within = this.within;
      let after: (() => void) | undefined;
      let stored = 0;
      if (within) {
        let applyError: unknown;
        try {
          await withTransaction(this.db, async (tx) => {
            let done: Awaited<ReturnType<InboxHook["apply"]>>;
            try {
              done = await within.apply(tx, rows);
            } catch (error) {
              applyError = error;
              throw error;
            }
            stored = (await insertInboxRows(tx, rows.slice(done.applied))).length;
            after = done.after;
          });
        } catch (error) {
          if (applyError === undefined) throw error;
          // Applying failed, not storing: store the batch as it is, for the processor to apply on its own.
          stored = (await insertInboxRows(this.db, rows)).length;
          within.failed(applyError);
        }
      } else stored = (await insertInboxRows(this.db, rows, this.countRepeats)).length;
      for (const p of batch) p.resolve(stored);
      // After this turn: the senders' 2xx are written first.
      if (after) setImmediate(after);
    } catch (error) {
      // The whole batch failed (the database is down, most likely): every caller answers 503 and its sender
      // retries. Nothing was acknowledged, so nothing is lost.
      for (const p of batch) p.reject(error);
    }
    if (this.#queue.length) setImmediate(() => void this.#flush());
    else this.#flushing = false;
  }
}

const batchers = new WeakMap<Db, InboxBatcher>();

function batcherFor(db: Db, within: InboxHook | undefined, countRepeats: boolean): InboxBatcher {
  let batcher = batchers.get(db);
  if (!batcher || batcher.within !== within || batcher.countRepeats !== countRepeats) {
    batcher = new InboxBatcher(db, within, countRepeats);
    batchers.set(db, batcher);
  }
  return batcher;
}

/**
 * Stores events durably; resolves once they are committed. Outside a transaction, concurrent calls share
 * one statement and one commit, one commit at a time: the calls made while one is in flight wait for it
 * and share the next. Events of concurrent requests have no order between them anyway; an event
 * acknowledged before another was sent is committed before it, so it keeps the lower id and is applied
 * first. Resolves with how many events its group commit left in the inbox for the processor (0: nothing
 * to wake it for).
 */
export function enqueueInbox(db: Db, rows: InboxInsert[], options: EnqueueOptions = {}): Promise<number> {
  if (isTransaction(db)) return insertInboxRows(db, rows).then((ids) => ids.length);
  return batcherFor(db, options.within, options.countRepeats ?? false).add(rows);
}

/** Events accepted but not yet committed, for back-pressure (503 before the queue grows without bound). */
export function inboxQueueLength(db: Db): number {
  return batchers.get(db)?.queuedRows ?? 0;
}

/** The event of an inbox row as the processor reads it back: JSON, whatever form it was given in. */
export function storedEvent(row: InboxInsert): unknown {
  return JSON.parse(row.event instanceof SerializedEvent ? row.event.json : JSON.stringify(row.event));
}

/**
 * Inserts into the inbox this process has started, whatever became of them. Rows are only ever added by
 * insertInboxRows; applying removes them or sets them aside. So a single-process store (PGlite) that saw no
 * pending row while this count was n knows none has appeared as long as it is still n (see
 * applyEventsWithin), and need not ask again with every group commit.
 */
let inboxInserts = 0;
export const inboxInsertCount = (): number => inboxInserts;

/** Whether any event waits in the inbox (dead ones aside): newer events must not be applied before it. */
export async function hasPendingInbox(tx: Db): Promise<boolean> {
  const rows = await executeRows(
    tx,
    sql`select id from alert_inbox where dead_at is null order by id limit 1`,
  );
  return rows.length > 0;
}

/** Claims the oldest pending rows under a row lock (inside the caller's transaction). */
export async function claimInboxRows(tx: Db, limit: number): Promise<InboxRow[]> {
  const rows = await executeRows(
    tx,
    sql`select id, source_id, source_kind, service_id, kind, event, dedup_key, received_at, attempts
        from alert_inbox where dead_at is null order by id limit ${limit} for update skip locked`,
  );
  return rows.map((r) => ({
    id: toInt(r.id),
    sourceId: String(r.source_id),
    sourceKind: String(r.source_kind),
    serviceId: String(r.service_id),
    kind: r.kind === "change" ? "change" : "alert",
    // A raw webhook's text stays unparsed, with its dedup key, until the processor needs it (applyText).
    event:
      r.kind !== "change" && typeof r.dedup_key === "string"
        ? new SerializedEvent(String(r.event), r.dedup_key)
        : JSON.parse(String(r.event)),
    receivedAt: toDate(r.received_at) as Date,
    attempts: toInt(r.attempts),
  }));
}

export async function deleteInboxRows(tx: Db, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.execute(sql`delete from alert_inbox where id = any(${textArray(ids.map(String))}::bigint[])`);
}

/** Records a failed attempt; after `maxAttempts` the row is set aside (dead) and kept for inspection. */
export async function failInboxRow(
  db: Db,
  id: number,
  error: string,
  now: Date,
  maxAttempts: number,
): Promise<void> {
  await db.execute(
    sql`update alert_inbox set attempts = attempts + 1, last_error = ${error.slice(0, 2000)},
          dead_at = case when attempts + 1 >= ${maxAttempts} then ${now.toISOString()}::timestamptz else null end
        where id = ${id}`,
  );
}

export async function countInbox(db: Db): Promise<{ pending: number; dead: number }> {
  const [row] = await executeRows(
    db,
    sql`select count(*) filter (where dead_at is null) as pending, count(*) filter (where dead_at is not null) as dead
        from alert_inbox`,
  );
  return { pending: toInt(row?.pending), dead: toInt(row?.dead) };
}

/**
 * Takes the alert processor's transaction-scoped advisory lock; false when another process holds it. The
 * same statement turns JIT compilation off for the rest of the transaction: with freshly grown tables the
 * planner's estimates for a batch's lookups cross jit_above_cost, and compiling them took ~135 ms per
 * statement (measured) to save microseconds.
 */
export async function tryProcessorLock(tx: Db): Promise<boolean> {
  const [row] = await executeRows(
    tx,
    sql`select pg_try_advisory_xact_lock(hashtext('foghorn:alert-processor')) as ok,
          set_config('jit', 'off', true) as jit`,
  );
  return row?.ok === true || row?.ok === "t";
}
