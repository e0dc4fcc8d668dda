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
  /** An incident changed: `kind` is the (first) timeline event the change wrote, e.g. incident.status_changed. */
  | { type: "incident"; id: string; kind: TimelineKind; at: string }
  /** The public status page's own configuration changed (components, maintenance, settings). */
  | { type: "status_page"; at: string }
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
  constructor(private readonly log?: Logger) {
    this.#emitter.setMaxListeners(0); // one per open browser tab; no leak warning at 11
  }

  publish(event: ChangeEvent): void {
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
): void {
  events.publish({ type: "incident", id: formatHumanId(incidentNumber), kind, at: at.toISOString() });
}

/** Announces a committed change to the status page's components, maintenance or settings. */
export function publishStatusPageChange(events: ChangeFeed, at: Date): void {
  events.publish({ type: "status_page", at: at.toISOString() });
}
