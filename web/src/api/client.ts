import type { FieldError, Problem } from "./types.ts";

// The one way the UI talks to the server: same-origin fetch with the session cookie, the CSRF token on
// every state-changing request, RFC 9457 problems turned into ApiError, and the server's clock offset.

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail ?? problem.title ?? `Request failed (${problem.status})`);
    this.name = "ApiError";
    this.status = problem.status;
    this.problem = problem;
  }

  get code(): string | undefined {
    return this.problem.code;
  }

  /** Field errors keyed by their top-level field ("affected_services.1" counts as "affected_services"). */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) {
      const key = e.field.split(".")[0] ?? e.field;
      out[key] = out[key] ? `${out[key]}; ${e.message}` : e.message;
    }
    return out;
  }

  /** Field errors that no field on the form shows, for the form-level message. */
  unplacedErrors(shown: readonly string[]): FieldError[] {
    return (this.problem.errors ?? []).filter((e) => !shown.includes(e.field.split(".")[0] ?? e.field));
  }
}

let csrfToken: string | null = null;
let unauthorizedHandler: (() => void) | null = null;
let clockOffsetMs = 0;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when an API request answers 401 (the session ended): the app shows the sign-in page. */
export function onUnauthorized(handler: (() => void) | null): void {
  unauthorizedHandler = handler;
}

/** The server's idea of now (from the Date header of its answers), so SLA clocks match its math. */
export function serverNow(): number {
  return Date.now() + clockOffsetMs;
}

function learnClock(response: Response): void {
  const date = response.headers.get("date");
  if (!date) return;
  const server = Date.parse(date);
  if (Number.isNaN(server)) return;
  const offset = server - Date.now();
  // The header has one-second precision: only correct for skews larger than that.
  clockOffsetMs = Math.abs(offset) > 2000 ? offset : 0;
}

async function readProblem(response: Response): Promise<Problem> {
  const type = response.headers.get("content-type") ?? "";
  if (type.includes("json")) {
    try {
      const body = (await response.json()) as Partial<Problem>;
      return { ...body, status: response.status };
    } catch {
      // fall through
    }
  }
  return {
    status: response.status,
    title: response.statusText,
    detail:
      response.status >= 500
        ? `The server failed (${response.status}). Try again in a moment.`
        : `Request failed (${response.status} ${response.statusText}).`,
  };
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  signal?: AbortSignal;
  /** Do not treat a 401 as "the session ended" (the session endpoints themselves). */
  allowUnauthenticated?: boolean;
  /** The browser cache mode, e.g. "no-cache" for public answers that are cached for a while. */
  cache?: RequestCache;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const method = options.method ?? (options.body === undefined ? "GET" : "POST");
  const headers: Record<string, string> = { accept: "application/json" };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (UNSAFE.has(method) && csrfToken) headers["x-csrf-token"] = csrfToken;
  try {
    return await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.cache ? { cache: options.cache } : {}),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError({
      status: 0,
      title: "Network error",
      detail: "Could not reach the Foghorn server. Check your connection and try again.",
    });
  }
}

/** Re-reads the session to get a fresh CSRF token; true when it worked. */
async function refreshCsrf(): Promise<boolean> {
  try {
    const response = await fetch("/api/v1/session", {
      credentials: "same-origin",
      headers: { accept: "application/json" },
    });
    if (!response.ok) return false;
    const body = (await response.json()) as { csrf_token?: string };
    if (typeof body.csrf_token !== "string") return false;
    csrfToken = body.csrf_token;
    return true;
  } catch {
    return false;
  }
}

/** Calls the API and returns the JSON body (undefined for 204); throws ApiError with the problem. */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? (options.body === undefined ? "GET" : "POST");
  let response = await send(path, options);
  if (response.status === 403 && UNSAFE.has(method) && (await refreshCsrf())) {
    response = await send(path, options);
  }
  learnClock(response);
  if (!response.ok) {
    const problem = await readProblem(response);
    if (response.status === 401 && !options.allowUnauthenticated) unauthorizedHandler?.();
    throw new ApiError(problem);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A short, human message for any error thrown by request(). */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
