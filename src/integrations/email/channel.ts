/**
 * Pages by email over SMTP (nodemailer). The mail carries one-click Acknowledge and Resolve links, and
 * a Message-ID made from the delivery id, so a retried send is the same message to the receiving side
 * (mail clients and some servers drop the duplicate).
 *
 * No `update`: a sent mail cannot be edited. The acknowledge news reaches mail readers through the
 * incident page the links open, and the other channels' copies.
 */
import { createHash } from "node:crypto";
import { createTransport } from "nodemailer";
import { type Channel, ChannelError, type OutboundMessage } from "#app/ports.ts";

export interface EmailChannelOptions {
  host: string;
  port: number;
  /** TLS from the first byte (port 465). Otherwise STARTTLS is used when the server offers it. */
  secure?: boolean;
  user?: string;
  password?: string;
  /** The From address, e.g. `Foghorn <foghorn@example.com>`. */
  from: string;
  /** Refuse to send unless the connection is upgraded with STARTTLS. */
  requireTls?: boolean;
}

/**
 * Paging cannot wait nodemailer's defaults (2 min to connect, 10 min of socket silence): fail soon and
 * let the engine retry or escalate.
 */
const CONNECTION_TIMEOUT_MS = 10_000;
const GREETING_TIMEOUT_MS = 10_000;
const SOCKET_TIMEOUT_MS = 30_000;

/** The SMTP transport of the `email` settings, with the timeouts above (pages and status subscribers share it). */
export function createSmtpTransport(opts: EmailChannelOptions) {
  return createTransport({
    host: opts.host,
    port: opts.port,
    secure: opts.secure ?? false,
    requireTLS: opts.requireTls ?? false,
    ...(opts.user === undefined ? {} : { auth: { user: opts.user, pass: opts.password ?? "" } }),
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    greetingTimeout: GREETING_TIMEOUT_MS,
    socketTimeout: SOCKET_TIMEOUT_MS,
  });
}

/** The email channel. */
export function createEmailChannel(opts: EmailChannelOptions): Channel {
  const transport = createSmtpTransport(opts);
  const idDomain = messageIdDomain(opts.from);

  return {
    kind: "email",
    async send(message) {
      const mail = renderEmail(message);
      try {
        const info = await transport.sendMail({
          from: opts.from,
          to: message.to.address,
          subject: message.subject,
          text: mail.text,
          html: mail.html,
          messageId: emailMessageId(message.deliveryId, idDomain),
          headers: {
            "X-Foghorn-Delivery": message.deliveryId,
            // RFC 3834: an automatic message, so vacation responders do not answer the pager.
            "Auto-Submitted": "auto-generated",
          },
        });
        return { providerRef: { messageId: info.messageId } };
      } catch (err) {
        throw toChannelError(err, `email to ${message.to.address}`);
      }
    },
  };
}

/**
 * `<delivery-id@domain>`: the same on every retry. Delivery ids outside the Message-ID alphabet are
 * replaced by their SHA-256, which is as stable.
 */
export function emailMessageId(deliveryId: string, domain: string): string {
  const left = /^[A-Za-z0-9_-]{1,64}$/.test(deliveryId)
    ? deliveryId
    : createHash("sha256").update(deliveryId).digest("hex");
  return `<foghorn.${left}@${domain}>`;
}

/** The From address's domain, the usual right-hand side of a Message-ID. */
export function messageIdDomain(from: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from);
  return match?.[1] ?? "foghorn.invalid";
}

/** The mail's plain text and HTML: the body, the incident links, and Acknowledge/Resolve links. */
export function renderEmail(message: OutboundMessage): { text: string; html: string } {
  const incidents = [
    ...new Map(
      message.items.flatMap((item) => (item.incident ? [[item.incident.id, item.incident] as const] : [])),
    ).values(),
  ];
  const text: string[] = [message.text.trimEnd(), ""];
  if (message.actions) {
    text.push(`Acknowledge: ${message.actions.acknowledgeUrl}`, `Resolve: ${message.actions.resolveUrl}`);
  }
  for (const incident of incidents) text.push(`${incident.humanId}: ${incident.url}`);

  const paragraphs = message.text
    .trimEnd()
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`);
  const html = [
    "<!doctype html>",
    '<html><body style="font-family: sans-serif">',
    `<h2>${escapeHtml(message.subject)}</h2>`,
    ...paragraphs,
  ];
  if (message.actions) {
    const button =
      "display:inline-block;padding:8px 16px;margin-right:8px;border-radius:4px;text-decoration:none";
    html.push(
      "<p>",
      `<a href="${escapeHtml(message.actions.acknowledgeUrl)}" style="${button};background:#1f6feb;color:#fff">Acknowledge</a>`,
      `<a href="${escapeHtml(message.actions.resolveUrl)}" style="${button};background:#2da44e;color:#fff">Resolve</a>`,
      "</p>",
    );
  }
  if (incidents.length > 0) {
    html.push(
      "<ul>",
      ...incidents.map(
        (i) => `<li><a href="${escapeHtml(i.url)}">${escapeHtml(`${i.humanId} ${i.title}`)}</a></li>`,
      ),
      "</ul>",
    );
  }
  html.push("</body></html>");
  return { text: `${text.join("\n").trimEnd()}\n`, html: html.join("\n") };
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/**
 * SMTP's reply classes (RFC 5321): 5yz is a permanent refusal, except 503 (bad command sequence: a new
 * connection can succeed). 4yz, connection and timeout errors may pass on a later try. Errors with no
 * reply that a retry cannot fix (bad configuration, no recipient, missing credentials) are permanent.
 */
export function toChannelError(err: unknown, what: string): ChannelError {
  const code = errorProperty(err, "code");
  const responseCode = errorProperty(err, "responseCode");
  const reason = (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "";
  if (typeof responseCode === "number") {
    const permanent = responseCode >= 500 && responseCode < 600 && responseCode !== 503;
    return new ChannelError(`${what}: SMTP ${responseCode}: ${reason}`, { permanent, cause: err });
  }
  const permanent = code === "ECONFIG" || code === "EENVELOPE" || code === "ENOAUTH";
  return new ChannelError(`${what}: ${reason}`, { permanent, cause: err });
}

/** A property of a thrown value, if it is an object that has it. */
function errorProperty(err: unknown, key: string): unknown {
  return typeof err === "object" && err !== null ? Reflect.get(err, key) : undefined;
}
