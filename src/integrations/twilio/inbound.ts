/**
 * What Twilio posts back: the reply to a paging SMS. The HTTP route checks the signature against the
 * URL exactly as configured in Twilio (the public URL, not the listen address), reads the form's `Body`
 * with parseSmsReply, calls the use case, and answers with twimlMessage as `text/xml`.
 */
import twilio from "twilio";

export const TWILIO_SIGNATURE_HEADER = "x-twilio-signature";

export interface VerifyTwilioSignatureInput {
  authToken: string;
  /** The full URL Twilio requested, query string included, as configured in Twilio's console. */
  url: string;
  /** The POSTed form fields (empty for a GET). */
  params: Record<string, string | readonly string[]>;
  /** The X-Twilio-Signature header. */
  signature: string | undefined;
}

export type TwilioSignatureCheck = { ok: true } | { ok: false; reason: string };

/**
 * Twilio's signature: base64 HMAC-SHA1, keyed by the auth token, of the URL followed by every POST
 * field's name and value in name order. `twilio.validateRequest` computes exactly that, compares in
 * constant time, and also accepts the URL with or without its default port (proxies differ on it).
 */
export function verifyTwilioSignature(input: VerifyTwilioSignatureInput): TwilioSignatureCheck {
  if (input.authToken === "") return { ok: false, reason: "no Twilio auth token is configured" };
  const signature = input.signature?.trim();
  if (!signature) return { ok: false, reason: "the X-Twilio-Signature header is missing" };
  if (!twilio.validateRequest(input.authToken, signature, input.url, { ...input.params })) {
    return {
      ok: false,
      reason:
        "the signature does not match: check the auth token, and that the URL configured in Twilio is " +
        "Foghorn's public URL for this endpoint (scheme, host and path as Twilio calls them)",
    };
  }
  return { ok: true };
}

export type SmsReply = { action: "acknowledge" | "resolve"; code?: string } | { error: string };

const REPLY = /^(4|ack|acknowledge|6|res|resolve)(?:\s+([a-z0-9]{1,12}))?$/;

/**
 * Reads a reply to a page: `4` or `ack` acknowledges, `6` or `resolve` resolves, optionally followed by
 * the page's code (`4 A7K`). Case, surrounding spaces and trailing punctuation do not matter.
 */
export function parseSmsReply(body: string): SmsReply {
  const text = body
    .trim()
    .toLowerCase()
    .replace(/[\s.!?,;]+$/, "")
    .replace(/\s+/g, " ");
  const match = REPLY.exec(text);
  if (!match?.[1]) {
    return {
      error: 'Reply 4 and the code to acknowledge, or 6 and the code to resolve (for example "4 A7K").',
    };
  }
  const action = match[1] === "4" || match[1].startsWith("ack") ? "acknowledge" : "resolve";
  return match[2] ? { action, code: match[2].toUpperCase() } : { action };
}

/** TwiML answering an SMS with one message (send as `Content-Type: text/xml`). */
export function twimlMessage(text: string): string {
  const response = new twilio.twiml.MessagingResponse();
  response.message(text);
  return response.toString();
}

/**
 * TwiML answering the paging call's keypad choice (Digits go through parseSmsReply: "4" or "6"),
 * spoken, then the call ends.
 */
export function twimlSay(text: string): string {
  const response = new twilio.twiml.VoiceResponse();
  response.say(text);
  response.hangup();
  return response.toString();
}
