/**
 * What Slack posts to Foghorn, read into plain values: button clicks on a page (block_actions) and the
 * `/foghorn` slash command. Pure: the HTTP route verifies the signature (signature.ts) on the raw body,
 * answers within Slack's 3 seconds, and calls the use case.
 */
import { formatHumanId, parseHumanId } from "#domain/incident/human-id.ts";

/** `action_id`s of a page's buttons (channel.ts sends them); their `value` is the incident id. */
export const SLACK_ACTION_ACKNOWLEDGE = "foghorn_ack";
export const SLACK_ACTION_RESOLVE = "foghorn_resolve";

/** A click on a page's Acknowledge or Resolve button. */
export interface SlackInteraction {
  action: "acknowledge" | "resolve";
  /** The incident's uuid, from the button's value. */
  incidentId: string;
  slackUserId: string;
  slackTeamId?: string;
  /** Where to post the outcome (valid 30 minutes, 5 posts). */
  responseUrl?: string;
  /** The page message, to update it in place. */
  channel?: string;
  messageTs?: string;
}

/** A `/foghorn` command. `severity` is the spelling typed (SEV2, P1, high…): parse it with the configured scheme. */
export type SlashCommand =
  | { command: "declare"; severity?: string; title: string }
  | { command: "ack"; incident: string }
  | { command: "update"; incident: string; message: string }
  | { command: "help" };

/** Who ran the command and where to answer later. */
export type SlackSlashCommand = SlashCommand & {
  slackUserId: string;
  responseUrl: string;
  slackTeamId?: string;
  channelId?: string;
};

/** A request that could not be read, with a message to show the Slack user (or log). */
export interface SlackParseError {
  error: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The severity spellings `declare` recognizes before the title (the scheme decides what P0/P4 mean). */
const SEVERITY_TOKEN = /^(?:sev[-_]?[1-4]|p[0-4]|critical|high|medium|low)$/i;

const ACTIONS: Record<string, SlackInteraction["action"]> = {
  [SLACK_ACTION_ACKNOWLEDGE]: "acknowledge",
  [SLACK_ACTION_RESOLVE]: "resolve",
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `obj[key]` when it is a non-empty string. */
function str(obj: unknown, key: string): string | undefined {
  if (!isRecord(obj)) return undefined;
  const value = obj[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * Reads the interactive endpoint's form body (`payload=<json>`) of a click on a page button. Other
 * interactions (shortcuts, modals, other buttons) come back as an error saying what was received.
 */
export function parseInteraction(formBody: string): SlackInteraction | SlackParseError {
  const raw = new URLSearchParams(formBody).get("payload");
  if (raw === null) return { error: "the form body has no payload field" };
  let payload: unknown;
  try {
    payload = JSON.parse(raw);
  } catch {
    return { error: "the payload field is not JSON" };
  }
  if (!isRecord(payload)) return { error: "the payload is not a JSON object" };
  const type = str(payload, "type");
  if (type !== "block_actions") return { error: `unsupported interaction type ${type ?? "(none)"}` };

  const actions = Array.isArray(payload.actions) ? payload.actions : [];
  const clicked = actions.find((a) => (str(a, "action_id") ?? "") in ACTIONS);
  const actionId = str(clicked, "action_id");
  const action = actionId === undefined ? undefined : ACTIONS[actionId];
  if (action === undefined) {
    const ids = actions.map((a) => str(a, "action_id") ?? "?").join(", ");
    return { error: `no Foghorn button in the actions (${ids || "none"})` };
  }
  const incidentId = str(clicked, "value");
  if (incidentId === undefined || !UUID.test(incidentId)) {
    return { error: "the button's value is not an incident id" };
  }
  const slackUserId = str(payload.user, "id");
  if (slackUserId === undefined) return { error: "the payload has no user.id" };

  const interaction: SlackInteraction = { action, incidentId, slackUserId };
  const team = str(payload.team, "id") ?? str(payload.user, "team_id");
  if (team) interaction.slackTeamId = team;
  const responseUrl = str(payload, "response_url");
  if (responseUrl) interaction.responseUrl = responseUrl;
  const channel = str(payload.channel, "id") ?? str(payload.container, "channel_id");
  if (channel) interaction.channel = channel;
  const messageTs = str(payload.message, "ts") ?? str(payload.container, "message_ts");
  if (messageTs) interaction.messageTs = messageTs;
  return interaction;
}

/** The usage text, naming the command the way it was typed. */
export function slashUsage(command = "/foghorn"): string {
  return [
    "Usage:",
    `• \`${command} declare [SEV1-SEV4] <title>\`: declare an incident, e.g. \`${command} declare SEV2 API timeouts\``,
    `• \`${command} ack INC-42\`: acknowledge an incident's page`,
    `• \`${command} update INC-42 <message>\`: post a status update`,
  ].join("\n");
}

/** Reads a `/foghorn …` form body; a malformed command is an error whose text includes the usage. */
export function parseSlashCommand(formBody: string): SlackSlashCommand | SlackParseError {
  const form = new URLSearchParams(formBody);
  const commandName = form.get("command") || "/foghorn";
  const slackUserId = form.get("user_id");
  const responseUrl = form.get("response_url");
  if (!slackUserId) return { error: "the form body has no user_id" };
  if (!responseUrl) return { error: "the form body has no response_url" };

  const parsed = parseCommandText(form.get("text") ?? "", commandName);
  if ("error" in parsed) return parsed;
  const result: SlackSlashCommand = { ...parsed, slackUserId, responseUrl };
  const team = form.get("team_id");
  if (team) result.slackTeamId = team;
  const channel = form.get("channel_id");
  if (channel) result.channelId = channel;
  return result;
}

/** The command's text (everything after `/foghorn`) by the grammar of slashUsage. */
function parseCommandText(text: string, commandName: string): SlashCommand | SlackParseError {
  const usage = slashUsage(commandName);
  const trimmed = text.trim();
  const [word = "", ...rest] = trimmed.split(/\s+/);
  // The rest of the text after the verb, with its own spacing and line breaks kept.
  const afterVerb = trimmed.slice(word.length).trim();
  switch (word.toLowerCase()) {
    case "":
    case "help":
      return { command: "help" };
    case "declare": {
      const [first = ""] = rest;
      // A severity word counts only when a title follows it: `declare high` declares "high".
      if (SEVERITY_TOKEN.test(first) && rest.length > 1) {
        return { command: "declare", severity: first, title: afterVerb.slice(first.length).trim() };
      }
      if (afterVerb === "") return { error: `\`declare\` needs a title.\n${usage}` };
      return { command: "declare", title: afterVerb };
    }
    case "ack":
    case "acknowledge": {
      const incident = readIncident(rest[0]);
      if (incident === undefined || rest.length !== 1) {
        return { error: `\`ack\` takes one incident id, like INC-42.\n${usage}` };
      }
      return { command: "ack", incident };
    }
    case "update": {
      const incident = readIncident(rest[0]);
      const message = afterVerb.slice((rest[0] ?? "").length).trim();
      if (incident === undefined || message === "") {
        return {
          error: `\`update\` takes an incident id and a message, like \`update INC-42 Rolled back\`.\n${usage}`,
        };
      }
      return { command: "update", incident, message };
    }
    default:
      return { error: `Unknown command \`${truncateWord(word)}\`.\n${usage}` };
  }
}

/** "INC-42", "inc-42", "42" or "#42" as "INC-42". */
function readIncident(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const number = parseHumanId(token.replace(/^#/, ""));
  return number === undefined ? undefined : formatHumanId(number);
}

function truncateWord(word: string): string {
  return word.length > 30 ? `${word.slice(0, 29)}…` : word;
}

/** A JSON body answering a slash command or interaction: only the user sees it unless `ephemeral` is false. */
export function slackResponse(
  text: string,
  ephemeral = true,
): { response_type: "ephemeral" | "in_channel"; text: string } {
  return { response_type: ephemeral ? "ephemeral" : "in_channel", text };
}
