import { sql } from "drizzle-orm";
import type { Db } from "./db.ts";
import { executeRows, textArray, toDate, toInt } from "./rows.ts";

// The engine's due-jobs table (schema/jobs.ts), after graphile-worker's and pg-boss's SQL: enqueue inside
// the caller's transaction, claim in a short one with FOR UPDATE SKIP LOCKED and a lease, run outside it.

export interface NewJob {
  kind: string;
  /** At most one pending job per (kind, key): a second enqueue of the same key keeps the earlier run_at. */
  key?: string | null;
  payload: Record<string, unknown>;
  runAt: Date;
  maxAttempts?: number;
}

export interface ClaimedJob {
  id: number;
  kind: string;
  key: string | null;
  payload: Record<string, unknown>;
  runAt: Date;
  attempts: number;
  maxAttempts: number;
}

/**
 * Enqueues jobs in the caller's transaction (or alone). A keyed job whose key is already pending is
 * merged into it: the pending one runs at the earlier of the two times.
 */
export async function enqueueJobs(db: Db, jobs: readonly NewJob[], now: Date): Promise<void> {
  if (jobs.length === 0) return;
  const input = jobs.map((j) => ({
    kind: j.kind,
    key: j.key ?? null,
    payload: j.payload,
    run_at: j.runAt.toISOString(),
    max_attempts: j.maxAttempts ?? 10,
  }));
  await db.execute(sql`
    insert into jobs (kind, key, payload, run_at, max_attempts, created_at)
    select kind, key, payload, run_at, max_attempts, ${now.toISOString()}::timestamptz
    from jsonb_to_recordset(${JSON.stringify(input)}::jsonb)
      as x(kind text, key text, payload jsonb, run_at timestamptz, max_attempts int)
    on conflict (kind, key) where state = 'pending' and key is not null
    do update set run_at = least(jobs.run_at, excluded.run_at)`);
}

/**
 * Claims up to `limit` due jobs of the given kinds for `worker`: pending ones whose time has come and
 * running ones whose lease expired (their worker died). Each claim counts as an attempt.
 */
export async function claimJobs(
  db: Db,
  opts: { worker: string; kinds: readonly string[]; now: Date; leaseMs: number; limit: number },
): Promise<ClaimedJob[]> {
  const now = opts.now.toISOString();
  const until = new Date(opts.now.getTime() + opts.leaseMs).toISOString();
  const rows = await executeRows(
    db,
    sql`with due as (
      select id from jobs
      where kind = any(${textArray(opts.kinds)}::text[])
        and ((state = 'pending' and run_at <= ${now}::timestamptz)
          or (state = 'running' and locked_until < ${now}::timestamptz))
      order by run_at, id
      limit ${opts.limit}
      for update skip locked
    )
    update jobs set state = 'running', locked_by = ${opts.worker}, locked_until = ${until}::timestamptz,
      attempts = jobs.attempts + 1
    from due where jobs.id = due.id
    returning jobs.id, jobs.kind, jobs.key, jobs.payload, jobs.run_at, jobs.attempts, jobs.max_attempts`,
  );
  return rows
    .map((r) => ({
      id: toInt(r.id),
      kind: String(r.kind),
      key: r.key === null ? null : String(r.key),
      payload: (typeof r.payload === "string" ? JSON.parse(r.payload) : r.payload) as Record<string, unknown>,
      runAt: toDate(r.run_at) ?? new Date(0),
      attempts: toInt(r.attempts),
      maxAttempts: toInt(r.max_attempts),
    }))
    .sort((a, b) => a.runAt.getTime() - b.runAt.getTime() || a.id - b.id);
}

/** A finished job is deleted (only while this worker still holds it). */
export async function completeJob(db: Db, id: number, worker: string): Promise<void> {
  await completeJobs(db, [id], worker);
}

export async function completeJobs(db: Db, ids: readonly number[], worker: string): Promise<void> {
  if (ids.length === 0) return;
  await db.execute(
    sql`delete from jobs where id = any(${textArray(ids.map(String))}::bigint[]) and locked_by = ${worker} and state = 'running'`,
  );
}

/**
 * A failed attempt: back to pending at `retryAt`, or `dead` once attempts are used up. When a newer pending
 * job with the same key exists, this one is dropped instead: the pending one does the same work.
 */
export async function failJob(
  db: Db,
  job: { id: number; attempts: number; maxAttempts: number },
  worker: string,
  error: string,
  retryAt: Date,
): Promise<"retry" | "dead" | "merged"> {
  const dead = job.attempts >= job.maxAttempts;
  const rows = await executeRows(
    db,
    sql`with me as (
      select id, kind, key from jobs where id = ${job.id} and locked_by = ${worker} and state = 'running'
    ), twin as (
      select 1 from jobs j, me where ${!dead} and me.key is not null and j.kind = me.kind and j.key = me.key
        and j.state = 'pending' and j.id <> me.id limit 1
    ), dropped as (
      delete from jobs where id in (select id from me) and exists (select 1 from twin) returning id
    ), changed as (
      update jobs set state = ${dead ? "dead" : "pending"}, run_at = ${retryAt.toISOString()}::timestamptz,
        last_error = ${error.slice(0, 2000)}, locked_by = null, locked_until = null
      where id in (select id from me) and not exists (select 1 from twin) returning id
    )
    select (select count(*) from dropped) as dropped`,
  );
  if (toInt(rows[0]?.dropped) > 0) return "merged";
  return dead ? "dead" : "retry";
}

/** When the next job of these kinds becomes due (a pending run_at or an expiring lease); null when none. */
export async function nextDueAt(db: Db, kinds: readonly string[]): Promise<Date | null> {
  const list = textArray(kinds);
  const rows = await executeRows(
    db,
    sql`select least(
      (select min(run_at) from jobs where state = 'pending' and kind = any(${list}::text[])),
      (select min(locked_until) from jobs where state = 'running' and kind = any(${list}::text[]))
    ) as at`,
  );
  return toDate(rows[0]?.at);
}

export interface JobCounts {
  pending: number;
  running: number;
  dead: number;
  /** Seconds the oldest due pending job has waited (engine lag); 0 when nothing is due. */
  lagSeconds: number;
}

export async function jobCounts(db: Db, now: Date): Promise<JobCounts> {
  const rows = await executeRows(
    db,
    sql`select
      count(*) filter (where state = 'pending') as pending,
      count(*) filter (where state = 'running') as running,
      count(*) filter (where state = 'dead') as dead,
      coalesce(extract(epoch from ${now.toISOString()}::timestamptz
        - min(run_at) filter (where state = 'pending' and run_at <= ${now.toISOString()}::timestamptz)), 0) as lag
    from jobs`,
  );
  const r = rows[0] ?? {};
  return {
    pending: toInt(r.pending),
    running: toInt(r.running),
    dead: toInt(r.dead),
    lagSeconds: Math.max(0, Number(r.lag ?? 0)),
  };
}

export interface DeadJob {
  id: number;
  kind: string;
  key: string | null;
  payload: Record<string, unknown>;
  attempts: number;
  lastError: string | null;
  runAt: Date;
}

export async function listDeadJobs(db: Db, limit: number): Promise<DeadJob[]> {
  const rows = await executeRows(
    db,
    sql`select id, kind, key, payload, attempts, last_error, run_at from jobs where state = 'dead'
        order by run_at desc, id desc limit ${limit}`,
  );
  return rows.map((r) => ({
    id: toInt(r.id),
    kind: String(r.kind),
    key: r.key === null ? null : String(r.key),
    payload: (typeof r.payload === "string" ? JSON.parse(r.payload) : r.payload) as Record<string, unknown>,
    attempts: toInt(r.attempts),
    lastError: r.last_error === null ? null : String(r.last_error),
    runAt: toDate(r.run_at) ?? new Date(0),
  }));
}

/** Puts a dead job back in the queue, due now. */
export async function retryDeadJob(db: Db, id: number, now: Date): Promise<boolean> {
  const rows = await executeRows(
    db,
    sql`update jobs set state = 'pending', attempts = 0, run_at = ${now.toISOString()}::timestamptz
        where id = ${id} and state = 'dead' returning id`,
  );
  return rows.length > 0;
}

/**
 * Hands back jobs this worker claimed and never started (a replica draining on SIGTERM): pending again,
 * due as before, the claim's attempt refunded, so another worker claims them at once.
 */
export async function releaseJobs(db: Db, ids: readonly number[], worker: string): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await executeRows(
    db,
    sql`update jobs set state = 'pending', locked_by = null, locked_until = null,
          attempts = greatest(jobs.attempts - 1, 0)
        where id = any(${textArray(ids.map(String))}::bigint[]) and locked_by = ${worker} and state = 'running'
        returning id`,
  );
  return rows.length;
}

export interface DueBacklog {
  /** Jobs of these kinds due and not held by a worker: pending past their run_at, or whose lease expired. */
  due: number;
  /** Seconds the oldest of them has waited (since its run_at, or its lease's end); 0 when none. */
  oldestSeconds: number;
}

/** What is due and unclaimed among `kinds` at `now` (/readyz: is the engine keeping up; engine lag). */
export async function dueBacklog(db: Db, kinds: readonly string[], now: Date): Promise<DueBacklog> {
  const at = now.toISOString();
  const rows = await executeRows(
    db,
    sql`select count(*) as due, coalesce(extract(epoch from ${at}::timestamptz - min(since)), 0) as oldest
        from (
          select case when state = 'pending' then run_at else locked_until end as since from jobs
          where kind = any(${textArray(kinds)}::text[])
            and ((state = 'pending' and run_at <= ${at}::timestamptz)
              or (state = 'running' and locked_until < ${at}::timestamptz))
        ) d`,
  );
  const r = rows[0] ?? {};
  return { due: toInt(r.due), oldestSeconds: Math.max(0, Number(r.oldest ?? 0)) };
}
