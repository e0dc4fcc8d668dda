/**
 * Tells a Slack channel what a backlog sync filed (seed 000): "4 backlog items created from API timeout
 * incident", with each issue as a link. One message per incident that got new issues.
 */
import type { BacklogAnnouncer } from "#app/ports.ts";
import { callSlack, createSlackClient, escapeMrkdwn, mrkdwnLink, type SlackBlock } from "./client.ts";

export interface SlackBacklogAnnouncerOptions {
  /** Bot token (xoxb-…). */
  token: string;
  /** Web API base URL; tests point it at a local server. */
  apiUrl?: string | undefined;
  /** Where summaries go: a name (`#scraut-bot`) or an id. */
  channel: string;
}

type Summary = Parameters<BacklogAnnouncer["announce"]>[0];

/** A section block's text is limited to 3000 characters, and a message to 50 blocks. */
const SECTION_MAX = 3000;
const MAX_LIST_SECTIONS = 45;

/** "API Timeout on Bulk Requests" → "API Timeout on Bulk Requests incident" (not "… incident incident"). */
function incidentLabel(title: string): string {
  const trimmed = title.trim();
  return /\bincident$/i.test(trimmed) ? trimmed : `${trimmed} incident`;
}

/** The headline: "4 backlog items created from API timeout incident" (singular for one). */
export function backlogSummaryHeadline(summary: Summary): string {
  const n = summary.issues.length;
  return `${n} backlog ${n === 1 ? "item" : "items"} created from ${incidentLabel(summary.incidentTitle)}`;
}

/** Lines of links packed into as few sections as Slack's limits allow; the rest is counted, not dropped silently. */
function listSections(lines: readonly string[]): SlackBlock[] {
  const sections: string[] = [];
  let current = "";
  for (const line of lines) {
    const next = current ? `${current}\n${line}` : line;
    if (next.length <= SECTION_MAX) current = next;
    else {
      sections.push(current);
      current = line.slice(0, SECTION_MAX);
    }
  }
  if (current) sections.push(current);
  const shown = sections.slice(0, MAX_LIST_SECTIONS);
  const blocks: SlackBlock[] = shown.map((text) => ({ type: "section", text: { type: "mrkdwn", text } }));
  if (sections.length > shown.length) {
    const listed = shown.join("\n").split("\n").length;
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: `…and ${lines.length - listed} more` }],
    });
  }
  return blocks;
}

/** The message: the headline as text (notifications), headline and one link per issue as blocks. */
export function backlogSummaryMessage(summary: Summary): { text: string; blocks: SlackBlock[] } {
  const text = backlogSummaryHeadline(summary);
  const lines = summary.issues.map(
    (issue) => `• ${mrkdwnLink(issue.url, `#${issue.number} ${issue.title}`)}`,
  );
  return {
    text: escapeMrkdwn(text),
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `*${escapeMrkdwn(text)}*` } },
      ...listSections(lines),
    ],
  };
}

/**
 * The Slack backlog announcer. A failed post rejects with a readable Error ("Slack backlog summary in
 * #scraut-bot: Slack answered channel_not_found"); the caller reports it as a warning, the issues are
 * filed already.
 */
export function createSlackBacklogAnnouncer(opts: SlackBacklogAnnouncerOptions): BacklogAnnouncer {
  const client = createSlackClient(opts);
  return {
    async announce(summary) {
      if (summary.issues.length === 0) return;
      await callSlack(`Slack backlog summary in ${opts.channel}`, () =>
        client.chat.postMessage({
          channel: opts.channel,
          ...backlogSummaryMessage(summary),
          unfurl_links: false,
          unfurl_media: false,
        }),
      );
    },
  };
}

/**
 * The announcer the configuration asks for: Slack's bot token (slack.botToken, SLACK_BOT_TOKEN) and
 * slack.backlogChannel (SLACK_BACKLOG_CHANNEL) both set; otherwise none, and syncs post nothing.
 * Takes the `slack` settings group as it is.
 */
export function createBacklogAnnouncer(slack: {
  botToken?: string | undefined;
  apiUrl?: string | undefined;
  backlogChannel?: string | undefined;
}): BacklogAnnouncer | undefined {
  if (!slack.botToken || !slack.backlogChannel) return undefined;
  return createSlackBacklogAnnouncer({
    token: slack.botToken,
    apiUrl: slack.apiUrl,
    channel: slack.backlogChannel,
  });
}
