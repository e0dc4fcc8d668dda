import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { formatHumanId } from "#domain/incident/human-id.ts";
import type { TimelineKind } from "#domain/incident/timeline.ts";
import type { Logger } from "./context.ts";

/**
 * What changed, announced after the change committed. Plain JSON, so that a feed shared between
 * processes (PostgreSQL LISTEN/NOTIFY, issue 11) can carry it unchanged. Listeners re-read what they show;
 * an event says only what to re-read.
 */
export type ChangeEvent =
  /**
   * An incident changed: `kind` is the (first) timeline event the change wrote, e.g. incident.status_changed.
   * `noJobs`: the change left no job due (the alert processor paged what it opened itself), so the job
   * engine need not look at its queue for it.
   */
  | { type: "incident"; id: string; kind: TimelineKind; at: string; noJobs?: true }
  /** The public status page's own configuration changed (components, maintenance, settings). */
  | { type: "status_page"; at: string }
  /**
   * What the alert path keeps for a few seconds changed: a service's alert settings, an integration, or a
   * maintenance window. Every process forgets its copies (app/alerts/process.ts, the intake's integrations).
   */
  | { type: "alert_sources"; at: string }
  /** Many things may have changed (e.g. a bulk load): re-read everything. */
  | { type: "reload"; at: string };

export type ChangeListener = (event: ChangeEvent) => void;

/** The change feed port of AppContext: use cases publish, the HTTP event stream subscribes. */
export interface ChangeFeed {
  publish(event: ChangeEvent): void;
  /** Returns the function that unsubscribes. */
  subscribe(listener: ChangeListener): () => void;
}

/**
 * The in-process feed: one EventEmitter. A listener that throws is logged and does not stop the others,
 * nor the use case that published.
 */
export class LocalChangeFeed implements ChangeFeed {
  readonly #emitter = new EventEmitter();
  #outbound: ((event: ChangeEvent) => void) | undefined;
  constructor(private readonly log?: Logger) {
    this.#emitter.setMaxListeners(0); // one per open browser tab; no leak warning at 11
  }

  publish(event: ChangeEvent): void {
    this.deliver(event);
    this.#outbound?.(event);
  }

  /** Hands every event published here to `send` as well (ChangeRelay: the other replicas). */
  relayTo(send: (event: ChangeEvent) => void): () => void {
    this.#outbound = send;
    return () => {
      if (this.#outbound === send) this.#outbound = undefined;
    };
  }

  /** Delivers to this process's listeners only (an event that came from another process). */
  deliver(event: ChangeEvent): void {
    for (const listener of this.#emitter.listeners("change") as ChangeListener[]) {
      try {
        listener(event);
      } catch (error) {
        this.log?.warn({ err: error, event: event.type }, "change listener failed");
      }
    }
  }

  subscribe(listener: ChangeListener): () => void {
    this.#emitter.on("change", listener);
    return () => {
      this.#emitter.off("change", listener);
    };
  }

  get listenerCount(): number {
    return this.#emitter.listenerCount("change");
  }
}

/** A feed nobody listens to: offline CLI commands, unit tests. */
export const noChangeFeed: ChangeFeed = {
  publish() {},
  subscribe: () => () => {},
};

/**
 * Announces that a use case changed an incident. Use cases call it once their withTransaction returned,
 * i.e. after the commit; a caller that runs a use case inside a transaction of its own should give it a
 * context whose feed holds events until that outer transaction commits.
 */
export function publishIncidentChange(
  events: ChangeFeed,
  incidentNumber: number,
  kind: TimelineKind,
  at: Date,
  opts: { noJobs?: boolean } = {},
): void {
  events.publish({
    type: "incident",
    id: formatHumanId(incidentNumber),
    kind,
    at: at.toISOString(),
    ...(opts.noJobs ? { noJobs: true as const } : {}),
  });
}

/** Announces a committed change to the status page's components, maintenance or settings. */
export function publishStatusPageChange(events: ChangeFeed, at: Date): void {
  events.publish({ type: "status_page", at: at.toISOString() });
}

/** How a ChangeRelay reaches the other processes (store/notify.ts: PostgreSQL NOTIFY). */
export interface ChangeTransport {
  /** Sends the payloads, in order (one round trip for all of them). */
  send(payloads: readonly string[]): Promise<void>;
  /** Largest payload the transport carries, in UTF-8 bytes. */
  maxBytes: number;
}

/**
 * Shares a LocalChangeFeed between the replicas of one installation (docs/operations.md "Replicas"): each
 * published event also goes out as `{"o": origin, "e": event}`; events that come in are delivered to local
 * listeners unless they carry this relay's own origin. An event too large for the transport goes out as a
 * "reload". Sends keep their order and never fail the use case that published (logged instead); what is
 * published while a send is in flight goes out together in the next one (one round trip, not one per change).
 */
export class ChangeRelay {
  /** Tells this process's events apart from the others' (one per relay, so per server). */
  readonly origin = randomUUID();
  received = 0;
  #queue: string[] = [];
  #flushing: Promise<void> | undefined;
  #detach: (() => void) | undefined;

  constructor(
    private readonly feed: LocalChangeFeed,
    private readonly transport: ChangeTransport,
    private readonly deps: { log: Logger; now: () => Date },
  ) {}

  start(): void {
    this.#detach = this.feed.relayTo((event) => {
      this.#queue.push(encodeRelayed(this.origin, event, this.transport.maxBytes));
      this.#flushing ??= this.#flush();
    });
  }

  async #flush(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, 100);
      try {
        await this.transport.send(batch);
      } catch (error) {
        this.deps.log.warn({ err: error, changes: batch.length }, "change not shared");
      }
    }
    this.#flushing = undefined;
  }

  /** A payload from the transport: delivered locally unless it is ours; malformed ones are dropped. */
  receive(payload: string): void {
    const event = decodeRelayed(payload, this.origin);
    if (!event) return;
    this.received++;
    this.feed.deliver(event);
  }

  /** The transport lost messages (its connection dropped): every local listener re-reads everything. */
  resync(): void {
    this.feed.deliver({ type: "reload", at: this.deps.now().toISOString() });
  }

  /** Stops sharing, once the sends in flight are done. */
  async stop(): Promise<void> {
    this.#detach?.();
    await this.#flushing;
  }
}

export function encodeRelayed(origin: string, event: ChangeEvent, maxBytes: number): string {
  const payload = JSON.stringify({ o: origin, e: event });
  if (Buffer.byteLength(payload) <= maxBytes) return payload;
  return JSON.stringify({ o: origin, e: { type: "reload", at: event.at } });
}

/** The event in a relayed payload; undefined when it is our own or not a relayed payload at all. */
export function decodeRelayed(payload: string, ownOrigin: string): ChangeEvent | undefined {
  let parsed: { o?: unknown; e?: { type?: unknown; at?: unknown; id?: unknown; kind?: unknown } };
  try {
    parsed = JSON.parse(payload);
  } catch {
    return undefined;
  }
  const e = parsed?.e;
  if (parsed?.o === ownOrigin || !e || typeof e.at !== "string") return undefined;
  if (e.type === "incident" && typeof e.id === "string" && typeof e.kind === "string")
    return { type: "incident", id: e.id, kind: e.kind as TimelineKind, at: e.at };
  if (e.type === "status_page" || e.type === "alert_sources") return { type: e.type, at: e.at };
  // A reload, or a kind of change this build does not know (a newer replica's): re-read everything.
  return { type: "reload", at: e.at };
}
