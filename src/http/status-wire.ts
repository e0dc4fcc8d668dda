/**
 * The status page over a raw connection: during an outage the page takes more traffic than anything else
 * Foghorn serves, so its GETs are answered without node:http's per-request objects, from the snapshot's
 * prepared bytes, in this process or in a status worker process (http/status-workers.ts), which is how
 * the page is served from more than one core. The same connection serves the alert posts of
 * http/raw-ingest.ts (Alertmanager, PagerDuty v2) when given the `post` hook.
 *
 * Only the plainest requests are answered here: `GET`/`HEAD` of a status page path with no body, or a
 * `POST` the hook takes with one plain Content-Length; origin-form target, HTTP/1.1, a Host header, and no
 * Transfer-Encoding, Expect or Upgrade. Anything else — another path, HTTP/1.0, a chunked body, a head
 * this scanner finds odd in any way, a post the hook declines — is handed, with every byte read and not
 * yet answered, to the full HTTP server (node:http and Fastify), which then owns the connection: it
 * validates and answers exactly as if this file did not exist. A request is answered here only when its
 * head (and body) is complete, so nothing is ever split between the two. A connection idle for the
 * keep-alive timeout is closed, mid-body included (node:http would wait longer for a slow body).
 */
import { randomUUID } from "node:crypto";
import { type IncomingHttpHeaders, type OutgoingHttpHeaders, STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { StatusResponse } from "#app/status-page/cache.ts";
import { requestHost } from "./routes/status-page.ts";
import { rawSecurityHeaders } from "./security-headers.ts";

/** A head larger than this is left to node:http (which answers 431 past its own limit). */
export const MAX_HEAD_BYTES = 16 * 1024;

/** A request head as the raw server reads it (http/raw-ingest.ts answers POSTs with a body). */
export interface RawRequestHead {
  method: "GET" | "HEAD" | "POST";
  /** The request target (origin-form: starts with "/"). */
  url: string;
  /** Lower-case names; only the headers the raw server reads. */
  headers: IncomingHttpHeaders;
  /** Connection: close was asked for. */
  close: boolean;
  /** Bytes of the head, the blank line included. */
  length: number;
  /** The body's length (one Content-Length header, digits only); undefined when there is none. */
  contentLength?: number;
}

/** A request this file may answer from the status page's snapshot. */
export interface StatusRequestHead extends RawRequestHead {
  method: "GET" | "HEAD";
}

const CRLFCRLF = Buffer.from("\r\n\r\n");
const REQUEST_LINE = /^(GET|HEAD|POST) (\/[\x21-\x7e]*) HTTP\/1\.1$/;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;
/** Headers the raw server reads; others are skipped. */
const KEPT = new Set(["host", "accept-encoding", "if-none-match", "x-forwarded-host", "x-forwarded-proto"]);
/** Headers that make a body chunked or change the protocol: such a request goes to node:http. */
const REFUSED = new Set(["transfer-encoding", "expect", "upgrade"]);
const DIGITS = /^[0-9]{1,15}$/;

/**
 * Reads one request head from the start of `buf`: the head when the raw server may answer it (GET, HEAD
 * or POST; a body only by one plain Content-Length), "incomplete" when more bytes are needed, "other" when
 * node:http must have it.
 */
export function readRequestHead(buf: Buffer): RawRequestHead | "incomplete" | "other" {
  const end = buf.indexOf(CRLFCRLF);
  if (end === -1) return buf.length >= MAX_HEAD_BYTES ? "other" : "incomplete";
  if (end + 4 > MAX_HEAD_BYTES) return "other";
  const lines = buf.toString("latin1", 0, end).split("\r\n");
  const request = REQUEST_LINE.exec(lines[0] ?? "");
  if (!request) return "other";
  const headers: IncomingHttpHeaders = {};
  let close = false;
  let hosts = 0;
  let contentLength: number | undefined;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    // A bare CR or LF, another control character, or an obsolete folded line: node:http decides.
    if (CONTROL.test(line) || line.includes("\r")) return "other";
    const colon = line.indexOf(":");
    if (colon <= 0) return "other";
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) return "other";
    const lower = name.toLowerCase();
    if (REFUSED.has(lower)) return "other";
    const value = line.slice(colon + 1).trim();
    if (lower === "host") hosts++;
    if (lower === "content-length") {
      // Two lengths (even equal ones) or anything but digits: node:http decides (and refuses).
      if (contentLength !== undefined || !DIGITS.test(value)) return "other";
      contentLength = Number(value);
    } else if (lower === "connection") {
      if (
        value
          .toLowerCase()
          .split(",")
          .some((t) => t.trim() === "close")
      )
        close = true;
    } else if (KEPT.has(lower)) {
      const before = headers[lower];
      headers[lower] = before === undefined ? value : `${before}, ${value}`;
    }
  }
  if (hosts !== 1) return "other";
  const head: RawRequestHead = {
    method: request[1] as RawRequestHead["method"],
    url: request[2] as string,
    headers,
    close,
    length: end + 4,
  };
  if (contentLength !== undefined) head.contentLength = contentLength;
  return head;
}

/**
 * Reads one request head from the start of `buf`: the head when it is a bodiless GET or HEAD this file
 * may answer from the snapshot, "incomplete" when more bytes are needed, "other" otherwise.
 */
export function scanRequestHead(buf: Buffer): StatusRequestHead | "incomplete" | "other" {
  const head = readRequestHead(buf);
  if (typeof head === "string") return head;
  return isStatusHead(head) ? head : "other";
}

function isStatusHead(head: RawRequestHead): head is StatusRequestHead {
  return head.method !== "POST" && head.contentLength === undefined;
}

/** A POST the raw server answers itself (http/raw-ingest.ts): a JSON answer, or undefined to let node:http. */
export interface RawPostAnswer {
  status: number;
  /** The JSON body, already serialised. */
  json: string;
}

/** What serving a connection needs: the snapshot's lookup, and where requests it does not answer go. */
export interface StatusConnectionOptions {
  /** The status page's answer for a request, or undefined when the path is not the status page's. */
  lookup(host: string | undefined, url: string, headers: IncomingHttpHeaders): StatusResponse | undefined;
  trustProxy: boolean;
  /**
   * Takes the connection over with `unread`, the bytes read from it and not answered (they start at a
   * request's first byte). Called at most once, after every answer given here was handed to the kernel.
   */
  handOff(socket: Socket, unread: Buffer): void;
  /** Counts each answer given (by status code). */
  onAnswer?(status: number): void;
  /** An idle keep-alive connection is closed after this long (the HTTP server's keepAliveTimeout). */
  keepAliveMs: number;
  /**
   * POSTs answered here (alert webhooks, http/raw-ingest.ts): called with the head and the whole body;
   * returns undefined (at once or later) to hand the request to node:http instead. Without it, or for a
   * body over `maxPostBytes`, every POST is handed off.
   */
  post?(head: RawRequestHead, body: Buffer): Promise<RawPostAnswer | undefined> | undefined;
  /** The largest POST body read here (server.bodyLimitBytes); a larger one is node:http's to refuse. */
  maxPostBytes?: number;
}

/** Security headers and the JSON content type of a POST's answer, per TLS or not. */
const postHeaders = new Map<boolean, string>();

/** The status line and headers (but date and connection) of a POST's answer, as Fastify would send them. */
function postHead(status: number, bodyLength: number, tls: boolean): Buffer {
  let fixed = postHeaders.get(tls);
  if (fixed === undefined) {
    fixed = "";
    for (const [name, value] of Object.entries(rawSecurityHeaders(tls))) fixed += `${name}: ${value}\r\n`;
    fixed += "content-type: application/json; charset=utf-8\r\n";
    postHeaders.set(tls, fixed);
  }
  return Buffer.from(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\n${fixed}` +
      `x-request-id: ${randomUUID()}\r\ncontent-length: ${bodyLength}\r\n`,
    "latin1",
  );
}

/** "date: …\r\n", rebuilt at most once a second. */
let dateLine = "";
let dateSecond = -1;
function currentDateLine(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateLine = `date: ${new Date(now).toUTCString()}\r\n`;
  }
  return dateLine;
}

/** Serialised status line and headers of a response, per headers object (they live as long as their snapshot). */
const heads = new WeakMap<OutgoingHttpHeaders, Map<string, Buffer>>();

function serialiseHead(response: StatusResponse, hsts: boolean): Buffer {
  let byVariant = heads.get(response.headers);
  if (!byVariant) {
    byVariant = new Map();
    heads.set(response.headers, byVariant);
  }
  const key = `${response.status}${hsts ? "s" : ""}`;
  let head = byVariant.get(key);
  if (!head) {
    // The same headers as the node:http fast path: security headers first, the response's own win.
    const all: OutgoingHttpHeaders = { ...rawSecurityHeaders(hsts), ...response.headers };
    let text = `HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ""}\r\n`;
    for (const [name, value] of Object.entries(all)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) text += `${name}: ${v}\r\n`;
    }
    head = Buffer.from(text, "latin1");
    byVariant.set(key, head);
  }
  return head;
}

const keepAliveLines = new Map<number, Buffer>();
function keepAliveLine(ms: number): Buffer {
  let line = keepAliveLines.get(ms);
  if (!line) {
    line = Buffer.from(`connection: keep-alive\r\nkeep-alive: timeout=${Math.floor(ms / 1000)}\r\n\r\n`);
    keepAliveLines.set(ms, line);
  }
  return line;
}
const CLOSE = Buffer.from("connection: close\r\n\r\n");

/** Whether the request came over TLS as far as Foghorn can tell (a trusted proxy's X-Forwarded-Proto). */
function overTls(headers: IncomingHttpHeaders, trustProxy: boolean): boolean {
  if (!trustProxy) return false;
  return (
    String(headers["x-forwarded-proto"] ?? "")
      .split(",")[0]
      ?.trim() === "https"
  );
}

/**
 * Serves status page requests on `socket` (plain TCP), starting with the bytes already read from it,
 * until the client closes, a request is not the status page's (handed off), or it sits idle.
 */
export function serveStatusConnection(
  socket: Socket,
  initial: Buffer,
  options: StatusConnectionOptions,
): void {
  let pending = initial;
  let done = false;
  const keepAlive = keepAliveLine(options.keepAliveMs);

  const detach = () => {
    done = true;
    socket.off("data", onData);
    socket.off("end", onEnd);
    socket.off("timeout", onTimeout);
    socket.off("error", onError);
    socket.off("drain", onDrain);
    socket.setTimeout(0);
    socket.pause();
  };
  const handOff = () => {
    detach();
    const unread = pending;
    // Every answer given so far is in the kernel before another owner writes to the connection.
    if (socket.writableLength === 0) options.handOff(socket, unread);
    else socket.write(Buffer.alloc(0), () => options.handOff(socket, unread));
  };
  const onData = (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    answer();
  };
  const onEnd = () => {
    detach();
    socket.end();
  };
  const onTimeout = () => {
    detach();
    socket.destroy();
  };
  const onError = () => {
    detach();
    socket.destroy();
  };
  const onDrain = () => {
    if (!done) {
      socket.resume();
      answer();
    }
  };

  /** A POST is being answered (its promise is pending): nothing else is read until it is. */
  let busy = false;
  const answer = () => {
    while (!done && !busy && pending.length > 0) {
      const head = readRequestHead(pending);
      if (head === "incomplete") return;
      if (head === "other") return handOff();
      if (!isStatusHead(head)) {
        const length = head.contentLength;
        if (head.method !== "POST" || !options.post || length === undefined) return handOff();
        if (length > (options.maxPostBytes ?? 0)) return handOff();
        if (pending.length < head.length + length) return; // the rest of the body is on its way
        const answered = options.post(head, pending.subarray(head.length, head.length + length));
        if (!answered) return handOff();
        busy = true;
        // Waiting on the store is not idleness: the keep-alive timeout starts again after the answer.
        socket.setTimeout(0);
        answered.then(
          (result) => {
            busy = false;
            if (done) return;
            if (!result) return handOff();
            pending = pending.subarray(head.length + length);
            socket.setTimeout(options.keepAliveMs);
            const body = Buffer.from(result.json);
            const start = postHead(result.status, body.length, overTls(head.headers, options.trustProxy));
            if (write(head, start, body)) answer();
          },
          () => {
            busy = false;
            if (!done) handOff();
          },
        );
        return;
      }
      const response = options.lookup(requestHost(head.headers, options.trustProxy), head.url, head.headers);
      if (!response) return handOff();
      pending = pending.subarray(head.length);
      options.onAnswer?.(response.status);
      const body = head.method === "GET" ? response.body : undefined;
      if (!write(head, serialiseHead(response, overTls(head.headers, options.trustProxy)), body)) return;
    }
  };
  /** Writes one answer; false when reading must stop (the connection ends, or the client reads slowly). */
  const write = (head: RawRequestHead, start: Buffer, body: Buffer | undefined): boolean => {
    socket.cork();
    socket.write(start);
    socket.write(currentDateLine(), "latin1");
    const last = head.close ? CLOSE : keepAlive;
    let flushed = socket.write(last);
    if (body && body.length > 0) flushed = socket.write(body);
    socket.uncork();
    if (head.close) {
      detach();
      socket.end();
      return false;
    }
    if (!flushed) {
      // The client reads slower than it asks: stop reading until what is queued has gone out.
      socket.pause();
      return false;
    }
    return true;
  };

  socket.on("data", onData);
  socket.on("end", onEnd);
  socket.on("timeout", onTimeout);
  socket.on("error", onError);
  socket.on("drain", onDrain);
  socket.setTimeout(options.keepAliveMs);
  answer();
  if (!done) socket.resume();
}
