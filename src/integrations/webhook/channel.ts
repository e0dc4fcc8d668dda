/**
 * Pages a URL: a signed JSON POST per message, and a `page.updated` event to the same URL when the page
 * is acknowledged or resolved anywhere.
 *
 * What a receiver gets (and should check), in the manner of Stripe's webhooks:
 *
 * - `X-Foghorn-Delivery: <id>`: the same id on every retry of one delivery; drop one already handled.
 * - `X-Foghorn-Signature: t=<unix seconds>,v1=<hex>`: `v1` is HMAC-SHA256, keyed by the channel's
 *   signing secret, of `<t>.<raw body>`. Recompute it over the raw bytes, compare in constant time, and
 *   refuse a `t` more than 5 minutes from your clock (a replay). Several `v1=` may appear while a secret
 *   is rotated; one match suffices. `verifyFoghornSignature` below does all of it.
 * - Answer 2xx once stored. 429 and 5xx (with an optional Retry-After) and timeouts are retried; any
 *   other status, a 3xx included (redirects are not followed), fails the delivery for good.
 * - The URL goes through the SSRF guard (net/ssrf.ts): one resolving to a private, loopback, link-local or
 *   metadata address fails for good unless security.outboundAllow names it.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import {
  type Channel,
  ChannelError,
  type MessageIncident,
  type MessageUpdate,
  type OutboundMessage,
} from "#app/ports.ts";
import { maskUrl } from "#domain/mask.ts";
import type { Clock } from "#domain/time.ts";
import { createGuardedFetch, OutboundRefusedError } from "../net/ssrf.ts";

export const DELIVERY_HEADER = "X-Foghorn-Delivery";
export const SIGNATURE_HEADER = "X-Foghorn-Signature";
/** How far a signature's `t` may be from the receiver's clock. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

const DEFAULT_TIMEOUT_MS = 10_000;

export interface WebhookChannelOptions {
  /** The secret receivers verify X-Foghorn-Signature with. */
  signingSecret: string;
  /** The signature's timestamp, and Retry-After dates, are read from it. */
  clock: Clock;
  /** How long a receiver may take to answer. Default 10 s. */
  timeoutMs?: number;
  /**
   * The SSRF-guarded fetch (net/ssrf.ts createGuardedFetch with security.outboundAllow); by default one
   * with an empty allowlist. Tests may pass another.
   */
  fetch?: typeof fetch;
}

/** An incident as webhooks carry it. */
export interface WebhookIncident {
  id: string;
  human_id: string;
  title: string;
  severity: string;
  status: string;
  url: string;
}

/** The body of a page (`type` is the first item's reason: page, escalation_rule, reminder, handoff, test). */
export interface WebhookPageBody {
  type: string;
  delivery_id: string;
  to: { username: string; display_name: string };
  subject: string;
  text: string;
  items: { notification_id: string; reason: string; summary: string; incident: WebhookIncident | null }[];
  actions: { acknowledge_url: string; resolve_url: string } | null;
}

/** The body sent when a page already delivered is acknowledged or resolved. */
export interface WebhookPageUpdatedBody {
  type: "page.updated";
  delivery_id: string;
  /** The delivery id of the page this updates. */
  page_delivery_id: string | null;
  state: MessageUpdate["state"];
  text: string;
  incident: WebhookIncident;
}

function incidentBody(incident: MessageIncident): WebhookIncident {
  return {
    id: incident.id,
    human_id: incident.humanId,
    title: incident.title,
    severity: incident.severity,
    status: incident.status,
    url: incident.url,
  };
}

/** The JSON a page is sent as. */
export function webhookPageBody(message: OutboundMessage): WebhookPageBody {
  return {
    type: message.items[0]?.reason ?? "page",
    delivery_id: message.deliveryId,
    to: { username: message.to.username, display_name: message.to.displayName },
    subject: message.subject,
    text: message.text,
    items: message.items.map((item) => ({
      notification_id: item.notificationId,
      reason: item.reason,
      summary: item.summary,
      incident: item.incident ? incidentBody(item.incident) : null,
    })),
    actions: message.actions
      ? { acknowledge_url: message.actions.acknowledgeUrl, resolve_url: message.actions.resolveUrl }
      : null,
  };
}

/** `t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export function foghornSignature(signingSecret: string, body: string, unixSeconds: number): string {
  const v1 = createHmac("sha256", signingSecret).update(`${unixSeconds}.${body}`, "utf8").digest("hex");
  return `t=${unixSeconds},v1=${v1}`;
}

export interface VerifyFoghornSignatureInput {
  signingSecret: string;
  /** The X-Foghorn-Signature header. */
  header: string | undefined;
  /** The request body exactly as received. */
  rawBody: Buffer | string;
  now: Date;
  toleranceSeconds?: number;
}

/** For receivers (and tests): checks X-Foghorn-Signature as the module comment describes. */
export function verifyFoghornSignature(
  input: VerifyFoghornSignatureInput,
): { ok: true } | { ok: false; reason: string } {
  const tolerance = input.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS;
  if (!input.header) return { ok: false, reason: `the ${SIGNATURE_HEADER} header is missing` };
  let timestamp: string | undefined;
  const candidates: Buffer[] = [];
  for (const part of input.header.split(",")) {
    const [key, value = ""] = part.trim().split("=", 2);
    if (key === "t") timestamp = value;
    else if (key === "v1" && /^[0-9a-f]{64}$/i.test(value)) candidates.push(Buffer.from(value, "hex"));
  }
  if (timestamp === undefined || !/^\d{1,15}$/.test(timestamp)) {
    return { ok: false, reason: `the ${SIGNATURE_HEADER} header has no t=<unix seconds>` };
  }
  if (candidates.length === 0) return { ok: false, reason: `the ${SIGNATURE_HEADER} header has no v1=<hex>` };
  const body = typeof input.rawBody === "string" ? Buffer.from(input.rawBody, "utf8") : input.rawBody;
  const expected = createHmac("sha256", input.signingSecret).update(`${timestamp}.`).update(body).digest();
  if (!candidates.some((candidate) => timingSafeEqual(candidate, expected))) {
    return { ok: false, reason: "the signature does not match the body and the signing secret" };
  }
  const skew = Math.abs(Math.floor(input.now.getTime() / 1000) - Number(timestamp));
  if (skew > tolerance) {
    return {
      ok: false,
      reason: `the signature is ${skew} s old or ahead (at most ${tolerance} s): a replay?`,
    };
  }
  return { ok: true };
}

/**
 * Retry-After as milliseconds from `now`: delay-seconds or an HTTP date (RFC 9110 §10.2.3); undefined
 * when absent or unreadable.
 */
export function retryAfterMs(value: string | null, now: Date): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/** How a JSON POST is made: the clock (signatures, Retry-After), the answer timeout, fetch for tests. */
export interface JsonPostOptions {
  clock: Clock;
  /** How long a receiver may take to answer. Default 10 s. */
  timeoutMs?: number;
  /** The SSRF-guarded fetch; by default one with an empty allowlist (net/ssrf.ts). */
  fetch?: typeof fetch;
  userAgent?: string;
}

let defaultGuardedFetch: typeof fetch | undefined;

/**
 * POSTs a JSON body and maps the answer as the module comment says: 2xx is done; 429, 408, 5xx, timeouts
 * and connection errors are transient ChannelErrors (with Retry-After); 3xx (not followed) and other 4xx
 * are permanent. Shared by webhook pages and the status page's webhook and Slack subscribers.
 */
export async function postJson(
  opts: JsonPostOptions,
  url: string,
  body: string,
  headers: Record<string, string>,
  what: string,
): Promise<void> {
  defaultGuardedFetch ??= createGuardedFetch();
  const fetchFn = opts.fetch ?? defaultGuardedFetch;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new ChannelError(`${what}: the configured URL is not a valid URL; set it again`, {
      permanent: true,
    });
  }
  if (target.protocol !== "https:" && target.protocol !== "http:") {
    throw new ChannelError(`${what}: only http and https URLs can be called`, { permanent: true });
  }
  let response: Response;
  try {
    response = await fetchFn(target, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "User-Agent": opts.userAgent ?? "Foghorn-Webhook/1",
        ...headers,
      },
      body,
      // A redirect would re-send the message somewhere nobody configured.
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    // The URL must change (or security.outboundAllow): retrying cannot help.
    if (err instanceof OutboundRefusedError)
      throw new ChannelError(`${what}: ${err.message}`, { permanent: true, cause: err });
    const reason =
      err instanceof Error && err.name === "TimeoutError"
        ? `no answer within ${timeoutMs} ms`
        : describeFetchError(err);
    throw new ChannelError(`${what}: ${reason}`, { cause: err });
  }
  // The answer's body is not used; reading it frees the connection for reuse.
  await response.arrayBuffer().catch(() => undefined);
  const status = response.status;
  if (status >= 200 && status < 300) return;
  const detail = `${what}: HTTP ${status}`;
  // 408 (the receiver timed out reading) is as temporary as a 5xx.
  if (status === 429 || status === 408 || status >= 500) {
    const after = retryAfterMs(response.headers.get("retry-after"), opts.clock.now());
    throw new ChannelError(detail, after === undefined ? {} : { retryAfterMs: after });
  }
  if (status >= 300 && status < 400) {
    const location = response.headers.get("location");
    throw new ChannelError(`${detail}: redirects are not followed${location ? ` (to ${location})` : ""}`, {
      permanent: true,
    });
  }
  throw new ChannelError(detail, { permanent: true });
}

/**
 * POSTs `payload` signed with `signingSecret` (X-Foghorn-Signature) and carrying `deliveryId`
 * (X-Foghorn-Delivery). `extraHeaders` gets the signature's unix time.
 */
export async function postSignedJson(
  opts: JsonPostOptions & { signingSecret: string },
  url: string,
  deliveryId: string,
  payload: object,
  what: string,
  extraHeaders?: (unixSeconds: number) => Record<string, string>,
): Promise<void> {
  const body = JSON.stringify(payload);
  const unixSeconds = Math.floor(opts.clock.now().getTime() / 1000);
  await postJson(
    opts,
    url,
    body,
    {
      [DELIVERY_HEADER]: deliveryId,
      [SIGNATURE_HEADER]: foghornSignature(opts.signingSecret, body, unixSeconds),
      ...extraHeaders?.(unixSeconds),
    },
    what,
  );
}

/** The webhook channel. providerRef: `{ url, delivery_id }`, where `update` posts `page.updated`. */
export function createWebhookChannel(opts: WebhookChannelOptions): Channel {
  const post = (url: string, deliveryId: string, payload: object, what: string) =>
    postSignedJson(opts, url, deliveryId, payload, what);

  return {
    kind: "webhook",
    async send(message) {
      await post(
        message.to.address,
        message.deliveryId,
        webhookPageBody(message),
        // The URL may carry a key: errors (logged, stored as last_error) name its host only.
        `webhook ${maskUrl(message.to.address)}`,
      );
      return { providerRef: { url: message.to.address, delivery_id: message.deliveryId } };
    },
    async update(providerRef, update, deliveryId) {
      const url = providerRef.url;
      if (!url)
        throw new ChannelError("webhook update: the page's reference has no url", { permanent: true });
      const payload: WebhookPageUpdatedBody = {
        type: "page.updated",
        delivery_id: deliveryId,
        page_delivery_id: providerRef.delivery_id ?? null,
        state: update.state,
        text: update.text,
        incident: incidentBody(update.incident),
      };
      await post(url, deliveryId, payload, `webhook update ${maskUrl(url)}`);
    },
  };
}

/** fetch's "fetch failed" hides the reason in `cause` (ECONNREFUSED, ENOTFOUND, "bad port"…). */
export function describeFetchError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const cause = err instanceof Error ? err.cause : undefined;
  if (!(cause instanceof Error)) return message;
  const code = Reflect.get(cause, "code");
  return `${message} (${typeof code === "string" ? code : cause.message})`;
}
