/**
 * Subscriber notifications, after the outbox (notify.ts): `status.notify` fans an event out to one
 * `status.deliver` job per matching subscriber, in one transaction; `status.deliver` renders the message
 * and sends it. A failed attempt counts against the subscriber (consecutive_failures); the third in a row
 * disables it and queues `status.disabled_notice`, which tells its contact by email. Confirmation mails of
 * the double opt-in go through `status.confirm`, so a failing SMTP server never fails the public form.
 */
import { createHash } from "node:crypto";
import { PageTime } from "#domain/status-page/format.ts";
import {
  type NotificationContent,
  type NotificationTopic,
  notificationContent,
} from "#domain/status-page/notification.ts";
import { pageUrl, publicIdOf, publicIdOfStored } from "#domain/status-page/status.ts";
import { withTransaction } from "#store/db.ts";
import { enqueueJobs } from "#store/jobs.ts";
import { listStatusUpdates } from "#store/records.ts";
import { findMaintenance, getStatusSettings, type StatusSettingsRow } from "#store/status-page.ts";
import {
  componentGroups,
  findSubscriber,
  incidentComponentIds,
  lockSubscriber,
  matchingActiveSubscriberIds,
  type StatusSubscriberRow,
  updateSubscriber,
} from "#store/status-subscribers.ts";
import { sha256Hex } from "../auth/secrets.ts";
import type { AppContext } from "../context.ts";
import { ChannelError, type SubscriberMessage, type SubscriberSender } from "../ports.ts";
import { STATUS_JOB, type StatusNotificationEvent, statusEventKey } from "./notify.ts";
import { readStatusData } from "./snapshot.ts";
import {
  CONFIRMATION_VALID_MS,
  confirmationToken,
  MAX_CONSECUTIVE_FAILURES,
  subscriberState,
  unsubscribeToken,
} from "./subscribers.ts";

export interface SubscriberDeliveryDeps {
  /** How subscribers are reached; a kind without a sender is skipped (and logged). */
  sender: SubscriberSender;
  /** Renders each event once for all its subscribers (one per engine). */
  cache: NotificationCache;
}

/** Where the webhook body's meta.documentation points. */
export const SUBSCRIBER_DOCS = "docs/status-page.md#subscribers";

/**
 * Where the subscription links (confirm, unsubscribe) are served: the custom domain's root, else
 * <publicUrl>/status. Not the page's configured `url`, which may be a static export that cannot answer them.
 */
export function subscriptionBaseUrl(
  settings: Pick<StatusSettingsRow, "customDomain">,
  publicUrl: string | undefined,
): string {
  if (settings.customDomain) return `https://${settings.customDomain}`;
  return `${(publicUrl ?? "").replace(/\/+$/, "")}/status`;
}

// ---------------------------------------------------------------------------------------------------
// Fan-out

/** The components an event is about, with the groups they are in (a group's subscribers hear of its components). */
async function affectedComponents(ctx: AppContext, event: StatusNotificationEvent): Promise<string[] | null> {
  let ids: string[];
  if (event.kind === "incident_update") {
    const update = (await listStatusUpdates(ctx.db, event.incidentId)).find((u) => u.id === event.updateId);
    // Internal updates are never told to subscribers.
    if (update?.visibility !== "external") return null;
    ids = await incidentComponentIds(ctx.db, event.incidentId);
  } else {
    const maintenance = await findMaintenance(ctx.db, event.maintenanceId);
    if (!maintenance) return null;
    ids = [...maintenance.componentIds];
  }
  const groups = await componentGroups(ctx.db);
  const withGroups = new Set(ids);
  for (const id of ids) {
    const group = groups.get(id)?.groupId;
    if (group) withGroups.add(group);
  }
  return [...withGroups];
}

/**
 * Queues one delivery per active subscriber that hears about `event` (subscribed to everything, or to
 * one of its components), keyed by event and subscriber, in one transaction. Returns how many.
 */
export async function fanOutStatusEvent(ctx: AppContext, event: StatusNotificationEvent): Promise<number> {
  const components = await affectedComponents(ctx, event);
  if (components === null) {
    ctx.log.info({ event }, "status notification dropped: what it was about is gone or not public");
    return 0;
  }
  const now = ctx.clock.now();
  const key = statusEventKey(event);
  return withTransaction(ctx.db, async (tx) => {
    const ids = await matchingActiveSubscriberIds(tx, components);
    await enqueueJobs(
      tx,
      ids.map((id) => ({
        kind: STATUS_JOB.deliver,
        key: `${key}:${id}`,
        payload: { v: 1, event, subscriber_id: id },
        runAt: now,
      })),
      now,
    );
    if (ids.length) ctx.log.info({ event: key, subscribers: ids.length }, "status notification fanned out");
    return ids.length;
  });
}

// ---------------------------------------------------------------------------------------------------
// Rendering

interface CachedContent {
  content: NotificationContent | null;
  pageName: string;
  timeZone: string;
  subscriptionBase: string;
  componentNames: Map<string, string>;
}

/** The rendered content of recent events, so fanning out to many subscribers reads the page once. */
export class NotificationCache {
  readonly #entries = new Map<string, { at: number; value: Promise<CachedContent> }>();
  constructor(
    private readonly ttlMs = 60_000,
    private readonly max = 50,
  ) {}

  get(ctx: AppContext, event: StatusNotificationEvent): Promise<CachedContent> {
    const key = statusEventKey(event);
    const now = ctx.clock.now().getTime();
    const hit = this.#entries.get(key);
    if (hit && now - hit.at < this.ttlMs && now >= hit.at) return hit.value;
    const value = renderEvent(ctx, event);
    // A failed read is not kept: the retry reads again.
    value.catch(() => this.#entries.delete(key));
    this.#entries.set(key, { at: now, value });
    while (this.#entries.size > this.max) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    return value;
  }
}

function topicOf(event: StatusNotificationEvent): NotificationTopic {
  return event.kind === "incident_update"
    ? { kind: event.kind, incidentId: publicIdOf(event.incidentId), updateId: publicIdOf(event.updateId) }
    : {
        kind: event.kind,
        maintenanceId: publicIdOfStored(event.maintenanceId),
        updateId: event.updateId ? publicIdOfStored(event.updateId) : undefined,
      };
}

async function renderEvent(ctx: AppContext, event: StatusNotificationEvent): Promise<CachedContent> {
  const data = await readStatusData(ctx);
  return {
    content: notificationContent(data, topicOf(event)),
    pageName: data.page.name,
    timeZone: data.page.timeZone,
    subscriptionBase: subscriptionBaseUrl(data.page, ctx.publicUrl),
    componentNames: new Map(data.components.map((c) => [c.id, c.name])),
  };
}

/** The same id on every attempt of one delivery: the email's Message-ID, the webhook's X-Foghorn-Delivery. */
export function statusDeliveryId(eventKey: string, subscriberId: string): string {
  return createHash("sha256").update(`${eventKey}|${subscriberId}`).digest("hex").slice(0, 32);
}

function scopeText(sub: StatusSubscriberRow, names: ReadonlyMap<string, string>): string {
  if (sub.componentIds.length === 0) return "all components";
  return sub.componentIds.map((id) => names.get(id) ?? id).join(", ");
}

function unsubscribeUrl(base: string, sub: StatusSubscriberRow): string | undefined {
  return sub.secret ? `${base}/unsubscribe?token=${unsubscribeToken(sub.secret)}` : undefined;
}

/** The message one subscriber gets for an event. */
export function subscriberMessage(
  event: StatusNotificationEvent,
  sub: StatusSubscriberRow,
  cached: CachedContent & { content: NotificationContent },
): SubscriberMessage {
  const deliveryId = statusDeliveryId(statusEventKey(event), sub.id);
  const unsubscribe = unsubscribeUrl(cached.subscriptionBase, sub);
  const text = [
    cached.content.text,
    "",
    "--",
    `You receive this because you subscribed to ${cached.pageName} updates (${scopeText(sub, cached.componentNames)}).`,
    ...(unsubscribe ? [`Unsubscribe: ${unsubscribe}`] : []),
  ].join("\n");
  return {
    deliveryId,
    subject: cached.content.subject,
    text,
    url: cached.content.url,
    ...(unsubscribe ? { unsubscribeUrl: unsubscribe } : {}),
    payload: {
      meta: {
        unsubscribe: unsubscribe ?? null,
        documentation: SUBSCRIBER_DOCS,
        event: event.kind,
        delivery_id: deliveryId,
      },
      ...cached.content.payload,
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Sending

type SendFn = (message: SubscriberMessage) => Promise<void>;

function senderFor(sender: SubscriberSender, sub: StatusSubscriberRow): SendFn | undefined {
  const { email, webhook, slack } = sender;
  if (sub.kind === "email" && email) return (m) => email(sub.target, m);
  if (sub.kind === "webhook" && webhook) return (m) => webhook(sub.target, sub.secret ?? "", m);
  if (sub.kind === "slack" && slack) return (m) => slack(sub.target, m);
  return undefined;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 500);
const isPermanent = (error: unknown) => error instanceof ChannelError && error.permanent;

/**
 * Counts a failed delivery. The third in a row disables the subscriber and queues the notice that tells
 * its contact. Returns true when the subscriber is (now) disabled or gone: nothing to retry.
 */
async function recordFailure(
  ctx: AppContext,
  subscriberId: string,
  error: unknown,
): Promise<{ stopped: boolean; failures: number }> {
  const now = ctx.clock.now();
  const message = errorText(error);
  return withTransaction(ctx.db, async (tx) => {
    const sub = await lockSubscriber(tx, subscriberId);
    if (!sub || sub.disabledAt) return { stopped: true, failures: sub?.consecutiveFailures ?? 0 };
    const failures = sub.consecutiveFailures + 1;
    const disable = failures >= MAX_CONSECUTIVE_FAILURES;
    await updateSubscriber(tx, sub.id, {
      consecutiveFailures: failures,
      lastError: message,
      updatedAt: now,
      ...(disable
        ? {
            disabledAt: now,
            disabledReason: `${failures} deliveries in a row failed; the last one: ${message}`,
          }
        : {}),
    });
    if (disable) {
      await enqueueJobs(
        tx,
        [
          {
            kind: STATUS_JOB.disabledNotice,
            key: `disabled:${sub.id}`,
            payload: { v: 1, subscriber_id: sub.id },
            runAt: now,
          },
        ],
        now,
      );
      ctx.log.warn(
        { subscriber: sub.id, kind: sub.kind, failures, err: message },
        "status subscriber disabled after failed deliveries",
      );
    }
    return { stopped: disable, failures };
  });
}

/**
 * When a failed delivery is tried again: 1 min after the first failure, 5 min after the second (the third
 * disables the subscriber), so a receiver that restarts or deploys for a minute is not disabled; a
 * provider's longer Retry-After wins.
 */
export const SUBSCRIBER_RETRY_MS: readonly number[] = [60_000, 300_000];

function retryLater(error: unknown, failures: number): ChannelError {
  const scheduled = SUBSCRIBER_RETRY_MS[Math.min(failures, SUBSCRIBER_RETRY_MS.length) - 1] ?? 60_000;
  const hinted = error instanceof ChannelError ? (error.retryAfterMs ?? 0) : 0;
  return new ChannelError(errorText(error), { retryAfterMs: Math.max(scheduled, hinted), cause: error });
}

/**
 * Sends one event to one subscriber (the `status.deliver` job). Not active any more, or the event gone
 * from the page: nothing to do. A failure counts (recordFailure); a transient one is thrown for the
 * runner to retry with backoff, until the subscriber is disabled. A permanent one is not retried.
 */
export async function deliverStatusEvent(
  ctx: AppContext,
  deps: SubscriberDeliveryDeps,
  event: StatusNotificationEvent,
  subscriberId: string,
): Promise<void> {
  const sub = await findSubscriber(ctx.db, subscriberId);
  if (!sub || subscriberState(sub) !== "active") return;
  const send = senderFor(deps.sender, sub);
  if (!send) {
    ctx.log.warn(
      { subscriber: sub.id, kind: sub.kind },
      `status notification skipped: no ${sub.kind} sender is configured`,
    );
    return;
  }
  const cached = await deps.cache.get(ctx, event);
  const content = cached.content;
  if (!content) {
    ctx.log.info({ event: statusEventKey(event) }, "status notification skipped: not on the page any more");
    return;
  }
  const message = subscriberMessage(event, sub, { ...cached, content });
  try {
    await send(message);
  } catch (error) {
    const { stopped, failures } = await recordFailure(ctx, sub.id, error);
    if (stopped) return;
    if (isPermanent(error)) {
      ctx.log.warn(
        { subscriber: sub.id, kind: sub.kind, err: errorText(error) },
        "status notification refused for good; not retried",
      );
      return;
    }
    throw retryLater(error, failures);
  }
  if (sub.consecutiveFailures > 0)
    await updateSubscriber(ctx.db, sub.id, { consecutiveFailures: 0, updatedAt: ctx.clock.now() });
}

/** Runs `send`; a permanent failure is logged and dropped, a transient one thrown for a retry. */
async function sendOnce(ctx: AppContext, what: string, sub: StatusSubscriberRow, send: () => Promise<void>) {
  try {
    await send();
  } catch (error) {
    if (!isPermanent(error)) throw error;
    ctx.log.warn({ subscriber: sub.id, err: errorText(error) }, `${what} refused for good; not retried`);
  }
}

async function pageFacts(ctx: AppContext) {
  const settings = await getStatusSettings(ctx.db);
  return {
    name: settings.name,
    url: pageUrl(settings, ctx.publicUrl),
    base: subscriptionBaseUrl(settings, ctx.publicUrl),
    time: new PageTime(settings.timeZone),
  };
}

async function scopeOf(ctx: AppContext, sub: StatusSubscriberRow): Promise<string> {
  if (sub.componentIds.length === 0) return "all components";
  const groups = await componentGroups(ctx.db);
  return scopeText(sub, new Map([...groups].map(([id, g]) => [id, g.name])));
}

/**
 * The confirmation mail of one subscribe request (`status.confirm`): the link for a pending address, or
 * "already subscribed" for an active one. A request superseded by a newer one sends nothing.
 */
export async function sendConfirmation(
  ctx: AppContext,
  sender: SubscriberSender,
  subscriberId: string,
  nonce: string,
): Promise<void> {
  const sub = await findSubscriber(ctx.db, subscriberId);
  if (sub?.kind !== "email" || !sub.secret || sub.disabledAt) return;
  const email = sender.email;
  if (!email) {
    ctx.log.warn({ subscriber: sub.id }, "confirmation mail not sent: SMTP is not configured (email.host)");
    return;
  }
  const page = await pageFacts(ctx);
  const scope = await scopeOf(ctx, sub);
  const deliveryId = statusDeliveryId(`confirm:${nonce}`, sub.id);
  let message: SubscriberMessage;
  if (subscriberState(sub) === "pending") {
    const token = confirmationToken(sub.secret, nonce);
    if (sha256Hex(token) !== sub.confirmTokenHash) return; // a newer request replaced this one
    const link = `${page.base}/subscribe/confirm?token=${token}`;
    const until = new Date(sub.updatedAt.getTime() + CONFIRMATION_VALID_MS);
    message = {
      deliveryId,
      subject: `Confirm your subscription to ${page.name}`,
      text: [
        `Someone, hopefully you, asked to receive ${page.name} status updates at ${sub.target} (${scope}).`,
        "",
        "To confirm, open this link:",
        link,
        "",
        `The link works until ${page.time.dateTime(until)}. If you did not ask for this, ignore this ` +
          "message: nothing will be sent to you.",
        "",
        `${page.name}: ${page.url}`,
      ].join("\n"),
      url: link,
      payload: { type: "subscription.confirm" },
    };
  } else {
    const unsubscribe = unsubscribeUrl(page.base, sub);
    message = {
      deliveryId,
      subject: `You are already subscribed to ${page.name}`,
      text: [
        `${sub.target} already receives ${page.name} status updates (${scope}); nothing changed.`,
        "",
        "To follow other components, unsubscribe and subscribe again with the ones you want.",
        ...(unsubscribe ? [`Unsubscribe: ${unsubscribe}`] : []),
        "",
        `${page.name}: ${page.url}`,
      ].join("\n"),
      url: page.url,
      ...(unsubscribe ? { unsubscribeUrl: unsubscribe } : {}),
      payload: { type: "subscription.already_subscribed" },
    };
  }
  await sendOnce(ctx, "confirmation mail", sub, () => email(sub.target, message));
}

/** A URL without what may be a secret (Slack webhook tokens sit in the path): origin and first segment. */
function shortUrl(target: string): string {
  try {
    const url = new URL(target);
    const first = url.pathname.split("/").filter(Boolean)[0];
    return `${url.origin}/${first ? `${first}/…` : ""}`;
  } catch {
    return "(the URL)";
  }
}

/**
 * Tells a subscriber disabled after failed deliveries (`status.disabled_notice`): webhook and Slack
 * subscribers at their contact_email. An email subscriber's own address is what failed, so it is only
 * logged (a mail there would most likely fail too).
 */
export async function sendDisabledNotice(
  ctx: AppContext,
  sender: SubscriberSender,
  subscriberId: string,
): Promise<void> {
  const sub = await findSubscriber(ctx.db, subscriberId);
  if (!sub?.disabledAt) return;
  const facts = { subscriber: sub.id, kind: sub.kind, reason: sub.disabledReason };
  if (sub.kind === "email") {
    ctx.log.warn(facts, "email subscriber disabled: its own address failed, so it cannot be told");
    return;
  }
  if (!sub.contactEmail) {
    ctx.log.warn(facts, "status subscriber disabled; it has no contact_email to tell");
    return;
  }
  const email = sender.email;
  if (!email) {
    ctx.log.warn(facts, "status subscriber disabled; SMTP is not configured, so its contact was not told");
    return;
  }
  const page = await pageFacts(ctx);
  const what = sub.kind === "slack" ? "Slack webhook" : "webhook";
  const unsubscribe = unsubscribeUrl(page.base, sub);
  const contact = sub.contactEmail;
  const message: SubscriberMessage = {
    deliveryId: statusDeliveryId(`disabled:${sub.disabledAt.toISOString()}`, sub.id),
    subject: `${page.name}: status notifications to your ${what} were turned off`,
    text: [
      `${page.name} stopped sending status notifications to the ${what} ${shortUrl(sub.target)}`,
      `(subscriber ${sub.id}) on ${page.time.dateTime(sub.disabledAt)}.`,
      "",
      `Why: ${sub.disabledReason ?? "deliveries kept failing"}`,
      "",
      `What to do: make the ${what} answer with a 2xx status again, then ask the administrators of`,
      `${page.name} to re-enable the subscriber:`,
      `  foghorn status subscriber enable ${sub.id}`,
      `  (or POST /api/v1/status-page/subscribers/${sub.id}/enable)`,
      "Notifications sent while it was off are not sent again.",
      ...(unsubscribe ? ["", `To stop these notifications for good: ${unsubscribe}`] : []),
      "",
      `${page.name}: ${page.url}`,
    ].join("\n"),
    url: page.url,
    ...(unsubscribe ? { unsubscribeUrl: unsubscribe } : {}),
    payload: { type: "subscription.disabled", subscriber_id: sub.id },
  };
  await sendOnce(ctx, "disabled notice", sub, () => email(contact, message));
  ctx.log.info({ ...facts, to: contact }, "told the contact of a disabled status subscriber");
}
