import type { AppContext } from "#app/context.ts";
import { type ChatOptions, syncChat } from "#app/oncall/chat.ts";
import { type DeliveryOptions, deliverForContactMethod, updateSentCopies } from "#app/oncall/deliver.ts";
import { handleIncidentEvents, runEscalationSteps } from "#app/oncall/paging.ts";
import { runOnCallSweep, type SweepOptions } from "#app/oncall/sweep.ts";
import { enqueueJobs } from "#store/jobs.ts";
import { JOB } from "#store/paging.ts";
import { INCIDENT_EVENTS_JOB } from "#store/timeline.ts";
import { type BatchHandler, type JobHandler, JobRunner, type RunnerOptions } from "./runner.ts";

export interface PagingEngineOptions {
  delivery: DeliveryOptions;
  /** Chat announcements; absent when Slack is not configured. */
  chat?: ChatOptions;
  sweep: SweepOptions & { intervalMs: number };
  runner?: RunnerOptions;
  /** More job kinds run by the same runner (the status page's, engine/status-page.ts). */
  extraHandlers?: Record<string, JobHandler | BatchHandler>;
}

const str = (v: unknown) => String(v ?? "");
const ENGINE_KINDS = /^(escalation|page|reminder)\./;

/**
 * The paging engine: one JobRunner over the jobs table with a handler per job kind. Handlers are thin:
 * each calls one app use case (app/oncall/*), which owns its transactions and fencing.
 */
export function createPagingEngine(ctx: AppContext, opts: PagingEngineOptions) {
  const deliverNow = async (methodIds: readonly string[]) => {
    for (const id of methodIds) {
      try {
        await deliverForContactMethod(ctx, opts.delivery, id);
      } catch (error) {
        // The delivery job enqueued with the notifications retries it.
        ctx.log.warn(
          { err: error, contactMethod: id },
          "immediate delivery failed; the delivery job retries",
        );
      }
    }
  };
  const handlers: Record<string, JobHandler | BatchHandler> = {
    // Pages due at once are sent right after the transaction that created them, in the same job (the
    // delivery job they also enqueued then finds nothing left): one hop less between alert and page.
    [INCIDENT_EVENTS_JOB]: {
      batch: async (jobs) => {
        const { dueNow } = await handleIncidentEvents(
          ctx,
          jobs.map((j) => str(j.payload.incident_id)),
          { chat: !!opts.chat },
        );
        await deliverNow(dueNow);
      },
    },
    [JOB.step]: {
      batch: async (jobs) => {
        const { dueNow } = await runEscalationSteps(
          ctx,
          jobs.map((job) => ({
            incidentId: str(job.payload.incident_id),
            level: Number(job.payload.level),
            cycle: Number(job.payload.cycle),
          })),
          { chat: !!opts.chat },
        );
        await deliverNow(dueNow);
      },
    },
    [JOB.deliver]: async (job) => {
      await deliverForContactMethod(ctx, opts.delivery, str(job.payload.contact_method_id));
    },
    [JOB.update]: async (job) => {
      await updateSentCopies(ctx, opts.delivery.channels, str(job.payload.incident_id));
    },
    [JOB.chat]: async (job) => {
      if (opts.chat) await syncChat(ctx, opts.chat, str(job.payload.incident_id));
    },
    [JOB.sweep]: async () => {
      try {
        await runOnCallSweep(ctx, opts.sweep);
      } finally {
        await scheduleSweep(ctx, opts.sweep.intervalMs);
      }
    },
  };
  const runner = new JobRunner(ctx, { ...opts.extraHandlers, ...handlers }, opts.runner);
  let unsubscribe: (() => void) | undefined;
  return {
    runner,
    /** Sends what is due now for these contact methods (pages created outside the engine's own jobs). */
    deliverNow(methodIds: readonly string[]): void {
      void deliverNow(methodIds);
    },
    async start(): Promise<void> {
      await scheduleSweep(ctx, 0);
      // Verbs publish after each commit; their outbox job is due now, so look at once.
      // (The engine's own events — pages, escalations — announce nothing new for it, nor do those the
      // alert processor marks noJobs: it paged the incidents it opened in its own transaction.)
      unsubscribe = ctx.events.subscribe((event) => {
        if (event.type === "incident" && (event.noJobs || ENGINE_KINDS.test(event.kind))) return;
        if (event.type === "alert_sources") return; // nothing of the engine's changed
        runner.wake();
      });
      runner.start();
    },
    async stop(): Promise<void> {
      unsubscribe?.();
      await runner.stop();
    },
  };
}

export type PagingEngine = ReturnType<typeof createPagingEngine>;

/** Queues the next sweep (one pending sweep at most: a keyed job). */
async function scheduleSweep(ctx: AppContext, inMs: number): Promise<void> {
  const now = ctx.clock.now();
  await enqueueJobs(
    ctx.db,
    [{ kind: JOB.sweep, key: "sweep", payload: { v: 1 }, runAt: new Date(now.getTime() + inMs) }],
    now,
  );
}
