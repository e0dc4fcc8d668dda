import type { FiledIssue, IssueDraft } from "#domain/backlog/types.ts";

/**
 * Outbound ports: what the engine needs from the outside world, declared here and implemented in
 * integrations/ (ARCHITECTURE.md: "outbound work goes through ports"). main.ts builds the registry and
 * hands it to the engine, so neither app/ nor engine/ imports Slack, SMTP or Twilio.
 */

/** The kinds of contact method a person can have. `voice` and `sms` share a phone number. */
export const CONTACT_KINDS = ["email", "slack", "sms", "voice", "webhook", "console"] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];

/** Why a message is sent. */
export type NotificationReason = "page" | "escalation_rule" | "reminder" | "handoff" | "test";

/** The incident a message is about (absent for hand-off notices and tests). */
export interface MessageIncident {
  id: string;
  /** "INC-42" */
  humanId: string;
  title: string;
  /** "SEV1" … "SEV4" */
  severity: string;
  status: string;
  /** Link to the incident in the web UI. */
  url: string;
}

/** One notification inside a message; several are bundled when one contact method is paged often. */
export interface MessageItem {
  notificationId: string;
  reason: NotificationReason;
  /** One line, e.g. "[SEV1] INC-42 Checkout down (escalation level 2)". */
  summary: string;
  incident?: MessageIncident;
}

/** A message to one contact method of one person. */
export interface OutboundMessage {
  /**
   * Stable id of this delivery: the same on every retry of it (a crash mid-send retries with the same id),
   * so receivers can drop duplicates. Webhooks send it as a header; email as Message-ID material.
   */
  deliveryId: string;
  to: {
    userId: string;
    username: string;
    displayName: string;
    kind: ContactKind;
    /** Email address, Slack user id (U…), E.164 phone number, webhook URL, or a label for console. */
    address: string;
  };
  /** One line: the subject of an email, the first line of an SMS. */
  subject: string;
  /** Plain-text body, already complete (channels may format it, never drop it). */
  text: string;
  items: readonly MessageItem[];
  /**
   * Signed one-click links for the first incident in the message (email buttons, SMS is reply-based).
   * Absent when the message is not about an unacknowledged incident.
   */
  actions?: { acknowledgeUrl: string; resolveUrl: string };
  /**
   * For SMS: a short code the recipient can reply with ("4 A7K" acknowledges, "6 A7K" resolves); the
   * inbound SMS handler maps it back to the incident.
   */
  replyCode?: string;
}

/** What a channel returns after sending: a reference to update the copy later (Slack channel + ts, etc.). */
export interface SendResult {
  providerRef?: Record<string, string>;
}

/** A change to show on every copy of a page already sent ("Acknowledged by alice"). */
export interface MessageUpdate {
  incident: MessageIncident;
  /** e.g. "Acknowledged by alice at 10:02 UTC" */
  text: string;
  /** The new state of the incident's page: acknowledged or resolved. */
  state: "acknowledged" | "resolved";
}

/**
 * A failed send. `retryAfterMs` honours a provider's Retry-After (Slack 429); `permanent` means retrying
 * cannot help (a 4xx other than 429, an invalid address), so the notification fails at once.
 */
export class ChannelError extends Error {
  readonly retryAfterMs: number | undefined;
  readonly permanent: boolean;
  constructor(
    message: string,
    options: { retryAfterMs?: number; permanent?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ChannelError";
    this.retryAfterMs = options.retryAfterMs;
    this.permanent = options.permanent ?? false;
  }
}

/** One way of reaching a person. */
export interface Channel {
  readonly kind: ContactKind;
  /** Sends one message; throws ChannelError (or any error: treated as transient) when it did not go out. */
  send(message: OutboundMessage): Promise<SendResult>;
  /** Updates a copy sent earlier, where the medium allows it (Slack edits the message; a webhook posts an event). */
  update?(providerRef: Record<string, string>, update: MessageUpdate, deliveryId: string): Promise<void>;
}

/** The channels configured in this installation, by kind; a kind without a channel cannot be delivered. */
export type ChannelRegistry = Partial<Record<ContactKind, Channel>>;

/** Where an incident is announced in chat (Slack: `#incidents` for SEV1/SEV2, `#incidents-low` otherwise). */
export interface ChatAnnouncer {
  /** Posts the declaration message; returns the channel and the message's ts (the thread for later posts). */
  announce(incident: MessageIncident & { commander: string | null; services: readonly string[] }): Promise<{
    channel: string;
    ts: string;
  }>;
  /** Posts a line in the incident's thread (a status change, a status update). */
  postInThread(ref: { channel: string; ts: string }, text: string): Promise<void>;
  /** Updates the declaration message (new status or severity). */
  updateAnnouncement(
    ref: { channel: string; ts: string },
    incident: MessageIncident & { commander: string | null; services: readonly string[] },
  ): Promise<void>;
  /**
   * Creates the incident's dedicated channel (`inc-42-api-timeout`: the announcer names it), sets its
   * topic and invites the Slack users given; returns its id.
   */
  createIncidentChannel?(
    incident: { number: number; humanId: string; title: string },
    inviteSlackUserIds: readonly string[],
  ): Promise<string>;
}

/** One message of a chat completion. */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/**
 * An OpenAI-compatible chat model (implemented in integrations/llm/ with the `openai` client; works with a
 * local server such as Ollama). Used for postmortem drafts and, later, action item enrichment.
 */
export interface LlmClient {
  /** The model's name, shown beside everything it drafted ("gpt-4o-mini", "llama3.1"). */
  readonly model: string;
  /** One chat completion; `json: true` asks for a JSON object. Rejects with a readable Error on failure. */
  complete(
    messages: readonly ChatMessage[],
    opts?: { json?: boolean; signal?: AbortSignal },
  ): Promise<string>;
}

/** AI drafting as configured: the model and the patterns redacted from everything sent to it. */
export interface AiDrafting {
  llm: LlmClient;
  /** Matches are replaced by "[redacted]" before any text leaves Foghorn. */
  redact: readonly RegExp[];
}

/** A label to make sure exists before filing (created when missing, never changed when present). */
export interface LabelSpec {
  name: string;
  color: string;
  description: string;
}

/**
 * Where action items are filed (integrations/github/ with Octokit: github.com or GitHub Enterprise Server).
 * Implementations honour rate limits themselves (retry-after, secondary limits) and report waits through
 * `onWait`.
 */
export interface IssueTracker {
  /** "owner/repo" */
  readonly repository: string;
  /** The issues already filed for these markers (any state), by marker: the idempotency lookup. */
  findByMarkers(markers: readonly string[]): Promise<Map<string, FiledIssue>>;
  /** Creates the labels that do not exist yet. */
  ensureLabels(labels: readonly LabelSpec[]): Promise<void>;
  createIssue(draft: IssueDraft): Promise<FiledIssue>;
}

/** Tells a chat channel what a backlog sync filed ("4 backlog items created from API timeout incident"). */
export interface BacklogAnnouncer {
  announce(summary: {
    incidentTitle: string;
    issues: readonly { title: string; number: number; url: string }[];
  }): Promise<void>;
}

/** One message to one status page subscriber (an incident update, a maintenance notice, a confirmation). */
export interface SubscriberMessage {
  /** Stable across retries of this delivery: webhooks send it as a header, email as the Message-ID. */
  deliveryId: string;
  /** One line: the email subject, the first line of a Slack message. */
  subject: string;
  /** Plain-text body, complete. */
  text: string;
  /** The page (or the incident's public page) the message is about. */
  url: string;
  /** One-click unsubscribe link (RFC 8058 for email: List-Unsubscribe + List-Unsubscribe-Post). */
  unsubscribeUrl?: string;
  /** The JSON body a webhook subscriber receives. */
  payload: Record<string, unknown>;
}

/**
 * Delivers status page notifications (integrations/: nodemailer, fetch with an HMAC-SHA256 signature,
 * Slack incoming webhooks). Throws ChannelError (permanent for a 4xx other than 429) when it did not go out.
 */
export interface SubscriberSender {
  email?(to: string, message: SubscriberMessage): Promise<void>;
  webhook?(url: string, secret: string, message: SubscriberMessage): Promise<void>;
  slack?(webhookUrl: string, message: SubscriberMessage): Promise<void>;
}

/** One rendered file of a stored status page snapshot. */
export interface StoredSnapshotFile {
  contentType: string;
  body: string;
}

/**
 * The rendered status page as last built, kept on disk so a restarted Foghorn serves the page before its
 * database answers (or while it does not). Both renderings: under /status, and at the root of the status
 * domain.
 */
export interface StoredSnapshot {
  version: 1;
  /** When its data was read (ISO 8601). */
  generatedAt: string;
  /** The host name on which `/` serves the page; null: none. */
  customDomain: string | null;
  /** The Content-Security-Policy of its HTML pages. */
  csp: string;
  /** URL path → file, rendered with base "/status" and with base "". */
  sites: { status: Record<string, StoredSnapshotFile>; root: Record<string, StoredSnapshotFile> };
}

/** Where the last good status page snapshot is kept (integrations/status-snapshot/fs-store.ts). */
export interface SnapshotStore {
  /** The stored snapshot; null when there is none (or it cannot be read). */
  load(): Promise<StoredSnapshot | null>;
  /** Replaces the stored snapshot atomically: a reader sees the old one or the new one, never half. */
  save(snapshot: StoredSnapshot): Promise<void>;
}

/** The weekly metrics digest, rendered (domain/metrics/digest.ts). */
export interface DigestMessage {
  /** The same on every retry of one week's digest: the email's Message-ID is made from it. */
  deliveryId: string;
  subject: string;
  /** Plain-text body. */
  text: string;
  /** HTML body (everything from people escaped). */
  html: string;
  /** Slack mrkdwn message text. */
  slack: string;
}

/**
 * Sends the weekly digest (integrations/: nodemailer for email, chat.postMessage for Slack). Throws
 * ChannelError (permanent when retrying cannot help) when it did not go out.
 */
export interface DigestSender {
  /** One message to all the addresses. */
  email?(to: readonly string[], message: DigestMessage): Promise<void>;
  /** A channel name (#incident-review) or id. */
  slack?(channel: string, message: DigestMessage): Promise<void>;
}
