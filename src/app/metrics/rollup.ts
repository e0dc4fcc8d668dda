import type { AppContext } from "../context.ts";

/**
 * Recomputes the rollups of every dirty day (metric_dirty_days, and rows whose valid_until passed), a
 * batch of days per transaction, and records the severity policy's fingerprint (a changed policy marks
 * every day dirty first). Safe to run from several places at once (an advisory lock; the loser returns).
 * Returns how many days it recomputed.
 */
export async function refreshRollups(_ctx: AppContext): Promise<{ days: number }> {
  throw new Error("not implemented");
}
