/**
 * Security headers on every response, and CORS closed unless `server.corsOrigins` names an origin.
 *
 * - Content-Security-Policy (CONTENT_SECURITY_POLICY): scripts only from Foghorn itself, never inline;
 *   no plugins, no <base>, no framing, forms post only to Foghorn. Styles allow 'unsafe-inline' because
 *   the API reference page and the "not built" page carry a <style> block; no script can run from a
 *   style. A route that sets its own policy keeps it (the public status page: style hashes, no scripts).
 * - Strict-Transport-Security when the request came over TLS (req.protocol, which honours
 *   server.trustProxy's X-Forwarded-Proto); never on plain http, where it would be ignored anyway.
 * - X-Content-Type-Options: nosniff, X-Frame-Options: DENY (frame-ancestors for old browsers),
 *   Referrer-Policy: no-referrer (calendar feed and unsubscribe URLs carry tokens), Cross-Origin-Opener-
 *   Policy: same-origin.
 * - CORS: no Access-Control-Allow-Origin on any API response, and a preflight from another origin gets
 *   no grant, unless server.corsOrigins lists the origin: then /api/v1/ answers it (without credentials:
 *   a cross-origin caller sends a bearer token, never the session cookie). The public status page's
 *   JSON and feeds keep their own `Access-Control-Allow-Origin: *` (public data, like statuspage.io's).
 *
 * The status page's fast path (answered by a plain node handler before Fastify) gets the same headers
 * through `setRawSecurityHeaders`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join("; ");

/** One year; no includeSubDomains, so Foghorn does not decide for the other hosts of its domain. */
export const HSTS = "max-age=31536000";

const ALWAYS: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
};

export interface SecurityHeaderOptions {
  /** server.corsOrigins: origins (scheme://host[:port]) whose pages may call /api/v1/ from a browser. */
  corsOrigins: readonly string[];
}

const PREFLIGHT_MAX_AGE = "600";
const ALLOWED_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE";

/** Lower-case origin without a trailing slash, as browsers send it in Origin. */
function normaliseOrigin(origin: string): string {
  return origin.trim().toLowerCase().replace(/\/+$/, "");
}

/** The authenticated API; the status page's public /api/v2/*.json is not part of it. */
function isApi(url: string): boolean {
  return url.startsWith("/api/v1/");
}

/** Adds the hooks: the preflight answer (before authentication) and the headers of every response. */
export function registerSecurityHeaders(app: FastifyInstance, options: SecurityHeaderOptions): void {
  const allowed = new Set(options.corsOrigins.map(normaliseOrigin));
  const grant = (req: FastifyRequest): string | undefined => {
    const origin = req.headers.origin;
    if (!origin || allowed.size === 0 || !isApi(req.url)) return undefined;
    return allowed.has(normaliseOrigin(origin)) ? origin : undefined;
  };

  // A preflight carries no credentials, so it is answered before the authentication hook sees it.
  app.addHook("onRequest", async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.method !== "OPTIONS" || !req.headers["access-control-request-method"]) return;
    const origin = grant(req);
    if (!origin) return; // no grant: routing answers it (404), without any CORS header
    const requested = req.headers["access-control-request-headers"];
    return reply
      .status(204)
      .header("access-control-allow-origin", origin)
      .header("access-control-allow-methods", ALLOWED_METHODS)
      .header("access-control-allow-headers", requested ? String(requested) : "authorization, content-type")
      .header("access-control-max-age", PREFLIGHT_MAX_AGE)
      .header("vary", "Origin")
      .send();
  });

  app.addHook("onSend", async (req, reply, payload) => {
    for (const [name, value] of Object.entries(ALWAYS)) if (!reply.hasHeader(name)) reply.header(name, value);
    if (!reply.hasHeader("content-security-policy"))
      reply.header("content-security-policy", CONTENT_SECURITY_POLICY);
    if (req.protocol === "https") reply.header("strict-transport-security", HSTS);
    if (isApi(req.url)) {
      // Nothing else may open the API to other origins: only a listed origin gets a grant.
      reply.removeHeader("access-control-allow-origin");
      reply.removeHeader("access-control-allow-credentials");
      const origin = grant(req);
      if (origin) {
        reply.header("access-control-allow-origin", origin);
        reply.header("access-control-expose-headers", "x-request-id, retry-after, location");
      }
      if (allowed.size > 0) {
        const vary = reply.getHeader("vary");
        if (!vary) reply.header("vary", "Origin");
        else if (!/\borigin\b/i.test(String(vary))) reply.header("vary", `${String(vary)}, Origin`);
      }
    }
    return payload;
  });
}

/**
 * The same headers for a response written by a plain node handler (the status page's fast path):
 * set before it writes, so its own headers (its Content-Security-Policy) still win.
 */
export function setRawSecurityHeaders(req: IncomingMessage, res: ServerResponse, trustProxy: boolean): void {
  const forwarded = trustProxy
    ? String(req.headers["x-forwarded-proto"] ?? "")
        .split(",")[0]
        ?.trim()
    : "";
  const tls = (req.socket as { encrypted?: boolean }).encrypted === true;
  for (const [name, value] of Object.entries(
    rawSecurityHeaders(forwarded === "https" || (!forwarded && tls)),
  ))
    res.setHeader(name, value);
}

/** The headers every response outside Fastify carries (the status page's own CSP replaces this one). */
export function rawSecurityHeaders(tls: boolean): Record<string, string> {
  return {
    ...ALWAYS,
    "content-security-policy": CONTENT_SECURITY_POLICY,
    ...(tls ? { "strict-transport-security": HSTS } : {}),
  };
}
