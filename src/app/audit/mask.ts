// Values that are secrets without a secret-looking key: routing keys, and keys inside URLs (Slack incoming
// webhooks, generic webhook receivers, heartbeat and calendar feed URLs). The audit log keeps enough to
// tell two of them apart (the last four characters), never enough to use one.

import { MASK, maskSecret } from "#domain/mask.ts";

/** Keys whose value is a credential for sending to Foghorn, though named like an identifier. */
const KEY_FIELD = /(^|_)(routing|service|integration|webhook)_?key$/i;

/** What a masked value looks like, as the API shows secrets: `••••` and the last four characters of a long one. */
export function maskValue(value: string): string {
  return maskSecret(value);
}

/**
 * A path segment that looks like a generated secret rather than a word: long, or mixing letters and
 * digits at a length no name has (Slack's `T0000/B0000/XXXX`: the team and channel ids stay, the key goes).
 */
export function looksLikeSecret(segment: string): boolean {
  if (segment.length >= 24) return true;
  return segment.length >= 16 && /[A-Za-z]/.test(segment) && /\d/.test(segment);
}

/**
 * An http(s) URL with its password, every query value and every secret-looking path segment masked; any
 * other string unchanged.
 */
export function maskUrl(text: string): string {
  if (!/^https?:\/\//i.test(text)) return text;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text;
  }
  let changed = false;
  if (url.password) {
    url.password = MASK;
    changed = true;
  }
  const segments = url.pathname.split("/");
  const masked = segments.map((s) => {
    const decoded = safeDecode(s);
    return looksLikeSecret(decoded) ? maskValue(decoded) : s;
  });
  if (masked.some((s, i) => s !== segments[i])) {
    url.pathname = masked.join("/");
    changed = true;
  }
  for (const [name, value] of [...url.searchParams]) {
    if (value.length > 0) {
      url.searchParams.set(name, maskValue(value));
      changed = true;
    }
  }
  if (!changed) return text;
  // URL percent-encodes the mask; the log is for people.
  return url.toString().replaceAll(encodeURIComponent(MASK), MASK);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** A deep copy with routing keys and keys inside URLs masked (see maskUrl). */
export function maskSecrets(value: unknown): unknown {
  if (typeof value === "string") return maskUrl(value);
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        KEY_FIELD.test(k) && typeof v === "string" && v.length > 0 ? maskValue(v) : maskSecrets(v),
      ]),
    );
  }
  return value;
}
