/**
 * A local Slack Web API for tests: the methods Foghorn calls, answering with Slack's response shapes
 * (`{ ok: true, channel, ts, message }`, `{ ok: false, error: "channel_not_found" }`, HTTP 429 with
 * Retry-After). Point @slack/web-api's WebClient at `url` (slackApiUrl). Every call is recorded; a call
 * to any other method is answered `unknown_method` and listed in `unexpected`, which tests assert empty.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface SlackCall {
  method: string;
  /** The arguments, with JSON-encoded fields (blocks, attachments) decoded. */
  args: Record<string, unknown>;
  /** The bearer token sent. */
  token: string | undefined;
}

export interface SlackStoredMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  thread_ts?: string;
  /** Each version the message had, oldest first (chat.update appends). */
  history: { text: string; blocks: unknown[] }[];
}

export interface SlackChannelRecord {
  id: string;
  name: string;
  topic: string;
  members: Set<string>;
}

export interface FakeSlack {
  /** The Web API base URL, for WebClient's slackApiUrl. */
  url: string;
  token: string;
  calls: SlackCall[];
  /** Requests for methods this fake does not implement. */
  unexpected: string[];
  /** Every message posted, by `${channel}:${ts}` with the channel's id. */
  messages: Map<string, SlackStoredMessage>;
  channels: Map<string, SlackChannelRecord>;
  message(channel: string, ts: string): SlackStoredMessage | undefined;
  callsTo(method: string): SlackCall[];
  /** The next `count` calls get HTTP 429 with `Retry-After: retryAfterSeconds`. */
  rateLimitNext(count: number, retryAfterSeconds: number): void;
  /** The next `count` calls get this HTTP status (e.g. 503) with a text body. */
  failNext(count: number, status: number): void;
  /** The next `count` calls get `{ ok: false, error }` (HTTP 200), as Slack reports platform errors. */
  errorNext(count: number, error: string): void;
  close(): Promise<void>;
}

export interface FakeSlackOptions {
  token?: string;
  /** Members who exist (DMs to others fail with channel_not_found). */
  users?: readonly string[];
  /** Channels that exist, by name (without #). Default incidents and incidents-low. */
  channels?: readonly string[];
}

const BOT_USER = "U0FOGHORNBOT";
const BOT_ID = "B0FOGHORN";
const TEAM = "T0FOGHORN";
const IMPLEMENTED = new Set([
  "auth.test",
  "chat.postMessage",
  "chat.update",
  "conversations.create",
  "conversations.invite",
  "conversations.setTopic",
]);

type Failure =
  | { kind: "429"; retryAfter: number }
  | { kind: "status"; status: number }
  | { kind: "error"; error: string };

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const token = options.token ?? "xoxb-test-token";
  const users = new Set(options.users ?? ["U0ALICE", "U0BOB", "U0CAROL"]);
  const calls: SlackCall[] = [];
  const unexpected: string[] = [];
  const messages = new Map<string, SlackStoredMessage>();
  const channels = new Map<string, SlackChannelRecord>();
  const failures: Failure[] = [];
  let sequence = 0;
  let channelSequence = 0;

  const addChannel = (name: string): SlackChannelRecord => {
    channelSequence += 1;
    const record = {
      id: `C${String(channelSequence).padStart(8, "0")}`,
      name,
      topic: "",
      members: new Set([BOT_USER]),
    };
    channels.set(record.id, record);
    return record;
  };
  for (const name of options.channels ?? ["incidents", "incidents-low"]) addChannel(name);

  const findChannel = (ref: string): SlackChannelRecord | undefined => {
    const byId = channels.get(ref);
    if (byId) return byId;
    const name = ref.replace(/^#/, "");
    return [...channels.values()].find((c) => c.name === name);
  };

  const nextTs = () => {
    sequence += 1;
    return `${1_767_000_000 + sequence}.${String(sequence).padStart(6, "0")}`;
  };

  const channelObject = (c: SlackChannelRecord) => ({
    id: c.id,
    name: c.name,
    is_channel: true,
    is_private: false,
    is_archived: false,
    created: 1_767_000_000,
    creator: BOT_USER,
    is_member: true,
    topic: { value: c.topic, creator: c.topic ? BOT_USER : "", last_set: 0 },
    purpose: { value: "", creator: "", last_set: 0 },
  });

  /** The channel id a chat.* call addresses: a user id opens that member's DM. */
  const resolveTarget = (ref: string): string | { error: string } => {
    if (/^[UW]/.test(ref)) return users.has(ref) ? `D${ref.slice(1)}` : { error: "channel_not_found" };
    if (/^D/.test(ref)) return ref;
    return findChannel(ref)?.id ?? { error: "channel_not_found" };
  };

  const handlers: Record<string, (args: Record<string, unknown>) => object> = {
    "auth.test": () => ({
      ok: true,
      url: "https://foghorn-test.slack.com/",
      team: "Foghorn Test",
      user: "foghorn",
      team_id: TEAM,
      user_id: BOT_USER,
      bot_id: BOT_ID,
      is_enterprise_install: false,
    }),
    "chat.postMessage": (args) => {
      const target = resolveTarget(String(args.channel ?? ""));
      if (typeof target !== "string") return { ok: false, ...target };
      if (args.text === undefined && args.blocks === undefined) return { ok: false, error: "no_text" };
      const ts = nextTs();
      const text = String(args.text ?? "");
      const blocks = Array.isArray(args.blocks) ? args.blocks : [];
      const threadTs = typeof args.thread_ts === "string" ? args.thread_ts : undefined;
      if (threadTs !== undefined && !messages.has(`${target}:${threadTs}`)) {
        return { ok: false, error: "thread_not_found" };
      }
      const stored: SlackStoredMessage = {
        channel: target,
        ts,
        text,
        blocks,
        ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
        history: [{ text, blocks }],
      };
      messages.set(`${target}:${ts}`, stored);
      return {
        ok: true,
        channel: target,
        ts,
        message: {
          type: "message",
          subtype: "bot_message",
          bot_id: BOT_ID,
          user: BOT_USER,
          app_id: "A0FOGHORN",
          text,
          blocks,
          ts,
          team: TEAM,
          ...(threadTs === undefined ? {} : { thread_ts: threadTs, parent_user_id: BOT_USER }),
        },
      };
    },
    "chat.update": (args) => {
      const target = resolveTarget(String(args.channel ?? ""));
      if (typeof target !== "string") return { ok: false, ...target };
      const ts = String(args.ts ?? "");
      const stored = messages.get(`${target}:${ts}`);
      if (!stored) return { ok: false, error: "message_not_found" };
      if (typeof args.text === "string") stored.text = args.text;
      if (Array.isArray(args.blocks)) stored.blocks = args.blocks;
      stored.history.push({ text: stored.text, blocks: stored.blocks });
      return {
        ok: true,
        channel: target,
        ts,
        text: stored.text,
        message: {
          type: "message",
          bot_id: BOT_ID,
          user: BOT_USER,
          text: stored.text,
          blocks: stored.blocks,
        },
      };
    },
    "conversations.create": (args) => {
      const name = String(args.name ?? "");
      if (!/^[a-z0-9_-]{1,80}$/.test(name)) return { ok: false, error: "invalid_name_specials" };
      if (findChannel(name)) return { ok: false, error: "name_taken" };
      return { ok: true, channel: channelObject(addChannel(name)) };
    },
    "conversations.setTopic": (args) => {
      const channel = findChannel(String(args.channel ?? ""));
      if (!channel) return { ok: false, error: "channel_not_found" };
      channel.topic = String(args.topic ?? "");
      return { ok: true, channel: channelObject(channel) };
    },
    "conversations.invite": (args) => {
      const channel = findChannel(String(args.channel ?? ""));
      if (!channel) return { ok: false, error: "channel_not_found" };
      const ids = String(args.users ?? "")
        .split(",")
        .filter(Boolean);
      const force = args.force === true || args.force === "true";
      const errors: { user: string; ok: false; error: string }[] = [];
      for (const id of ids) {
        if (!users.has(id)) errors.push({ user: id, ok: false, error: "user_not_found" });
        else if (channel.members.has(id)) errors.push({ user: id, ok: false, error: "already_in_channel" });
      }
      if (errors.length > 0 && (!force || errors.length === ids.length)) {
        return { ok: false, error: errors[0]?.error ?? "invalid_users", errors };
      }
      for (const id of ids) if (users.has(id)) channel.members.add(id);
      return { ok: true, channel: channelObject(channel), ...(errors.length > 0 ? { errors } : {}) };
    },
  };

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const raw = await readBody(req);
    const method = (req.url ?? "").replace(/^\/api\//, "").split("?")[0] ?? "";
    const args = parseArgs(raw, req.headers["content-type"]);
    const auth = req.headers.authorization;
    const sentToken = auth?.startsWith("Bearer ") ? auth.slice("Bearer ".length) : undefined;
    const json = (status: number, body: object, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
      res.end(JSON.stringify(body));
    };
    if (req.method !== "POST" || !IMPLEMENTED.has(method)) {
      unexpected.push(`${req.method} ${req.url}`);
      json(404, { ok: false, error: "unknown_method" });
      return;
    }
    calls.push({ method, args, token: sentToken });

    const failure = failures.shift();
    if (failure?.kind === "429") {
      json(429, { ok: false, error: "ratelimited" }, { "retry-after": String(failure.retryAfter) });
      return;
    }
    if (failure?.kind === "status") {
      res.writeHead(failure.status, { "content-type": "text/plain" });
      res.end("upstream unavailable");
      return;
    }
    if (failure?.kind === "error") {
      json(200, { ok: false, error: failure.error });
      return;
    }
    if (sentToken === undefined) return json(200, { ok: false, error: "not_authed" });
    if (sentToken !== token) return json(200, { ok: false, error: "invalid_auth" });
    const handler = handlers[method];
    json(200, handler ? handler(args) : { ok: false, error: "unknown_method" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/api/`,
    token,
    calls,
    unexpected,
    messages,
    channels,
    message: (channel, ts) => messages.get(`${resolveTarget(channel)}:${ts}`),
    callsTo: (method) => calls.filter((c) => c.method === method),
    rateLimitNext(count, retryAfterSeconds) {
      for (let i = 0; i < count; i++) failures.push({ kind: "429", retryAfter: retryAfterSeconds });
    },
    failNext(count, status) {
      for (let i = 0; i < count; i++) failures.push({ kind: "status", status });
    },
    errorNext(count, error) {
      for (let i = 0; i < count; i++) failures.push({ kind: "error", error });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** WebClient sends form bodies with object fields JSON-encoded; Slack also takes JSON bodies. */
function parseArgs(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.startsWith("application/json")) {
    const parsed: unknown = raw === "" ? {} : JSON.parse(raw);
    return typeof parsed === "object" && parsed !== null ? { ...parsed } : {};
  }
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    args[key] = /^[[{]/.test(value) ? tryJson(value) : value;
  }
  return args;
}

function tryJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
