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
  /** The engine's runners; /readyz fails when one is stuck (see engineProblem). */
  engine?: EngineProbe | undefined;
}

/** One background loop of the engine, as /readyz and /metrics see it. */
export interface RunnerProbe {
  /** Label in metrics: "jobs" (the job runner), "alerts" (the alert processor). */
  name: string;
  /** Real seconds since its last completed cycle; an idle runner still cycles every poll interval. */
  cycleAgeSeconds(): number;
  /** The work due and unclaimed for it (store/jobs.ts dueBacklog); absent: its age alone says nothing. */
  backlog?(): Promise<{ due: number; oldestSeconds: number }>;
}

export interface EngineProbe {
  runners: readonly RunnerProbe[];
  /** How old a runner's last cycle may be while it has due work (60 s by default). */
  stuckAfterSeconds?: number;
}

/**
 * Why the engine is stuck, or undefined: a runner whose last cycle is older than the threshold while work
 * is due for it. An idle runner cycles every poll interval (1 s), so its age stays small; one that is old
 * with nothing due (e.g. a long handler on an empty queue) is not called stuck.
 */
export async function engineProblem(engine: EngineProbe): Promise<string | undefined> {
  const limit = engine.stuckAfterSeconds ?? 60;
  for (const runner of engine.runners) {
    const age = runner.cycleAgeSeconds();
    if (age <= limit || !runner.backlog) continue;
    const { due, oldestSeconds } = await runner.backlog();
    if (due > 0)
      return `job engine stuck: the ${runner.name} runner's last cycle was ${Math.round(age)} s ago (limit ${limit} s) with ${due} job(s) due, the oldest waiting ${Math.round(oldestSeconds)} s`;
  }
  return undefined;
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
