import type { Connection } from "./connection.ts";
import { CliError, codeOf, EXIT, type ExitCode, messageOf } from "./errors.ts";
import { isRecord, parseJsonOrUndefined } from "./json.ts";

const TIMEOUT_MS = 30_000;

/** The parts of an RFC 9457 problem+json body the CLI shows. */
interface Problem {
  detail?: string;
  title?: string;
  errors?: { field: string; message: string }[];
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  /** API field name → CLI flag, so field errors read in the user's words (affected_services → --service). */
  fieldNames?: Record<string, string>;
}

/** The server did not answer at all (connection refused, DNS, timeout), as opposed to answering 5xx. */
export class ServerUnreachableError extends CliError {
  override name = "ServerUnreachableError";
}

function exitCodeFor(status: number): ExitCode {
  if (status === 404) return EXIT.NOT_FOUND;
  if (status === 401 || status === 403) return EXIT.AUTH;
  if (status >= 500) return EXIT.UNAVAILABLE;
  return EXIT.FAILED;
}

function isProblem(value: unknown): value is Problem {
  return isRecord(value) && (typeof value.detail === "string" || typeof value.title === "string");
}

/** "affected_services.0" → "--service #1": a field named the way the user typed it. */
function fieldLabel(field: string, names: Record<string, string>): string {
  // An exact name first: `custom_fields.customer_tier` → `--field customer_tier`.
  const exact = names[field];
  if (exact) return exact;
  const [head = "", ...rest] = field.split(".");
  const flag = names[head];
  if (!flag) return field;
  return rest.length === 1 && /^\d+$/.test(rest[0] ?? "")
    ? `${flag} #${Number(rest[0]) + 1}`
    : [flag, ...rest].join(".");
}

/**
 * The message and detail lines of a refusal. Validation details already list every field in one line
 * ("…: severity: must be …; title: …"); those get the CLI's flag names, and the field list is printed only
 * for errors the detail does not spell out.
 */
function describeProblem(problem: Problem, fallback: string, names: Record<string, string>) {
  let detail = problem.detail ?? problem.title ?? fallback;
  const extra: string[] = [];
  for (const e of problem.errors ?? []) {
    const label = fieldLabel(e.field, names);
    const spelled = `${e.field}: ${e.message}`;
    if (detail.includes(spelled)) detail = detail.replace(spelled, `${label}: ${e.message}`);
    else if (!detail.toLowerCase().includes(e.message.toLowerCase())) extra.push(`${label}: ${e.message}`);
  }
  return { detail, extra };
}

/** A thin client for the REST API: JSON in and out, every failure turned into a CliError with its exit code. */
export class ApiClient {
  readonly connection: Connection;

  constructor(connection: Connection) {
    this.connection = connection;
  }

  get<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.request<T>("GET", path, options);
  }

  post<T>(path: string, body: unknown = {}, options: RequestOptions = {}): Promise<T> {
    return this.request<T>("POST", path, { ...options, body });
  }

  patch<T>(path: string, body: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>("PATCH", path, { ...options, body });
  }

  put<T>(path: string, body: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>("PUT", path, { ...options, body });
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const { url, token } = this.connection;
    const target = new URL(`${url}${path}`);
    for (const [key, value] of Object.entries(options.query ?? {}))
      if (value !== undefined) target.searchParams.set(key, String(value));
    const headers: Record<string, string> = { accept: "application/json" };
    if (token) headers.authorization = `Bearer ${token}`;
    if (options.body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(target, {
        method,
        headers,
        signal: AbortSignal.timeout(TIMEOUT_MS),
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      });
    } catch (error) {
      throw this.#unreachable(error);
    }
    const text = await response.text();
    const body = parseJsonOrUndefined(text);
    if (response.ok) return asResponse<T>(body);
    throw this.#refused(response.status, body, options.fieldNames ?? {});
  }

  #unreachable(error: unknown): ServerUnreachableError {
    const timedOut = error instanceof Error && error.name === "TimeoutError";
    const why = timedOut
      ? `no answer within ${TIMEOUT_MS / 1000}s`
      : (codeOf(error instanceof Error ? error.cause : undefined) ?? messageOf(error));
    const { url, urlSource } = this.connection;
    return new ServerUnreachableError(
      EXIT.UNAVAILABLE,
      `cannot reach the Foghorn server at ${url} (${why}; URL from ${urlSource}). ` +
        "Start it with `npm start`, or point --url / FOGHORN_URL at a running server",
    );
  }

  #refused(status: number, body: unknown, names: Record<string, string>): CliError {
    const code = exitCodeFor(status);
    const { url, tokenSource } = this.connection;
    if (!isProblem(body)) {
      return new CliError(
        code,
        `${url} answered HTTP ${status} without a Foghorn error body; is ${url} a Foghorn server?`,
      );
    }
    const described = describeProblem(body, `HTTP ${status}`, names);
    let detail = described.detail;
    if (status === 401 && tokenSource) detail += ` (the token came from ${tokenSource})`;
    if (status === 401 && !tokenSource)
      detail = `no API token: set FOGHORN_TOKEN, pass --token, or run "foghorn login" (server said: ${detail})`;
    if (status >= 500) detail = `the server at ${url} failed (HTTP ${status}): ${detail}`;
    return new CliError(code, detail, described.extra);
  }
}

/**
 * The one cast of the client: a successful response body is the app view the route returns (the CLI and
 * the server are the same build, and the views in src/app are the API's contract).
 */
function asResponse<T>(body: unknown): T {
  return body as T;
}
