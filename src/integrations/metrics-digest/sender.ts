/**
 * Sends the weekly metrics digest (app/ports.ts DigestSender):
 *
 * - email over the SMTP server of the `email` settings (the transport pages use): one message to every
 *   address, text and HTML bodies as rendered (domain/metrics/digest.ts), a Message-ID made from the
 *   week's delivery id (a retried send is the same message), Auto-Submitted so responders stay quiet;
 * - Slack: chat.postMessage with the bot token (the WebClient pages use), the mrkdwn text, no unfurling.
 *
 * Failures are ChannelErrors: SMTP 5yz and Slack platform errors such as channel_not_found are permanent,
 * the rest transient (the engine's job retries with backoff, honouring Slack's Retry-After).
 */
import type { DigestSender } from "#app/ports.ts";
import {
  createSmtpTransport,
  type EmailChannelOptions,
  emailMessageId,
  messageIdDomain,
  toChannelError,
} from "../email/channel.ts";
import { callSlack, createSlackClient, type SlackClientOptions } from "../slack/client.ts";

export interface DigestSenderOptions {
  /** The `email` settings; absent (no email.host): the digest cannot be emailed. */
  email?: EmailChannelOptions | undefined;
  /** The Slack bot token and API URL; absent (no slack.botToken): the digest cannot be posted to Slack. */
  slack?: SlackClientOptions | undefined;
}

export function createDigestSender(opts: DigestSenderOptions): DigestSender {
  const sender: DigestSender = {};
  const email = opts.email;
  if (email) {
    const transport = createSmtpTransport(email);
    const idDomain = messageIdDomain(email.from);
    sender.email = async (to, message) => {
      try {
        await transport.sendMail({
          from: email.from,
          to: [...to],
          subject: message.subject,
          text: message.text,
          html: message.html,
          messageId: emailMessageId(message.deliveryId, idDomain),
          headers: { "X-Foghorn-Delivery": message.deliveryId, "Auto-Submitted": "auto-generated" },
        });
      } catch (err) {
        throw toChannelError(err, `weekly digest email to ${to.join(", ")}`);
      }
    };
  }
  const slack = opts.slack;
  if (slack) {
    const client = createSlackClient(slack);
    sender.slack = async (channel, message) => {
      await callSlack(`weekly digest in Slack ${channel}`, () =>
        client.chat.postMessage({
          channel,
          text: message.slack,
          mrkdwn: true,
          unfurl_links: false,
          unfurl_media: false,
        }),
      );
    };
  }
  return sender;
}
