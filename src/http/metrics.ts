import type { FastifyInstance } from "fastify";
import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

/** Prometheus metrics of the HTTP server: request counts and latencies by route and status. */
export function registerHttpMetrics(app: FastifyInstance): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "foghorn_process_" });
  const requests = new Counter({
    name: "foghorn_http_requests_total",
    help: "HTTP requests answered, by method, route and status code",
    labelNames: ["method", "route", "status"],
    registers: [registry],
  });
  const duration = new Histogram({
    name: "foghorn_http_request_duration_seconds",
    help: "HTTP request latency, by method and route",
    labelNames: ["method", "route"],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  app.addHook("onResponse", async (req, reply) => {
    const route = req.routeOptions.url ?? "unmatched";
    requests.inc({ method: req.method, route, status: String(reply.statusCode) });
    duration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
  });
  return registry;
}

/**
 * Storage and status page counters read at scrape time: SQL statements executed (the status page's
 * promise is that viewing it adds none) and status page answers by status code, which the fast path in
 * front of Fastify gives without passing through the request metrics above.
 */
export function registerStatusPageMetrics(
  registry: Registry,
  sources: {
    statements?: () => number;
    statusServed?: () => Readonly<Record<number, number>>;
    statusRebuilds?: () => Readonly<{ ok: number; failed: number }>;
  },
): void {
  const { statements, statusServed, statusRebuilds } = sources;
  if (statements)
    new Counter({
      name: "foghorn_db_statements_total",
      help: "SQL statements executed on the database (BEGIN and COMMIT included)",
      registers: [registry],
      collect() {
        this.reset();
        this.inc(statements());
      },
    });
  if (statusServed)
    new Counter({
      name: "foghorn_status_page_responses_total",
      help: "Public status page answers from its in-memory snapshot, by status code",
      labelNames: ["status"],
      registers: [registry],
      collect() {
        this.reset();
        for (const [status, n] of Object.entries(statusServed())) this.inc({ status }, n);
      },
    });
  if (statusRebuilds)
    new Counter({
      name: "foghorn_status_page_rebuilds_total",
      help: "Status page snapshot rebuilds, by result (failed: the database did not answer; the last snapshot stayed)",
      labelNames: ["result"],
      registers: [registry],
      collect() {
        this.reset();
        const { ok, failed } = statusRebuilds();
        this.inc({ result: "ok" }, ok);
        this.inc({ result: "failed" }, failed);
      },
    });
}
