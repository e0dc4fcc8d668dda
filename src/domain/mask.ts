/**
 * How the API shows a secret after the response that created it: never whole. A webhook URL may carry
 * its key anywhere after the host (Slack's incoming webhooks are nothing but a key), so only the scheme
 * and host stay; other secrets show their last four characters, enough to tell two apart.
 */

/** The mark a masked value starts with; an edit form that sends it back means "keep the stored secret". */
export const MASK = "••••";

/** "https://hooks.slack.com/…" for https://hooks.slack.com/services/T0/B0/XXXX; unparseable: "••••". */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const bare = parsed.pathname === "/" && !parsed.search && !parsed.hash;
    return `${parsed.protocol}//${parsed.host}${bare ? "/" : "/…"}`;
  } catch {
    return MASK;
  }
}

/** "••••abcd": the last four characters of a secret of at least 16; shorter ones show none. */
export function maskSecret(secret: string): string {
  return secret.length >= 16 ? `${MASK}${secret.slice(-4)}` : MASK;
}

/** True for a value the API masked (sent back unchanged by an edit form). */
export function isMasked(value: string): boolean {
  return value.startsWith(MASK) || value.includes("/…");
}

/** A contact method's address as shown: a webhook URL masked, other kinds (email, phone, Slack id) whole. */
export function maskAddress(kind: string, address: string): string {
  return kind === "webhook" ? maskUrl(address) : address;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TOKEN_LIKE = /^[A-Za-z0-9_~.-]{20,}$/;
/** Random keys mix upper case, lower case and digits (or are long hex); names and slugs rarely do. */
const looksRandom = (part: string) =>
  TOKEN_LIKE.test(part) &&
  !UUID.test(part) &&
  ((/[A-Z]/.test(part) && /[a-z]/.test(part) && /\d/.test(part)) || /^[0-9a-f]{32,}$/i.test(part));

/**
 * A request path as logged: path segments and query values that look like random keys (routing keys,
 * page links) keep their first 4 characters; query values named like secrets (token, key, …) are dropped.
 */
export function maskPathSecrets(path: string): string {
  const at = path.search(/[?#]/);
  const [pathname, rest] = at === -1 ? [path, ""] : [path.slice(0, at), path.slice(at)];
  const mask = (part: string) => (looksRandom(part) ? `${part.slice(0, 4)}…` : part);
  const masked = pathname.split("/").map(mask).join("/");
  const query = rest.replace(/([?&][^=&#]*=)([^&#]*)/g, (_, key: string, value: string) =>
    /token|key|secret|code|state|signature|password/i.test(key) ? `${key}…` : key + mask(value),
  );
  return masked + query;
}
