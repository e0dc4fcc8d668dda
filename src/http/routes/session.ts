import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { SetPasswordInput, setPassword } from "#app/auth/passwords.ts";
import { LoginInput, login, logout, type NewSession } from "#app/auth/sessions.ts";
import { completeSetup, SetupInput } from "#app/auth/setup.ts";
import { AppError } from "#app/errors.ts";
import { SESSION_COOKIE, sessionCookieOptions } from "../auth.ts";
import type { ApiRegistry } from "../openapi.ts";

function setSessionCookie(req: FastifyRequest, reply: FastifyReply, session: NewSession) {
  reply.setCookie(SESSION_COOKIE, session.secret, {
    ...sessionCookieOptions(req),
    expires: session.expiresAt,
  });
  return session.view;
}

/** Web sign-in, sign-out and first-run setup; passwords. Cookies are set here, the rules live in app/auth. */
export function registerSessionRoutes(app: FastifyInstance, api: ApiRegistry): void {
  const tag = "Sessions";
  api.addOpen(
    app,
    {
      method: "POST",
      url: "/api/v1/session",
      tag,
      summary: "Sign in with username and password",
      description:
        "Sets the HttpOnly session cookie `foghorn_session` (14 days) and answers the user and the session's " +
        "`csrf_token`, which every POST, PATCH, PUT and DELETE made with the cookie must send as X-CSRF-Token.",
      body: LoginInput,
      success: 200,
      responseDescription: '{"username","role","csrf_token"} and Set-Cookie',
      unauthorized: "Wrong username or password (one message for both)",
    },
    async (req, ctx, reply) => setSessionCookie(req, reply, await login(ctx, req.body)),
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
      await logout(ctx, req.cookies[SESSION_COOKIE]);
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
      description: `At least 12 characters. Ends every session of that user.`,
      body: SetPasswordInput,
      success: 200,
      responseDescription: '{"username","sessions_ended"}',
    },
    (req, ctx) => setPassword(ctx, (req.params as { username: string }).username, req.body),
  );
}
