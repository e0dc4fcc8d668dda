import type { FastifyInstance } from "fastify";
import { CreateTokenInput, createToken } from "#app/auth/tokens.ts";
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
      body: CreateTokenInput,
      success: 201,
      responseDescription: "The token, including its secret",
    },
    (req, ctx) => createToken(ctx, req.body),
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
