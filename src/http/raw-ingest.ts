/**
 * Alert webhooks on the raw connection (http/status-wire.ts): during an alert storm Alertmanager and
 * PagerDuty senders post faster than anything else, so their well-formed events skip node:http and
 * Fastify, here or in a status worker process (several cores: the worker reads, parses and validates,
 * then hands the event to this process, which owns the store, or on PostgreSQL stores it itself:
 * app/alerts/worker-intake.ts). The answer is the one the Fastify route
 * gives (routes/webhooks.ts), and is sent only after the event is committed.
 *
 * Only the happy path is taken here: a body that is not JSON or not valid, an unknown routing key, a rate
 * limit, storage down — anything but "stored" — hands the request, unanswered, to node:http and the
 * Fastify route, which words the error exactly as it always has. Nothing is stored twice: a request is
 * handed on only when nothing of it was stored.
 */
import { hash, randomUUID } from "node:crypto";
import type { AlertIntake } from "#app/alerts/intake.ts";
import type { AlertEvent } from "#domain/alert/event.ts";
import { parseAlertmanagerWebhook } from "#integrations/alertmanager/webhook.ts";
import {
  PAGERDUTY_BODY_LIMIT,
  PAGERDUTY_SUCCESS,
  parsePagerDutyV2,
} from "#integrations/pagerduty/events-v2.ts";
import type { RawPostAnswer } from "./status-wire.ts";

/** An event read from a raw POST, ready to be stored (crosses the worker → main process IPC). */
export interface RawIngestEvent {
  /** The routing key: from the path (Alertmanager) or the body (PagerDuty Events v2). */
  key: string;
  /** The integration kind the key must belong to. */
  kind: "alertmanager" | "pagerduty";
  /** The AlertEvent as JSON, serialised once where it was read: stored as is. */
  event: string;
  /** Its dedup key, so that the processor can recognise an identical repeat without parsing `event`. */
  dedupKey: string;
  /** The 202's JSON body, as the Fastify route words it. */
  answer: string;
}

const ALERTMANAGER = /^\/webhooks\/alertmanager\/([A-Za-z0-9_-]{1,64})$/;
const PAGERDUTY = "/v2/enqueue";

/** The 202 body of the webhooks with the routing key in the path (routes/webhooks.ts answers the same). */
export function webhookAccepted(event: AlertEvent): {
  status: "accepted";
  dedup_key: string;
  alerts: number;
} {
  return { status: "accepted", dedup_key: event.dedupKey, alerts: event.members?.length ?? 1 };
}

/** Whether a POST to `url` may be answered raw: the paths of readIngest. */
export function isIngestPath(url: string): boolean {
  return url === PAGERDUTY || ALERTMANAGER.test(url);
}

/** The largest body the raw server reads: a larger one goes to node:http as is (which answers 413). */
export function rawPostLimit(bodyLimit: number): number {
  return Math.max(bodyLimit, PAGERDUTY_BODY_LIMIT);
}

/**
 * Alertmanager bodies read lately, by routing key and body digest. Alertmanager re-sends an unchanged group
 * byte for byte (every `group_interval`, and in a storm that is most of what arrives), and reading one is
 * deterministic, so a body seen before is not parsed, validated and serialised again: that was most of a
 * status worker's time per event (bench/README.md). Only bodies that were read successfully are kept.
 */
const recentBodies = new Map<string, RawIngestEvent>();
/** Bodies kept (~6 KB each with their event): a few thousand groups re-sending; the oldest go first. */
const MAX_RECENT_BODIES = 4096;

/** The event a raw POST carries, or undefined when node:http must answer it (another path, an error). */
export function readIngest(url: string, body: Buffer, bodyLimit: number): RawIngestEvent | undefined {
  // PagerDuty's events are not kept: one without a dedup_key gets a new one each time it is read.
  if (url === PAGERDUTY || body.length > bodyLimit) return readBody(url, body, bodyLimit);
  const seen = `${url}\u0000${hash("sha1", body, "base64")}`;
  const known = recentBodies.get(seen);
  if (known) return known;
  const raw = readBody(url, body, bodyLimit);
  if (raw) {
    recentBodies.set(seen, raw);
    if (recentBodies.size > MAX_RECENT_BODIES)
      recentBodies.delete(recentBodies.keys().next().value as string);
  }
  return raw;
}

function readBody(url: string, body: Buffer, bodyLimit: number): RawIngestEvent | undefined {
  // The route's own limit (PagerDuty's 512 KB for v2, server.bodyLimitBytes for webhooks): its 413 is Fastify's.
  if (body.length > (url === PAGERDUTY ? PAGERDUTY_BODY_LIMIT : bodyLimit)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
  if (url === PAGERDUTY) {
    const parsed = parsePagerDutyV2(json, { generateKey: randomUUID });
    if (!parsed.ok) return undefined;
    const { routingKey, event } = parsed.value;
    return {
      key: routingKey,
      kind: "pagerduty",
      event: JSON.stringify(event),
      dedupKey: event.dedupKey,
      answer: JSON.stringify(PAGERDUTY_SUCCESS(event.dedupKey)),
    };
  }
  const key = ALERTMANAGER.exec(url)?.[1];
  if (key === undefined) return undefined;
  const parsed = parseAlertmanagerWebhook(json);
  if (!parsed.ok) return undefined;
  const event = parsed.value;
  return {
    key,
    kind: "alertmanager",
    event: JSON.stringify(event),
    dedupKey: event.dedupKey,
    answer: JSON.stringify(webhookAccepted(event)),
  };
}

/** The Fastify route each kind stands for, so raw answers count in the same request metrics. */
export const RAW_ROUTES: Readonly<Record<RawIngestEvent["kind"], string>> = {
  alertmanager: "/webhooks/alertmanager/:key",
  pagerduty: "/v2/enqueue",
};

/** Stores a raw event through the intake; false (nothing stored) when node:http must answer instead. */
export function storeRawEvent(intake: AlertIntake): (raw: RawIngestEvent) => Promise<boolean> {
  return async (raw) => {
    try {
      const integration = await intake.integration(raw.key, [raw.kind]);
      await intake.acceptSerialized(integration, raw.event, raw.dedupKey);
    } catch {
      // Unknown key, rate limit, storage down: the Fastify route tries again and answers with its words.
      return false;
    }
    return true;
  };
}

/** The raw server's `post` hook: reads the event, has `store` commit it, answers 202. */
export function rawIngestPost(
  bodyLimit: number,
  store: (raw: RawIngestEvent) => Promise<boolean>,
): (head: { url: string }, body: Buffer) => Promise<RawPostAnswer | undefined> | undefined {
  return (head, body) => {
    const raw = readIngest(head.url, body, bodyLimit);
    if (!raw) return undefined;
    return store(raw).then((stored) => (stored ? { status: 202, json: raw.answer } : undefined));
  };
}
