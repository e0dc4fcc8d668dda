/**
 * Sends the status page's subscriber notifications (app/ports.ts SubscriberSender):
 *
 * - email over the SMTP server of the `email` settings (the transport the email channel uses): text and
 *   escaped HTML, Message-ID from the delivery id, and RFC 8058 one-click unsubscribe headers
 *   (List-Unsubscribe: <url>, List-Unsubscribe-Post: List-Unsubscribe=One-Click);
 * - webhooks: the JSON body POSTed and signed as webhook pages are (X-Foghorn-Signature: t=…,v1=…, HMAC-SHA256
 *   of "<t>.<body>" keyed by the subscriber's secret), plus X-Foghorn-Timestamp and X-Foghorn-Delivery;
 * - Slack incoming webhooks: { text, blocks } POSTed to the URL.
 *
 * A 4xx other than 408 and 429 (and a redirect) is a permanent ChannelError; 5xx, 429, timeouts and
 * connection errors are transient. SMTP: 5yz permanent, the rest transient.
 */
import { ChannelError, type SubscriberMessage, type SubscriberSender } from "#app/ports.ts";
import type { Clock } from "#domain/time.ts";
import {
  createSmtpTransport,
  type EmailChannelOptions,
  emailMessageId,
  escapeHtml,
  messageIdDomain,
  toChannelError,
} from "../email/channel.ts";
import { postJson, postSignedJson } from "../webhook/channel.ts";

export const TIMESTAMP_HEADER = "X-Foghorn-Timestamp";
const USER_AGENT = "Foghorn-Status/1";

export interface SubscriberSenderOptions {
  clock: Clock;
  /** The `email` settings; absent (no email.host): no email sender, and email subscriptions are refused. */
  email?: EmailChannelOptions | undefined;
  /** How long a webhook or Slack may take to answer. Default 10 s. */
  timeoutMs?: number;
  /**
   * The SSRF-guarded fetch with security.outboundAllow (net/ssrf.ts createGuardedFetch); by default one
   * with an empty allowlist, so subscriber URLs on private or loopback addresses are refused.
   */
  fetch?: typeof fetch;
}

/** The subscriber sender of this installation: email only with SMTP configured; webhook and Slack always. */
export function createSubscriberSender(opts: SubscriberSenderOptions): SubscriberSender {
  const http = {
    clock: opts.clock,
    userAgent: USER_AGENT,
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  };
  const sender: SubscriberSender = {
    async webhook(url, secret, message) {
      if (!secret)
        throw new ChannelError(`webhook ${originOf(url)}: the subscriber has no signing secret`, {
          permanent: true,
        });
      await postSignedJson(
        { ...http, signingSecret: secret },
        url,
        message.deliveryId,
        message.payload,
        `webhook ${originOf(url)}`,
        (t) => ({ [TIMESTAMP_HEADER]: String(t) }),
      );
    },
    async slack(webhookUrl, message) {
      // The URL's path is the secret: it stays out of error messages (they reach logs and last_error).
      await postJson(
        http,
        webhookUrl,
        JSON.stringify(slackBody(message)),
        {},
        `Slack webhook ${originOf(webhookUrl)}`,
      );
    },
  };
  const email = opts.email;
  if (email) {
    const transport = createSmtpTransport(email);
    const idDomain = messageIdDomain(email.from);
    sender.email = async (to, message) => {
      const mail = renderSubscriberEmail(message);
      try {
        await transport.sendMail({
          from: email.from,
          to,
          subject: message.subject,
          text: mail.text,
          html: mail.html,
          messageId: emailMessageId(message.deliveryId, idDomain),
          headers: {
            "X-Foghorn-Delivery": message.deliveryId,
            "Auto-Submitted": "auto-generated",
            ...(message.unsubscribeUrl
              ? {
                  "List-Unsubscribe": `<${message.unsubscribeUrl}>`,
                  "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                }
              : {}),
          },
        });
      } catch (err) {
        throw toChannelError(err, `email to ${to}`);
      }
    };
  }
  return sender;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "(not a URL)";
  }
}

const URL_IN_TEXT = /https?:\/\/[^\s<>"']+/g;

/** One line of text as HTML: escaped, with its http(s) URLs as links. */
function linkify(line: string): string {
  let out = "";
  let last = 0;
  for (const match of line.matchAll(URL_IN_TEXT)) {
    const at = match.index ?? 0;
    out += escapeHtml(line.slice(last, at));
    const url = match[0];
    out += `<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>`;
    last = at + url.length;
  }
  return out + escapeHtml(line.slice(last));
}

/** The mail's text (as given) and a simple HTML version: every value escaped, links clickable. */
export function renderSubscriberEmail(message: SubscriberMessage): { text: string; html: string } {
  const text = `${message.text.trimEnd()}\n`;
  const paragraphs = message.text
    .trimEnd()
    .split(/\n{2,}/)
    .map((p) => `<p>${p.split("\n").map(linkify).join("<br>")}</p>`);
  const html = [
    "<!doctype html>",
    '<html><body style="font-family: sans-serif; line-height: 1.4">',
    `<h2>${escapeHtml(message.subject)}</h2>`,
    ...paragraphs,
    "</body></html>",
  ].join("\n");
  return { text, html };
}

/** Slack mrkdwn: &, < and > are control characters and must be escaped in text. */
function slackEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A Slack link: <url|label>, with the label escaped and `|` kept out of it. */
function slackLink(url: string, label: string): string {
  return `<${url.replace(/[<>|]/g, encodeURIComponent)}|${slackEscape(label).replace(/\|/g, "¦")}>`;
}

/** The incoming-webhook body: a fallback `text` and blocks (title linked, the message, unsubscribe). */
export function slackBody(message: SubscriberMessage): { text: string; blocks: unknown[] } {
  // The text without its footer (from the "--" line on): the unsubscribe link gets its own block.
  const body = message.text.split("\n--\n")[0]?.trim() ?? message.text;
  const lines = body.split("\n");
  // The first line repeats the title; the subject already says it.
  const rest = lines.slice(1).join("\n").trim();
  const section = `*${slackLink(message.url, message.subject)}*${rest ? `\n${slackEscape(rest)}` : ""}`;
  const blocks: unknown[] = [{ type: "section", text: { type: "mrkdwn", text: section.slice(0, 3000) } }];
  if (message.unsubscribeUrl)
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: slackLink(message.unsubscribeUrl, "Unsubscribe") }],
    });
  return { text: slackEscape(`${message.subject} ${message.url}`), blocks };
}
