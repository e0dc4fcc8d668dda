import type { FastifyReply, FastifyRequest } from "fastify";
import {
  type AuthenticatedSession,
  csrfTokenMatches,
  type SessionAuthenticator,
  type SessionEnd,
} from "#app/auth/sessions.ts";
import type { TokenAuthenticator } from "#app/auth/tokens.ts";
import type { Actor } from "#app/context.ts";
import { forbidden, unauthenticated } from "./problem.ts";

declare module "fastify" {
  interface FastifyRequest {
    actor?: Actor;
    /** Set when the request was authenticated by the session cookie (not by a bearer token). */
    session?: AuthenticatedSession;
  }
}

/** The web session cookie: 256 random bits, HttpOnly, SameSite=Lax, Secure over TLS. */
export const SESSION_COOKIE = "foghorn_session";
/**
 * The known-browser cookie: 256 random bits (sha256 in login_devices), set at each successful password
 * sign-in and sent only to the sign-in endpoint. It exempts the browser from the per-account throttle.
 */
export const DEVICE_COOKIE = "foghorn_device";
export const CSRF_HEADER = "x-csrf-token";
const UNSAFE_METHODS = new Set(["POST", "PATCH", "PUT", "DELETE"]);

export const CSRF_REFUSED = "Missing or wrong X-CSRF-Token header; reload the page";

export interface Authenticators {
  tokens: TokenAuthenticator;
  sessions: SessionAuthenticator;
}

/** The cookie attributes for the session cookie, set and cleared alike. */
export function sessionCookieOptions(req: FastifyRequest) {
  return {
    path: "/",
    httpOnly: true,
    sameSite: "lax" as const,
    // req.protocol honours X-Forwarded-Proto only with server.trustProxy.
    secure: req.protocol === "https",
  };
}

/** Why the cookie's session is gone, in words, so the person knows it was not their doing (or was). */
function sessionEndedDetail(ended: SessionEnd, sessions: SessionAuthenticator): string {
  if (ended === "idle")
    return `Your session ended after ${sessions.idleMinutes} minutes without activity; sign in again`;
  if (ended === "expired") return "Your session ended: sessions last 14 days; sign in again";
  return "Your session has ended (signed out, or the password was changed); sign in again";
}

function refuse(reply: FastifyReply, req: FastifyRequest, challenge: string, detail: string) {
  return reply
    .status(401)
    .header("www-authenticate", challenge)
    .type("application/problem+json")
    .send(unauthenticated(req, detail));
}

/** The token of an `Authorization: Bearer <token>` header; undefined for any other header or none. */
export function bearerToken(header: string | undefined): string | undefined {
  return header ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
}

/**
 * Authenticates an API request by `Authorization: Bearer <token>` or, without that header, by the session
 * cookie (the bearer token wins when both are sent). Cookie-authenticated changes (POST, PATCH, PUT,
 * DELETE) must also carry the session's CSRF token in X-CSRF-Token. Puts the user on the request.
 */
export function authenticate(auth: Authenticators) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const header = req.headers.authorization;
    if (header) {
      const token = bearerToken(header);
      const actor = token ? await auth.tokens.authenticate(token) : undefined;
      if (!actor) {
        return refuse(
          reply,
          req,
          'Bearer realm="foghorn", error="invalid_token"',
          "The bearer token is not valid (unknown, revoked or expired); create a new one with `foghorn token create`",
        );
      }
      req.actor = actor;
      return;
    }
    const cookie = req.cookies[SESSION_COOKIE];
    if (cookie) {
      const session = await auth.sessions.check(cookie);
      if ("ended" in session) {
        reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(req));
        return refuse(reply, req, 'Bearer realm="foghorn"', sessionEndedDetail(session.ended, auth.sessions));
      }
      if (UNSAFE_METHODS.has(req.method)) {
        const given = req.headers[CSRF_HEADER];
        if (!csrfTokenMatches(session, typeof given === "string" ? given : undefined)) {
          return reply.status(403).type("application/problem+json").send(forbidden(req, CSRF_REFUSED));
        }
      }
      req.actor = session.actor;
      req.session = session;
      return;
    }
    return refuse(
      reply,
      req,
      'Bearer realm="foghorn"',
      "Missing Authorization header: send Authorization: Bearer <token> (create one with `foghorn token create`), " +
        "or sign in with POST /api/v1/session",
    );
  };
}
