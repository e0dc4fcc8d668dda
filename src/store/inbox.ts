import { sql } from "drizzle-orm";
import { type Db, isTransaction } from "./db.ts";
import { executeRows, toDate, toInt } from "./rows.ts";

/** An event waiting in the durable inbox. */
export interface InboxInsert {
  sourceId: string;
  sourceKind: string;
  serviceId: string;
  kind: "alert" | "change";
  event: unknown;
  receivedAt: Date;
}

export interface InboxRow extends InboxInsert {
  id: number;
  attempts: number;
}

/** Writes inbox rows in one statement (one commit) and returns their ids in order. */
export async function insertInboxRows(db: Db, rows: readonly InboxInsert[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const input = rows.map((r, ord) => ({
    ord,
    source_id: r.sourceId,
    source_kind: r.sourceKind,
    service_id: r.serviceId,
    kind: r.kind,
    event: JSON.stringify(r.event),
    received_at: r.receivedAt.toISOString(),
  }));
  const result = await executeRows(
    db,
    sql`insert into alert_inbox (source_id, source_kind, service_id, kind, event, received_at)
        select source_id, source_kind, service_id, kind, event, received_at
        from jsonb_to_recordset(${JSON.stringify(input)}::jsonb) as x(
          ord int, source_id uuid, source_kind text, service_id uuid, kind text, event text, received_at timestamptz)
        order by ord
        returning id`,
  );
  return result.map((r) => toInt(r.id)).sort((a, b) => a - b);
}

// Group commit: concurrent requests' events share one INSERT and one commit. Throughput comes from this,
// never from answering before the commit (issue 4, "durable before 2xx").
const MAX_BATCH = 1000;

interface Pending {
  rows: InboxInsert[];
  resolve(): void;
  reject(error: unknown): void;
}

class InboxBatcher {
  #queue: Pending[] = [];
  #queuedRows = 0;
  #busy = false;
  constructor(private readonly db: Db) {}

  get queuedRows(): number {
    return this.#queuedRows;
  }

  add(rows: InboxInsert[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ rows, resolve, reject });
      this.#queuedRows += rows.length;
      if (!this.#busy) {
        this.#busy = true;
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
      await insertInboxRows(
        this.db,
        batch.flatMap((p) => p.rows),
      );
      for (const p of batch) p.resolve();
    } catch (error) {
      // The whole batch failed (the database is down, most likely): every caller answers 503 and its sender
      // retries. Nothing was acknowledged, so nothing is lost.
      for (const p of batch) p.reject(error);
    }
    if (this.#queue.length) setImmediate(() => void this.#flush());
    else this.#busy = false;
  }
}

const batchers = new WeakMap<Db, InboxBatcher>();

function batcherFor(db: Db): InboxBatcher {
  let batcher = batchers.get(db);
  if (!batcher) {
    batcher = new InboxBatcher(db);
    batchers.set(db, batcher);
  }
  return batcher;
}

/**
 * Stores events durably; resolves once they are committed. Outside a transaction, concurrent calls share
 * one statement and one commit.
 */
export function enqueueInbox(db: Db, rows: InboxInsert[]): Promise<void> {
  if (isTransaction(db)) return insertInboxRows(db, rows).then(() => undefined);
  return batcherFor(db).add(rows);
}

/** Events accepted but not yet committed, for back-pressure (503 before the queue grows without bound). */
export function inboxQueueLength(db: Db): number {
  return batchers.get(db)?.queuedRows ?? 0;
}

/** Claims the oldest pending rows under a row lock (inside the caller's transaction). */
export async function claimInboxRows(tx: Db, limit: number): Promise<InboxRow[]> {
  const rows = await executeRows(
    tx,
    sql`select id, source_id, source_kind, service_id, kind, event, received_at, attempts
        from alert_inbox where dead_at is null order by id limit ${limit} for update skip locked`,
  );
  return rows.map((r) => ({
    id: toInt(r.id),
    sourceId: String(r.source_id),
    sourceKind: String(r.source_kind),
    serviceId: String(r.service_id),
    kind: r.kind === "change" ? "change" : "alert",
    event: JSON.parse(String(r.event)),
    receivedAt: toDate(r.received_at) as Date,
    attempts: toInt(r.attempts),
  }));
}

export async function deleteInboxRows(tx: Db, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.execute(sql`delete from alert_inbox where id = any(${`{${ids.join(",")}}`}::bigint[])`);
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

/** Takes the alert processor's transaction-scoped advisory lock; false when another process holds it. */
export async function tryProcessorLock(tx: Db): Promise<boolean> {
  const [row] = await executeRows(
    tx,
    sql`select pg_try_advisory_xact_lock(hashtext('foghorn:alert-processor')) as ok`,
  );
  return row?.ok === true || row?.ok === "t";
}
