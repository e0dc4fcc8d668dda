/**
 * Pages a person by Slack direct message (chat.postMessage to their user id) with Acknowledge and
 * Resolve buttons; when the page is acknowledged anywhere, chat.update swaps the buttons for the news.
 * The buttons come back through Slack's interactive endpoint (inbound.ts parses them).
 */
import {
  type Channel,
  ChannelError,
  type MessageIncident,
  type MessageUpdate,
  type OutboundMessage,
} from "#app/ports.ts";
import {
  callSlack,
  createSlackClient,
  escapeMrkdwn,
  mrkdwnLink,
  requireField,
  type SlackBlock,
  type SlackClientOptions,
  truncate,
} from "./client.ts";
import { SLACK_ACTION_ACKNOWLEDGE, SLACK_ACTION_RESOLVE } from "./inbound.ts";

/** Block Kit limits: a section's text, and the elements of a context block. */
const SECTION_TEXT_MAX = 3000;
const CONTEXT_ELEMENTS_MAX = 10;

export type SlackChannelOptions = SlackClientOptions;

/** The Slack channel: DMs with buttons, edited in place on acknowledge or resolve. */
export function createSlackChannel(opts: SlackChannelOptions): Channel {
  const client = createSlackClient(opts);
  return {
    kind: "slack",

    async send(message) {
      const what = `Slack page to ${message.to.address}`;
      if (!/^[UW][A-Z0-9]+$/.test(message.to.address)) {
        throw new ChannelError(`${what}: not a Slack user id (U…); set the contact method to the member id`, {
          permanent: true,
        });
      }
      const result = await callSlack(what, () =>
        client.chat.postMessage({
          // A user id as channel opens (or reuses) the bot's DM with that person.
          channel: message.to.address,
          // The fallback text (notifications) is mrkdwn too: escaped, so a title cannot @channel or link.
          text: escapeMrkdwn(message.text),
          blocks: pageBlocks(message),
          unfurl_links: false,
          unfurl_media: false,
        }),
      );
      return {
        providerRef: {
          channel: requireField(result.channel, "channel", what),
          ts: requireField(result.ts, "ts", what),
        },
      };
    },

    async update(providerRef, update) {
      const { channel, ts } = providerRef;
      const what = `Slack page update in ${channel ?? "?"}`;
      if (!channel || !ts) {
        throw new ChannelError(`${what}: the page's reference has no channel and ts`, { permanent: true });
      }
      await callSlack(what, () =>
        client.chat.update({
          channel,
          ts,
          text: escapeMrkdwn(`${update.incident.humanId}: ${update.text}`),
          blocks: updatedBlocks(update),
        }),
      );
    },
  };
}

/** The first incident of the message, which `message.actions` and the buttons are about. */
function firstIncident(message: OutboundMessage): MessageIncident | undefined {
  return message.items.find((item) => item.incident)?.incident;
}

/** What the page shows: the subject, the summary lines, links to the incidents, and the buttons. */
export function pageBlocks(message: OutboundMessage): SlackBlock[] {
  const summaries = message.items.map((item) => item.summary);
  const only = summaries.length === 1 ? summaries[0] : undefined;
  const lines: string[] = [];
  // A lone summary usually starts with the subject; showing both would say it twice.
  if (only === undefined || !only.startsWith(message.subject))
    lines.push(`*${escapeMrkdwn(message.subject)}*`);
  if (summaries.length === 0) lines.push(escapeMrkdwn(message.text));
  else if (only !== undefined) lines.push(escapeMrkdwn(only));
  else for (const summary of summaries) lines.push(`• ${escapeMrkdwn(summary)}`);

  const blocks: SlackBlock[] = [
    { type: "section", text: { type: "mrkdwn", text: truncate(lines.join("\n"), SECTION_TEXT_MAX) } },
  ];

  const incidents = new Map<string, MessageIncident>();
  for (const item of message.items) if (item.incident) incidents.set(item.incident.id, item.incident);
  if (incidents.size > 0) {
    blocks.push({
      type: "context",
      elements: [...incidents.values()].slice(0, CONTEXT_ELEMENTS_MAX).map((incident) => ({
        type: "mrkdwn",
        text: mrkdwnLink(incident.url, `Open ${incident.humanId} in Foghorn`),
      })),
    });
  }

  const incident = firstIncident(message);
  if (message.actions && incident) {
    blocks.push({
      type: "actions",
      block_id: "foghorn_page",
      elements: [
        {
          type: "button",
          action_id: SLACK_ACTION_ACKNOWLEDGE,
          text: { type: "plain_text", text: "Acknowledge" },
          style: "primary",
          value: incident.id,
        },
        {
          type: "button",
          action_id: SLACK_ACTION_RESOLVE,
          text: { type: "plain_text", text: "Resolve" },
          value: incident.id,
          confirm: {
            title: { type: "plain_text", text: `Resolve ${incident.humanId}?` },
            text: { type: "plain_text", text: truncate(incident.title, 300) },
            confirm: { type: "plain_text", text: "Resolve" },
            deny: { type: "plain_text", text: "Cancel" },
          },
        },
      ],
    });
  }
  return blocks;
}

/** The page after an acknowledge or resolve: the incident line, and the news where the buttons were. */
export function updatedBlocks(update: MessageUpdate): SlackBlock[] {
  const { incident } = update;
  const mark = update.state === "resolved" ? ":white_check_mark:" : ":eyes:";
  const heading = `*[${escapeMrkdwn(incident.severity)}] ${mrkdwnLink(incident.url, incident.humanId)} ${escapeMrkdwn(incident.title)}*`;
  return [
    { type: "section", text: { type: "mrkdwn", text: truncate(heading, SECTION_TEXT_MAX) } },
    {
      type: "section",
      block_id: "foghorn_page",
      text: { type: "mrkdwn", text: truncate(`${mark} ${escapeMrkdwn(update.text)}`, SECTION_TEXT_MAX) },
    },
  ];
}
