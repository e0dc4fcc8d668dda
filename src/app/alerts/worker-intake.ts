/**
 * The intake of a status worker process on PostgreSQL (http/status-worker.ts). During an alert storm the
 * main process's core was the ceiling: every event a worker had read crossed over IPC (a 3 KB JSON text,
 * serialised and parsed again) to be stored there. On PostgreSQL any process can commit, so a worker
 * stores the events of an integration without a rate limit itself, through a small pool of its own, with
 * the same group commit (store/inbox.ts: identical repeats counted in the commit, the rest left for the
 * processor) and tells the main process afterwards, which wakes the processor.
 *
 * An integration with a rate limit stays with the main process: one process counts its events, so the
 * limit holds exactly however many workers read them. (A rate-limited integration is, by its limit, not
 * where throughput is needed: 6,000 a minute by default is 100 events a second.)
 */
import type { IntegrationRow } from "#store/alerts.ts";
import { openDb } from "#store/db.ts";
import { AlertIntake } from "./intake.ts";

export interface WorkerIntakeOptions {
  databaseUrl: string;
  /** alerts.rateLimitPerMinute: an integration without its own limit has this one. */
  defaultRateLimitPerMinute: number;
  /** alerts.maxQueuedEvents, applied to this process's queue. */
  maxQueuedEvents: number;
  /** A commit stored events for the processor (not only counted repeats): the main process wakes it. */
  onCommitted: () => void;
}

export interface WorkerIntake {
  /**
   * Stores one validated event (its AlertEvent JSON and dedup key) for the integration with `key`:
   * true once committed; false when nothing was stored and the main process's route must answer (an
   * unknown key, storage unavailable, back-pressure: it words the error); undefined when the integration
   * has a rate limit and the event belongs to the main process.
   */
  store(key: string, kind: string, json: string, dedupKey: string): Promise<boolean | undefined>;
  /** Forgets the cached integrations (one was changed or deleted). */
  forget(): void;
  close(): Promise<void>;
}

/** Two connections: one group commit in flight at a time, and an integration lookup beside it. */
const POOL_SIZE = 2;

/** The URL with application_name set (unless it names one): pg_stat_activity tells the connections apart. */
function named(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.searchParams.has("application_name"))
      parsed.searchParams.set("application_name", "foghorn status worker");
    return parsed.toString();
  } catch {
    return url; // a key=value connection string: left as it is
  }
}

export async function openWorkerIntake(options: WorkerIntakeOptions): Promise<WorkerIntake> {
  const database = await openDb({ databaseUrl: named(options.databaseUrl), poolSize: POOL_SIZE });
  const intake = new AlertIntake(
    database.db,
    { now: () => new Date() },
    {
      defaultRateLimitPerMinute: options.defaultRateLimitPerMinute,
      maxQueuedEvents: options.maxQueuedEvents,
      countRepeats: true,
      onCommitted: options.onCommitted,
    },
  );
  return {
    async store(key, kind, json, dedupKey) {
      let source: IntegrationRow;
      try {
        source = await intake.integration(key, [kind]);
      } catch {
        return false;
      }
      if ((source.rateLimitPerMinute ?? options.defaultRateLimitPerMinute) > 0) return undefined;
      try {
        await intake.acceptSerialized(source, json, dedupKey);
        return true;
      } catch {
        return false;
      }
    },
    forget: () => intake.forget(),
    close: () => database.close(),
  };
}
