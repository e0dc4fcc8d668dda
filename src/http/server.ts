import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from "fastify";
import type { TokenAuthenticator } from "#app/auth/tokens.ts";
import type { AppContext } from "#app/context.ts";
import { bearerAuth } from "./auth.ts";
import { registerHttpMetrics } from "./metrics.ts";
import { ApiRegistry } from "./openapi.ts";
import { notFoundHandler, problemErrorHandler } from "./problem.ts";
import { registerAdminRoutes } from "./routes/admin.ts";
import { registerIncidentRoutes } from "./routes/incidents.ts";
import { registerSystemRoutes, type SystemDeps } from "./routes/system.ts";

export interface ServerDeps {
  context: Omit<AppContext, "actor">;
  authenticator: TokenAuthenticator;
  system: SystemDeps;
  bodyLimit: number;
  trustProxy: boolean;
  logger: FastifyServerOptions["loggerInstance"];
}

const OPEN_PATHS = new Set(["/api/v1/openapi.json", "/api/v1/docs"]);

/** Builds the HTTP server without listening (tests call inject(); main.ts calls listen()). */
export function buildServer(deps: ServerDeps): FastifyInstance {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : {}),
    bodyLimit: deps.bodyLimit,
    trustProxy: deps.trustProxy,
    // Per-request lines are logged at debug by the onResponse hook below; 5xx at error.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: "x-request-id",
    genReqId: () => randomUUID(),
    return503OnClosing: true,
  });
  // The API reads JSON only: without this, Fastify's built-in text/plain parser hands a string to the
  // verbs, which answer 422 instead of 415 Unsupported Media Type.
  app.removeContentTypeParser("text/plain");
  app.setErrorHandler(problemErrorHandler(deps.bodyLimit));
  app.setNotFoundHandler(notFoundHandler);
  app.addHook("onSend", async (req, reply) => {
    reply.header("x-request-id", req.id);
  });
  const authenticate = bearerAuth(deps.authenticator);
  app.addHook("onRequest", async (req, reply) => {
    if (!req.url.startsWith("/api/v1/") || OPEN_PATHS.has(req.url.split("?")[0] ?? "")) return;
    return authenticate(req, reply);
  });
  app.addHook("onResponse", async (req, reply) => {
    if (reply.statusCode >= 500)
      req.log.error({ method: req.method, url: req.url, status: reply.statusCode }, "request failed");
    else
      req.log.debug(
        { method: req.method, url: req.url, status: reply.statusCode, ms: reply.elapsedTime },
        "request",
      );
  });
  const metrics = registerHttpMetrics(app);
  const api = new ApiRegistry(deps.context);
  registerSystemRoutes(app, api, metrics, deps.system);
  registerIncidentRoutes(app, api);
  registerAdminRoutes(app, api);
  return app;
}
