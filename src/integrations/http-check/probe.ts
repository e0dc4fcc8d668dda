import { createGuardedFetch, OutboundRefusedError } from "../net/ssrf.ts";

/**
 * Runs one HTTP health check and judges the answer. The result is shown to people on the service page and
 * in the alert it may open, so every failure is a short human sentence, not a stack trace.
 */

export interface HealthCheckSpec {
  url: string;
  method?: "GET" | "HEAD";
  timeoutMs: number;
  /** "2xx" accepts 200–299; a list accepts any of its members. */
  expectedStatus: number | number[] | "2xx";
  /** The body must contain this text (case-sensitive, in the first MiB). */
  keyword?: string;
  /** The body must be JSON whose field at `path` ("$.status", "checks.db.state", "items[0].ok") equals `equals`. */
  jsonField?: { path: string; equals: string };
}

export interface ProbeResult {
  ok: boolean;
  /** null when no response arrived (timeout, refused, DNS, TLS, …). */
  statusCode: number | null;
  /** From sending the request until the response was received (and its body read, when judged) or it failed. */
  latencyMs: number;
  error: string | null;
}

export interface ProbeOptions {
  now?: () => number;
  /**
   * The SSRF-guarded fetch (net/ssrf.ts) with security.outboundAllow: health checks usually target
   * internal services, which are refused unless the allowlist names them. By default one with an empty
   * allowlist.
   */
  fetch?: typeof fetch;
}

let defaultGuardedFetch: typeof fetch | undefined;

/** Bodies are judged on their first MiB: enough for any status page, and a huge body cannot exhaust memory. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Probes `spec.url` once. Redirects are not followed: a 3xx is judged against `expectedStatus` like any
 * other status, because a health endpoint that starts redirecting (to a login page, say) has changed and
 * following it would hide that. The timeout covers the whole exchange, body included. Never throws.
 */
export async function probe(spec: HealthCheckSpec, opts: ProbeOptions = {}): Promise<ProbeResult> {
  const now = opts.now ?? (() => performance.now());
  const startedAt = now();
  let statusCode: number | null = null;
  const done = (error: string | null): ProbeResult => ({
    ok: error === null,
    statusCode,
    latencyMs: Math.max(0, Math.round(now() - startedAt)),
    error,
  });

  const urlProblem = checkUrl(spec.url);
  if (urlProblem) return done(urlProblem);
  if (!Number.isFinite(spec.timeoutMs) || spec.timeoutMs <= 0)
    return done(`invalid timeout ${spec.timeoutMs} ms`);

  const timeoutMs = Math.ceil(spec.timeoutMs);
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    defaultGuardedFetch ??= createGuardedFetch();
    const fetchFn = opts.fetch ?? defaultGuardedFetch;
    const res = await fetchFn(spec.url, { method: spec.method ?? "GET", redirect: "manual", signal });
    statusCode = res.status;
    const needsBody = spec.keyword !== undefined || spec.jsonField !== undefined;
    if (!statusMatches(spec.expectedStatus, res.status) || !needsBody) {
      await res.body?.cancel().catch(() => {});
      if (!statusMatches(spec.expectedStatus, res.status)) {
        const location = res.status >= 300 && res.status < 400 ? res.headers.get("location") : null;
        const redirect = location ? ` (a redirect to ${location}, not followed)` : "";
        return done(`expected status ${describeExpected(spec.expectedStatus)}, got ${res.status}${redirect}`);
      }
      return done(null);
    }
    const body = await readCapped(res.body);
    if (spec.keyword !== undefined && !body.includes(spec.keyword))
      return done(`body does not contain ${JSON.stringify(spec.keyword)}`);
    if (spec.jsonField) return done(judgeJsonField(body, spec.jsonField));
    return done(null);
  } catch (err) {
    if (err instanceof OutboundRefusedError)
      return done(`refused: ${err.message}; health checks of internal services need this`);
    if (signal.aborted) return done(`timed out after ${timeoutMs} ms`);
    return done(describeFetchError(err));
  }
}

function checkUrl(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `invalid URL ${JSON.stringify(url)}`;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    return `unsupported protocol ${JSON.stringify(parsed.protocol)}: only http and https can be checked`;
  return null;
}

function statusMatches(expected: HealthCheckSpec["expectedStatus"], status: number): boolean {
  if (expected === "2xx") return status >= 200 && status < 300;
  if (Array.isArray(expected)) return expected.includes(status);
  return status === expected;
}

function describeExpected(expected: HealthCheckSpec["expectedStatus"]): string {
  if (!Array.isArray(expected)) return String(expected);
  if (expected.length === 1) return String(expected[0]);
  return `one of ${expected.join(", ")}`;
}

/** Reads at most MAX_BODY_BYTES, then cancels the stream so the rest is never downloaded. */
async function readCapped(body: ReadableStream<Uint8Array> | null): Promise<string> {
  if (!body) return "";
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < MAX_BODY_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  if (size >= MAX_BODY_BYTES) await reader.cancel().catch(() => {});
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES));
}

function judgeJsonField(body: string, field: { path: string; equals: string }): string | null {
  let root: unknown;
  try {
    root = JSON.parse(body);
  } catch {
    return "response is not JSON";
  }
  const found = lookup(root, field.path);
  const expected = JSON.stringify(field.equals);
  if (!found) return `${field.path} is missing, expected ${expected}`;
  if (asText(found.value) === field.equals) return null;
  const shown = JSON.stringify(found.value) ?? String(found.value);
  return `${field.path} is ${shown.length > 100 ? `${shown.slice(0, 100)}…` : shown}, expected ${expected}`;
}

/** Follows "$.a.b", "a.b" or "a[0].b"; undefined when any step is missing. */
function lookup(root: unknown, path: string): { value: unknown } | undefined {
  const segments = path
    .trim()
    .replace(/^\$\.?/, "")
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .filter((s) => s !== "");
  let current: unknown = root;
  for (const segment of segments) {
    if (typeof current !== "object" || current === null || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return { value: current };
}

/** How a JSON value compares with the expected text: strings as-is, numbers/booleans/null as written in JSON. */
function asText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** fetch says only "fetch failed"; the reason is in `cause` (a Node system error or an undici error). */
function describeFetchError(err: unknown): string {
  const cause = (err as { cause?: unknown })?.cause;
  const c = (typeof cause === "object" && cause !== null ? cause : {}) as {
    code?: string;
    address?: string;
    port?: number;
    hostname?: string;
    message?: string;
  };
  const where = c.address ? ` (${c.address.includes(":") ? `[${c.address}]` : c.address}:${c.port})` : "";
  switch (c.code) {
    case "ECONNREFUSED":
      return `connection refused${where}`;
    case "ECONNRESET":
    case "UND_ERR_SOCKET":
      return `connection closed by the server${where}`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `host not found (${c.hostname ?? "unknown host"})`;
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `host unreachable${where}`;
    case "ETIMEDOUT":
    case "UND_ERR_CONNECT_TIMEOUT":
      return `connection timed out${where}`;
  }
  if (c.message === "bad port") return "port refused by fetch (reserved for non-HTTP protocols)";
  if (c.code && /CERT|TLS|SSL/.test(c.code)) return `TLS error: ${c.message ?? c.code}`;
  return c.message ?? (err instanceof Error ? err.message : String(err));
}
