/**
 * GitHub's webhook deliveries to /webhooks/github: the `X-Hub-Signature-256` check and the `issues` event
 * (closed, reopened) as an IssueStateChange. GitHub signs the raw body bytes with HMAC-SHA256 and the
 * webhook's secret ("sha256=<hex>"), so the check needs the body exactly as received.
 *
 * Example `issues` payload (trimmed):
 *   {"action":"closed","issue":{"number":71,"html_url":"https://github.com/acme/api/issues/71",
 *    "state":"closed","state_reason":"completed"},"repository":{"full_name":"acme/api"},
 *    "sender":{"login":"bob"}}
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { IssueStateChange } from "#app/backlog/issue-events.ts";

export const GITHUB_SIGNATURE_HEADER = "x-hub-signature-256";

export type GitHubSignatureCheck = { ok: true } | { ok: false; reason: string };

/** Verifies `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>` in constant time. */
export function verifyGitHubSignature(
  secret: string,
  rawBody: Buffer,
  header: string | string[] | undefined,
): GitHubSignatureCheck {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value)
    return {
      ok: false,
      reason:
        "no X-Hub-Signature-256 header: set the webhook's Secret in GitHub (Settings → Webhooks) to the one configured here",
    };
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(value);
  if (!match)
    return { ok: false, reason: 'the X-Hub-Signature-256 header is not "sha256=" and 64 hex digits' };
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  const received = Buffer.from(match[1] ?? "", "hex");
  // Constant time: the comparison leaks nothing about how much of a guess was right.
  if (received.length !== expected.length || !timingSafeEqual(received, expected))
    return {
      ok: false,
      reason:
        "the signature does not match: check that the webhook's Secret in GitHub equals github.webhookSecret (GITHUB_WEBHOOK_SECRET)",
    };
  return { ok: true };
}

const IssuesEvent = z.object({
  action: z.string(),
  issue: z.object({
    number: z.number().int().positive(),
    state_reason: z.string().nullable().optional(),
  }),
  repository: z.object({ full_name: z.string().min(3) }),
  sender: z.object({ login: z.string() }).nullable().optional(),
});

export type ParsedIssuesEvent =
  | { kind: "change"; change: IssueStateChange }
  | { kind: "ignored"; reason: string }
  | { kind: "invalid"; reason: string };

/** An `issues` delivery as a close or reopen; other actions (opened, labeled, edited…) are ignored. */
export function parseIssuesEvent(payload: unknown): ParsedIssuesEvent {
  const parsed = IssuesEvent.safeParse(payload);
  if (!parsed.success)
    return {
      kind: "invalid",
      reason: `not an issues event: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ")}`,
    };
  const { action, issue, repository, sender } = parsed.data;
  if (action !== "closed" && action !== "reopened")
    return { kind: "ignored", reason: `issues.${action} does not change action items` };
  return {
    kind: "change",
    change: {
      repository: repository.full_name,
      number: issue.number,
      action,
      by: sender?.login ?? null,
      stateReason: issue.state_reason ?? null,
    },
  };
}

/**
 * Remembers GitHub delivery ids (`X-GitHub-Delivery`) for a while, so a repeated delivery is not applied
 * twice. In memory, per process: a restart or another replica forgets them, which is safe because applying
 * a close twice changes nothing (the item is already done). Bounded: the oldest go first.
 */
export class DeliveryMemory {
  readonly #seen = new Map<string, number>();
  constructor(
    private readonly windowMs = 24 * 60 * 60 * 1000,
    private readonly maxEntries = 50_000,
  ) {}

  has(id: string, now: Date): boolean {
    this.#expire(now.getTime());
    return this.#seen.has(id);
  }

  remember(id: string, now: Date): void {
    const at = now.getTime();
    this.#expire(at);
    if (this.#seen.size >= this.maxEntries) {
      const oldest = this.#seen.keys().next();
      if (!oldest.done) this.#seen.delete(oldest.value);
    }
    this.#seen.set(id, at);
  }

  #expire(at: number): void {
    // Insertion order is time order unless the clock steps back.
    for (const [key, seenAt] of this.#seen) {
      if (at - seenAt <= this.windowMs) break;
      this.#seen.delete(key);
    }
  }
}
