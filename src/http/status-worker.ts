/**
 * A status worker process (http/status-workers.ts): holds the snapshot the main process sends after each
 * rebuild and serves the status page connections it is handed, raw (http/status-wire.ts); a request that
 * is not the status page's goes back to the main process with its connection. No Fastify, and a database
 * connection only on PostgreSQL, to store alert events (app/alerts/worker-intake.ts): it starts in a few
 * milliseconds and stays small. It exits when the main process asks or goes away.
 */
import type { Socket } from "node:net";
import type { WorkerIntake } from "#app/alerts/worker-intake.ts";
import type { Logger } from "#app/context.ts";
import { StatusPageCache } from "#app/status-page/cache.ts";
import { type RawIngestEvent, rawIngestPost, rawPostLimit } from "./raw-ingest.ts";
import { serveStatusConnection } from "./status-wire.ts";
import type { FromWorker, ToWorker } from "./status-workers.ts";

const send = (message: FromWorker, handle?: Socket) =>
  process.send?.(message, handle, {}, (error: Error | null) => {
    if (error && handle) handle.destroy();
  });

/** Warnings and errors to stderr as JSON lines, like the main process's log (which shares the stream). */
const log: Logger = {
  info: () => {},
  debug: () => {},
  warn: (obj, msg) => writeLine(40, obj, msg),
  error: (obj, msg) => writeLine(50, obj, msg),
};
function writeLine(level: number, obj: object | string, msg?: string): void {
  const fields = typeof obj === "string" ? { msg: obj } : { ...obj, msg: `status worker: ${msg ?? ""}` };
  process.stderr.write(`${JSON.stringify({ level, time: Date.now(), pid: process.pid, ...fields })}\n`);
}
const cache = StatusPageCache.forReplica(log, { now: () => new Date() });
const trustProxy = process.env.FOGHORN_STATUS_WORKER_TRUST_PROXY === "1";
const keepAliveMs = Number(process.env.FOGHORN_STATUS_WORKER_KEEP_ALIVE_MS) || 5_000;
const bodyLimit = Number(process.env.FOGHORN_STATUS_WORKER_BODY_LIMIT) || 0;
const open = new Set<Socket>();

// Alert webhooks: read and validated here, then stored, each answered 202 only after its commit. On
// PostgreSQL (a database URL given) this process stores the events of integrations without a rate limit
// itself and reports them to the main process; the others, and all of them on PGlite (the database lives
// in the main process), go to the main process, which answers when each is committed.
const databaseUrl = process.env.FOGHORN_STATUS_WORKER_DATABASE_URL;
const direct: Promise<WorkerIntake | undefined> | undefined = databaseUrl
  ? import("#app/alerts/worker-intake.ts")
      .then(({ openWorkerIntake }) =>
        openWorkerIntake({
          databaseUrl,
          defaultRateLimitPerMinute: Number(process.env.FOGHORN_STATUS_WORKER_RATE_LIMIT) || 0,
          maxQueuedEvents: Number(process.env.FOGHORN_STATUS_WORKER_MAX_QUEUED) || 20_000,
          onCommitted: () => report({ wake: true }),
        }),
      )
      .catch((error: unknown) => {
        log.warn({ err: error }, "alert events go to the main process: the database could not be opened");
        return undefined;
      })
  : undefined;
// What this process stored, told to the main process once a tick (request metrics, waking the processor).
let stored: [kind: RawIngestEvent["kind"], seconds: number][] = [];
let wake = false;
let reportQueued = false;
const report = (what: { stored?: [RawIngestEvent["kind"], number]; wake?: boolean }) => {
  if (what.stored) stored.push(what.stored);
  if (what.wake) wake = true;
  if (reportQueued) return;
  reportQueued = true;
  setImmediate(() => {
    reportQueued = false;
    if (process.connected) send({ type: "ingested", stored, wake });
    stored = [];
    wake = false;
  });
};
let nextId = 0;
const waiting = new Map<number, (stored: boolean) => void>();
// The events read in one tick go in one message (IPC costs per message, and a burst reads many per tick).
let unsent: [id: number, raw: RawIngestEvent][] = [];
const sendUnsent = () => {
  const events = unsent;
  unsent = [];
  if (process.connected) send({ type: "ingest", events });
  else for (const [id] of events) settle(id, false);
};
const settle = (id: number, stored: boolean) => {
  waiting.get(id)?.(stored);
  waiting.delete(id);
};
const store = async (raw: RawIngestEvent): Promise<boolean> => {
  const intake = await direct;
  if (intake && !stopping) {
    const started = performance.now();
    const done = await intake.store(raw.key, raw.kind, raw.event, raw.dedupKey);
    if (done) report({ stored: [raw.kind, (performance.now() - started) / 1000] });
    if (done !== undefined) return done;
  }
  return viaMain(raw);
};
const viaMain = (raw: RawIngestEvent): Promise<boolean> => {
  if (!process.connected) return Promise.resolve(false);
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    if (unsent.length === 0) setImmediate(sendUnsent);
    unsent.push([id, raw]);
  });
};
const post =
  bodyLimit > 0 ? { post: rawIngestPost(bodyLimit, store), maxPostBytes: rawPostLimit(bodyLimit) } : {};
let ready = false;
let stopping = false;

// Answers are counted in the main process's metrics: sent four times a second when there were any.
let counts: Record<number, number> = {};
setInterval(() => {
  if (Object.keys(counts).length === 0) return;
  send({ type: "answered", counts });
  counts = {};
}, 250).unref();

process.on("message", (message: ToWorker, handle: unknown) => {
  if (message.type === "snapshot") {
    cache.adopt(message.snapshot);
    if (!ready) {
      ready = true;
      send({ type: "ready" });
    }
  } else if (message.type === "connection" && handle) {
    const socket = handle as Socket;
    if (stopping) {
      socket.destroy();
      return;
    }
    open.add(socket);
    socket.once("close", () => open.delete(socket));
    serveStatusConnection(socket, Buffer.from(message.unread), {
      lookup: (host, url, headers) => cache.lookup(host, url, headers),
      trustProxy,
      keepAliveMs,
      ...post,
      onAnswer: (status) => {
        counts[status] = (counts[status] ?? 0) + 1;
      },
      handOff: (s, unread) => {
        open.delete(s);
        send({ type: "handback", unread }, s);
      },
    });
  } else if (message.type === "stored") for (const [id, ok] of message.results) settle(id, ok);
  else if (message.type === "forget") void direct?.then((intake) => intake?.forget());
  else if (message.type === "stop") stop();
});
// The main process went away (crashed or stopped without asking): nothing left to serve for.
process.on("disconnect", () => stop());

function stop(): void {
  if (stopping) return;
  stopping = true;
  // Events whose commit was never confirmed are not answered: their senders retry them.
  for (const resolve of waiting.values()) resolve(false);
  waiting.clear();
  if (Object.keys(counts).length > 0 && process.connected) send({ type: "answered", counts });
  // Each keep-alive connection ends after the answers already written; none is cut mid-response.
  for (const socket of open) socket.end();
  setTimeout(() => process.exit(0), 200).unref();
  void direct?.then((intake) => intake?.close()).catch(() => {});
  // On a later turn: a "stop" that arrived before the message listener was attached is emitted by node from
  // a loop that touches the channel after each message (node 20's child_process), which throws once the
  // channel is gone, and the worker then dies with a TypeError instead of exiting.
  setImmediate(() => {
    if (process.connected) process.disconnect?.();
  });
}
