import { type OnAlertsResolved, processInbox } from "#app/alerts/process.ts";
import type { AppContext } from "#app/context.ts";

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
          const n = await processInbox(this.ctx, {
            batchSize: this.#claim,
            onAlertsResolved: this.options.onAlertsResolved ?? "mitigating",
            ...(this.options.budgetMs ? { budgetMs: this.options.budgetMs } : {}),
            ...(this.options.singleProcess ? { singleProcess: true } : {}),
            ...(this.options.onPagesDue ? { onPagesDue: this.options.onPagesDue } : {}),
            ...(this.options.chat ? { chat: true } : {}),
          });
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
