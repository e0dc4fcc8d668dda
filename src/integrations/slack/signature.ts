/**
 * Verifies that a request to the interactive or slash-command endpoint comes from Slack: the
 * `X-Slack-Signature` header is `v0=` + hex HMAC-SHA256, keyed by the app's signing secret, of
 * `v0:<X-Slack-Request-Timestamp>:<raw body>`. The body must be the bytes as received: a form body
 * parsed and serialized again does not verify.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** Slack's advice: refuse requests whose timestamp is more than five minutes from our clock (replays). */
export const SLACK_MAX_AGE_SECONDS = 300;

export const SLACK_SIGNATURE_HEADER = "x-slack-signature";
export const SLACK_TIMESTAMP_HEADER = "x-slack-request-timestamp";

export interface VerifySlackSignatureInput {
  /** The app's Signing Secret (Basic Information → App Credentials). */
  signingSecret: string;
  /** The X-Slack-Request-Timestamp header (Unix seconds). */
  timestamp: string | undefined;
  /** The X-Slack-Signature header (`v0=<hex>`). */
  signature: string | undefined;
  /** The request body exactly as received. */
  rawBody: Buffer | string;
  now: Date;
}

export type SlackSignatureCheck = { ok: true } | { ok: false; reason: string };

/** Checks Slack's v0 signature and refuses requests more than five minutes from `now`. */
export function verifySlackSignature(input: VerifySlackSignatureInput): SlackSignatureCheck {
  if (input.signingSecret === "") return { ok: false, reason: "no Slack signing secret is configured" };
  const timestamp = input.timestamp?.trim();
  if (!timestamp) return { ok: false, reason: "the X-Slack-Request-Timestamp header is missing" };
  if (!/^\d{1,15}$/.test(timestamp)) {
    return { ok: false, reason: "the X-Slack-Request-Timestamp header is not a number of seconds" };
  }
  const signature = input.signature?.trim();
  if (!signature) return { ok: false, reason: "the X-Slack-Signature header is missing" };
  const match = /^v0=([0-9a-fA-F]{64})$/.exec(signature);
  if (!match?.[1])
    return { ok: false, reason: "the X-Slack-Signature header is not `v0=` and 64 hex digits" };

  const expected = createHmac("sha256", input.signingSecret)
    .update(`v0:${timestamp}:`, "utf8")
    .update(typeof input.rawBody === "string" ? Buffer.from(input.rawBody, "utf8") : input.rawBody)
    .digest();
  const received = Buffer.from(match[1], "hex");
  // Constant time, so the comparison leaks nothing about how much of a guess was right.
  if (!timingSafeEqual(received, expected)) {
    return {
      ok: false,
      reason: "the signature does not match: check the configured Slack signing secret",
    };
  }

  // Checked after the signature, so the timestamp is known to be Slack's own.
  const skew = Math.abs(Math.floor(input.now.getTime() / 1000) - Number(timestamp));
  if (skew > SLACK_MAX_AGE_SECONDS) {
    return {
      ok: false,
      reason: `the request is ${skew} s from our clock (at most ${SLACK_MAX_AGE_SECONDS} s): a replay, or a clock is wrong`,
    };
  }
  return { ok: true };
}
