import type { FastifyInstance } from "fastify";
import type { Registry } from "prom-client";
import { secretsEqual } from "#app/auth/secrets.ts";
import { type EngineProbe, engineProblem } from "#app/system/engine-health.ts";
import { bearerToken } from "../auth.ts";
import type { ApiRegistry } from "../openapi.ts";
import { buildOpenApi } from "../openapi.ts";
import { unauthenticated } from "../problem.ts";
import { renderReferencePage } from "../reference-page.ts";

export interface SystemDeps {
  version: string;
  storage: string;
  /** Resolves when the server can do its work (storage answers); rejects with the reason otherwise. */
  ready(): Promise<void>;
  /** The engine's runners; /readyz fails when one is stuck (see engineProblem). */
  engine?: EngineProbe | undefined;
  /** server.metricsToken: when set, /metrics needs it as a bearer token. */
  metricsToken?: string | undefined;
}

/** Open endpoints: liveness, readiness, Prometheus metrics (unless server.metricsToken) and the API reference. */
export function registerSystemRoutes(
  app: FastifyInstance,
  api: ApiRegistry,
  metrics: Registry,
  deps: SystemDeps,
): void {
  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (req, reply) => {
    let problem: { check: "database" | "engine"; detail: string } | undefined;
    try {
      await deps.ready();
    } catch (error) {
      problem = { check: "database", detail: `database unreachable: ${(error as Error).message}` };
    }
    if (!problem && deps.engine) {
      try {
        const stuck = await engineProblem(deps.engine);
        if (stuck) problem = { check: "engine", detail: stuck };
      } catch (error) {
        problem = { check: "database", detail: `database unreachable: ${(error as Error).message}` };
      }
    }
    if (!problem) return { status: "ready", storage: deps.storage, version: deps.version };
    req.log.warn({ check: problem.check, reason: problem.detail }, "not ready");
    return reply.status(503).send({ status: "unavailable", storage: deps.storage, ...problem });
  });
  app.get("/metrics", async (req, reply) => {
    if (deps.metricsToken) {
      const given = bearerToken(req.headers.authorization);
      if (!secretsEqual(deps.metricsToken, given))
        return reply
          .status(401)
          .header("www-authenticate", 'Bearer realm="foghorn metrics"')
          .type("application/problem+json")
          .send(
            unauthenticated(
              req,
              given
                ? "This bearer token is not server.metricsToken; give Prometheus the configured one"
                : "GET /metrics needs Authorization: Bearer <server.metricsToken> (Prometheus: authorization: {credentials: ...})",
            ),
          );
    }
    return reply.type(metrics.contentType).send(await metrics.metrics());
  });
  let doc: Record<string, unknown> | undefined;
  const openApi = () => {
    doc ??= buildOpenApi(api.operations, deps.version);
    return doc;
  };
  app.get("/api/v1/openapi.json", async () => openApi());
  app.get("/api/v1/docs", async (_req, reply) =>
    reply
      .type("text/html; charset=utf-8")
      .send(renderReferencePage(openApi() as Parameters<typeof renderReferencePage>[0])),
  );
}
