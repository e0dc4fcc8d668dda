/**
 * The status page's subscribers: email addresses (double opt-in), webhook URLs (signed JSON) and Slack
 * incoming webhooks, each for every component or for some. The public subscribe form, the confirmation
 * link and the one-click unsubscribe link land here, and so does the admin API.
 *
 * Tokens: the confirmation and unsubscribe links carry random-looking tokens of which only the sha256 is
 * stored (looked up through unique indexes). Both are HMACs keyed by the subscriber's own random `secret`
 * (for webhooks the signing secret, shown once; for email and Slack never shown), so every message can
 * carry the same unsubscribe link, and a confirmation mail sent again after a failure carries the same
 * link, without a token being stored anywhere.
 */
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { z } from "zod";
import { maskUrl } from "#domain/mask.ts";
import { pageInfo } from "#domain/status-page/status.ts";
import type { PageInfo } from "#domain/status-page/types.ts";
import { type Db, withTransaction } from "#store/db.ts";
import { enqueueJobs } from "#store/jobs.ts";
import { getStatusSettings, listStatusComponents } from "#store/status-page.ts";
import {
  deleteSubscriber as deleteSubscriberRow,
  findSubscriber,
  findSubscriberByUnsubscribeHash,
  insertSubscriberIfNew,
  listSubscribers as listSubscriberRows,
  lockSubscriber,
  lockSubscriberByConfirmHash,
  lockSubscriberByTarget,
  type StatusSubscriberRow,
  type SubscriberState,
  updateSubscriber,
} from "#store/status-subscribers.ts";
import { looksLikeSecret, randomSecret, sha256Hex } from "../auth/secrets.ts";
import type { AppContext, BaseContext } from "../context.ts";
import { AppError, type FieldError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { STATUS_JOB } from "./notify.ts";

export const SUBSCRIBER_KINDS = ["email", "webhook", "slack"] as const;
export type SubscriberKind = (typeof SUBSCRIBER_KINDS)[number];
export const SUBSCRIBER_STATES = ["pending", "active", "disabled"] as const;

/** How long a confirmation link works. */
export const CONFIRMATION_VALID_MS = 7 * 24 * 3600 * 1000;
/** A second subscribe request for the same address within this time sends no second mail. */
export const RESEND_AFTER_MS = 60 * 1000;
/** Consecutive failed deliveries after which a subscriber is disabled. */
export const MAX_CONSECUTIVE_FAILURES = 3;

/** What the installation can deliver: email needs SMTP (email.host). */
export interface SubscriptionOptions {
  emailEnabled: boolean;
}

// ---------------------------------------------------------------------------------------------------
// Tokens

/** The unsubscribe token of a subscriber: the same in every message it is sent. */
export function unsubscribeToken(secret: string): string {
  return createHmac("sha256", secret).update("foghorn status unsubscribe").digest("base64url");
}

/** The confirmation token of one subscribe request (`nonce`), for the link in its confirmation mail. */
export function confirmationToken(secret: string, nonce: string): string {
  return createHmac("sha256", secret).update(`foghorn status confirm:${nonce}`).digest("base64url");
}

// ---------------------------------------------------------------------------------------------------
// Views

export function subscriberState(row: StatusSubscriberRow): SubscriberState {
  if (row.disabledAt) return "disabled";
  return row.confirmedAt ? "active" : "pending";
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A subscriber as the admin API shows it (never its secret or token hashes). */
export function subscriberView(row: StatusSubscriberRow) {
  return {
    id: row.id,
    kind: row.kind as SubscriberKind,
    // A webhook or Slack URL carries its key: shown in full only in the answer that created it.
    target: row.kind === "email" ? row.target : maskUrl(row.target),
    contact_email: row.contactEmail,
    component_ids: [...row.componentIds],
    state: subscriberState(row),
    confirmed_at: iso(row.confirmedAt),
    consecutive_failures: row.consecutiveFailures,
    last_error: row.lastError,
    disabled_at: iso(row.disabledAt),
    disabled_reason: row.disabledReason,
    created_at: row.createdAt.toISOString(),
  };
}
export type SubscriberView = ReturnType<typeof subscriberView>;

// ---------------------------------------------------------------------------------------------------
// Input

const EMAIL = /^[^\s@<>(),;:"[\]\\]+@[^\s@<>(),;:"[\]\\]+\.[^\s@<>(),;:"[\]\\]+$/;

const emailAddress = z
  .string({ error: "must be an email address such as ops@example.com" })
  .trim()
  .max(254, { error: "must be at most 254 characters" })
  .refine((v) => EMAIL.test(v), { error: "must be an email address such as ops@example.com" });

const componentIds = z
  .array(z.string({ error: "must be a list of component ids" }).trim().toLowerCase(), {
    error: 'must be a list of component ids, e.g. ["k8w3xv2q9m1a"]; leave it out for every component',
  })
  .max(200, { error: "at most 200 components" })
  .transform((ids) => [...new Set(ids.filter(Boolean))]);

export const SubscribeInput = z
  .object({
    email: emailAddress,
    component_ids: componentIds
      .optional()
      .describe("Only these components' incidents and maintenance; leave out (or []) for everything"),
  })
  .strict();
export type SubscribeInput = z.input<typeof SubscribeInput>;

const SLACK_HOST = "hooks.slack.com";

function urlProblem(value: string, kind: "webhook" | "slack", anyUrl: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return kind === "slack"
      ? "must be a Slack incoming webhook URL such as https://hooks.slack.com/services/T000/B000/XXXX"
      : "must be an http:// or https:// URL such as https://hooks.example.com/status";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return `must be an http:// or https:// URL (not ${url.protocol})`;
  if (url.username || url.password)
    return "must not contain a user name or password; put secrets in the path";
  if (kind === "slack" && !anyUrl && (url.protocol !== "https:" || url.hostname !== SLACK_HOST))
    return (
      `must be a Slack incoming webhook URL, https://${SLACK_HOST}/services/…; for a Slack-compatible ` +
      'service elsewhere (Mattermost, Rocket.Chat, a proxy) also send "any_url": true'
    );
  return undefined;
}

export const AddSubscriberInput = z
  .object({
    kind: z.enum(SUBSCRIBER_KINDS, { error: `must be one of ${SUBSCRIBER_KINDS.join(", ")}` }),
    target: z
      .string({ error: "must be a string: the email address, webhook URL or Slack webhook URL" })
      .trim()
      .min(1, { error: "must not be empty" })
      .max(2000, { error: "must be at most 2000 characters" })
      .describe("The email address (kind email) or the URL (webhook, slack)"),
    component_ids: componentIds.optional(),
    contact_email: emailAddress
      .nullable()
      .optional()
      .describe("Webhook and Slack: who is told by email when the subscriber is disabled after failures"),
    skip_confirmation: z
      .boolean({ error: "must be true or false" })
      .default(false)
      .describe("Email: active at once, without the confirmation mail (you vouch for the address)"),
    any_url: z
      .boolean({ error: "must be true or false" })
      .default(false)
      .describe("Slack: accept a Slack-compatible webhook URL not on hooks.slack.com"),
  })
  .strict()
  .superRefine((req, ctx) => {
    if (req.kind === "email") {
      if (!EMAIL.test(req.target) || req.target.length > 254)
        ctx.addIssue({
          code: "custom",
          path: ["target"],
          message: "must be an email address such as ops@example.com (kind email)",
        });
      if (req.contact_email)
        ctx.addIssue({
          code: "custom",
          path: ["contact_email"],
          message:
            "is only for webhook and Slack subscribers; an email subscriber is told at its own address",
        });
    } else {
      const problem = urlProblem(req.target, req.kind, req.any_url);
      if (problem) ctx.addIssue({ code: "custom", path: ["target"], message: problem });
      if (req.skip_confirmation)
        ctx.addIssue({
          code: "custom",
          path: ["skip_confirmation"],
          message: "is only for email subscribers; webhook and Slack subscribers need no confirmation",
        });
    }
    if (req.any_url && req.kind !== "slack")
      ctx.addIssue({ code: "custom", path: ["any_url"], message: "is only for Slack subscribers" });
  });
export type AddSubscriberInput = z.input<typeof AddSubscriberInput>;

export const ListSubscribersQuery = z
  .object({
    kind: z.enum(SUBSCRIBER_KINDS, { error: `must be one of ${SUBSCRIBER_KINDS.join(", ")}` }).optional(),
    state: z.enum(SUBSCRIBER_STATES, { error: `must be one of ${SUBSCRIBER_STATES.join(", ")}` }).optional(),
    target: z
      .string()
      .max(2048)
      .optional()
      .describe(
        "Only the subscriber with this exact address or URL (ignoring case): lists show webhook URLs masked",
      ),
  })
  .strict();

function emailNeedsSmtp(): AppError {
  return new AppError(
    "CONFLICT",
    "Email subscriptions need an SMTP server, and none is configured: set email.host (SMTP_HOST) and " +
      "email.from in the configuration and restart Foghorn",
  );
}

/** Refuses component ids that are not on the page, naming them. */
async function checkComponentIds(ctx: BaseContext, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const known = new Set((await listStatusComponents(ctx.db)).map((c) => c.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length === 0) return;
  const fields: FieldError[] = [
    {
      field: "component_ids",
      message:
        `unknown component id${unknown.length > 1 ? "s" : ""} ${unknown.map((id) => `"${id}"`).join(", ")}; ` +
        "use the ids the page lists (GET /api/v2/components.json, or GET /api/v1/status-page/components), " +
        "or leave component_ids out for everything",
    },
  ];
  throw new AppError(
    "INVALID_INPUT",
    `The request is invalid: ${fields[0]?.field}: ${fields[0]?.message}`,
    fields,
  );
}

function newSecrets() {
  const secret = randomSecret();
  return { secret, unsubscribeTokenHash: sha256Hex(unsubscribeToken(secret)) };
}

/** Queues the confirmation mail of a subscribe request (or "already subscribed" for an active address). */
async function enqueueConfirmation(
  tx: Db,
  row: StatusSubscriberRow,
  nonce: string,
  now: Date,
): Promise<void> {
  await enqueueJobs(
    tx,
    [
      {
        kind: STATUS_JOB.confirm,
        key: `confirm:${row.id}:${nonce}`,
        payload: { v: 1, subscriber_id: row.id, nonce },
        runAt: now,
      },
    ],
    now,
  );
}

const newNonce = () => randomBytes(12).toString("base64url");

// ---------------------------------------------------------------------------------------------------
// Public: subscribe, confirm, unsubscribe

/**
 * The page as the subscription pages show it (name, look, time zone), and its custom domain, read from the
 * settings (not the snapshot: these pages are answered by the live server only).
 */
export async function subscriptionPage(ctx: BaseContext): Promise<PageInfo> {
  return pageInfo(await getStatusSettings(ctx.db), ctx.publicUrl);
}

/** What the public subscribe form answers, whatever the address's state (nothing is revealed). */
export function subscribeAnswer(email: string) {
  return {
    status: "check_your_inbox" as const,
    message:
      `Check your inbox: we sent a message to ${email}. To start receiving updates, open the ` +
      "confirmation link in it within 7 days.",
  };
}

/**
 * Subscribes an email address from the public form (double opt-in): a new address gets a pending
 * subscription and a confirmation mail; a pending one gets its mail again (its components replaced);
 * an active one is told by mail that it is already subscribed; one disabled after failed deliveries
 * starts over as pending. The answer is the same in every case.
 */
export async function subscribe(ctx: BaseContext, input: unknown, opts: SubscriptionOptions) {
  const req = parseInput(SubscribeInput, input);
  if (!opts.emailEnabled) throw emailNeedsSmtp();
  const ids = req.component_ids ?? [];
  await checkComponentIds(ctx, ids);
  const now = ctx.clock.now();
  const nonce = newNonce();
  await withTransaction(ctx.db, async (tx) => {
    const existing = await lockSubscriberByTarget(tx, "email", req.email);
    if (!existing) {
      const secrets = newSecrets();
      const row = await insertSubscriberIfNew(tx, {
        id: randomUUID(),
        kind: "email",
        target: req.email,
        componentIds: ids,
        ...secrets,
        confirmTokenHash: sha256Hex(confirmationToken(secrets.secret, nonce)),
        createdAt: now,
        updatedAt: now,
      });
      // A concurrent request for the same address inserted it first: that one's mail is on its way.
      if (row) await enqueueConfirmation(tx, row, nonce, now);
      return;
    }
    // One mail a minute per address at most, so the form cannot be used to flood someone's inbox.
    if (now.getTime() - existing.updatedAt.getTime() < RESEND_AFTER_MS) return;
    const secret = existing.secret ?? randomSecret();
    const state = subscriberState(existing);
    if (state === "active") {
      const row = await updateSubscriber(tx, existing.id, { updatedAt: now });
      await enqueueConfirmation(tx, row, nonce, now);
      return;
    }
    const row = await updateSubscriber(tx, existing.id, {
      componentIds: ids,
      secret,
      ...(existing.secret ? {} : { unsubscribeTokenHash: sha256Hex(unsubscribeToken(secret)) }),
      confirmTokenHash: sha256Hex(confirmationToken(secret, nonce)),
      confirmedAt: null,
      disabledAt: null,
      disabledReason: null,
      consecutiveFailures: 0,
      updatedAt: now,
    });
    await enqueueConfirmation(tx, row, nonce, now);
  });
  ctx.log.info({ components: ids.length }, "status page subscribe request");
  return subscribeAnswer(req.email);
}

export type ConfirmOutcome =
  | { outcome: "confirmed"; subscriber: StatusSubscriberRow }
  | { outcome: "invalid" }
  | { outcome: "expired" };

/** Confirms an email subscription from the link in its confirmation mail. */
export async function confirmSubscription(ctx: BaseContext, token: string): Promise<ConfirmOutcome> {
  if (!looksLikeSecret(token)) return { outcome: "invalid" };
  const now = ctx.clock.now();
  return withTransaction(ctx.db, async (tx): Promise<ConfirmOutcome> => {
    const row = await lockSubscriberByConfirmHash(tx, sha256Hex(token));
    if (!row || row.confirmedAt) return { outcome: "invalid" };
    if (now.getTime() - row.updatedAt.getTime() > CONFIRMATION_VALID_MS) return { outcome: "expired" };
    const subscriber = await updateSubscriber(tx, row.id, {
      confirmedAt: now,
      confirmTokenHash: null,
      updatedAt: now,
    });
    ctx.log.info({ subscriber: row.id }, "status page subscription confirmed");
    return { outcome: "confirmed", subscriber };
  });
}

/** The subscription an unsubscribe link stands for; undefined for an unknown (or used) link. */
export async function findByUnsubscribeToken(
  ctx: BaseContext,
  token: string,
): Promise<StatusSubscriberRow | undefined> {
  if (!looksLikeSecret(token)) return undefined;
  return findSubscriberByUnsubscribeHash(ctx.db, sha256Hex(token));
}

/** One-click unsubscribe: the subscription is deleted. False when the link matched none (any more). */
export async function unsubscribe(ctx: BaseContext, token: string): Promise<boolean> {
  const row = await findByUnsubscribeToken(ctx, token);
  if (!row) return false;
  const deleted = await deleteSubscriberRow(ctx.db, row.id);
  if (deleted) ctx.log.info({ subscriber: row.id, kind: row.kind }, "status page subscriber unsubscribed");
  return deleted;
}

// ---------------------------------------------------------------------------------------------------
// Admin

export async function listSubscribers(ctx: AppContext, query: unknown) {
  const q = parseInput(ListSubscribersQuery, query, "query");
  const rows = await listSubscriberRows(ctx.db, { kind: q.kind, state: q.state });
  const target = q.target?.trim().toLowerCase();
  return {
    subscribers: (target ? rows.filter((r) => r.target.toLowerCase() === target) : rows).map(subscriberView),
  };
}

async function loadSubscriber(ctx: AppContext, id: string): Promise<StatusSubscriberRow> {
  const row = await findSubscriber(ctx.db, id.trim());
  if (!row)
    throw new AppError(
      "NOT_FOUND",
      `There is no subscriber ${JSON.stringify(id)}; GET /api/v1/status-page/subscribers lists them`,
    );
  return row;
}

/**
 * Adds a subscriber by hand. Webhook and Slack subscribers are active at once (a webhook's signing
 * secret is in the answer, once); an email address gets the confirmation mail unless skip_confirmation.
 */
export async function addSubscriber(ctx: AppContext, input: unknown, opts: SubscriptionOptions) {
  const req = parseInput(AddSubscriberInput, input);
  if (req.kind === "email" && !opts.emailEnabled) throw emailNeedsSmtp();
  const ids = req.component_ids ?? [];
  await checkComponentIds(ctx, ids);
  const now = ctx.clock.now();
  const nonce = newNonce();
  const secrets = newSecrets();
  const pending = req.kind === "email" && !req.skip_confirmation;
  const row = await withTransaction(ctx.db, async (tx) => {
    const inserted = await insertSubscriberIfNew(tx, {
      id: randomUUID(),
      kind: req.kind,
      target: req.target,
      contactEmail: req.kind === "email" ? null : (req.contact_email ?? null),
      componentIds: ids,
      ...secrets,
      confirmTokenHash: pending ? sha256Hex(confirmationToken(secrets.secret, nonce)) : null,
      confirmedAt: pending ? null : now,
      createdAt: now,
      updatedAt: now,
    });
    if (!inserted) {
      const existing = await lockSubscriberByTarget(tx, req.kind, req.target);
      throw new AppError(
        "CONFLICT",
        `There is already a ${req.kind} subscriber for ${req.kind === "email" ? req.target : maskUrl(req.target)}` +
          (existing ? ` (id ${existing.id}, ${subscriberState(existing)})` : "") +
          "; delete it first, or re-enable it if it is disabled",
        [],
        existing ? { subscriber_id: existing.id } : {},
      );
    }
    if (pending) await enqueueConfirmation(tx, inserted, nonce, now);
    return inserted;
  });
  ctx.log.info({ by: ctx.actor.name, subscriber: row.id, kind: row.kind }, "status page subscriber added");
  // The one answer that shows the URL and the signing secret whole: the caller copies them now.
  return {
    ...subscriberView(row),
    target: row.target,
    ...(row.kind === "webhook" ? { secret: secrets.secret } : {}),
  };
}

export async function removeSubscriber(ctx: AppContext, id: string): Promise<void> {
  const row = await loadSubscriber(ctx, id);
  await deleteSubscriberRow(ctx.db, row.id);
  ctx.log.info({ by: ctx.actor.name, subscriber: row.id, kind: row.kind }, "status page subscriber deleted");
}

/** Re-enables a subscriber disabled after failed deliveries; its failure count starts again at 0. */
export async function enableSubscriber(ctx: AppContext, id: string) {
  const now = ctx.clock.now();
  const existing = await loadSubscriber(ctx, id);
  const row = await withTransaction(ctx.db, async (tx) => {
    const current = await lockSubscriber(tx, existing.id);
    if (!current) throw new AppError("NOT_FOUND", `Subscriber ${existing.id} was just deleted`);
    if (!current.disabledAt && current.consecutiveFailures === 0) return current;
    return updateSubscriber(tx, current.id, {
      disabledAt: null,
      disabledReason: null,
      consecutiveFailures: 0,
      updatedAt: now,
    });
  });
  if (existing.disabledAt)
    ctx.log.info({ by: ctx.actor.name, subscriber: row.id }, "status page subscriber re-enabled");
  return subscriberView(row);
}
