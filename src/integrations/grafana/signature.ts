/**
 * Verifies Grafana's HMAC-SHA256 webhook signature (grafana/alerting `http/hmac.go`, WIRE-FORMATS.md
 * §4.4). Grafana signs the raw body bytes, so this must be given the body exactly as received: JSON
 * parsed and serialized again does not verify.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Grafana's code sets `X-Grafana-Alert-Signature` by default, while its UI placeholder and the Terraform
 * examples say `X-Grafana-Alerting-Signature`; both are accepted unless a header name is configured.
 */
export const GRAFANA_SIGNATURE_HEADERS = [
  "X-Grafana-Alerting-Signature",
  "X-Grafana-Alert-Signature",
] as const;

/** How far Grafana's timestamp may be from our clock, either way, unless configured otherwise. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const SHA256_HEX_LENGTH = 64;

export interface VerifyGrafanaSignatureInput {
  /** The secret configured in the contact point's HMAC settings. */
  secret: string;
  /** The request body exactly as received. */
  rawBody: Buffer | string;
  /** Request headers; names are matched case-insensitively. */
  headers: Record<string, string | string[] | undefined>;
  now: Date;
  /** When configured, the header is required and Grafana signs `"<unix seconds>:" + body`. */
  timestampHeader?: string | undefined;
  /** A custom signature header name; otherwise both GRAFANA_SIGNATURE_HEADERS are looked at. */
  signatureHeader?: string | undefined;
  toleranceSeconds?: number;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/** A header's value by case-insensitive name (Node lower-cases them, other callers may not). */
function headerValue(headers: VerifyGrafanaSignatureInput["headers"], name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return (Array.isArray(value) ? value[0] : value)?.trim();
  }
  return undefined;
}

/** The signature and the header it came from, or why there is none. */
function findSignature(input: VerifyGrafanaSignatureInput): { name: string; value: string } | string {
  const names = input.signatureHeader ? [input.signatureHeader] : GRAFANA_SIGNATURE_HEADERS;
  for (const name of names) {
    const value = headerValue(input.headers, name);
    if (value !== undefined && value !== "") return { name, value };
  }
  const which = names.length === 1 ? `the ${names[0]} header` : `neither ${names.join(" nor ")} header`;
  return (
    `no signature: ${which} is present. Enable HMAC signing in the Grafana contact point ` +
    "(Optional webhook settings → HMAC signature) with the secret configured here"
  );
}

/**
 * Checks the request's signature, and its timestamp when a timestamp header is configured. The reason
 * on refusal is meant for the admin setting up the contact point, so it says what to fix.
 */
export function verifyGrafanaSignature(input: VerifyGrafanaSignatureInput): SignatureCheck {
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (input.secret === "") return { ok: false, reason: "no HMAC secret is configured for this integration" };
  const signature = findSignature(input);
  if (typeof signature === "string") return { ok: false, reason: signature };
  if (!/^[0-9a-fA-F]+$/.test(signature.value)) {
    return {
      ok: false,
      reason: `the ${signature.name} header is not hex: Grafana sends the hex HMAC-SHA256 of the body`,
    };
  }
  if (signature.value.length !== SHA256_HEX_LENGTH) {
    return {
      ok: false,
      reason: `the ${signature.name} header has ${signature.value.length} hex digits; an HMAC-SHA256 has 64`,
    };
  }

  let timestamp: number | null = null;
  const hmac = createHmac("sha256", input.secret);
  if (input.timestampHeader) {
    const raw = headerValue(input.headers, input.timestampHeader);
    if (raw === undefined || raw === "") {
      return {
        ok: false,
        reason:
          `the ${input.timestampHeader} header is missing; it is configured as the timestamp header, so set ` +
          "the same name as Timestamp header in the Grafana contact point's HMAC settings",
      };
    }
    if (!/^\d{1,15}$/.test(raw)) {
      return {
        ok: false,
        reason: `the ${input.timestampHeader} header is ${JSON.stringify(raw)}, not a number (Unix seconds)`,
      };
    }
    timestamp = Number(raw);
    hmac.update(`${raw}:`, "utf8");
  }
  hmac.update(typeof input.rawBody === "string" ? Buffer.from(input.rawBody, "utf8") : input.rawBody);

  const expected = hmac.digest();
  const received = Buffer.from(signature.value, "hex");
  // Constant time, so the comparison leaks nothing about how much of a guess was right.
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
    return {
      ok: false,
      reason:
        "the signature does not match: check the secret configured in the Grafana contact point's HMAC " +
        "settings (and that nothing between Grafana and Foghorn rewrites the body)",
    };
  }

  // Checked after the signature, so the timestamp is known to be Grafana's own.
  if (timestamp !== null) {
    const skew = Math.abs(Math.floor(input.now.getTime() / 1000) - timestamp);
    if (skew > tolerance) {
      return {
        ok: false,
        reason:
          `timestamp is ${skew} s from our clock; allowed ±${tolerance} s: ` +
          "check the sender's clock, or this is a replay",
      };
    }
  }
  return { ok: true };
}

/**
 * Refuses an exact replay of a signed request inside the timestamp window, which the timestamp check
 * alone allows. Memory is bounded: entries leave once older than the window, and at `maxEntries` the
 * oldest goes first.
 *
 * Per-process only: with several replicas a replay can reach another one, so this narrows the window
 * rather than closing it. Use it with a timestamp header configured (without one, Grafana's retry of a
 * failed delivery carries the same signature and would be refused), and only after the signature
 * verified, so forged signatures cannot fill it.
 */
export class ReplayGuard {
  readonly #seenAt = new Map<string, number>();
  readonly #retentionMs: number;
  readonly #maxEntries: number;

  constructor(options: { toleranceSeconds?: number; maxEntries?: number } = {}) {
    // A timestamp verifies from `tolerance` before it until `tolerance` after it: twice the tolerance
    // of our clock, so a signature is remembered that long.
    this.#retentionMs = 2 * (options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS) * 1000;
    this.#maxEntries = options.maxEntries ?? 100_000;
  }

  /** True when `signature` was already seen within the window (refuse the request); else remembers it. */
  seen(signature: string, now: Date): boolean {
    const at = now.getTime();
    // Map iteration follows insertion order, which is time order unless the clock steps back.
    for (const [key, seenAt] of this.#seenAt) {
      if (at - seenAt <= this.#retentionMs) break;
      this.#seenAt.delete(key);
    }
    const key = signature.toLowerCase();
    const previous = this.#seenAt.get(key);
    if (previous !== undefined && at - previous <= this.#retentionMs) return true;
    this.#seenAt.delete(key);
    if (this.#seenAt.size >= this.#maxEntries) {
      const oldest = this.#seenAt.keys().next();
      if (!oldest.done) this.#seenAt.delete(oldest.value);
    }
    this.#seenAt.set(key, at);
    return false;
  }

  /** How many signatures are remembered (for metrics and tests). */
  get size(): number {
    return this.#seenAt.size;
  }
}
