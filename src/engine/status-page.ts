import type { AppContext } from "#app/context.ts";
import type { SubscriberSender } from "#app/ports.ts";
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
  _ctx: AppContext,
  _deps: StatusPageEngineDeps,
): Record<string, JobHandler | BatchHandler> {
  return {};
}
