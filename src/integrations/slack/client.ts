/**
 * What the Slack channel and the announcer share: one way to build the WebClient, one mapping of its
 * errors to ChannelError, and mrkdwn escaping.
 */
import {
  LogLevel,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
} from "@slack/web-api";
import { ChannelError } from "#app/ports.ts";

/** How long one Web API call may take before it counts as failed (and is retried by the engine). */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Platform errors that may go away on their own; every other `{ ok: false, error }` is a problem with
 * the token, the scopes or the target (invalid_auth, channel_not_found, user_not_found, is_archived…)
 * that a retry would only repeat.
 */
const TRANSIENT_PLATFORM_ERRORS = new Set([
  "ratelimited",
  "rate_limited",
  "internal_error",
  "fatal_error",
  "service_unavailable",
  "request_timeout",
  "team_added_to_org",
]);

/** A Block Kit block: anything with a `type` (Slack's `Block`), built as plain objects. */
export type SlackBlock = { type: string; block_id?: string } & Record<string, unknown>;

export interface SlackClientOptions {
  /** Bot token (xoxb-…). */
  token: string;
  /** Web API base URL; tests point it at a local server. Default https://slack.com/api/. */
  apiUrl?: string | undefined;
}

/**
 * A WebClient that never waits on its own: a 429 is rejected at once (`rejectRateLimitedCalls`) and
 * nothing is retried, so a delivery job is not held for minutes inside the client. The engine retries
 * the job after `retryAfterMs` instead, which survives a restart and frees the worker meanwhile.
 */
export function createSlackClient(opts: SlackClientOptions): WebClient {
  return new WebClient(opts.token, {
    ...(opts.apiUrl === undefined ? {} : { slackApiUrl: opts.apiUrl }),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: REQUEST_TIMEOUT_MS,
    // Method names only: an absolute URL would send the token somewhere else.
    allowAbsoluteUrls: false,
    // Failures reach the caller as ChannelError and are logged there; the client's own console
    // logging would duplicate them.
    logLevel: LogLevel.ERROR,
  });
}

/** Maps whatever a WebClient call threw to a ChannelError: 429 with its Retry-After, permanent or not. */
export function toChannelError(err: unknown, what: string): ChannelError {
  if (err instanceof ChannelError) return err;
  if (err instanceof WebAPIRateLimitedError) {
    return new ChannelError(`${what}: Slack rate limit, retry after ${err.retryAfter} s`, {
      retryAfterMs: err.retryAfter * 1000,
      cause: err,
    });
  }
  if (err instanceof WebAPIPlatformError) {
    const code = err.data.error;
    return new ChannelError(`${what}: Slack answered ${code}`, {
      permanent: !TRANSIENT_PLATFORM_ERRORS.has(code),
      cause: err,
    });
  }
  if (err instanceof WebAPIHTTPError) {
    // Slack's Web API uses no status besides 200 and 429; anything else is a proxy or an outage.
    return new ChannelError(`${what}: Slack answered HTTP ${err.statusCode}`, { cause: err });
  }
  if (err instanceof WebAPIRequestError) {
    return new ChannelError(`${what}: Slack unreachable: ${err.original.message}`, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new ChannelError(`${what}: ${message}`, { cause: err });
}

/** Calls Slack and maps any failure with toChannelError. */
export async function callSlack<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toChannelError(err, what);
  }
}

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A mrkdwn link `<url|label>`; `|` and `>` in the URL are percent-encoded so they cannot end it early. */
export function mrkdwnLink(url: string, label: string): string {
  const safeUrl = url.replace(/\|/g, "%7C").replace(/>/g, "%3E").replace(/</g, "%3C");
  return `<${safeUrl}|${escapeMrkdwn(label)}>`;
}

/** Cuts text to `max` characters with an ellipsis (Block Kit rejects over-long fields). */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A non-empty string field of an API response, or a (transient) ChannelError naming the missing field. */
export function requireField(value: unknown, field: string, what: string): string {
  if (typeof value === "string" && value !== "") return value;
  throw new ChannelError(`${what}: Slack's answer has no ${field}`);
}
