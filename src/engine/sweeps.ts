import { type Prober, runDueHealthChecks } from "#app/alerts/health-checks.ts";
import { checkHeartbeats } from "#app/alerts/heartbeats.ts";
import type { AlertIntake } from "#app/alerts/intake.ts";
import type { AppContext } from "#app/context.ts";

/**
 * The periodic work of alert sources: missed heartbeats and due health checks, every `everyMs`. A sweep that
 * is still running when the next is due is skipped, never run twice at once.
 */
export class AlertSweeps {
  #timer: NodeJS.Timeout | undefined;
  #busy: Promise<void> | null = null;

  constructor(
    private readonly ctx: AppContext,
    private readonly intake: AlertIntake,
    private readonly probe: Prober,
    private readonly everyMs = 1000,
  ) {}

  start(): void {
    // A tick while a sweep is still running is skipped.
    this.#timer = setInterval(() => void (this.#busy ?? this.#sweep()), this.everyMs);
    this.#timer.unref();
  }

  /**
   * One sweep that starts after this call (tests call it after moving a manual clock): a sweep already
   * running read the clock before, so it is waited for, then a new one runs.
   */
  async runOnce(): Promise<void> {
    while (this.#busy) await this.#busy;
    await this.#sweep();
  }

  #sweep(): Promise<void> {
    this.#busy ??= (async () => {
      try {
        await checkHeartbeats(this.ctx, this.intake);
        await runDueHealthChecks(this.ctx, this.intake, this.probe);
      } catch (error) {
        this.ctx.log.warn({ err: error }, "alert sweep failed; retrying on the next one");
      } finally {
        this.#busy = null;
      }
    })();
    return this.#busy;
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#busy;
  }
}
