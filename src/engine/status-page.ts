import type { AppContext } from "#app/context.ts";
import type { SubscriberSender } from "#app/ports.ts";
import {
  deliverStatusEvent,
  fanOutStatusEvent,
  NotificationCache,
  sendConfirmation,
  sendDisabledNotice,
} from "#app/status-page/deliver.ts";
import { runMaintenanceClock } from "#app/status-page/maintenances.ts";
import { STATUS_JOB, type StatusNotificationEvent } from "#app/status-page/notify.ts";
import type { BatchHandler, JobHandler } from "./runner.ts";

export interface StatusPageEngineDeps {
  /** How subscribers are reached; a kind without a sender is skipped (and logged). */
  sender: SubscriberSender;
}

/**
 * The status page's job handlers, run by the paging engine's runner (one runner, one connection on
 * PGlite): subscriber fan-out and delivery, and each maintenance's reminder, start and completion.
 * Handlers are thin: each calls one app use case (app/status-page/*).
 */
export function statusPageHandlers(
  ctx: AppContext,
  deps: StatusPageEngineDeps,
): Record<string, JobHandler | BatchHandler> {
  // Subscribers (app/status-page/deliver.ts): each event is rendered once for all its deliveries.
  const delivery = { sender: deps.sender, cache: new NotificationCache() };
  const event = (payload: Record<string, unknown>) => payload.event as StatusNotificationEvent;
  const str = (v: unknown) => String(v ?? "");
  return {
    [STATUS_JOB.notify]: async (job) => {
      await fanOutStatusEvent(ctx, event(job.payload));
    },
    [STATUS_JOB.deliver]: async (job) => {
      await deliverStatusEvent(ctx, delivery, event(job.payload), str(job.payload.subscriber_id));
    },
    [STATUS_JOB.confirm]: async (job) => {
      await sendConfirmation(ctx, deps.sender, str(job.payload.subscriber_id), str(job.payload.nonce));
    },
    [STATUS_JOB.disabledNotice]: async (job) => {
      await sendDisabledNotice(ctx, deps.sender, str(job.payload.subscriber_id));
    },
    // A maintenance's reminder, start and completion (app/status-page/maintenances.ts).
    [STATUS_JOB.maintenance]: async (job) => {
      await runMaintenanceClock(ctx, job.payload);
    },
  };
}
