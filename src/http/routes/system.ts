import type { FastifyInstance } from "fastify";
import type { Registry } from "prom-client";
import type { ApiRegistry } from "../openapi.ts";
import { buildOpenApi } from "../openapi.ts";
import { renderReferencePage } from "../reference-page.ts";

export interface SystemDeps {
  version: string;
  storage: string;
  /** Resolves when the server can do its work (storage answers); rejects with the reason otherwise. */
  ready(): Promise<void>;
}

/** Open endpoints: liveness, readiness, Prometheus metrics and the API reference. */
export function registerSystemRoutes(
  app: FastifyInstance,
  api: ApiRegistry,
  metrics: Registry,
  deps: SystemDeps,
): void {
  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (req, reply) => {
    try {
      await deps.ready();
      return { status: "ready", storage: deps.storage, version: deps.version };
    } catch (error) {
      req.log.warn({ err: error }, "not ready");
      return reply
        .status(503)
        .send({ status: "unavailable", storage: deps.storage, detail: (error as Error).message });
    }
  });
  app.get("/metrics", async (_req, reply) => reply.type(metrics.contentType).send(await metrics.metrics()));
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
