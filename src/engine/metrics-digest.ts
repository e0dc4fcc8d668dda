import type { AppContext } from "#app/context.ts";
import { DIGEST_JOB, type DigestDeps, runDigestJob, scheduleWeeklyDigest } from "#app/metrics/digest.ts";
import type { JobHandler } from "./runner.ts";

/**
 * The weekly digest's job kind, run by the paging engine's runner (one runner, one connection on PGlite).
 * Registered whether or not the digest is enabled: a job queued while it was enabled then finds it
 * disabled and ends without queuing another.
 */
export function metricsDigestHandlers(ctx: AppContext, deps: DigestDeps): Record<string, JobHandler> {
  return {
    [DIGEST_JOB]: async (job) => {
      await runDigestJob(ctx, deps, job.payload);
    },
  };
}

/** At start: queues the next digest (and a missed one from the last day); nothing when disabled. */
export async function startMetricsDigest(ctx: AppContext, deps: DigestDeps): Promise<Date | null> {
  const next = await scheduleWeeklyDigest(ctx, deps.settings);
  if (next) ctx.log.info({ next: next.toISOString() }, "weekly digest scheduled");
  return next;
}
