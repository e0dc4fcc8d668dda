import type { AppContext } from "#app/context.ts";
import { refreshRollups } from "#app/metrics/rollup.ts";

/**
 * Keeps the metric rollups current: refreshRollups every `everyMs` (10 s), so a report seldom has anything
 * to recompute and a policy change or a fresh install is rebuilt in the background. A refresh still running
 * when the next is due is not started twice; several processes on one PostgreSQL share the work through
 * the rollups' advisory lock.
 */
export class MetricsRollups {
  #timer: NodeJS.Timeout | undefined;
  #busy: Promise<void> | null = null;
  #stopped = false;
  #lastRefreshAt = 0;

  constructor(
    private readonly ctx: AppContext,
    private readonly everyMs = 10_000,
    private readonly options: {
      /**
       * True while paging work is flowing (e.g. the alert processor applied events since the last tick):
       * the tick then waits, at most `maxDeferMs`, so that on PGlite's one connection a rebuild of today's
       * rollups never delays a page. Reports still refresh what they read, so nothing reads stale.
       */
      deferWhile?: () => boolean;
      maxDeferMs?: number;
    } = {},
  ) {}

  start(): void {
    this.#stopped = false;
    // The first refresh soon after start-up (a new install or a changed policy has a backlog).
    const first = setTimeout(() => void this.#refresh(), Math.min(1000, this.everyMs));
    first.unref();
    this.#timer = setInterval(() => void (this.#busy ?? this.#tick()), this.everyMs);
    this.#timer.unref();
  }

  #tick(): Promise<void> {
    const deferred = performance.now() - this.#lastRefreshAt < (this.options.maxDeferMs ?? 60_000);
    if (deferred && this.options.deferWhile?.()) return Promise.resolve();
    return this.#refresh();
  }

  /** One refresh that starts after this call (tests call it after moving a manual clock). */
  async runOnce(): Promise<void> {
    while (this.#busy) await this.#busy;
    await this.#refresh();
  }

  #refresh(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    this.#busy ??= (async () => {
      try {
        const started = performance.now();
        this.#lastRefreshAt = started;
        const { days } = await refreshRollups(this.ctx);
        if (days > 0)
          this.ctx.log.debug(
            { days, ms: Math.round(performance.now() - started) },
            "metric rollups refreshed",
          );
      } catch (error) {
        if (!this.#stopped)
          this.ctx.log.warn({ err: error }, "metric rollup refresh failed; retrying on the next tick");
      } finally {
        this.#busy = null;
      }
    })();
    return this.#busy;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#busy;
  }
}
