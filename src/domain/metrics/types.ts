/**
 * Issue 9's metrics: the plain data the definitions work on. See docs/metrics.md for what each figure
 * means; every definition is a function in this folder, unit-tested on hand-computed cases.
 */
import type { Severity } from "../incident/severity.ts";

/** mean, median and p90 of a set of durations, in seconds; null when there are none. */
export interface DurationStats {
  count: number;
  meanSeconds: number | null;
  medianSeconds: number | null;
  p90Seconds: number | null;
}

/** One incident as the metrics see it. */
export interface IncidentFactInput {
  severity: Severity;
  status: string;
  createdAt: Date;
  acknowledgedAt: Date | null;
  mitigatedAt: Date | null;
  resolvedAt: Date | null;
  /** When each status update (internal or external) was posted, any order. */
  updateTimes: readonly Date[];
  /** When its postmortem was published; null: not (yet). */
  postmortemPublishedAt: Date | null;
}

/** What one incident contributes; `pendingUntil` is when a pending figure becomes decided by time alone. */
export interface IncidentFacts {
  /** created → acknowledged, seconds; null: never acknowledged. */
  ackSeconds: number | null;
  /** created → resolved, seconds; null: not resolved. */
  resolveSeconds: number | null;
  sla: "met" | "missed" | "pending";
  /** Resolved incidents only (an open one's required count still grows); null: not counted. */
  updates: { required: number; onTime: number } | null;
  postmortem: "on_time" | "late" | "missing" | "pending" | "not_required";
  /** The earliest instant at which one of the figures above changes with no other change; null: never. */
  pendingUntil: Date | null;
}

/** One cell of a day's incident rollup (store/schema/metrics.ts metric_incident_days), without its keys. */
export interface IncidentCell {
  incidents: number;
  acknowledged: number;
  ackSumSeconds: number;
  /** Sparse sketch, flat [bucket, count, …] (sketch.ts). */
  ackHist: number[];
  resolved: number;
  resolveSumSeconds: number;
  resolveHist: number[];
  slaDecided: number;
  slaMet: number;
  updatesRequired: number;
  updatesOnTime: number;
  postmortemsDecided: number;
  postmortemsOnTime: number;
  postmortemsLate: number;
  validUntil: Date | null;
}

/** A share with its parts; `ratio` null when nothing was counted (shown as "—", never as 0 % or 100 %). */
export interface Compliance {
  met: number;
  total: number;
  ratio: number | null;
}
