/**
 * The outbound heartbeat (a dead man's switch, `monitoring.heartbeatUrl`): while Foghorn is healthy it
 * calls an outside URL every interval (Healthchecks.io, Dead Man's Snitch, a Cronitor or Uptime Kuma push
 * monitor). When Foghorn dies, hangs, loses its database or its engine stops cycling, the calls stop and
 * the outside system pages someone through a channel that does not depend on Foghorn.
 */
import type { Logger } from "#app/context.ts";
import { type EngineProbe, engineProblem } from "#app/system/engine-health.ts";
import type { Clock } from "#domain/time.ts";

/** What one beat did. */
export type BeatOutcome = "sent" | "unhealthy" | "failed";

export interface OutboundHeartbeatOptions {
  url: string;
  method?: "GET" | "POST";
  intervalMs: number;
  clock: Clock;
  log: Logger;
  /** Resolves undefined when Foghorn can do its work, else the reason it cannot (no beat is sent then). */
  health(): Promise<string | undefined>;
  /** How long one call may take; by default the interval, between 1 s and 10 s. */
  timeoutMs?: number;
  /** Sent as the JSON body of a POST. */
  version?: string;
  fetch?: typeof fetch;
}

export class OutboundHeartbeat {
  sent = 0;
  failed = 0;
  skipped = 0;
  lastSentAt: Date | null = null;
  #timer: NodeJS.Timeout | undefined;
  #stopped = true;
  #current: Promise<unknown> = Promise.resolve();
  #lastProblem: string | undefined;

  constructor(private readonly options: OutboundHeartbeatOptions) {}

  /** Beats now, then every interval, until stop(). */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    const tick = () => {
      if (this.#stopped) return;
      this.#current = this.beatOnce().finally(() => {
        if (this.#stopped) return;
        this.#timer = setTimeout(tick, this.options.intervalMs);
        this.#timer.unref();
      });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#current.catch(() => {});
  }

  /** Checks health and, when healthy, calls the URL once. Tests on a manual clock call this directly. */
  async beatOnce(): Promise<BeatOutcome> {
    const { log, url } = this.options;
    const target = redact(url);
    let problem: string | undefined;
    try {
      problem = await this.options.health();
    } catch (error) {
      problem = (error as Error).message;
    }
    if (problem !== undefined) {
      this.skipped++;
      if (problem !== this.#lastProblem)
        log.warn(
          { heartbeatUrl: target, reason: problem },
          `not healthy: outbound heartbeat withheld (${problem})`,
        );
      this.#lastProblem = problem;
      return "unhealthy";
    }
    if (this.#lastProblem !== undefined)
      log.info({ heartbeatUrl: target }, "healthy again: outbound heartbeat resumed");
    this.#lastProblem = undefined;
    const method = this.options.method ?? "GET";
    const now = this.options.clock.now();
    try {
      const response = await (this.options.fetch ?? fetch)(url, {
        method,
        signal: AbortSignal.timeout(
          this.options.timeoutMs ?? Math.min(10_000, Math.max(1000, this.options.intervalMs)),
        ),
        ...(method === "POST"
          ? {
              headers: { "content-type": "application/json" },
              body: JSON.stringify({
                status: "ok",
                service: "foghorn",
                version: this.options.version,
                at: now,
              }),
            }
          : {}),
      });
      await response.arrayBuffer().catch(() => {});
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      this.sent++;
      this.lastSentAt = now;
      return "sent";
    } catch (error) {
      this.failed++;
      const why = (error as Error).name === "TimeoutError" ? "no answer in time" : (error as Error).message;
      log.warn({ heartbeatUrl: target, err: why }, `outbound heartbeat failed: ${why}`);
      return "failed";
    }
  }
}

export interface FoghornHealthDeps {
  /** The storage's liveness probe (Database.ping). */
  ping(): Promise<void>;
  /** The engine's runners, judged by the same rule as /readyz (app/system/engine-health.ts). */
  engine: EngineProbe;
}

/** Healthy = the database answers and the engine is not stuck: what /readyz checks, by the same rule. */
export function foghornHealth(deps: FoghornHealthDeps): () => Promise<string | undefined> {
  return async () => {
    try {
      await deps.ping();
    } catch (error) {
      return `database unreachable: ${(error as Error).message}`;
    }
    return engineProblem(deps.engine);
  };
}

/** The URL without credentials or query (heartbeat URLs often carry a secret in the path or query). */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/[^/]{12,}/g, "…")}`;
  } catch {
    return "(invalid URL)";
  }
}
