import {
  applyEventsWithin,
  type OnAlertsResolved,
  type ProcessOptions,
  processInbox,
} from "#app/alerts/process.ts";
import type { AppContext } from "#app/context.ts";
import type { InboxHook } from "#store/inbox.ts";

const MIN_CLAIM = 32;

/**
 * Applies the alert inbox in the background: woken after each commit of new events (so an alert becomes an
 * incident within milliseconds), and polling every `pollMs` as a safety net (events left by a crash, or
 * committed by another replica). One batch at a time, in inbox order.
 */
export class AlertProcessor {
  #running = false;
  #again = false;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  #current: Promise<void> = Promise.resolve();
  #claim = MIN_CLAIM;
  /** Events applied since start; for metrics and tests. */
  processed = 0;
  lastCycleAt: Date | null = null;

  constructor(
    private readonly ctx: AppContext,
    private readonly options: {
      pollMs?: number;
      batchSize?: number;
      budgetMs?: number;
      singleProcess?: boolean;
      onAlertsResolved?: OnAlertsResolved;
      /** Pages due at once for the incidents a batch opened (the paging engine sends them). */
      onPagesDue?: (contactMethodIds: string[]) => void;
      /** Chat announcements are configured: the incidents a batch opens get theirs queued in it. */
      chat?: boolean;
    } = {},
  ) {}

  start(): void {
    this.#stopped = false;
    this.#schedule();
    this.wake();
  }

  /** Run now (or right after the cycle in progress). */
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
    try {
      do {
        this.#again = false;
        for (;;) {
          const n = await processInbox(this.ctx, this.#processOptions(this.#claim));
          // Claim about what the last batch managed in its time budget: rows claimed and not applied are
          // read again by the next batch, which on PGlite costs as much as applying the cheap ones.
          const max = this.options.batchSize ?? 500;
          this.#claim = Math.min(max, Math.max(MIN_CLAIM, n === this.#claim ? n * 2 : n + MIN_CLAIM));
          this.processed += n;
          this.lastCycleAt = this.ctx.clock.now();
          if (n === 0 || this.#stopped) break;
          // Let requests that arrived meanwhile run (and store their events) before the next batch.
          await new Promise((resolve) => setImmediate(resolve));
        }
      } while (this.#again && !this.#stopped);
    } catch (error) {
      // Storage down, most likely: the rows stay in the inbox and the next poll retries them.
      this.ctx.log.warn({ err: error }, "alert processing failed; retrying on the next poll");
    } finally {
      this.#running = false;
    }
  }

  #processOptions(batchSize: number): ProcessOptions {
    return {
      batchSize,
      onAlertsResolved: this.options.onAlertsResolved ?? "mitigating",
      ...(this.options.budgetMs ? { budgetMs: this.options.budgetMs } : {}),
      ...(this.options.singleProcess ? { singleProcess: true } : {}),
      ...(this.options.onPagesDue ? { onPagesDue: this.options.onPagesDue } : {}),
      ...(this.options.chat ? { chat: true } : {}),
    };
  }

  /**
   * The intake's group commit applies its events in its own transaction instead of storing them for a
   * second transaction to claim, apply and delete: events applied there are never written to the inbox,
   * and their senders, answered after that commit, know them stored (as alerts and incidents, not as inbox
   * rows). Older events waiting in the inbox are applied first, in the same transaction; when some remain,
   * or applying fails (that transaction rolled back, the batch stored in a new one), the batch is stored
   * and the processor, woken for it, applies it in order. Embedded storage only (one process, one
   * connection, every transaction in turn).
   */
  inline(): InboxHook {
    return {
      apply: async (tx, rows) => {
        if (this.#stopped) return { applied: 0 };
        // No time budget: every event not applied here is stored and applied later by the processor, so
        // stopping early would only add the inbox's round trip to it.
        const batch = await applyEventsWithin(this.ctx, tx, rows, {
          ...this.#processOptions(this.options.batchSize ?? 500),
          budgetMs: Number.POSITIVE_INFINITY,
        });
        return {
          applied: batch.applied,
          after: () => {
            this.processed += batch.count;
            this.lastCycleAt = this.ctx.clock.now();
            batch.announce();
            if (batch.more) this.wake();
          },
        };
      },
      failed: (error) => {
        this.ctx.log.warn(
          { err: error },
          "could not apply alert events with their commit; the processor will",
        );
        this.wake();
      },
    };
  }

  #schedule(): void {
    this.#timer = setInterval(() => this.wake(), this.options.pollMs ?? 1000);
    this.#timer.unref();
  }

  /** Waits until the inbox is empty (tests, and a drain before stopping). */
  async idle(): Promise<void> {
    await this.#current;
    this.wake();
    await this.#current;
  }

  /** Stops polling and finishes the batch in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#current;
  }
}
