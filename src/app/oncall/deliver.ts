import { randomUUID } from "node:crypto";
import { formatHumanId } from "#domain/incident/human-id.ts";
import { withTransaction } from "#store/db.ts";
import { lockIncidentById, lockIncidentsById } from "#store/incidents.ts";
import { enqueueJobs } from "#store/jobs.ts";
import {
  type DeliveryCandidate,
  findContactMethod,
  findContactTarget,
  JOB,
  lockDueNotifications,
  type NotificationRow,
  sentCopies,
  setNotificationState,
} from "#store/paging.ts";
import { seal, unseal } from "#store/secret-box.ts";
import type { AppContext } from "../context.ts";
import { publishIncidentChange } from "../events.ts";
import { appendEventsBatch } from "../incidents/internal.ts";
import {
  type Channel,
  ChannelError,
  type ChannelRegistry,
  type ContactKind,
  type MessageIncident,
  type NotificationReason,
  type OutboundMessage,
} from "../ports.ts";
import { awaitingAck } from "./paging.ts";

export interface DeliveryOptions {
  channels: ChannelRegistry;
  /** At most one message per contact method per this many ms; what arrives meanwhile is bundled. */
  throttleMs: number;
  /** How long a send may take before another worker assumes it crashed and resends (same delivery id). */
  sendingDeadlineMs: number;
  /** Attempts per notification before it is dead (shown in the UI). */
  maxAttempts: number;
}

export const DEFAULT_DELIVERY: Omit<DeliveryOptions, "channels"> = {
  throttleMs: 60_000,
  sendingDeadlineMs: 30_000,
  maxAttempts: 5,
};

/** Retry delay after a failed send: 2^attempts seconds, at most 10 minutes (or the provider's Retry-After). */
export function retryDelayMs(attempts: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined && retryAfterMs > 0) return Math.min(retryAfterMs, 3_600_000);
  return Math.min(2 ** Math.min(attempts, 20) * 1000, 600_000);
}

function incidentLink(ctx: AppContext, number: number): string {
  return `${ctx.publicUrl ?? ""}/incidents/${formatHumanId(number)}`;
}

function messageIncident(ctx: AppContext, c: DeliveryCandidate): MessageIncident | undefined {
  if (!c.incident || !c.notification.incidentId) return undefined;
  return {
    id: c.notification.incidentId,
    humanId: formatHumanId(c.incident.number),
    title: c.incident.title,
    severity: c.incident.severity,
    status: c.incident.status,
    url: incidentLink(ctx, c.incident.number),
  };
}

const REASON_WORDS: Record<NotificationReason, string> = {
  page: "Page",
  escalation_rule: "Escalation",
  reminder: "Reminder",
  handoff: "On-call",
  test: "Test",
};

/** The message for a bundle of notifications to one contact method. */
export function buildMessage(
  ctx: AppContext,
  deliveryId: string,
  to: OutboundMessage["to"],
  batch: readonly DeliveryCandidate[],
): OutboundMessage {
  const items = batch.map((c) => {
    const incident = messageIncident(ctx, c);
    return {
      notificationId: c.notification.id,
      reason: c.notification.reason as NotificationReason,
      summary: c.notification.summary,
      ...(incident ? { incident } : {}),
    };
  });
  const first = batch[0];
  const firstItem = items[0];
  const subject =
    items.length === 1 && firstItem
      ? `${REASON_WORDS[firstItem.reason] ?? "Page"}: ${firstItem.summary}`
      : `${items.length} notifications: ${items.map((i) => i.summary).join("; ")}`.slice(0, 200);
  const lines = items.map((i) => (i.incident ? `${i.summary}\n${i.incident.url}` : i.summary));
  const pageable = batch.find((c) => c.notification.reason === "page" && c.notification.linkToken);
  const base = ctx.publicUrl ?? "";
  const actions = pageable?.notification.linkToken
    ? {
        acknowledgeUrl: `${base}/p/${pageable.notification.linkToken}?action=acknowledge`,
        resolveUrl: `${base}/p/${pageable.notification.linkToken}?action=resolve`,
      }
    : undefined;
  if (actions) lines.push("", `Acknowledge: ${actions.acknowledgeUrl}`, `Resolve: ${actions.resolveUrl}`);
  return {
    deliveryId,
    to,
    subject,
    text: lines.join("\n"),
    items,
    ...(actions ? { actions } : {}),
    ...((pageable?.notification.replyCode ?? first?.notification.replyCode)
      ? { replyCode: (pageable ?? first)?.notification.replyCode ?? "" }
      : {}),
  };
}

type Phase1 =
  | { kind: "idle" }
  | { kind: "throttled"; until: Date }
  | {
      kind: "send";
      channel: Channel | undefined;
      message: OutboundMessage;
      batch: DeliveryCandidate[];
      methodKind: ContactKind;
      username: string;
    };

/**
 * Delivers what is due for one contact method (job `notification.deliver`, one pending per method):
 * 1. in a short transaction: lock due notifications, cancel pages whose incident was acknowledged, apply
 *    the one-a-minute throttle, mark the rest `sending` with a deadline and one delivery id, commit;
 * 2. send through the channel, outside any transaction;
 * 3. record sent (and a `page.sent` timeline event) or failed (retry with backoff, dead after the last).
 * A crash between 1 and 3 leaves `sending` rows that are resent after the deadline with the same id.
 */
export async function deliverForContactMethod(
  ctx: AppContext,
  opts: DeliveryOptions,
  methodId: string,
): Promise<"sent" | "failed" | "throttled" | "idle"> {
  const now = ctx.clock.now();
  const phase1 = await withTransaction(ctx.db, async (tx): Promise<Phase1> => {
    const target = await findContactTarget(tx, methodId);
    if (!target) return { kind: "idle" };
    const { method } = target;
    const due = await lockDueNotifications(tx, methodId, now);
    const stale = due.filter(
      (c) => c.notification.reason === "page" && c.incident !== null && !awaitingAck(c.incident),
    );
    await setNotificationState(
      tx,
      stale.map((c) => c.notification.id),
      { state: "cancelled" },
    );
    const batch = due.filter((c) => !stale.includes(c));
    if (batch.length === 0) return { kind: "idle" };
    const resend = batch.every((c) => c.notification.state === "sending");
    if (!resend) {
      const last = target.lastSentAt;
      if (last && now.getTime() - last.getTime() < opts.throttleMs) {
        const until = new Date(last.getTime() + opts.throttleMs);
        await enqueueJobs(
          tx,
          [
            {
              kind: JOB.deliver,
              key: methodId,
              payload: { contact_method_id: methodId, v: 1 },
              runAt: until,
            },
          ],
          now,
        );
        return { kind: "throttled", until };
      }
    }
    // A resend after a crash reuses the delivery id the receiver may already have seen.
    const deliveryId = batch.find((c) => c.notification.deliveryId)?.notification.deliveryId ?? randomUUID();
    // The deadline counts from now, after the locks were waited for, not from when this delivery began:
    // on a busy machine that wait could use up most of it and let another worker resend too early.
    const marked = ctx.clock.now();
    await setNotificationState(
      tx,
      batch.map((c) => c.notification.id),
      {
        state: "sending",
        deliveryId,
        deadline: new Date(marked.getTime() + opts.sendingDeadlineMs),
      },
    );
    const to = {
      userId: method.userId,
      username: target.username,
      displayName: target.displayName || target.username,
      kind: method.kind as ContactKind,
      address: method.address,
    };
    return {
      kind: "send",
      channel: opts.channels[method.kind as ContactKind],
      message: buildMessage(ctx, deliveryId, to, batch),
      batch,
      methodKind: method.kind as ContactKind,
      username: to.username,
    };
  });
  if (phase1.kind === "idle") return "idle";
  if (phase1.kind === "throttled") return "throttled";

  let sendError: ChannelError | undefined;
  let providerRef: Record<string, string> | undefined;
  try {
    if (!phase1.channel)
      throw new ChannelError(`no ${phase1.methodKind} channel is configured (see docs/oncall.md)`, {
        permanent: true,
      });
    providerRef = (await phase1.channel.send(phase1.message)).providerRef;
  } catch (error) {
    sendError =
      error instanceof ChannelError
        ? error
        : new ChannelError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  const done = ctx.clock.now();
  const touched = await withTransaction(ctx.db, async (tx) => {
    const ids = phase1.batch.map((c) => c.notification.id);
    const attempts = Math.max(...phase1.batch.map((c) => c.notification.attempts)) + 1;
    let outcome: "sent" | "retry" | "dead";
    if (!sendError) {
      outcome = "sent";
      await setNotificationState(tx, ids, {
        state: "sent",
        sentAt: done,
        attempts,
        deadline: null,
        lastError: null,
        // A webhook's reference holds its URL (it may carry a key): stored sealed.
        ...(providerRef ? { providerRef: sealProviderRef(providerRef) } : {}),
      });
    } else if (sendError.permanent || attempts >= opts.maxAttempts) {
      outcome = "dead";
      await setNotificationState(tx, ids, {
        state: "failed",
        attempts,
        deadline: null,
        lastError: sendError.message,
      });
    } else {
      outcome = "retry";
      const retryAt = new Date(done.getTime() + retryDelayMs(attempts, sendError.retryAfterMs));
      await setNotificationState(tx, ids, {
        state: "pending",
        attempts,
        dueAt: retryAt,
        deadline: null,
        lastError: sendError.message,
      });
      await enqueueJobs(
        tx,
        [
          {
            kind: JOB.deliver,
            key: methodId,
            payload: { contact_method_id: methodId, v: 1 },
            runAt: retryAt,
          },
        ],
        done,
      );
    }
    if (outcome === "retry") return [];
    // The timeline of each incident in the bundle says who was reached, how, or that it failed for good.
    const byIncident = groupByIncident(phase1.batch.map((c) => c.notification));
    const incidents = await lockIncidentsById(tx, [...byIncident.keys()]);
    await appendEventsBatch(
      tx,
      incidents.map((incident) => ({
        incident,
        events: [
          {
            kind: outcome === "sent" ? "page.sent" : "page.failed",
            data: {
              to: phase1.username,
              via: phase1.methodKind,
              reason: byIncident.get(incident.id)?.[0]?.reason ?? "page",
              delivery_id: phase1.message.deliveryId,
              ...(sendError ? { error: sendError.message, attempts } : {}),
            },
          },
        ],
      })),
      "foghorn",
      done,
      { outbox: false },
    );
    const numbers = incidents.map((i) => i.number);
    return numbers;
  });
  for (const n of touched)
    publishIncidentChange(ctx.events, n, sendError ? "page.failed" : "page.sent", done);
  if (sendError)
    ctx.log.warn(
      { to: phase1.username, via: phase1.methodKind, err: sendError.message, permanent: sendError.permanent },
      "page delivery failed",
    );
  else ctx.log.info({ to: phase1.username, via: phase1.methodKind, items: phase1.batch.length }, "page sent");
  return sendError ? "failed" : "sent";
}

const sealProviderRef = (ref: Record<string, string>) =>
  ref.url === undefined ? ref : { ...ref, url: seal(ref.url) };
const unsealProviderRef = (ref: Record<string, string>) =>
  ref.url === undefined ? ref : { ...ref, url: unseal(ref.url) };

function groupByIncident(rows: readonly NotificationRow[]): Map<string, NotificationRow[]> {
  const out = new Map<string, NotificationRow[]>();
  for (const r of rows) {
    if (!r.incidentId) continue;
    const list = out.get(r.incidentId) ?? [];
    list.push(r);
    out.set(r.incidentId, list);
  }
  return out;
}

/**
 * Updates every copy of an incident's pages already sent (job `notification.update`): Slack messages
 * lose their buttons and say who acknowledged; webhooks get a `page.updated` event. Throws on failure so
 * the job is retried.
 */
export async function updateSentCopies(
  ctx: AppContext,
  channels: ChannelRegistry,
  incidentId: string,
): Promise<number> {
  const incident = await lockIncidentById(ctx.db, incidentId);
  if (!incident) return 0;
  const copies = await sentCopies(ctx.db, incidentId);
  const state =
    incident.status === "resolved" || incident.status === "postmortem" ? "resolved" : "acknowledged";
  const at = incident.acknowledgedAt ?? incident.updatedAt;
  const text = `${state === "resolved" ? "Resolved" : "Acknowledged"} (${incident.status}) at ${at.toISOString().slice(11, 16)} UTC`;
  let updated = 0;
  const seen = new Set<string>();
  for (const copy of copies) {
    if (!copy.providerRef || !copy.deliveryId || seen.has(copy.deliveryId)) continue;
    seen.add(copy.deliveryId);
    const method = await findContactMethod(ctx.db, copy.contactMethodId);
    const channel = method ? channels[method.kind as ContactKind] : undefined;
    if (!channel?.update) continue;
    await channel.update(
      unsealProviderRef(copy.providerRef as Record<string, string>),
      {
        incident: {
          id: incident.id,
          humanId: formatHumanId(incident.number),
          title: incident.title,
          severity: incident.severity,
          status: incident.status,
          url: incidentLink(ctx, incident.number),
        },
        text,
        state,
      },
      copy.deliveryId,
    );
    updated += 1;
  }
  return updated;
}
