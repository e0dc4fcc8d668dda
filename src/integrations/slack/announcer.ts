/**
 * Announces incidents in Slack: `[SEV2] <title>` in the incidents channel for the severity, every
 * status change and status update in that message's thread, and optionally a dedicated channel per
 * incident (`#inc-42-api-timeout`) with the responders invited.
 */
import { WebAPIPlatformError } from "@slack/web-api";
import type { ChatAnnouncer, MessageIncident } from "#app/ports.ts";
import {
  callSlack,
  createSlackClient,
  escapeMrkdwn,
  mrkdwnLink,
  requireField,
  type SlackBlock,
  type SlackClientOptions,
  toChannelError,
  truncate,
} from "./client.ts";

/** What an announcement shows. */
export type AnnouncedIncident = MessageIncident & { commander: string | null; services: readonly string[] };

export interface SlackAnnouncerOptions extends SlackClientOptions {
  /** Where declarations go: `high` for SEV1/SEV2, `low` for SEV3/SEV4. Names (`#incidents`) or ids. */
  channels?: { high?: string; low?: string };
  /** Offer createIncidentChannel (the engine decides when: SEV1/SEV2 by the issue). Default false. */
  dedicatedChannels?: boolean;
}

export const DEFAULT_ANNOUNCE_CHANNELS = { high: "#incidents", low: "#incidents-low" } as const;

/** Slack's limits: channel names (80 characters) and topics (250). */
const CHANNEL_NAME_MAX = 80;
const TOPIC_MAX = 250;
/** A header block's plain text is limited to 150 characters. */
const HEADER_MAX = 150;
/** conversations.invite takes at most 1000 user ids per call. */
const INVITE_BATCH = 1000;
const HARMLESS_INVITE_ERRORS = new Set(["already_in_channel", "cant_invite_self"]);

/**
 * The dedicated channel's name: `inc-<n>-<title>` in Slack's alphabet (lower case, digits, `-`, `_`),
 * at most 80 characters, accents folded and every other run of characters turned into one dash.
 */
export function incidentChannelName(number: number, title: string): string {
  const prefix = `inc-${number}`;
  const slug = title
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[-_]+|[-_]+$/g, "");
  if (slug === "") return prefix;
  return `${prefix}-${slug}`.slice(0, CHANNEL_NAME_MAX).replace(/[-_]+$/, "");
}

/** The channel an incident of this severity is announced in. */
export function announceChannelFor(severity: string, channels: { high: string; low: string }): string {
  return severity === "SEV1" || severity === "SEV2" ? channels.high : channels.low;
}

/** The declaration message: `[SEV2] <title>` as text (notifications), the details as blocks. */
export function announcementMessage(incident: AnnouncedIncident): { text: string; blocks: SlackBlock[] } {
  const text = `[${incident.severity}] ${incident.title}`;
  const field = (label: string, value: string) => ({ type: "mrkdwn", text: `*${label}*\n${value}` });
  const blocks: SlackBlock[] = [
    { type: "header", text: { type: "plain_text", text: truncate(text, HEADER_MAX) } },
    {
      type: "section",
      fields: [
        field("Incident", mrkdwnLink(incident.url, incident.humanId)),
        field("Severity", escapeMrkdwn(incident.severity)),
        field("Status", escapeMrkdwn(incident.status)),
        field("Commander", incident.commander ? escapeMrkdwn(incident.commander) : "_none yet_"),
        field(
          "Services",
          incident.services.length > 0
            ? truncate(escapeMrkdwn(incident.services.join(", ")), 1900)
            : "_none_",
        ),
      ],
    },
    {
      type: "context",
      elements: [{ type: "mrkdwn", text: mrkdwnLink(incident.url, `Open ${incident.humanId} in Foghorn`) }],
    },
  ];
  // The header is plain_text (shown as is); the fallback text is mrkdwn, so it is escaped.
  return { text: escapeMrkdwn(text), blocks };
}

/** The Slack announcer; rate limits and errors surface as ChannelError, like the channels'. */
export function createSlackAnnouncer(opts: SlackAnnouncerOptions): ChatAnnouncer {
  const client = createSlackClient(opts);
  const channels = { ...DEFAULT_ANNOUNCE_CHANNELS, ...opts.channels };

  const announcer: ChatAnnouncer = {
    async announce(incident) {
      const channel = announceChannelFor(incident.severity, channels);
      const what = `Slack announcement of ${incident.humanId} in ${channel}`;
      const result = await callSlack(what, () =>
        client.chat.postMessage({ channel, ...announcementMessage(incident), unfurl_links: false }),
      );
      // The answer names the channel by id, which threads and updates need (a name can be renamed).
      return {
        channel: requireField(result.channel, "channel", what),
        ts: requireField(result.ts, "ts", what),
      };
    },

    async postInThread(ref, text) {
      await callSlack(`Slack thread post in ${ref.channel}`, () =>
        client.chat.postMessage({
          channel: ref.channel,
          thread_ts: ref.ts,
          text: escapeMrkdwn(text),
          unfurl_links: false,
        }),
      );
    },

    async updateAnnouncement(ref, incident) {
      await callSlack(`Slack announcement update of ${incident.humanId}`, () =>
        client.chat.update({ channel: ref.channel, ts: ref.ts, ...announcementMessage(incident) }),
      );
    },
  };

  if (opts.dedicatedChannels) {
    announcer.createIncidentChannel = async (incident, inviteSlackUserIds) => {
      const name = incidentChannelName(incident.number, incident.title);
      const topic = `${incident.humanId} ${incident.title}`;
      const what = `Slack channel #${name}`;
      const created = await callSlack(what, () => client.conversations.create({ name, is_private: false }));
      const id = requireField(created.channel?.id, "channel.id", what);
      if (topic !== "") {
        await callSlack(`${what} topic`, () =>
          client.conversations.setTopic({ channel: id, topic: truncate(topic, TOPIC_MAX) }),
        );
      }
      const users = [...new Set(inviteSlackUserIds)];
      for (let i = 0; i < users.length; i += INVITE_BATCH) {
        const batch = users.slice(i, i + INVITE_BATCH).join(",");
        try {
          // force: invite the valid ids even when one of them is unknown or deactivated.
          await client.conversations.invite({ channel: id, users: batch, force: true });
        } catch (err) {
          // Inviting someone already there (or the bot itself) changes nothing: not a failure.
          if (err instanceof WebAPIPlatformError && HARMLESS_INVITE_ERRORS.has(err.data.error)) continue;
          throw toChannelError(err, `${what}: invite`);
        }
      }
      return id;
    };
  }
  return announcer;
}
