import { sql } from "drizzle-orm";
import type { Db } from "./db.ts";
import { executeRows, textArray, toInt } from "./rows.ts";
import { ANY_TYPE_ID } from "./schema/metrics.ts";

// Installation-wide figures for Prometheus (/metrics, app/metrics/prometheus.ts), from the rollups
// (store/schema/metrics.ts) of all time: open incidents and the alert and page totals in one statement; the
// weekly MTTA/MTTR sketches by row version, so a reader re-reads only the weeks the rollup rewrote.

export interface LiveCounts {
  /** Open incidents (triggered … mitigating) by severity; severities with none are absent. */
  openBySeverity: Map<string, number>;
  /** Alerts opened, all time (metric_alert_days). */
  alerts: number;
  /** Pages sent and pages failed for good, all time (metric_page_weeks). */
  pagesSent: number;
  pagesFailed: number;
}

export async function readLiveCounts(db: Db, openStatuses: readonly string[]): Promise<LiveCounts> {
  const statuses = sql.join(
    openStatuses.map((s) => sql`${s}`),
    sql`, `,
  );
  const [row] = await executeRows(
    db,
    sql`with pages as (
      select coalesce(sum(sent), 0) as sent, coalesce(sum(failed), 0) as failed from metric_page_weeks
      where scope = '*' and type_id = ${ANY_TYPE_ID}::uuid
    )
    select
      (select coalesce(json_agg(json_build_array(o.severity, o.n)), '[]'::json)
         from (select severity, count(*) as n from incidents where status in (${statuses}) group by severity) o) as open,
      (select coalesce(sum(alerts), 0) from metric_alert_days) as alerts,
      pages.sent, pages.failed
    from pages`,
  );
  const open = typeof row?.open === "string" ? JSON.parse(row.open) : (row?.open ?? []);
  return {
    openBySeverity: new Map((open as [string, unknown][]).map(([severity, n]) => [severity, toInt(n)])),
    alerts: toInt(row?.alerts),
    pagesSent: toInt(row?.sent),
    pagesFailed: toInt(row?.failed),
  };
}

/** One weekly rollup row of every incident (scope '*', every type) and its row version. */
export interface DurationRowVersion {
  week: string;
  severity: string;
  /** The row's xmin: a new value whenever the rollup rewrote the row. */
  version: string;
}

/**
 * The weekly rows the MTTA/MTTR figures of all time are made of (scope '*' summed over every type: about 52
 * per severity and year), with their versions only, so a reader can fetch again just the rows that changed.
 */
export async function readDurationRowVersions(db: Db): Promise<DurationRowVersion[]> {
  const rows = await executeRows(
    db,
    sql`select week::text as week, severity, xmin::text as version from metric_incident_weeks
        where scope = '*' and type_id = ${ANY_TYPE_ID}::uuid`,
  );
  return rows.map((r) => ({
    week: String(r.week).slice(0, 10),
    severity: String(r.severity),
    version: String(r.version),
  }));
}

export interface DurationRow extends DurationRowVersion {
  /** Flat sketches [bucket, count, …] (domain/metrics/sketch.ts). */
  ackHist: number[];
  ackSumSeconds: number;
  resolveHist: number[];
  resolveSumSeconds: number;
}

/** Those rows in full (the sketches), for the given weeks; `weeks` empty: none. */
export async function readDurationRows(db: Db, weeks: readonly string[]): Promise<DurationRow[]> {
  if (weeks.length === 0) return [];
  const rows = await executeRows(
    db,
    sql`select week::text as week, severity, xmin::text as version, ack_hist, ack_sum_seconds, resolve_hist,
          resolve_sum_seconds
        from metric_incident_weeks
        where scope = '*' and type_id = ${ANY_TYPE_ID}::uuid and week = any(${textArray(weeks)}::date[])`,
  );
  return rows.map((r) => ({
    week: String(r.week).slice(0, 10),
    severity: String(r.severity),
    version: String(r.version),
    ackHist: toIntArray(r.ack_hist),
    ackSumSeconds: toInt(r.ack_sum_seconds),
    resolveHist: toIntArray(r.resolve_hist),
    resolveSumSeconds: toInt(r.resolve_sum_seconds),
  }));
}

/** An integer[] column: an array from both drivers (pg parses int4[]), text "{1,2}" as a fallback. */
function toIntArray(value: unknown): number[] {
  if (Array.isArray(value)) return value.map(toInt);
  if (typeof value === "string") {
    const inner = value.replace(/^\{|\}$/g, "");
    return inner === "" ? [] : inner.split(",").map(Number);
  }
  return [];
}
