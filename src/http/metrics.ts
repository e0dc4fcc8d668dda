import type { FastifyInstance } from "fastify";
import { Counter, collectDefaultMetrics, Histogram, type Metric, Registry } from "prom-client";
import type { LiveMetrics } from "#app/metrics/prometheus.ts";
import type { EngineProbe } from "#app/system/engine-health.ts";
import { DURATION_LE_BOUNDS, type LeHistogram } from "#domain/metrics/prometheus.ts";

/**
 * Requests answered outside Fastify (the raw alert webhooks, http/raw-ingest.ts), counted in the same
 * request metrics once registerHttpMetrics has attached it.
 */
export class RawRequestMetrics {
  #sink: ((method: string, route: string, status: number, seconds: number) => void) | undefined;
  attach(sink: (method: string, route: string, status: number, seconds: number) => void): void {
    this.#sink = sink;
  }
  count(method: string, route: string, status: number, seconds: number): void {
    this.#sink?.(method, route, status, seconds);
  }
}

/** Prometheus metrics of the HTTP server: request counts and latencies by route and status. */
export function registerHttpMetrics(app: FastifyInstance, raw?: RawRequestMetrics): Registry {
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
  raw?.attach((method, route, status, seconds) => {
    requests.inc({ method, route, status: String(status) });
    duration.observe({ method, route }, seconds);
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
    /** Scrape-time reads to finish first, so the statement count includes them (registerIncidentMetrics). */
    settle?: () => Promise<unknown>;
  },
): void {
  const { statements, statusServed, statusRebuilds, settle } = sources;
  if (statements)
    new Counter({
      name: "foghorn_db_statements_total",
      help: "SQL statements executed on the database (BEGIN and COMMIT included)",
      registers: [registry],
      async collect() {
        await settle?.();
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

/** Where the incident metrics come from: app/metrics/prometheus.ts LiveMetricsCache. */
export interface IncidentMetricsSource {
  /** The values to serve (read at most every 30 s); null until a first read succeeded. */
  current(): Promise<LiveMetrics | null>;
  ageSeconds(): number | null;
}

type Sample = { labels?: Record<string, string | number>; value: number; metricName?: string };

/**
 * A metric whose samples are computed at scrape time from values read elsewhere. prom-client's classes
 * do not fit: its Histogram only counts observations one at a time (these buckets come from the rollups'
 * sketches), and its unlabelled Gauge and Counter always show a value (0 before the first read, which
 * would read as "no open incidents" rather than "unknown"). The registry takes any object answering get()
 * like a metric.
 */
class ComputedMetric {
  readonly aggregator = "max";
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: "gauge" | "counter" | "histogram",
    private readonly samples: () => Promise<Sample[]>,
  ) {}

  async get() {
    const values = await this.samples();
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {}
}

/** The samples of a histogram by severity: cumulative le buckets, +Inf, _sum and _count. */
function histogramSamples(name: string, rows: readonly { severity: string; histogram: LeHistogram }[]) {
  const out: Sample[] = [];
  for (const { severity, histogram } of rows) {
    DURATION_LE_BOUNDS.forEach((le, i) => {
      out.push({ metricName: `${name}_bucket`, labels: { severity, le }, value: histogram.buckets[i] ?? 0 });
    });
    out.push({ metricName: `${name}_bucket`, labels: { severity, le: "+Inf" }, value: histogram.count });
    out.push({ metricName: `${name}_sum`, labels: { severity }, value: histogram.sum });
    out.push({ metricName: `${name}_count`, labels: { severity }, value: histogram.count });
  }
  return out;
}

const SKETCH_NOTE =
  "from the rollups' sketches: a duration within 1 % of a bucket bound may count on either side";

/**
 * The incident metrics (docs/metrics.md "Prometheus"): installation-wide figures read from the database at
 * scrape time through `source`, which reads at most every 30 s and serves the last values when the database
 * does not answer. Before any read succeeded they have no samples.
 */
export function registerIncidentMetrics(registry: Registry, source: IncidentMetricsSource): void {
  const metric = (
    name: string,
    type: ComputedMetric["type"],
    help: string,
    samples: (m: LiveMetrics) => Sample[],
  ) => {
    const computed = new ComputedMetric(name, help, type, async () => {
      const m = await source.current();
      return m ? samples(m) : [];
    });
    registry.registerMetric(computed as unknown as Metric);
  };
  metric(
    "foghorn_incidents_open",
    "gauge",
    "Open incidents (triggered, acknowledged, investigating or mitigating), by severity",
    (m) => m.openIncidents.map(({ severity, count }) => ({ labels: { severity }, value: count })),
  );
  metric(
    "foghorn_incident_ack_seconds",
    "histogram",
    `Time from an incident's creation to its acknowledgement, every acknowledged incident, by severity (${SKETCH_NOTE})`,
    (m) => histogramSamples("foghorn_incident_ack_seconds", m.ack),
  );
  metric(
    "foghorn_incident_resolve_seconds",
    "histogram",
    `Time from an incident's creation to its resolution, every resolved incident, by severity (${SKETCH_NOTE})`,
    (m) => histogramSamples("foghorn_incident_resolve_seconds", m.resolve),
  );
  metric(
    "foghorn_alerts_ingested_total",
    "counter",
    "Alerts opened from incoming alert events, all time: one per alert (a dedup key until it resolves), however many events it then received; suppressed ones included",
    (m) => [{ value: m.alertsIngested }],
  );
  metric(
    "foghorn_pages_total",
    "counter",
    "Pages to people, all time, by result: sent, or failed for good",
    (m) => [
      { labels: { result: "sent" }, value: m.pages.sent },
      { labels: { result: "failed" }, value: m.pages.failed },
    ],
  );
  metric(
    "foghorn_engine_jobs_pending",
    "gauge",
    "Jobs waiting in the engine's queue (due now or scheduled for later)",
    (m) => [{ value: m.jobs.pending }],
  );
  metric(
    "foghorn_engine_jobs_dead",
    "gauge",
    "Jobs that failed for good (listed under Paging in the web UI, and retried from there)",
    (m) => [{ value: m.jobs.dead }],
  );
  metric(
    "foghorn_engine_lag_seconds",
    "gauge",
    "How long the oldest due job has waited for a worker (now − its run_at); 0 when none is due",
    (m) => [{ value: m.jobs.lagSeconds }],
  );
  metric(
    "foghorn_incident_metrics_age_seconds",
    "gauge",
    "Age of the incident metrics' values (read at most every 30 s; older while the database does not answer)",
    () => [{ value: source.ageSeconds() ?? 0 }],
  );
}

/**
 * The engine's own lag, read live at every scrape on this replica (docs/operations.md "Replicas"): seconds
 * since each runner's last cycle, and the due work nobody has claimed (pending past its run_at, or with an
 * expired lease) among the kinds this replica runs. When the database does not answer, the backlog has no
 * samples.
 */
export function registerEngineMetrics(registry: Registry, engine: EngineProbe): void {
  const add = (name: string, help: string, samples: () => Promise<Sample[]>) =>
    registry.registerMetric(new ComputedMetric(name, help, "gauge", samples) as unknown as Metric);
  add(
    "foghorn_engine_cycle_age_seconds",
    "Seconds since the runner's last completed cycle, by runner (an idle runner cycles every second; /readyz fails when it is old while work is due)",
    async () =>
      engine.runners.map((r) => ({ labels: { runner: r.name }, value: round(r.cycleAgeSeconds()) })),
  );
  const backlogs = async () => {
    const out: { runner: string; due: number; oldestSeconds: number }[] = [];
    for (const r of engine.runners) {
      if (!r.backlog) continue;
      try {
        out.push({ runner: r.name, ...(await r.backlog()) });
      } catch {
        // database down: no sample rather than a wrong 0
      }
    }
    return out;
  };
  let pending: Promise<Awaited<ReturnType<typeof backlogs>>> | undefined;
  // One read serves both metrics of a scrape.
  const read = () => {
    pending ??= backlogs().finally(() => setImmediate(() => (pending = undefined)));
    return pending;
  };
  add(
    "foghorn_engine_due_unclaimed_oldest_seconds",
    "Age of the oldest job due and not claimed by any worker (pending past its run_at, or its lease expired), among the kinds this replica runs; 0 when none",
    async () => (await read()).map((b) => ({ labels: { runner: b.runner }, value: round(b.oldestSeconds) })),
  );
  add(
    "foghorn_engine_due_unclaimed_jobs",
    "Jobs due and not claimed by any worker, among the kinds this replica runs",
    async () => (await read()).map((b) => ({ labels: { runner: b.runner }, value: b.due })),
  );
}

const round = (seconds: number) => Math.round(seconds * 1000) / 1000;
