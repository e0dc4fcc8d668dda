import type { FastifyInstance } from "fastify";
import { CreateTokenInput, createToken, ListTokensQuery, listTokens, revokeToken } from "#app/auth/tokens.ts";
import { loadDemoData } from "#app/demo/load.ts";
import type { ApiRegistry } from "../openapi.ts";

/** Who am I, services, tokens and demo data. */
export function registerAdminRoutes(app: FastifyInstance, api: ApiRegistry): void {
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/me",
      access: "read",
      tag: "Account",
      summary: "The user the token belongs to",
      success: 200,
      responseDescription: "The user",
    },
    async (_req, ctx) => ({ username: ctx.actor.name, role: ctx.actor.role ?? null }),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/tokens",
      access: "self",
      tag: "Account",
      summary: "Create an API token (the secret is shown once)",
      description:
        "`scope` limits what the token may do on top of its user's role: read, write (default), admin, or " +
        "ingest (only POST /api/v1/services/{name}/events). Only a hash is stored; `token` is in this answer only.",
      body: CreateTokenInput,
      success: 201,
      responseDescription: "The token, including its secret",
    },
    (req, ctx) => createToken(ctx, req.body),
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/tokens",
      access: "self",
      tag: "Account",
      summary: "List API tokens (your own; admins: ?username= or ?all=true)",
      description:
        "Name, prefix, scope, created_at, expires_at, last_used_at (updated at most once a minute) and " +
        "revoked_at of each token, newest first; never the secret or its hash.",
      query: ListTokensQuery,
      success: 200,
      responseDescription: "{items}",
    },
    (req, ctx) => listTokens(ctx, req.query),
  );
  api.add(
    app,
    {
      method: "DELETE",
      url: "/api/v1/tokens/:id",
      access: "self",
      tag: "Account",
      summary: "Revoke an API token (your own; admins: anyone's)",
      description:
        "Takes effect on the very next request on every replica. Answers the token with revoked_at; revoking a " +
        "revoked token answers it unchanged.",
      success: 200,
      responseDescription: "The revoked token",
    },
    (req, ctx) => revokeToken(ctx, (req.params as { id: string }).id),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/demo",
      access: "admin",
      tag: "Account",
      summary: "Load the demo incidents from the seeds (admin only)",
      success: 201,
      responseDescription: "What was loaded",
    },
    (_req, ctx) => loadDemoData(ctx),
  );
}
