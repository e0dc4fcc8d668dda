/**
 * The status page from more than one core. Node 20 cannot share a listening port between processes on
 * its own terms (no `reusePort`), and PGlite lives in one process, so the main process keeps accepting
 * every connection and looks at its first request: a connection that opens with a status page GET is
 * served by a status worker process (or, in its turn, by this process) with the raw server of
 * http/status-wire.ts; every other connection goes to node:http and Fastify as before. A worker holds the
 * same snapshot (sent to it after every rebuild) and hands a connection back when a request on it is
 * not the status page's (a browser posting the subscribe form on the same keep-alive connection).
 *
 * Workers are `server.statusWorkers` child processes (forked with IPC; the socket's file descriptor is
 * passed over it). One that dies is started again after a second; meanwhile its share is served here.
 */
import { type ChildProcess, fork } from "node:child_process";
import type { Server } from "node:http";
import type { Socket } from "node:net";
import type { Logger } from "#app/context.ts";
import type { ReplicaSnapshot, StatusPageCache } from "#app/status-page/cache.ts";
import { isIngestPath, type RawIngestEvent, rawIngestPost, rawPostLimit } from "./raw-ingest.ts";
import { requestHost } from "./routes/status-page.ts";
import { readRequestHead, serveStatusConnection } from "./status-wire.ts";

/** Messages from the main process to a worker. */
export type ToWorker =
  | { type: "snapshot"; snapshot: ReplicaSnapshot }
  | { type: "connection"; unread: Uint8Array }
  /** Whether each event of an `ingest` message was committed, by id (all answers of one tick together). */
  | { type: "stored"; results: [id: number, stored: boolean][] }
  /** An integration changed: forget the cached ones (workers that store their own events). */
  | { type: "forget" }
  | { type: "stop" };

/** Messages from a worker to the main process. */
export type FromWorker =
  | { type: "ready" }
  | { type: "answered"; counts: Record<number, number> }
  | { type: "handback"; unread: Uint8Array }
  /** The events a worker read in one tick: one message for all of them (IPC costs per message). */
  | { type: "ingest"; events: [id: number, raw: RawIngestEvent][] }
  /**
   * The events a worker stored itself in one tick (kind, seconds from read to commit), and whether a
   * commit left events for the processor.
   */
  | { type: "ingested"; stored: [kind: RawIngestEvent["kind"], seconds: number][]; wake: boolean };

export interface StatusWorkersOptions {
  /** The worker's entry (dist/http/status-worker.mjs, or src/http/status-worker.ts under tsx). */
  entry: URL;
  count: number;
  trustProxy: boolean;
  log: Logger;
  /** Node flags for the workers (tsx's loader in development). */
  execArgv?: string[];
  /** The HTTP server's keepAliveTimeout, which the workers apply too. */
  keepAliveMs?: number;
  /**
   * Alert webhooks (http/raw-ingest.ts) are taken raw too, here and in the workers, when given: `store`
   * commits an event in this process (the workers send theirs over IPC, unless `direct`); bodyLimit is
   * server.bodyLimitBytes.
   */
  ingest?: {
    store: (raw: RawIngestEvent) => Promise<boolean>;
    bodyLimit: number;
    /** Counts an event stored raw (the request metrics), here or in a worker. */
    onStored?: (kind: RawIngestEvent["kind"], seconds: number) => void;
    /**
     * PostgreSQL: the workers store the events of integrations without a rate limit themselves, through
     * connections of their own (app/alerts/worker-intake.ts), and `onCommitted` wakes the processor.
     */
    direct?: {
      databaseUrl: string;
      defaultRateLimitPerMinute: number;
      maxQueuedEvents: number;
      onCommitted: () => void;
    };
  };
}

interface Worker {
  child: ChildProcess;
  ready: boolean;
  /** Commit answers not yet sent: sent together at the end of the tick. */
  stored: [id: number, stored: boolean][];
}

/** How long a new connection may take to send its first request head before node:http gets it as is. */
const FIRST_HEAD_WAIT_MS = 10_000;

/**
 * Routes `server`'s connections: those opening with a status page request are served raw, in turn by
 * each ready worker and by this process; all others reach node:http untouched. Returns the pool.
 */
export function routeStatusConnections(
  server: Server,
  cache: StatusPageCache,
  options: StatusWorkersOptions,
): StatusWorkers {
  const workers = new StatusWorkers(cache, { ...options, keepAliveMs: server.keepAliveTimeout });
  const ingest = options.ingest;
  const listeners = server.listeners("connection") as ((socket: Socket) => void)[];
  server.removeAllListeners("connection");
  const toHttp = (socket: Socket, unread: Buffer) => {
    if (unread.length > 0) socket.unshift(unread);
    for (const listener of listeners) listener.call(server, socket);
    socket.resume();
  };
  workers.onHandBack = toHttp;
  const serveHere = (socket: Socket, unread: Buffer) => {
    // node:http does not know these connections: stop() ends them, or closing the server would wait
    // for their keep-alive timeout.
    workers.local.add(socket);
    socket.once("close", () => workers.local.delete(socket));
    serveStatusConnection(socket, unread, {
      lookup: (host, url, headers) => cache.lookup(host, url, headers),
      trustProxy: options.trustProxy,
      keepAliveMs: server.keepAliveTimeout,
      ...(ingest
        ? {
            post: rawIngestPost(ingest.bodyLimit, (raw) => workers.storeRaw(raw)),
            maxPostBytes: rawPostLimit(ingest.bodyLimit),
          }
        : {}),
      handOff: (handed, rest) => {
        workers.local.delete(handed);
        toHttp(handed, rest);
      },
    });
  };
  server.on("connection", (socket: Socket) => {
    let read: Buffer = Buffer.alloc(0);
    const stopWatching = () => {
      socket.off("data", onData);
      socket.off("end", onEnd);
      socket.off("error", onError);
      clearTimeout(timer);
      socket.pause();
    };
    const onData = (chunk: Buffer) => {
      read = read.length === 0 ? chunk : Buffer.concat([read, chunk]);
      const head = readRequestHead(read);
      if (head === "incomplete") return;
      stopWatching();
      if (head === "other") return toHttp(socket, read);
      const alerts = head.method === "POST" && ingest !== undefined && isIngestPath(head.url);
      const status =
        head.method !== "POST" &&
        head.contentLength === undefined &&
        cache.isStatusRequest(requestHost(head.headers, options.trustProxy), head.url);
      if (!alerts && !status) return toHttp(socket, read);
      // Alert senders go to the workers while there are any: this process owns the store (on PGlite the
      // database runs on its thread) and applies the events, so it reads and validates none itself.
      if (!workers.take(socket, read, alerts)) serveHere(socket, read);
    };
    // Closed or broken before a whole request head arrived: nothing to answer.
    const onEnd = () => {
      stopWatching();
      socket.destroy();
    };
    const onError = onEnd;
    // A client slow to send its first head: node:http takes it as it is (and applies its own timeouts).
    const timer = setTimeout(() => {
      stopWatching();
      toHttp(socket, read);
    }, FIRST_HEAD_WAIT_MS);
    timer.unref();
    socket.on("data", onData);
    socket.on("end", onEnd);
    socket.on("error", onError);
  });
  return workers;
}

/** The worker processes: started, fed snapshots, given connections in turn with this process. */
export class StatusWorkers {
  readonly #workers: Worker[] = [];
  #turn = 0;
  #stopping = false;
  /** Status connections this process serves itself (raw). */
  readonly local = new Set<Socket>();
  /** Answers the workers gave (they report every 250 ms). */
  answered = 0;
  #unsubscribe: (() => void) | undefined;
  /** Alert events taken by the raw path (here or in a worker) and stored. */
  rawEvents = 0;

  /** Stores an event the raw path read (here, or in a worker: sent over IPC); false: node:http must answer. */
  async storeRaw(raw: RawIngestEvent): Promise<boolean> {
    const store = this.options.ingest?.store;
    if (!store) return false;
    const started = performance.now();
    const stored = await store(raw);
    if (stored) this.#counted(raw.kind, (performance.now() - started) / 1000);
    return stored;
  }

  #counted(kind: RawIngestEvent["kind"], seconds: number): void {
    this.rawEvents++;
    this.options.ingest?.onStored?.(kind, seconds);
  }

  /** An integration changed: workers that store their own events forget the ones they cached. */
  forgetIntegrations(): void {
    if (this.options.ingest?.direct) for (const w of this.#workers) this.#send(w, { type: "forget" });
  }

  /** Connections a worker gave back (a request on it was not the status page's). */
  onHandBack: (socket: Socket, unread: Buffer) => void = (socket) => socket.destroy();

  constructor(
    private readonly cache: StatusPageCache,
    private readonly options: StatusWorkersOptions,
  ) {}

  /** Forks the workers; each takes connections once it holds the current snapshot. */
  start(): void {
    this.#unsubscribe = this.cache.onInstall((snapshot) => {
      for (const w of this.#workers) this.#send(w, { type: "snapshot", snapshot });
    });
    for (let i = 0; i < this.options.count; i++) this.#fork(i);
  }

  /** The workers' process ids (running or not). */
  get pids(): number[] {
    return this.#workers.flatMap((w) => (w.child.pid === undefined ? [] : [w.child.pid]));
  }

  /** How many workers are taking connections. */
  get ready(): number {
    return this.#workers.filter((w) => w.ready).length;
  }

  /**
   * Hands `socket` to the next worker in turn; false when it is this process's turn or none is ready.
   * `workersOnly`: this process takes no turn while a worker is ready.
   */
  take(socket: Socket, unread: Buffer, workersOnly = false): boolean {
    const ready = this.#workers.filter((w) => w.ready);
    if (ready.length === 0) return false;
    const turn = this.#turn++ % (ready.length + (workersOnly ? 0 : 1));
    const worker = ready[turn];
    if (!worker) return false; // this process's turn
    // Sent as a copy of the descriptor (keepOpen), then this process's copy is closed, which counts the
    // connection as ended here. Without `server`, node does not track the socket as "handed to a worker"
    // (net.Server#close would then ask that worker, over IPC, before closing: it waits forever once the
    // worker is gone).
    (socket as unknown as { server: unknown }).server = null;
    try {
      worker.child.send(
        { type: "connection", unread } satisfies ToWorker,
        socket,
        { keepOpen: true },
        (error) => {
          if (error)
            this.options.log.warn({ err: error }, "status worker: a connection could not be handed over");
          socket.destroy();
        },
      );
    } catch {
      socket.destroy();
    }
    return true;
  }

  /** Ends this process's raw status connections and stops the workers (they end theirs and exit). */
  async stop(): Promise<void> {
    this.#stopping = true;
    // Each ends after the answers already written (a raw connection has no request half-read).
    for (const socket of this.local) socket.end();
    this.#unsubscribe?.();
    await Promise.all(
      this.#workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.child.exitCode !== null || w.child.signalCode !== null) return resolve();
            w.child.once("exit", () => resolve());
            this.#send(w, { type: "stop" });
            setTimeout(() => w.child.kill("SIGKILL"), 5_000).unref();
          }),
      ),
    );
  }

  #send(worker: Worker, message: ToWorker): void {
    if (!worker.child.connected) return;
    worker.child.send(message, (error) => {
      if (error) this.options.log.debug({ err: error }, "status worker: message not delivered");
    });
  }

  #fork(slot: number): void {
    const direct = this.options.ingest?.direct;
    const child = fork(this.options.entry, [], {
      serialization: "advanced",
      execArgv: this.options.execArgv ?? [],
      // Only what a worker needs: no tokens or secrets but, on PostgreSQL, the database URL (it stores
      // alert events; docs/security.md).
      env: {
        ...pick(process.env, ["PATH", "HOME", "TZ", "LANG"]),
        FOGHORN_STATUS_WORKER_TRUST_PROXY: this.options.trustProxy ? "1" : "0",
        FOGHORN_STATUS_WORKER_KEEP_ALIVE_MS: String(this.options.keepAliveMs ?? 5_000),
        FOGHORN_STATUS_WORKER_BODY_LIMIT: String(this.options.ingest?.bodyLimit ?? 0),
        ...(direct
          ? {
              FOGHORN_STATUS_WORKER_DATABASE_URL: direct.databaseUrl,
              FOGHORN_STATUS_WORKER_RATE_LIMIT: String(direct.defaultRateLimitPerMinute),
              FOGHORN_STATUS_WORKER_MAX_QUEUED: String(direct.maxQueuedEvents),
            }
          : {}),
      },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const worker: Worker = { child, ready: false, stored: [] };
    const answer = (id: number, stored: boolean) => {
      // A group commit settles many events at once: one message carries all of this tick's answers.
      if (worker.stored.length === 0)
        setImmediate(() => {
          const results = worker.stored;
          worker.stored = [];
          this.#send(worker, { type: "stored", results });
        });
      worker.stored.push([id, stored]);
    };
    this.#workers[slot] = worker;
    child.on("message", (message: FromWorker, handle: unknown) => {
      if (message.type === "ready") {
        worker.ready = true;
        this.options.log.info({ slot, workerPid: child.pid }, "status worker ready");
      } else if (message.type === "answered")
        for (const [status, n] of Object.entries(message.counts)) {
          this.cache.served[Number(status)] = (this.cache.served[Number(status)] ?? 0) + n;
          this.answered += n;
        }
      else if (message.type === "handback" && handle)
        this.onHandBack(handle as Socket, Buffer.from(message.unread));
      else if (message.type === "ingest")
        for (const [id, raw] of message.events)
          void this.storeRaw(raw).then(
            (stored) => answer(id, stored),
            () => answer(id, false),
          );
      else if (message.type === "ingested") {
        for (const [kind, seconds] of message.stored) this.#counted(kind, seconds);
        if (message.wake) direct?.onCommitted();
      }
    });
    child.on("error", (error) => this.options.log.warn({ err: error }, "status worker: process error"));
    child.on("exit", (code, signal) => {
      worker.ready = false;
      if (this.#stopping) return;
      this.options.log.warn({ code, signal, slot }, "status worker exited; starting it again in 1 s");
      setTimeout(() => {
        if (!this.#stopping) this.#fork(slot);
      }, 1_000).unref();
    });
    const snapshot = this.cache.replicaSnapshot;
    if (snapshot) this.#send(worker, { type: "snapshot", snapshot });
  }
}

function pick(env: NodeJS.ProcessEnv, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = env[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}
