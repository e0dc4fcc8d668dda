import { SEVERITIES } from "#domain/incident/severity.ts";
import { OPEN_STATUSES } from "#domain/incident/status.ts";
import { type LeHistogram, leHistogram } from "#domain/metrics/prometheus.ts";
import { jobCounts } from "#store/jobs.ts";
import {
  type DurationRow,
  readDurationRows,
  readDurationRowVersions,
  readLiveCounts,
} from "#store/metrics-live.ts";
import type { AppContext } from "../context.ts";
import { refreshRollups } from "./rollup.ts";

/**
 * The installation-wide incident figures of `/metrics` (docs/metrics.md "Prometheus"): read from the database
 * (the same on every replica), at most once per `maxAgeMs` whatever the scrape rate.
 */
export interface LiveMetrics {
  /** When these values were read (the clock's time). */
  readAt: Date;
  /** Open incidents (triggered, acknowledged, investigating, mitigating) by severity; every severity listed. */
  openIncidents: { severity: string; count: number }[];
  /** All-time created → acknowledged and created → resolved histograms by severity (seconds). */
  ack: { severity: string; histogram: LeHistogram }[];
  resolve: { severity: string; histogram: LeHistogram }[];
  /** Alerts opened, all time: one per alert (a dedup key's occurrence), however many events it received. */
  alertsIngested: number;
  pages: { sent: number; failed: number };
  jobs: { pending: number; dead: number; lagSeconds: number };
}

/**
 * The all-time MTTA/MTTR sketches per severity, kept in memory from the weekly rollup rows: each read asks
 * the rows' versions and fetches only the rows that are new or were rewritten (in a busy week: this
 * week's), so years of history are read once, not every 30 s.
 */
export class DurationRollups {
  readonly #rows = new Map<string, DurationRow>();

  async refresh(ctx: Pick<AppContext, "db">): Promise<void> {
    const versions = await readDurationRowVersions(ctx.db);
    const seen = new Set<string>();
    const stale = new Set<string>();
    for (const v of versions) {
      const key = `${v.week} ${v.severity}`;
      seen.add(key);
      if (this.#rows.get(key)?.version !== v.version) stale.add(v.week);
    }
    for (const key of this.#rows.keys()) if (!seen.has(key)) this.#rows.delete(key);
    for (const row of await readDurationRows(ctx.db, [...stale]))
      this.#rows.set(`${row.week} ${row.severity}`, row);
  }

  /** The histograms of every severity of the policy (empty ones included). */
  histograms(): { ack: LiveMetrics["ack"]; resolve: LiveMetrics["resolve"] } {
    const merged = new Map<
      string,
      { ack: Map<number, number>; ackSum: number; resolve: Map<number, number>; resolveSum: number }
    >();
    const addFlat = (into: Map<number, number>, flat: readonly number[]) => {
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const bucket = flat[i] as number;
        into.set(bucket, (into.get(bucket) ?? 0) + (flat[i + 1] as number));
      }
    };
    for (const row of this.#rows.values()) {
      let m = merged.get(row.severity);
      if (!m) {
        m = { ack: new Map(), ackSum: 0, resolve: new Map(), resolveSum: 0 };
        merged.set(row.severity, m);
      }
      addFlat(m.ack, row.ackHist);
      addFlat(m.resolve, row.resolveHist);
      m.ackSum += row.ackSumSeconds;
      m.resolveSum += row.resolveSumSeconds;
    }
    const of = (severity: string) => merged.get(severity);
    return {
      ack: SEVERITIES.map((severity) => ({
        severity,
        histogram: leHistogram(of(severity)?.ack ?? [], of(severity)?.ackSum ?? 0),
      })),
      resolve: SEVERITIES.map((severity) => ({
        severity,
        histogram: leHistogram(of(severity)?.resolve ?? [], of(severity)?.resolveSum ?? 0),
      })),
    };
  }
}

/**
 * Reads the figures once: refreshes stale rollups first (cheap when nothing is dirty; a failure there is
 * reported in `rollupError` and the rollups are read as they are), then the counts, the jobs, and the
 * weekly duration rows that changed since `durations` last saw them.
 */
export async function readLiveMetrics(
  ctx: AppContext,
  durations: DurationRollups = new DurationRollups(),
): Promise<LiveMetrics & { rollupError?: unknown }> {
  let rollupError: unknown;
  try {
    await refreshRollups(ctx);
  } catch (error) {
    rollupError = error;
  }
  const now = ctx.clock.now();
  const counts = await readLiveCounts(ctx.db, OPEN_STATUSES);
  await durations.refresh(ctx);
  const jobs = await jobCounts(ctx.db, now);
  return {
    readAt: now,
    openIncidents: SEVERITIES.map((severity) => ({
      severity,
      count: counts.openBySeverity.get(severity) ?? 0,
    })),
    ...durations.histograms(),
    alertsIngested: counts.alerts,
    pages: { sent: counts.pagesSent, failed: counts.pagesFailed },
    jobs: { pending: jobs.pending, dead: jobs.dead, lagSeconds: jobs.lagSeconds },
    ...(rollupError === undefined ? {} : { rollupError }),
  };
}

export interface LiveMetricsOptions {
  /** Values younger than this are served without reading (30 s). */
  maxAgeMs?: number;
  /** How long a scrape waits for a read in progress before serving the last values (5 s). */
  waitMs?: number;
}

/**
 * The cache in front of readLiveMetrics for the scrape handler: one read in flight at a time, none while
 * the last one is younger than `maxAgeMs` (a scrape storm costs one read per period), and when a read fails
 * or is slow, the last values are served; the failure is logged once, until a read succeeds again.
 */
export class LiveMetricsCache {
  #last: LiveMetrics | null = null;
  #lastAttempt = Number.NEGATIVE_INFINITY;
  #inflight: Promise<void> | null = null;
  #failing = false;
  #rollupsFailing = false;
  readonly #durations = new DurationRollups();
  readonly #maxAgeMs: number;
  readonly #waitMs: number;

  constructor(
    private readonly ctx: AppContext,
    options: LiveMetricsOptions = {},
  ) {
    this.#maxAgeMs = options.maxAgeMs ?? 30_000;
    this.#waitMs = options.waitMs ?? 5_000;
  }

  /** The values to serve now (reading first when the last read is too old); null until a read succeeded. */
  async current(): Promise<LiveMetrics | null> {
    const now = this.ctx.clock.now().getTime();
    if (!this.#inflight && now - this.#lastAttempt >= this.#maxAgeMs) {
      this.#lastAttempt = now;
      this.#inflight = this.#read().finally(() => {
        this.#inflight = null;
      });
    }
    if (this.#inflight) await this.#waitFor(this.#inflight);
    return this.#last;
  }

  /** Seconds since the served values were read; null before the first read. */
  ageSeconds(): number | null {
    if (!this.#last) return null;
    return Math.max(0, (this.ctx.clock.now().getTime() - this.#last.readAt.getTime()) / 1000);
  }

  async #waitFor(read: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#waitMs);
      timer.unref();
    });
    await Promise.race([read, timeout]);
    clearTimeout(timer);
  }

  async #read(): Promise<void> {
    try {
      const { rollupError, ...values } = await readLiveMetrics(this.ctx, this.#durations);
      this.#last = values;
      if (this.#failing) this.ctx.log.info("incident metrics for /metrics are read again");
      this.#failing = false;
      if (rollupError !== undefined && !this.#rollupsFailing)
        this.ctx.log.warn(
          { err: rollupError },
          "could not refresh the metric rollups for /metrics; serving them as they are",
        );
      this.#rollupsFailing = rollupError !== undefined;
    } catch (error) {
      if (!this.#failing)
        this.ctx.log.warn(
          { err: error },
          "could not read the incident metrics for /metrics; serving the last values until the database answers",
        );
      this.#failing = true;
    }
  }
}
