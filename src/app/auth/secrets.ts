import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

// Random secrets for cookies, setup links and CSRF tokens, and how they are stored and compared.

/** 256 random bits as 43 base64url characters. */
export function randomSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** True for the shape randomSecret produces, so junk never costs a query. */
export function looksLikeSecret(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}

/** How high-entropy secrets are stored: sha256, hex. (256 random bits need no slow hash.) */
export function sha256Hex(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** Compares two secrets in constant time, whatever their lengths. */
export function secretsEqual(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = createHash("sha256").update(expected).digest();
  const b = createHash("sha256").update(given).digest();
  return timingSafeEqual(a, b) && expected.length === given.length;
}
