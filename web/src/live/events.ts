import { useEffect, useRef, useSyncExternalStore } from "react";
import type { LiveEvent } from "../api/types.ts";

// One EventSource on GET /api/v1/events for the whole page, shared by every subscriber. The browser
// reconnects by itself after a network error; after an HTTP error it gives up (readyState CLOSED), so we
// reopen with backoff. After any reconnect subscribers get {type: "reload"}: they may have missed events.

export type LiveStatus = "idle" | "connecting" | "open" | "lost";

type Listener = (event: LiveEvent) => void;

const listeners = new Set<Listener>();
/** Status page changes (components, maintenance, settings: `status_page` on the stream). */
const statusPageListeners = new Set<() => void>();
const statusListeners = new Set<() => void>();
let status: LiveStatus = "idle";
let source: EventSource | null = null;
let retryTimer: number | undefined;
let retries = 0;
let hadConnection = false;
let lostSince: number | null = null;

function setStatus(next: LiveStatus): void {
  if (status === next) return;
  status = next;
  lostSince = next === "lost" ? Date.now() : null;
  for (const l of statusListeners) l();
}

function emit(event: LiveEvent): void {
  for (const l of listeners) l(event);
}

function connected(): void {
  retries = 0;
  const reconnect = hadConnection && status !== "open";
  hadConnection = true;
  setStatus("open");
  if (reconnect) emit({ type: "reload" });
}

function parse(data: string): LiveEvent | null {
  try {
    const value = JSON.parse(data) as Partial<LiveEvent> & { id?: unknown };
    if (value.type === "reload") return { type: "reload" };
    if (value.type === "incident" && typeof value.id === "string") {
      return {
        type: "incident",
        id: value.id,
        kind: typeof value.kind === "string" ? value.kind : "",
        at: typeof value.at === "string" ? value.at : "",
      };
    }
  } catch {
    // ignore malformed events
  }
  return null;
}

function open(): void {
  window.clearTimeout(retryTimer);
  retryTimer = undefined;
  if (status !== "lost") setStatus("connecting");
  const es = new EventSource("/api/v1/events", { withCredentials: true });
  source = es;
  es.addEventListener("open", connected);
  es.addEventListener("hello", connected);
  const onData = (message: MessageEvent<string>) => {
    const event = parse(message.data);
    if (event) emit(event);
  };
  es.addEventListener("incident", onData);
  es.addEventListener("reload", () => emit({ type: "reload" }));
  es.addEventListener("status_page", () => {
    for (const l of statusPageListeners) l();
  });
  es.addEventListener("message", onData);
  es.addEventListener("error", () => {
    if (source !== es) return;
    setStatus("lost");
    if (es.readyState === EventSource.CLOSED) {
      es.close();
      source = null;
      const delay = Math.min(30_000, 1000 * 2 ** retries) * (0.75 + Math.random() * 0.5);
      retries += 1;
      retryTimer = window.setTimeout(open, delay);
    }
  });
}

function close(): void {
  window.clearTimeout(retryTimer);
  retryTimer = undefined;
  source?.close();
  source = null;
  setStatus("idle");
}

/** Starts the shared stream (once signed in); stop() ends it on sign-out. */
export const liveStream = {
  start(): void {
    if (!source && retryTimer === undefined) open();
  },
  stop(): void {
    close();
    hadConnection = false;
  },
  /** Reconnect now (e.g. when the tab becomes visible again after the stream was lost). */
  retryNow(): void {
    if (status === "lost" && !source) open();
  },
};

/** The stream's state, for the "connection lost" banner. */
export function useLiveStatus(): { status: LiveStatus; lostSince: number | null } {
  const s = useSyncExternalStore(
    (l) => {
      statusListeners.add(l);
      return () => statusListeners.delete(l);
    },
    () => status,
  );
  return { status: s, lostSince };
}

/** Calls `handler` for every live event while the component is mounted. */
export function useLiveEvents(handler: (event: LiveEvent) => void): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    const listener: Listener = (event) => ref.current(event);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
}

/** Calls `handler` whenever the status page's components, maintenance or settings change. */
export function useStatusPageEvents(handler: () => void): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    const listener = () => ref.current();
    statusPageListeners.add(listener);
    return () => {
      statusPageListeners.delete(listener);
    };
  }, []);
}

if (typeof document !== "undefined") {
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") liveStream.retryNow();
  });
  window.addEventListener("online", () => liveStream.retryNow());
}
