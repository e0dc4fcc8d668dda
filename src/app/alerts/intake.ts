import type { AlertEvent, ChangeEvent } from "#domain/alert/event.ts";
import type { Clock } from "#domain/time.ts";
import { findIntegrationByKey, type IntegrationRow } from "#store/alerts.ts";
import type { Db } from "#store/db.ts";
import {
  enqueueInbox,
  type InboxHook,
  type InboxInsert,
  inboxQueueLength,
  SerializedEvent,
} from "#store/inbox.ts";
import { AppError } from "../errors.ts";
import { TokenBucket } from "./rate-limit.ts";

export interface IntakeOptions {
  /** Events per minute per integration when the integration sets none; 0 = unlimited. */
  defaultRateLimitPerMinute: number;
  /** Accepted events still waiting for their commit above which new ones are refused (503, retry later). */
  maxQueuedEvents: number;
  /** Called after events committed: wakes the processor. */
  onCommitted?: () => void;
  /** Applies the events in their group commit instead of storing them (embedded storage: AlertProcessor.inline). */
  applyWithin?: InboxHook;
  /**
   * Counts identical repeats on their open alerts in the group commit instead of storing them for the
   * processor (PostgreSQL: store/inbox.ts insertInboxRows).
   */
  countRepeats?: boolean;
}

/** A source of alerts as the intake sees it: an integration, or a health check. */
export interface AlertSource {
  id: string;
  kind: string;
  serviceId: string;
  rateLimitPerMinute: number | null;
}

/** Refusals a transport maps to its own wire format (PagerDuty's 429, Alertmanager's 503). */
export class RateLimitedError extends AppError {
  constructor(
    readonly retryAfterSeconds: number,
    limit: number,
  ) {
    super(
      "UNAVAILABLE",
      `More than ${limit} events per minute for this integration; retry in ${retryAfterSeconds} s`,
      [],
      {
        retry_after: retryAfterSeconds,
      },
    );
  }
}

export function unavailable(detail: string, retryAfterSeconds = 5): AppError {
  return new AppError("UNAVAILABLE", detail, [], { retry_after: retryAfterSeconds });
}

const CACHE_MS = 30_000;

/**
 * The front door for events: finds the integration of a routing key, applies its rate limit, and stores the
 * events durably (group commit). Resolves only after the commit: the caller answers 2xx then, never before.
 */
export class AlertIntake {
  readonly #byKey = new Map<string, { row: IntegrationRow | null; until: number }>();
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly options: IntakeOptions,
  ) {}

  /** The integration with this routing key; NOT_FOUND (with what to check) when there is none. */
  async integration(routingKey: string, kinds?: readonly string[]): Promise<IntegrationRow> {
    const now = this.clock.now().getTime();
    let cached = this.#byKey.get(routingKey);
    if (!cached || cached.until < now) {
      let row: IntegrationRow | undefined;
      try {
        row = /^[A-Za-z0-9_-]{1,64}$/.test(routingKey)
          ? await findIntegrationByKey(this.db, routingKey)
          : undefined;
      } catch (error) {
        throw unavailable(`Storage is unavailable (${(error as Error).message}); retry later`);
      }
      cached = { row: row ?? null, until: now + (row ? CACHE_MS : 2_000) };
      this.#byKey.set(routingKey, cached);
    }
    if (!cached.row)
      throw new AppError(
        "NOT_FOUND",
        "No integration has this routing key; copy the key (or URL) that `foghorn integration create` or the service's page printed",
      );
    if (kinds && !kinds.includes(cached.row.kind))
      throw new AppError(
        "NOT_FOUND",
        `This routing key belongs to a ${cached.row.kind} integration; send to the URL that integration shows, or create a ${kinds.join(" or ")} integration`,
      );
    return cached.row;
  }

  /** Forget cached integrations (after one is changed or deleted). */
  forget(routingKey?: string): void {
    if (routingKey) this.#byKey.delete(routingKey);
    else this.#byKey.clear();
  }

  /** Stores alert events of one source; resolves after they committed. */
  accept(source: AlertSource, events: readonly AlertEvent[]): Promise<void> {
    return this.#store(
      source,
      events.map((event) => ({ kind: "alert" as const, event })),
    );
  }

  /**
   * Stores one alert event given as its JSON text (an AlertEvent serialised by a status worker that
   * validated it) and its dedup key; resolves after it committed.
   */
  acceptSerialized(source: AlertSource, json: string, dedupKey: string): Promise<void> {
    return this.#store(source, [{ kind: "alert", event: new SerializedEvent(json, dedupKey) }]);
  }

  acceptChange(source: AlertSource, change: ChangeEvent): Promise<void> {
    return this.#store(source, [{ kind: "change", event: change }]);
  }

  async #store(source: AlertSource, items: { kind: "alert" | "change"; event: unknown }[]): Promise<void> {
    this.#checkRate(source, items.length);
    if (inboxQueueLength(this.db) > this.options.maxQueuedEvents)
      throw unavailable("Foghorn is busy storing earlier events; retry in a few seconds", 2);
    const receivedAt = this.clock.now();
    const rows: InboxInsert[] = items.map((item) => ({
      sourceId: source.id,
      sourceKind: source.kind,
      serviceId: source.serviceId,
      kind: item.kind,
      event: item.event,
      receivedAt,
    }));
    let stored: number;
    try {
      stored = await enqueueInbox(this.db, rows, {
        within: this.options.applyWithin,
        countRepeats: this.options.countRepeats ?? false,
      });
    } catch (error) {
      throw unavailable(
        `Storage is unavailable (${(error as Error).message}); nothing was stored, retry later`,
      );
    }
    // After this turn: the sender's 202 is written first, then the processor (on PGlite its statements run
    // on this thread) starts applying the event. Not woken when the group commit stored nothing for it.
    const onCommitted = this.options.onCommitted;
    if (onCommitted && stored > 0) setImmediate(onCommitted);
  }

  #checkRate(source: AlertSource, n: number): void {
    const limit = source.rateLimitPerMinute ?? this.options.defaultRateLimitPerMinute;
    if (limit <= 0) return;
    let bucket = this.#buckets.get(source.id);
    if (!bucket || bucket.capacity !== limit) {
      bucket = new TokenBucket(limit, limit / 60_000);
      this.#buckets.set(source.id, bucket);
    }
    const wait = bucket.take(n, this.clock.now().getTime());
    if (wait > 0) throw new RateLimitedError(Math.max(1, Math.ceil(wait / 1000)), limit);
  }
}
