import { hostname } from "node:os";
import type { Logger } from "#app/context.ts";
import type { Clock } from "#domain/time.ts";
import type { Db } from "#store/db.ts";
import * as queue from "#store/jobs.ts";

/** Runs one job. Throwing fails the attempt: it is retried with backoff, and dead after max_attempts. */
export type JobHandler = (job: queue.ClaimedJob) => Promise<void>;

/**
 * Runs all the claimed jobs of one kind together (one transaction for many incidents). When it throws,
 * each job is run again alone, so one bad job fails only itself.
 */
export interface BatchHandler {
  batch(jobs: readonly queue.ClaimedJob[]): Promise<void>;
}

export interface RunnerOptions {
  /** This worker's name in locked_by; host:pid by default. */
  worker?: string;
  /** How long a claim is held before another worker may take the job over (its runner died). */
  leaseMs?: number;
  /** Jobs claimed per round trip. */
  batchSize?: number;
  /** Jobs run at once (1 on PGlite: one connection, one transaction at a time). */
  concurrency?: number;
  /** Longest sleep between looks at the table (jobs enqueued by another replica). */
  pollMs?: number;
}

/** graphile-worker's backoff: e^min(attempts, 10) seconds. */
export function jobBackoffMs(attempts: number): number {
  return Math.round(Math.exp(Math.min(attempts, 10)) * 1000);
}

/**
 * The engine's loop over the jobs table (ARCHITECTURE.md "The engine"): claim due jobs with SKIP LOCKED
 * and a lease in a short transaction, run each handler outside it, delete on success, back off on failure.
 * It sleeps until the next job is due (or `pollMs`), and wakes early when told that something changed.
 */
export class JobRunner {
  readonly worker: string;
  #running = false;
  #again = false;
  #stopped = true;
  #draining = false; // during stop(): claimed jobs not yet started are handed back
  #cycleMark = performance.now();
  #timer: NodeJS.Timeout | undefined;
  #current: Promise<void> = Promise.resolve();
  /** Jobs finished since start, and the time of the last completed cycle (liveness, /readyz, metrics). */
  completed = 0;
  failed = 0;
  lastCycleAt: Date | null = null;

  constructor(
    private readonly deps: { db: Db; clock: Clock; log: Logger },
    private readonly handlers: Readonly<Record<string, JobHandler | BatchHandler>>,
    private readonly options: RunnerOptions = {},
  ) {
    this.worker = options.worker ?? `${hostname()}:${process.pid}`;
  }

  get #limit(): number {
    return this.options.batchSize ?? 50;
  }

  get kinds(): string[] {
    return Object.keys(this.handlers);
  }

  start(): void {
    this.#stopped = false;
    this.wake();
  }

  /** Look at the table now (or right after the cycle in progress). */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = true;
    this.#current = this.#loop();
  }

  async #loop(): Promise<void> {
    clearTimeout(this.#timer);
    try {
      do {
        this.#again = false;
        // A short batch means nothing else was due; what handlers enqueued for now is found by #sleep.
        while (!this.#stopped && (await this.runDueOnce()) >= this.#limit) {
          // let requests interleave between batches
          await new Promise((resolve) => setImmediate(resolve));
        }
      } while (this.#again && !this.#stopped);
    } catch (error) {
      this.deps.log.warn({ err: error }, "job engine cycle failed; retrying shortly");
    } finally {
      this.#running = false;
      if (!this.#stopped) await this.#sleep();
    }
  }

  async #sleep(): Promise<void> {
    const poll = this.options.pollMs ?? 1000;
    let delay = poll;
    try {
      const due = await queue.nextDueAt(this.deps.db, this.kinds);
      if (due) delay = Math.max(0, Math.min(poll, due.getTime() - this.deps.clock.now().getTime()));
    } catch {
      // storage unavailable: poll again
    }
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.wake(), delay);
    this.#timer.unref();
  }

  /** Claims one batch of due jobs and runs it; returns how many ran. Tests on a manual clock call this. */
  async runDueOnce(): Promise<number> {
    const now = this.deps.clock.now();
    const jobs = await queue.claimJobs(this.deps.db, {
      worker: this.worker,
      kinds: this.kinds,
      now,
      leaseMs: this.options.leaseMs ?? 60_000,
      limit: this.#limit,
    });
    // Jobs of a batch kind run together; the rest one by one, `concurrency` at a time.
    const units: queue.ClaimedJob[][] = [];
    const batches = new Map<string, queue.ClaimedJob[]>();
    for (const job of jobs) {
      const handler = this.handlers[job.kind];
      if (handler && "batch" in handler && job.attempts <= 1) {
        const list = batches.get(job.kind) ?? [];
        if (list.length === 0) units.push(list);
        list.push(job);
        batches.set(job.kind, list);
      } else units.push([job]);
    }
    const concurrency = Math.max(1, this.options.concurrency ?? 1);
    let next = 0;
    const lanes = Array.from({ length: Math.min(concurrency, units.length) }, async () => {
      while (next < units.length && !this.#draining) {
        const unit = units[next++] as queue.ClaimedJob[];
        if (unit.length > 1) await this.#runBatch(unit);
        else await this.#run(unit[0] as queue.ClaimedJob);
        this.#cycleMark = performance.now(); // progress: a long batch is not a stuck engine
      }
    });
    await Promise.all(lanes);
    const handBack = units.slice(next).flatMap((unit) => unit.map((j) => j.id));
    await queue.releaseJobs(this.deps.db, handBack, this.worker);
    this.lastCycleAt = this.deps.clock.now();
    this.#cycleMark = performance.now();
    return jobs.length - handBack.length;
  }

  /** Runs every job due now, including the ones those jobs enqueue for now; for tests and drains. */
  async runUntilIdle(maxRounds = 1000): Promise<number> {
    let total = 0;
    for (let i = 0; i < maxRounds; i++) {
      const n = await this.runDueOnce();
      total += n;
      if (n === 0) return total;
    }
    return total;
  }

  async #runBatch(jobs: queue.ClaimedJob[]): Promise<void> {
    const handler = this.handlers[jobs[0]?.kind ?? ""] as BatchHandler;
    try {
      await handler.batch(jobs);
    } catch (error) {
      this.deps.log.warn(
        { kind: jobs[0]?.kind, jobs: jobs.length, err: error },
        "job batch failed; running its jobs one by one",
      );
      for (const job of jobs) await this.#run(job);
      return;
    }
    await queue.completeJobs(
      this.deps.db,
      jobs.map((j) => j.id),
      this.worker,
    );
    this.completed += jobs.length;
  }

  async #run(job: queue.ClaimedJob): Promise<void> {
    const handler = this.handlers[job.kind];
    const started = performance.now();
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      if (job.attempts > job.maxAttempts)
        throw new Error("lease expired too often: the job's worker keeps dying");
      if ("batch" in handler) await handler.batch([job]);
      else await handler(job);
      await queue.completeJob(this.deps.db, job.id, this.worker);
      this.completed += 1;
      this.deps.log.debug(
        { job: job.id, kind: job.kind, ms: Math.round(performance.now() - started) },
        "job done",
      );
    } catch (error) {
      this.failed += 1;
      const message = error instanceof Error ? error.message : String(error);
      // A handler may say when to try again (a provider's Retry-After, a schedule of its own).
      const hint = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
      const delayMs = typeof hint === "number" && hint > 0 ? hint : jobBackoffMs(job.attempts);
      const retryAt = new Date(this.deps.clock.now().getTime() + delayMs);
      try {
        const outcome = await queue.failJob(this.deps.db, job, this.worker, message, retryAt);
        this.deps.log[outcome === "dead" ? "error" : "warn"](
          { job: job.id, kind: job.kind, attempts: job.attempts, err: message, outcome },
          outcome === "dead" ? "job failed for good (dead)" : "job failed; retrying with backoff",
        );
      } catch (recordError) {
        // Storage down: the lease expires and the job is claimed again.
        this.deps.log.warn({ job: job.id, err: recordError }, "could not record a job failure");
      }
    }
  }

  /** Waits for the cycle in progress (tests). */
  async idle(): Promise<void> {
    do await this.#current;
    while (this.#running);
  }

  /** True while a background cycle is claiming or running jobs. */
  get busy(): boolean {
    return this.#running;
  }

  /** Real seconds since the last cycle or finished job (#cycleMark); an idle runner cycles every pollMs. */
  cycleAgeSeconds(): number {
    return (performance.now() - this.#cycleMark) / 1000;
  }

  /** SIGTERM drain: stops claiming, finishes the jobs started, hands back the claimed ones not started. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#draining = true;
    clearTimeout(this.#timer);
    await this.#current;
    this.#draining = false; // runDueOnce() called afterwards (tests, a final drain) runs what it claims
  }
}
