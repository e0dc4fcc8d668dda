import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { OIDC_CALLBACK_PATH, OIDC_START_PATH, OidcCallbackInput, type OidcSignIn } from "#app/auth/oidc.ts";
import { AppError } from "#app/errors.ts";
import { parseInput } from "#app/validation.ts";
import { SESSION_COOKIE, sessionCookieOptions } from "../auth.ts";
import type { ApiRegistry } from "../openapi.ts";
import { STATUS_BY_CODE } from "../problem.ts";

/** The sign-in methods on offer; `oidc` is set when auth.oidc is configured. */
export interface OidcRouteDeps {
  oidc?: OidcSignIn | undefined;
  /** auth.localPasswords */
  localPasswords: boolean;
}

/** Holds the state of a sign-in started in this browser, so a callback from another browser is refused. */
export const OIDC_STATE_COOKIE = "foghorn_oidc_state";
const STATE_COOKIE_PATH = "/api/v1/auth/oidc";

const StartQuery = z.object({
  return_to: z
    .string()
    .max(2048)
    .optional()
    .describe("Path on this site to open after signing in, e.g. /incidents (default /)"),
});

function stateCookieOptions(req: FastifyRequest) {
  return { ...sessionCookieOptions(req), path: STATE_COOKIE_PATH };
}

function requireOidc(deps: OidcRouteDeps): OidcSignIn {
  if (!deps.oidc)
    throw new AppError("NOT_FOUND", "SSO is not configured on this Foghorn; set auth.oidc (docs/sso.md)");
  return deps.oidc;
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

/**
 * These routes are opened by the browser (a link, the provider's redirect): a refusal is a small page
 * for people and problem+json for everyone else.
 */
async function forBrowser(req: FastifyRequest, reply: FastifyReply, run: () => Promise<unknown>) {
  try {
    return await run();
  } catch (error) {
    const accept = String(req.headers.accept ?? "");
    if (!(error instanceof AppError) || !accept.includes("text/html")) throw error;
    return reply
      .status(STATUS_BY_CODE[error.code])
      .header("cache-control", "no-store")
      .type("text/html; charset=utf-8")
      .send(
        `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">` +
          `<meta name="viewport" content="width=device-width, initial-scale=1">` +
          `<meta name="color-scheme" content="light dark"><title>Sign-in failed · Foghorn</title></head>` +
          `<body><main><h1>Sign-in failed</h1><p>${escapeHtml(error.detail)}</p>` +
          `<p><a href="/">Back to sign-in</a></p></main></body></html>\n`,
      );
  }
}

/** SSO with OpenID Connect (docs/sso.md): which sign-in methods exist, start, and the provider's callback. */
export function registerOidcRoutes(app: FastifyInstance, api: ApiRegistry, deps: OidcRouteDeps): void {
  const tag = "Sessions";
  api.addOpen(
    app,
    {
      method: "GET",
      url: "/api/v1/auth/methods",
      tag,
      summary: "How people may sign in: password and/or SSO",
      description:
        "`password` is false when auth.localPasswords is off (POST /api/v1/session then answers 403); `oidc` names " +
        "the identity provider and the URL that starts signing in with it, or is null when SSO is not configured.",
      success: 200,
      responseDescription: '{"password": boolean, "oidc": {"name","start_url"} | null}',
    },
    async () => ({
      password: deps.localPasswords,
      oidc: deps.oidc ? { name: deps.oidc.settings.displayName, start_url: OIDC_START_PATH } : null,
    }),
  );
  api.addOpen(
    app,
    {
      method: "GET",
      url: OIDC_START_PATH,
      tag,
      summary: "Start signing in with SSO: redirects to the identity provider",
      description:
        "Answers 302 to the provider's authorization endpoint (authorization code with PKCE S256, state and " +
        "nonce kept for 10 minutes) and sets a short-lived cookie tying the sign-in to this browser. " +
        "`return_to` must be a path on this site (422 otherwise).",
      query: StartQuery,
      success: 302,
      responseDescription: "Redirect to the identity provider",
      notFound: "SSO is not configured (auth.oidc)",
    },
    (req, ctx, reply) =>
      forBrowser(req, reply, async () => {
        const oidc = requireOidc(deps);
        const query = parseInput(StartQuery, req.query);
        const { url, state } = await oidc.start(ctx, query.return_to);
        reply.setCookie(OIDC_STATE_COOKIE, state, { ...stateCookieOptions(req), maxAge: 600 });
        return reply.header("cache-control", "no-store").redirect(url, 302);
      }),
  );
  api.addOpen(
    app,
    {
      method: "GET",
      url: OIDC_CALLBACK_PATH,
      tag,
      summary: "Where the identity provider sends the browser back after SSO sign-in",
      description:
        "Register `<server.publicUrl>/api/v1/auth/oidc/callback` as the redirect URL at the provider. Checks the " +
        "state (once), exchanges the code, verifies the ID token, maps the groups claim to a role, then sets the " +
        "session cookie `foghorn_session` (as POST /api/v1/session does) and answers 302 to the `return_to` given " +
        "at the start. Refusals answer a page (Accept: text/html) or problem+json.",
      query: OidcCallbackInput,
      success: 302,
      responseDescription: "Signed in: Set-Cookie and a redirect to the page to open",
      unauthorized:
        "The sign-in was refused by the provider, is unknown, expired, already used or did not verify",
      notFound: "SSO is not configured (auth.oidc)",
    },
    (req, ctx, reply) =>
      forBrowser(req, reply, async () => {
        const oidc = requireOidc(deps);
        const { session, returnTo } = await oidc.finish(ctx, req.query, {
          browserState: req.cookies[OIDC_STATE_COOKIE],
          ip: req.ip,
          requestId: req.id,
        });
        reply.clearCookie(OIDC_STATE_COOKIE, stateCookieOptions(req));
        reply.setCookie(SESSION_COOKIE, session.secret, {
          ...sessionCookieOptions(req),
          expires: session.expiresAt,
        });
        return reply.header("cache-control", "no-store").redirect(returnTo, 302);
      }),
  );
}
