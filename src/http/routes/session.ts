import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { SetPasswordInput, setPassword } from "#app/auth/passwords.ts";
import { LoginInput, login, logout, type NewSession, type PasswordSignIn } from "#app/auth/sessions.ts";
import { completeSetup, SetupInput } from "#app/auth/setup.ts";
import { LoginThrottledError } from "#app/auth/throttle.ts";
import { AppError } from "#app/errors.ts";
import { DEVICE_COOKIE, SESSION_COOKIE, sessionCookieOptions } from "../auth.ts";
import type { ApiRegistry } from "../openapi.ts";
import { problem } from "../problem.ts";

/** The device cookie goes only to the sign-in endpoint; it outlives sessions (a year from the last sign-in). */
function setDeviceCookie(req: FastifyRequest, reply: FastifyReply, signIn: PasswordSignIn) {
  reply.setCookie(DEVICE_COOKIE, signIn.device.secret, {
    ...sessionCookieOptions(req),
    path: "/api/v1/session",
    sameSite: "strict",
    expires: signIn.device.expiresAt,
  });
}

function setSessionCookie(req: FastifyRequest, reply: FastifyReply, session: NewSession) {
  reply.setCookie(SESSION_COOKIE, session.secret, {
    ...sessionCookieOptions(req),
    expires: session.expiresAt,
  });
  return session.view;
}

/** Web sign-in, sign-out and first-run setup; passwords. Cookies are set here, the rules live in app/auth. */
/** What POST /api/v1/session answers when auth.localPasswords is false. */
export const PASSWORD_SIGN_IN_OFF =
  "Password sign-in is turned off (auth.localPasswords: false); sign in with SSO instead: GET /api/v1/auth/methods names it";

export function registerSessionRoutes(
  app: FastifyInstance,
  api: ApiRegistry,
  /** auth.localPasswords: false refuses POST /api/v1/session with 403 (SSO only). */
  localPasswords = true,
): void {
  const tag = "Sessions";
  api.addOpen(
    app,
    {
      method: "POST",
      url: "/api/v1/session",
      tag,
      summary: "Sign in with username and password",
      description:
        "Sets the HttpOnly session cookie `foghorn_session` (14 days, ended earlier by inactivity) and answers " +
        "the user and the session's `csrf_token`, which every POST, PATCH, PUT and DELETE made with the cookie " +
        "must send as X-CSRF-Token. Also sets `foghorn_device`, which marks the browser as known to the user. " +
        "Too many failed sign-ins per address, per account and address, or per account (browsers not known to " +
        "the account) answer 429 with Retry-After (docs/authentication.md).",
      body: LoginInput,
      success: 200,
      responseDescription: '{"username","role","csrf_token"} and Set-Cookie',
      unauthorized: "Wrong username or password (one message for both)",
    },
    async (req, ctx, reply) => {
      if (!localPasswords) throw new AppError("FORBIDDEN", PASSWORD_SIGN_IN_OFF);
      let signIn: PasswordSignIn;
      try {
        signIn = await login(ctx, req.body, {
          ip: req.ip,
          deviceSecret: req.cookies[DEVICE_COOKIE],
          requestId: req.id,
        });
      } catch (error) {
        if (!(error instanceof LoginThrottledError)) throw error;
        return reply
          .status(429)
          .header("retry-after", String(error.retryAfterSeconds))
          .type("application/problem+json")
          .send({
            ...problem(429, "TOO_MANY_REQUESTS", error.detail, req),
            retry_after: error.retryAfterSeconds,
          });
      }
      setDeviceCookie(req, reply, signIn);
      return setSessionCookie(req, reply, signIn);
    },
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/session",
      access: "read",
      tag,
      summary: "The signed-in user and the session's CSRF token",
      description: "401 when the request has no live session cookie (a bearer token is not a session).",
      success: 200,
      responseDescription: '{"username","role","csrf_token"}',
    },
    async (req) => {
      if (!req.session)
        throw new AppError(
          "UNAUTHENTICATED",
          "No session: this request was authenticated by a bearer token; sign in with POST /api/v1/session",
        );
      return req.session.view;
    },
  );
  api.add(
    app,
    {
      method: "DELETE",
      url: "/api/v1/session",
      access: "self",
      tag,
      summary: "Sign out: ends the session on the server and clears the cookie",
      success: 204,
      responseDescription: "Signed out",
    },
    async (req, ctx, reply) => {
      await logout(ctx, req.cookies[SESSION_COOKIE], { actor: ctx.actor, ip: req.ip, requestId: req.id });
      reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(req));
      return undefined;
    },
  );
  api.addOpen(
    app,
    {
      method: "POST",
      url: "/api/v1/setup",
      tag,
      summary: "First-run setup: set the admin's password with the one-time link printed at first start",
      description:
        "The link `/setup?token=…` is printed once, works once and for 24 hours. Sets the password and signs in " +
        "(the same answer and cookie as POST /api/v1/session).",
      body: SetupInput,
      success: 200,
      responseDescription: '{"username","role","csrf_token"} and Set-Cookie',
      unauthorized: "The setup link was already used, expired or is wrong",
    },
    async (req, ctx, reply) => setSessionCookie(req, reply, await completeSetup(ctx, req.body)),
  );
  api.add(
    app,
    {
      method: "PUT",
      url: "/api/v1/users/:username/password",
      access: "self",
      tag: "Account",
      summary: "Set a user's web password (admins: anyone's; others: their own)",
      description:
        "At least 12 characters. Ends every other session of that user; the session that makes the change " +
        "stays signed in.",
      body: SetPasswordInput,
      success: 200,
      responseDescription: '{"username","sessions_ended"}',
    },
    (req, ctx) =>
      setPassword(ctx, (req.params as { username: string }).username, req.body, {
        keepSessionHash: req.session?.tokenHash,
        ip: req.ip,
        requestId: req.id,
      }),
  );
}
