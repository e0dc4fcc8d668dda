/**
 * Pages by SMS and by phone call through Twilio's REST API, or any API that speaks it (`baseUrl`),
 * using the official `twilio` client. A text asks for a reply (`4 A7K` acknowledges, `6 A7K` resolves;
 * inbound.ts reads it); a call reads the page out and, with `acknowledgeUrlBase`, takes 4 or 6 on the
 * keypad. Neither can be edited once sent, so there is no `update`.
 *
 * Base URL: the client builds every URL as `https://api.twilio.com/2010-04-01/…` (its edge/region
 * settings only insert labels into that *.twilio.com host name), so a custom `httpClient`, a subclass of
 * the client's own RequestClient, rewrites the origin to `baseUrl` before the request leaves.
 */
import twilio from "twilio";
import type RequestClient from "twilio/lib/base/RequestClient.js";
import { type Channel, ChannelError, type OutboundMessage } from "#app/ports.ts";

export interface SmsChannelOptions {
  accountSid: string;
  authToken: string;
  /** The sending number (E.164) or Messaging Service sender. */
  from: string;
  /** A Twilio-compatible API's origin (and optional path prefix); default https://api.twilio.com. */
  baseUrl?: string;
}

export interface VoiceChannelOptions extends SmsChannelOptions {
  /**
   * Where the call's keypad answer goes (Foghorn's public voice endpoint). Without it the call only
   * reads the page out. Twilio posts `Digits` there, with `code` and `delivery` in the query string.
   */
  acknowledgeUrlBase?: string;
}

/** Twilio's limit for one message body. */
const SMS_MAX = 1600;
/** How long one API call may take. */
const REQUEST_TIMEOUT_MS = 15_000;
const TWILIO_API_HOST = /(^|\.)twilio\.com$/;

/**
 * The client's RequestClient with two changes: requests to *.twilio.com go to `baseUrl` instead, and a
 * 429 becomes a ChannelError with the Retry-After header (Twilio's RestException drops the headers).
 */
class FoghornRequestClient extends twilio.RequestClient {
  readonly #base: URL | undefined;

  constructor(baseUrl: string | undefined) {
    // autoRetry stays off: the engine retries the delivery job instead of a sleeping client.
    super({ timeout: REQUEST_TIMEOUT_MS, autoRetry: false });
    this.#base = baseUrl === undefined ? undefined : new URL(baseUrl);
  }

  override async request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const response = await super.request({ ...opts, uri: this.#rewrite(opts.uri), allowRedirects: false });
    if (response.statusCode === 429) {
      const retryAfterMs = retryAfterHeaderMs(response.headers);
      throw new ChannelError("Twilio rate limit (HTTP 429)", {
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    }
    return response;
  }

  #rewrite(uri: string): string {
    if (this.#base === undefined) return uri;
    const url = new URL(uri);
    if (!TWILIO_API_HOST.test(url.hostname)) return uri;
    const prefix = this.#base.pathname.replace(/\/+$/, "");
    return `${this.#base.origin}${prefix}${url.pathname}${url.search}`;
  }
}

/** Retry-After in seconds (Twilio-compatible APIs use seconds), if the answer has one. */
function retryAfterHeaderMs(headers: unknown): number | undefined {
  const value =
    typeof headers === "object" && headers !== null ? Reflect.get(headers, "retry-after") : undefined;
  const seconds = Number(value);
  return typeof value === "string" && value.trim() !== "" && Number.isFinite(seconds) && seconds >= 0
    ? Math.round(seconds * 1000)
    : undefined;
}

function createClient(opts: SmsChannelOptions): twilio.Twilio {
  return twilio(opts.accountSid, opts.authToken, {
    httpClient: new FoghornRequestClient(opts.baseUrl),
    // Explicit, so TWILIO_EDGE / TWILIO_REGION / TWILIO_LOG_LEVEL in the environment change nothing:
    // configuration comes from Foghorn's config only (ARCHITECTURE.md).
    edge: "",
    region: "",
    logLevel: "warn",
  });
}

/**
 * RestException's status decides: 429 and 5xx may pass later, any other 4xx (a bad number, bad
 * credentials, an unverified trial recipient) will not. Anything without a status (network) is transient.
 */
function toChannelError(err: unknown, what: string): ChannelError {
  if (err instanceof ChannelError) {
    const options = { permanent: err.permanent, cause: err };
    return new ChannelError(
      `${what}: ${err.message}`,
      err.retryAfterMs === undefined ? options : { ...options, retryAfterMs: err.retryAfterMs },
    );
  }
  if (err instanceof twilio.RestException) {
    const detail = `${what}: HTTP ${err.status}${err.code ? ` (Twilio error ${err.code})` : ""}: ${err.message}`;
    const permanent = err.status >= 400 && err.status < 500 && err.status !== 429;
    return new ChannelError(detail, { permanent, cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new ChannelError(`${what}: ${message}`, { cause: err });
}

/** The text of a page: subject, body, and how to answer. */
export function smsBody(message: OutboundMessage): string {
  const code = message.replyCode;
  const instruction = code
    ? `Reply 4 ${code} to acknowledge, 6 ${code} to resolve`
    : message.actions
      ? "Reply 4 to acknowledge, 6 to resolve"
      : "";
  // The subject leads; the body follows unless it only repeats it.
  const text = message.text.trim();
  const head =
    text === "" || text === message.subject
      ? message.subject
      : text.startsWith(message.subject)
        ? text
        : `${message.subject}\n${text}`;
  const room = SMS_MAX - (instruction === "" ? 0 : instruction.length + 1);
  const fitted = head.length <= room ? head : `${head.slice(0, room - 1)}…`;
  return instruction === "" ? fitted : `${fitted}\n${instruction}`;
}

/** The SMS channel. providerRef: `{ sid }` of the message. */
export function createSmsChannel(opts: SmsChannelOptions): Channel {
  const client = createClient(opts);
  return {
    kind: "sms",
    async send(message) {
      const what = `SMS to ${message.to.address}`;
      try {
        const sent = await client.messages.create({
          to: message.to.address,
          from: opts.from,
          body: smsBody(message),
        });
        return { providerRef: { sid: sent.sid } };
      } catch (err) {
        throw toChannelError(err, what);
      }
    },
  };
}

/** The TwiML of a paging call: the page read out twice, and the keypad question when answers are taken. */
export function voiceTwiml(message: OutboundMessage, acknowledgeUrlBase?: string): string {
  const response = new twilio.twiml.VoiceResponse();
  const spoken = `Foghorn page. ${message.subject}. ${message.items.map((item) => item.summary).join(". ")}`;
  if (acknowledgeUrlBase && (message.actions || message.replyCode)) {
    const action = new URL(acknowledgeUrlBase);
    if (message.replyCode) action.searchParams.set("code", message.replyCode);
    action.searchParams.set("delivery", message.deliveryId);
    const gather = response.gather({ numDigits: 1, action: action.href, method: "POST", timeout: 10 });
    gather.say(spoken);
    gather.say("Press 4 to acknowledge. Press 6 to resolve.");
    gather.say(spoken);
    gather.say("Press 4 to acknowledge. Press 6 to resolve.");
    response.say("No answer received. Goodbye.");
  } else {
    response.say(spoken);
    response.pause({ length: 1 });
    response.say(spoken);
  }
  // The TwiML builder escapes the text as XML.
  return response.toString();
}

/** The voice channel: `calls.create` with inline TwiML. providerRef: `{ sid }` of the call. */
export function createVoiceChannel(opts: VoiceChannelOptions): Channel {
  const client = createClient(opts);
  return {
    kind: "voice",
    async send(message) {
      const what = `call to ${message.to.address}`;
      try {
        const call = await client.calls.create({
          to: message.to.address,
          from: opts.from,
          twiml: voiceTwiml(message, opts.acknowledgeUrlBase),
        });
        return { providerRef: { sid: call.sid } };
      } catch (err) {
        throw toChannelError(err, what);
      }
    },
  };
}
