/**
 * A local OpenAI-compatible server for tests: POST /v1/chat/completions answered in the Chat Completions
 * shape (`{id, object: "chat.completion", created, model, choices: [{index, message, finish_reason}],
 * usage}`), errors in OpenAI's `{error: {message, type, param, code}}` shape. Every request is recorded
 * with its headers and body, so tests can assert what went over the wire; any other path is answered 404
 * and listed in `unexpected`, which tests assert empty.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** The request body Foghorn sends (the fields tests look at). */
export interface ChatCompletionRequestBody {
  model: string;
  messages: { role: string; content: string }[];
  response_format?: { type: string };
  temperature?: number;
}

export interface FakeOpenAiRequest {
  headers: IncomingHttpHeaders;
  /** The raw body text, exactly as received. */
  raw: string;
  body: ChatCompletionRequestBody;
}

/** What one request gets: the assistant's text, an HTTP error, or (after `delayMs`) either. */
export type FakeAnswer =
  | { content: string; delayMs?: number; finishReason?: string }
  | { status: number; message: string; delayMs?: number; code?: string }
  | { status: number; text: string; delayMs?: number };

export interface FakeOpenAi {
  /** The base URL to configure, ending in /v1. */
  url: string;
  requests: FakeOpenAiRequest[];
  /** Requests to anything but POST /v1/chat/completions. */
  unexpected: string[];
  /** Answers for the next requests, in order; when none is queued, `defaultAnswer` is used. */
  answerNext(...answers: FakeAnswer[]): void;
  /** The answer used when nothing is queued (a valid postmortem draft by default). */
  defaultAnswer: FakeAnswer;
  /** Forgets recorded requests and queued answers; restores the default answer. */
  reset(): void;
  /** All user and system message text of the request `n` (the last by default), joined. */
  sentText(n?: number): string;
  close(): Promise<void>;
}

export interface FakeOpenAiOptions {
  /** When set, a request without `Authorization: Bearer <apiKey>` gets OpenAI's 401. */
  apiKey?: string;
}

/** A valid answer to the postmortem drafting prompt. */
export const SAMPLE_DRAFT = {
  summary:
    "Bulk exports timed out for large accounts for 42 minutes after a slow query shipped; rolling it back fixed it.",
  impact: {
    customers: "About 120 accounts using bulk export",
    symptom: "Export requests timed out after 30 s",
    data_integrity: "none",
    revenue: "none known",
  },
  five_whys: [
    "Why did exports time out? → Because the export query took over 30 s.",
    "Why was the query slow? → Because it scanned the whole events table.",
    "Why did it scan the table? → Because the new filter had no index.",
    "Why was the index missing? → Because the migration was not reviewed for query plans.",
    "Why was it not reviewed? → Because reviews have no step that checks query plans on large accounts.",
  ],
};

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "x-request-id": `req_${Date.now()}` });
  res.end(JSON.stringify(body));
}

export async function startFakeOpenAi(options: FakeOpenAiOptions = {}): Promise<FakeOpenAi> {
  const requests: FakeOpenAiRequest[] = [];
  const unexpected: string[] = [];
  const queue: FakeAnswer[] = [];
  let sequence = 0;
  const timers = new Set<NodeJS.Timeout>();

  const fake: FakeOpenAi = {
    url: "",
    requests,
    unexpected,
    defaultAnswer: { content: JSON.stringify(SAMPLE_DRAFT) },
    answerNext: (...answers) => queue.push(...answers),
    reset() {
      requests.length = 0;
      unexpected.length = 0;
      queue.length = 0;
      fake.defaultAnswer = { content: JSON.stringify(SAMPLE_DRAFT) };
    },
    sentText(n = requests.length - 1) {
      return (requests[n]?.body.messages ?? []).map((m) => m.content).join("\n");
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const respond = (res: ServerResponse, answer: FakeAnswer, model: string) => {
    if ("text" in answer) {
      res.writeHead(answer.status, { "content-type": "text/plain" });
      res.end(answer.text);
    } else if ("status" in answer) {
      sendJson(res, answer.status, {
        error: {
          message: answer.message,
          type: answer.status === 401 ? "invalid_request_error" : "server_error",
          param: null,
          code: answer.code ?? null,
        },
      });
    } else {
      sequence += 1;
      sendJson(res, 200, {
        id: `chatcmpl-fake${sequence}`,
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model,
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: answer.content, refusal: null },
            logprobs: null,
            finish_reason: answer.finishReason ?? "stop",
          },
        ],
        usage: { prompt_tokens: 250, completion_tokens: 120, total_tokens: 370 },
        system_fingerprint: "fp_fake",
      });
    }
  };

  const server = createServer(async (req, res) => {
    const raw = await readBody(req);
    if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
      unexpected.push(`${req.method} ${req.url}`);
      sendJson(res, 404, {
        error: { message: `Unknown request URL: ${req.url}`, type: "invalid_request_error" },
      });
      return;
    }
    let body: ChatCompletionRequestBody;
    try {
      body = JSON.parse(raw) as ChatCompletionRequestBody;
    } catch {
      sendJson(res, 400, {
        error: {
          message: "We could not parse the JSON body of your request.",
          type: "invalid_request_error",
        },
      });
      return;
    }
    requests.push({ headers: req.headers, raw, body });
    if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      respond(
        res,
        {
          status: 401,
          message:
            "Incorrect API key provided: sk-wro*****. You can find your API key at https://platform.openai.com/account/api-keys.",
          code: "invalid_api_key",
        },
        body.model,
      );
      return;
    }
    const answer = queue.shift() ?? fake.defaultAnswer;
    if (answer.delayMs) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) respond(res, answer, body.model);
      }, answer.delayMs);
      timers.add(timer);
      return;
    }
    respond(res, answer, body.model);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return fake;
}
