/**
 * The status page as served: one rendered snapshot held in memory, rebuilt after every change and once a
 * minute, kept on disk, and answered without touching the database. When the database does not answer,
 * the last good snapshot keeps being served (its time is on the page and in X-Status-Generated-At).
 *
 * `lookup()` is the one function both serving paths call (the plain node handler in front of Fastify and
 * the Fastify routes), so their answers are the same bytes.
 */
import { createHash } from "node:crypto";
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import { gzipSync } from "node:zlib";
import { renderMessagePage, statusPageCsp } from "#domain/status-page/render-html.ts";
import { renderSite } from "#domain/status-page/render-site.ts";
import type { SnapshotFiles, StatusData } from "#domain/status-page/types.ts";
import type { Clock } from "#domain/time.ts";
import type { Db } from "#store/db.ts";
import type { Logger } from "../context.ts";
import type { ChangeFeed } from "../events.ts";
import type { SnapshotStore, StoredSnapshot, StoredSnapshotFile } from "../ports.ts";
import { readStatusData } from "./snapshot.ts";

/** What a status page request gets: status, headers (Content-Length included) and the body bytes. */
export interface StatusResponse {
  status: number;
  headers: OutgoingHttpHeaders;
  /** Absent for 304. A HEAD request sends the headers only. */
  body?: Buffer;
}

export interface StatusPageCacheContext {
  db: Db;
  clock: Clock;
  log: Logger;
  events?: ChangeFeed | undefined;
  /** Read at every rebuild: main.ts sets it once the server listens. */
  publicUrl?: string | undefined;
}

export interface StatusPageCacheOptions {
  /** Where the last good snapshot is kept across restarts; none: memory only. */
  store?: SnapshotStore | undefined;
  /** Changes arriving within this window are applied in one rebuild (default 150 ms). */
  debounceMs?: number;
  /**
   * Rebuilds start at most this often (default 1 s): under a storm of incident changes (an alert flood) the
   * page follows within a second without taking the database from the alert path (PGlite has one thread).
   */
  minIntervalMs?: number;
  /** Rebuild at least this often: uptime days roll over, maintenance times pass (default 60 s). */
  refreshMs?: number;
  /** A read that takes longer counts as failed (default 30 s); the page keeps the last snapshot. */
  readTimeoutMs?: number;
  /** false when no SMTP is configured: the page then offers the feeds, not the email form. */
  emailSubscriptions?: boolean;
  /** Reads the data (default: readStatusData on the context). */
  read?: () => Promise<StatusData>;
}

export const STATUS_CACHE_CONTROL = "public, max-age=10";
const GZIP_MIN_BYTES = 512;
const RETRY_AFTER_S = 5;

interface Variant {
  headers: OutgoingHttpHeaders;
  body: Buffer;
  notModified: OutgoingHttpHeaders;
  etag: string;
}

interface PreparedFile {
  status: number;
  identity: Variant;
  gzip: Variant | null;
  /** sha256 of the body (base64url): the identity ETag's value. */
  hash: string;
}

interface Snapshot {
  generatedAt: Date;
  customDomain: string | null;
  csp: string;
  status: Map<string, PreparedFile>;
  root: Map<string, PreparedFile>;
  notFound: { status: PreparedFile; root: PreparedFile };
  /** The not-found pages as rendered (a status worker prepares the same bytes from them). */
  notFoundFiles: { status: StoredSnapshotFile; root: StoredSnapshotFile };
  stored: StoredSnapshot;
}

/** What a status worker process needs to answer with the same bytes as this one (http/status-workers.ts). */
export interface ReplicaSnapshot {
  stored: StoredSnapshot;
  notFound: { status: StoredSnapshotFile; root: StoredSnapshotFile };
}

const sha256 = (body: Buffer) => createHash("sha256").update(body).digest("base64url");
const isFeedOrJson = (contentType: string) => /json|xml/.test(contentType);

/** The host name of a Host header, lower case, without its port. */
export function hostName(host: string | undefined): string {
  if (!host) return "";
  const h = host.trim().toLowerCase();
  if (h.startsWith("[")) return h.slice(0, h.indexOf("]") + 1);
  const colon = h.indexOf(":");
  return colon === -1 ? h : h.slice(0, colon);
}

let lastAcceptEncoding: string | undefined;
let lastAcceptsGzip = false;

/** Whether an Accept-Encoding header allows gzip (an explicit gzip;q=0 refuses it, `*` allows it). */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  if (!header) return false;
  const value = Array.isArray(header) ? header.join(",") : header;
  if (value === lastAcceptEncoding) return lastAcceptsGzip;
  let gzip: boolean | undefined;
  let star: boolean | undefined;
  for (const part of value.toLowerCase().split(",")) {
    const [name = "", ...params] = part.split(";").map((s) => s.trim());
    const q = params.find((p) => p.startsWith("q="));
    const allowed = q === undefined || Number(q.slice(2)) > 0;
    if (name === "gzip" || name === "x-gzip") gzip = allowed;
    else if (name === "*") star = allowed;
  }
  lastAcceptEncoding = value;
  lastAcceptsGzip = gzip ?? star ?? false;
  return lastAcceptsGzip;
}

function matchesEtag(header: string | undefined, file: PreparedFile): boolean {
  if (!header) return false;
  for (const raw of header.split(",")) {
    const tag = raw.trim().replace(/^W\//, "");
    if (tag === "*" || tag === file.identity.etag || (file.gzip && tag === file.gzip.etag)) return true;
  }
  return false;
}

function prepare(
  file: StoredSnapshotFile,
  generatedAt: Date,
  csp: string,
  previous: ReadonlyMap<string, Buffer>,
  status = 200,
): PreparedFile {
  const body = Buffer.from(file.body, "utf8");
  const hash = sha256(body);
  const common: OutgoingHttpHeaders = {
    "cache-control": STATUS_CACHE_CONTROL,
    "last-modified": generatedAt.toUTCString(),
    "x-status-generated-at": generatedAt.toISOString(),
    vary: "Accept-Encoding",
    "x-content-type-options": "nosniff",
  };
  if (isFeedOrJson(file.contentType)) common["access-control-allow-origin"] = "*";
  if (file.contentType.startsWith("text/html")) {
    common["content-security-policy"] = csp;
    common["referrer-policy"] = "no-referrer";
    common["x-frame-options"] = "DENY";
  }
  const variant = (bytes: Buffer, etag: string, encoding?: string): Variant => {
    const notModified: OutgoingHttpHeaders = { ...common, etag };
    return {
      etag,
      body: bytes,
      notModified,
      headers: {
        ...notModified,
        "content-type": file.contentType,
        "content-length": String(bytes.length),
        ...(encoding ? { "content-encoding": encoding } : {}),
      },
    };
  };
  let gzip: Variant | null = null;
  if (body.length >= GZIP_MIN_BYTES) {
    const zipped = previous.get(hash) ?? gzipSync(body);
    if (zipped.length < body.length) gzip = variant(zipped, `"${hash}-gz"`, "gzip");
  }
  return { status, identity: variant(body, `"${hash}"`), gzip, hash };
}

/**
 * Holds the current snapshot and keeps it fresh. `start()` serves the snapshot on disk at once, then
 * rebuilds from the database; `stop()` ends the timers. Never two rebuilds at once: changes that arrive
 * during one are applied by the next.
 */
export class StatusPageCache {
  #current: Snapshot | undefined;
  #timer: NodeJS.Timeout | undefined;
  #interval: NodeJS.Timeout | undefined;
  #boundary: NodeJS.Timeout | undefined;
  #running: Promise<boolean> | undefined;
  #again = false;
  #failing = false;
  #stopped = false;
  #unsubscribe: (() => void) | undefined;
  readonly #debounceMs: number;
  readonly #refreshMs: number;
  readonly #minIntervalMs: number;
  /** performance.now() when the last rebuild started. */
  #lastStart = Number.NEGATIVE_INFINITY;
  readonly #timeoutMs: number;
  readonly #read: () => Promise<StatusData>;
  /** Answers given, by status code (the fast path skips Fastify's request metrics). */
  readonly served: Record<number, number> = {};
  /** Rebuilds that succeeded and failed since start. */
  readonly rebuilds = { ok: 0, failed: 0 };

  constructor(
    private readonly ctx: StatusPageCacheContext,
    private readonly options: StatusPageCacheOptions = {},
  ) {
    this.#debounceMs = options.debounceMs ?? 150;
    this.#refreshMs = options.refreshMs ?? 60_000;
    this.#minIntervalMs = options.minIntervalMs ?? 1_000;
    this.#timeoutMs = options.readTimeoutMs ?? 30_000;
    this.#read =
      options.read ?? (() => readStatusData({ db: ctx.db, clock: ctx.clock, publicUrl: ctx.publicUrl }));
  }

  /** When the served snapshot's data was read; undefined before the first one. */
  get generatedAt(): Date | undefined {
    return this.#current?.generatedAt;
  }

  /** The host name on which `/` serves the page (from the served snapshot). */
  get customDomain(): string | null {
    return this.#current?.customDomain ?? null;
  }

  /** The served snapshot as stored (what `foghorn status export` writes); undefined before the first. */
  get snapshot(): StoredSnapshot | undefined {
    return this.#current?.stored;
  }

  /**
   * Loads the snapshot on disk (so the page is up before the database answers), then rebuilds in the
   * background and keeps rebuilding on changes, every refresh interval and at maintenance start and end.
   */
  async start(): Promise<void> {
    this.#stopped = false;
    const stored = await this.options.store?.load().catch((error: unknown) => {
      this.ctx.log.warn({ err: error }, "status page: the stored snapshot could not be read");
      return null;
    });
    if (stored && !this.#current) {
      try {
        this.#install(this.#fromStored(stored));
        this.ctx.log.info({ generatedAt: stored.generatedAt }, "status page: serving the stored snapshot");
      } catch (error) {
        this.ctx.log.warn({ err: error }, "status page: the stored snapshot is damaged; ignoring it");
      }
    }
    this.#unsubscribe = this.ctx.events?.subscribe(() => this.#schedule(this.#debounceMs));
    this.#interval = setInterval(() => this.#schedule(0), this.#refreshMs);
    this.#interval.unref();
    this.#schedule(0);
  }

  /** Ends the timers and the change subscription; resolves once a rebuild under way has finished. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#again = false;
    this.#unsubscribe?.();
    clearTimeout(this.#timer);
    clearTimeout(this.#boundary);
    clearInterval(this.#interval);
    this.#timer = this.#boundary = this.#interval = undefined;
    await this.#running;
  }

  /**
   * Rebuilds now (after the one running, if any) and resolves once done: true when the snapshot was
   * rebuilt, false when reading failed (the previous snapshot stays).
   */
  async refresh(): Promise<boolean> {
    if (this.#running) {
      this.#again = false;
      await this.#running;
    }
    return this.#run();
  }

  /** Resolves once no rebuild is running or scheduled (tests). */
  async idle(): Promise<void> {
    while (this.#running || this.#timer) {
      if (this.#running) await this.#running;
      else await new Promise((r) => setTimeout(r, 10));
    }
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    if (this.#timer) return;
    const wait = Math.max(delayMs, this.#lastStart + this.#minIntervalMs - performance.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#run();
    }, wait);
    this.#timer.unref?.();
  }

  #run(): Promise<boolean> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#lastStart = performance.now();
    const running = this.#rebuild().finally(() => {
      this.#running = undefined;
      if (this.#again) {
        this.#again = false;
        this.#schedule(0);
      }
    });
    this.#running = running;
    return running;
  }

  async #rebuild(): Promise<boolean> {
    let data: StatusData;
    try {
      data = await this.#withTimeout(this.#read());
      if (this.options.emailSubscriptions === false)
        data = { ...data, page: { ...data.page, emailSubscriptions: false } };
    } catch (error) {
      this.rebuilds.failed++;
      if (!this.#failing) {
        this.#failing = true;
        this.ctx.log.warn(
          { err: error, servingFrom: this.#current?.generatedAt.toISOString() ?? null },
          this.#current
            ? "status page: cannot read the database; serving the last snapshot until it answers"
            : "status page: cannot read the database and there is no snapshot yet",
        );
      }
      return false;
    }
    const previous = this.#current;
    const snapshot = this.#render(data);
    this.#install(snapshot);
    this.rebuilds.ok++;
    if (this.#failing) {
      this.#failing = false;
      this.ctx.log.info(
        { generatedAt: snapshot.generatedAt.toISOString() },
        "status page: database readable again",
      );
    }
    this.#scheduleBoundary(data);
    if (this.options.store && (!previous || changed(previous, snapshot))) {
      await this.options.store.save(snapshot.stored).catch((error: unknown) => {
        this.ctx.log.warn({ err: error }, "status page: could not save the snapshot to disk");
      });
    }
    return true;
  }

  #withTimeout<T>(promise: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`reading the status page data took over ${this.#timeoutMs} ms`)),
        this.#timeoutMs,
      );
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  /** A rebuild at the next maintenance start or end, so the page changes at that minute, not up to 60 s later. */
  #scheduleBoundary(data: StatusData): void {
    clearTimeout(this.#boundary);
    this.#boundary = undefined;
    if (this.#stopped) return;
    const now = this.ctx.clock.now().getTime();
    let next = Number.POSITIVE_INFINITY;
    for (const m of data.maintenances)
      for (const at of [m.scheduledFor.getTime(), m.scheduledUntil.getTime()])
        if (at > now && at < next) next = at;
    const delay = next - now;
    if (!Number.isFinite(delay) || delay > this.#refreshMs) return; // the periodic rebuild comes first
    this.#boundary = setTimeout(() => this.#schedule(0), delay + 50);
    this.#boundary.unref?.();
  }

  #render(data: StatusData): Snapshot {
    const status = renderSite(data, { base: "/status" });
    const root = renderSite(data, { base: "" });
    const stored: StoredSnapshot = {
      version: 1,
      generatedAt: data.generatedAt.toISOString(),
      customDomain: data.page.customDomain,
      csp: statusPageCsp(data.page),
      sites: { status: toRecord(status), root: toRecord(root) },
    };
    const notFound = (base: "/status" | "") => ({
      contentType: "text/html; charset=utf-8",
      body: renderMessagePage(data.page, {
        base,
        title: "Page not found",
        paragraphs: ["There is no such page on this status page. It may have been moved or removed."],
      }),
    });
    return this.#prepareAll(stored, { status: notFound("/status"), root: notFound("") });
  }

  #fromStored(stored: StoredSnapshot): Snapshot {
    if (stored.version !== 1 || !stored.sites?.status || !stored.sites.root)
      throw new Error("unknown snapshot format");
    const plain = {
      contentType: "text/html; charset=utf-8",
      body: '<!doctype html><html lang="en"><meta charset="utf-8"><title>Page not found</title><h1>Page not found</h1><p><a href="/status">Status</a></p></html>',
    };
    return this.#prepareAll(stored, { status: plain, root: plain });
  }

  #prepareAll(
    stored: StoredSnapshot,
    notFound: { status: StoredSnapshotFile; root: StoredSnapshotFile },
  ): Snapshot {
    const generatedAt = new Date(stored.generatedAt);
    const zipped = new Map<string, Buffer>();
    for (const site of [this.#current?.status, this.#current?.root])
      for (const f of site?.values() ?? []) if (f.gzip) zipped.set(f.hash, f.gzip.body);
    const site = (files: Record<string, StoredSnapshotFile>) => {
      const map = new Map<string, PreparedFile>();
      for (const [path, file] of Object.entries(files))
        map.set(path, prepare(file, generatedAt, stored.csp, zipped));
      return map;
    };
    return {
      generatedAt,
      customDomain: stored.customDomain ? stored.customDomain.toLowerCase() : null,
      csp: stored.csp,
      status: site(stored.sites.status),
      root: site(stored.sites.root),
      notFound: {
        status: prepare(notFound.status, generatedAt, stored.csp, zipped, 404),
        root: prepare(notFound.root, generatedAt, stored.csp, zipped, 404),
      },
      notFoundFiles: notFound,
      stored,
    };
  }

  #install(snapshot: Snapshot): void {
    this.#current = snapshot;
    const replica = { stored: snapshot.stored, notFound: snapshot.notFoundFiles };
    for (const listener of this.#installListeners) listener(replica);
  }

  readonly #installListeners = new Set<(snapshot: ReplicaSnapshot) => void>();

  /** Calls `listener` with every snapshot installed from now on; returns the unsubscribe. */
  onInstall(listener: (snapshot: ReplicaSnapshot) => void): () => void {
    this.#installListeners.add(listener);
    return () => this.#installListeners.delete(listener);
  }

  /** The served snapshot in the form a status worker adopts; undefined before the first. */
  get replicaSnapshot(): ReplicaSnapshot | undefined {
    const current = this.#current;
    return current && { stored: current.stored, notFound: current.notFoundFiles };
  }

  /** Serves `snapshot` (another process's, already rendered): what a status worker does with each one. */
  adopt(snapshot: ReplicaSnapshot): void {
    this.#install(this.#prepareAll(snapshot.stored, snapshot.notFound));
  }

  /**
   * A cache that only serves what it is given with adopt(): a status worker process's, which has no
   * database. Its start() and refresh() would fail; nothing calls them.
   */
  static forReplica(log: Logger, clock: Clock): StatusPageCache {
    const noDatabase = () => Promise.reject(new Error("a status worker reads no database"));
    return new StatusPageCache({ db: undefined as unknown as Db, clock, log }, { read: noDatabase });
  }

  /**
   * The answer to GET `path` (query ignored) on `host`, or undefined when the path is not the status
   * page's (the caller goes on to its other routes). Conditional requests get 304 on a matching ETag;
   * gzip when Accept-Encoding allows it. Before the first snapshot: 503 with Retry-After.
   */
  lookup(host: string | undefined, path: string, headers: IncomingHttpHeaders): StatusResponse | undefined {
    const current = this.#current;
    const p = pathOf(path);
    const onDomain = current?.customDomain != null && hostName(host) === current.customDomain;
    if (!isStatusPath(p, onDomain)) return undefined;
    if (!current) return this.#count(unavailable());
    const file =
      (onDomain ? (current.root.get(p) ?? current.status.get(p)) : current.status.get(p)) ??
      (onDomain && !p.startsWith("/status") ? current.notFound.root : current.notFound.status);
    const gzip = file.gzip && acceptsGzip(headers["accept-encoding"]) ? file.gzip : file.identity;
    if (matchesEtag(headers["if-none-match"], file))
      return this.#count({ status: 304, headers: gzip.notModified });
    return this.#count({ status: file.status, headers: gzip.headers, body: gzip.body });
  }

  /** Whether lookup() answers GET `path` on `host` (counts nothing). */
  isStatusRequest(host: string | undefined, path: string): boolean {
    const domain = this.#current?.customDomain;
    return isStatusPath(pathOf(path), domain != null && hostName(host) === domain);
  }

  #count(response: StatusResponse): StatusResponse {
    this.served[response.status] = (this.served[response.status] ?? 0) + 1;
    return response;
  }
}

/** A request target's path without its query, and without a trailing slash (but "/"). */
function pathOf(target: string): string {
  const q = target.indexOf("?");
  const p = q === -1 ? target : target.slice(0, q);
  return p.length > 1 && p.endsWith("/") ? p.slice(0, -1) : p;
}

/** The paths the status page answers (GET/HEAD); on its own domain also `/` and the pages without /status. */
export function isStatusPath(path: string, onStatusDomain: boolean): boolean {
  if (path === "/status" || path === "/history.rss" || path === "/history.atom") return true;
  if (path.startsWith("/api/v2/")) return path.endsWith(".json");
  if (/^\/status\/(?:incidents|maintenances)\/[^/]+$/.test(path)) return true;
  return onStatusDomain && (path === "/" || /^\/(?:incidents|maintenances)\/[^/]+$/.test(path));
}

function unavailable(): StatusResponse {
  const body = Buffer.from(
    JSON.stringify({
      type: "about:blank",
      title: "Service Unavailable",
      status: 503,
      detail: "The status page is starting and has no snapshot yet: try again in a few seconds.",
    }),
  );
  return {
    status: 503,
    headers: {
      "content-type": "application/problem+json",
      "content-length": String(body.length),
      "retry-after": String(RETRY_AFTER_S),
      "cache-control": "no-store",
    },
    body,
  };
}

function toRecord(files: SnapshotFiles): Record<string, StoredSnapshotFile> {
  const out: Record<string, StoredSnapshotFile> = {};
  for (const [path, file] of files) out[path] = { contentType: file.contentType, body: file.body };
  return out;
}

/** Whether any file differs (added, removed or changed) between two snapshots. */
function changed(a: Snapshot, b: Snapshot): boolean {
  if (a.customDomain !== b.customDomain || a.csp !== b.csp) return true;
  for (const [x, y] of [
    [a.status, b.status],
    [a.root, b.root],
  ] as const) {
    if (x.size !== y.size) return true;
    for (const [path, file] of y) if (x.get(path)?.hash !== file.hash) return true;
  }
  return false;
}
