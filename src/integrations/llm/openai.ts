/**
 * LlmClient over the official `openai` client and the Chat Completions API, which OpenAI and local
 * servers (Ollama, vLLM, llama.cpp, LM Studio) all speak at `<base>/chat/completions`.
 */
import OpenAI, { APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { extractJsonObject } from "#app/ai/json-answer.ts";
import type { ChatMessage, LlmClient } from "#app/ports.ts";

export interface OpenAiClientOptions {
  /** "https://api.openai.com/v1", "http://127.0.0.1:11434/v1" (Ollama). */
  baseUrl: string;
  model: string;
  /** Unset for servers that need none: then no Authorization header is sent. */
  apiKey?: string | undefined;
  /** The whole call, retries included. */
  timeoutMs: number;
  /** Retries of a 408/429/5xx or a dropped connection; 1 by default. */
  maxRetries?: number;
  /**
   * The SSRF-guarded fetch with security.outboundAllow (net/ssrf.ts), which main.ts always passes: a
   * local model server (Ollama on 127.0.0.1) must then be named in the allowlist. Unset: the SDK's fetch.
   */
  fetch?: typeof fetch | undefined;
}

/** The base URL as shown in messages: without any user:password part. */
function displayUrl(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    url.username = "";
    url.password = "";
    return url.toString().replace(/\/$/, "");
  } catch {
    return baseUrl;
  }
}

/** What the server said, from OpenAI's `{error: {message}}`, Ollama's `{error: "…"}` or a text body. */
function serverMessage(error: APIError): string {
  const body: unknown = error.error;
  if (typeof body === "string") return body;
  if (typeof body === "object" && body !== null && "message" in body && typeof body.message === "string")
    return body.message;
  return error.message.replace(/^\d{3}\s+/, "");
}

const duration = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

/** One readable line for a failed call; never contains the API key. */
function describeFailure(error: unknown, where: string, timedOut: boolean, timeoutMs: number): Error {
  if (timedOut || error instanceof APIConnectionTimeoutError)
    return new Error(`AI endpoint ${where} did not answer within ${duration(timeoutMs)}`, {
      cause: error,
    });
  if (error instanceof APIUserAbortError) return new Error("the AI request was cancelled", { cause: error });
  if (error instanceof APIError && error.status !== undefined && error.status >= 300 && error.status < 400)
    return new Error(
      `AI endpoint ${where} answered ${error.status}, a redirect, which is not followed: set ai.baseUrl to the final URL`,
      { cause: error },
    );
  if (error instanceof APIError && error.status !== undefined)
    return new Error(`AI endpoint ${where} answered ${error.status}: ${serverMessage(error)}`, {
      cause: error,
    });
  const reason = rootCause(error);
  return new Error(`AI endpoint ${where} could not be reached${reason ? `: ${reason}` : ""}`, {
    cause: error,
  });
}

/** The innermost cause's message: "connect ECONNREFUSED 127.0.0.1:11434" rather than "fetch failed". */
function rootCause(error: unknown): string {
  let inner = error;
  while (inner instanceof Error && inner.cause instanceof Error) inner = inner.cause;
  return inner instanceof Error ? inner.message : "";
}

/** A 400 that names response_format: a server that does not know JSON mode. */
function rejectsJsonMode(error: unknown): boolean {
  return error instanceof APIError && error.status === 400 && /response_format|json/i.test(error.message);
}

/** An LlmClient for an OpenAI-compatible endpoint. */
export function createOpenAiClient(options: OpenAiClientOptions): LlmClient {
  const where = displayUrl(options.baseUrl);
  // Every option the client would otherwise read from process.env (OPENAI_BASE_URL, OPENAI_ORG_ID, …) is
  // given here: configuration comes from config/ only.
  const client = new OpenAI({
    baseURL: options.baseUrl,
    apiKey: options.apiKey ?? "unused",
    adminAPIKey: null,
    organization: null,
    project: null,
    webhookSecret: null,
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries ?? 1,
    logLevel: "off",
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.apiKey ? {} : { defaultHeaders: { authorization: null } }),
  });

  const create = (messages: readonly ChatMessage[], json: boolean, signal: AbortSignal) =>
    client.chat.completions.create(
      {
        model: options.model,
        messages: messages.map((m) => ({ role: m.role, content: m.content })),
        temperature: 0.2,
        ...(json ? { response_format: { type: "json_object" as const } } : {}),
      },
      { signal },
    );

  return {
    model: options.model,
    async complete(messages, opts = {}) {
      const deadline = AbortSignal.timeout(options.timeoutMs);
      const signal = opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline;
      const json = opts.json ?? false;
      let completion: Awaited<ReturnType<typeof create>>;
      try {
        try {
          completion = await create(messages, json, signal);
        } catch (error) {
          if (!json || !rejectsJsonMode(error)) throw error;
          completion = await create(messages, false, signal);
        }
      } catch (error) {
        throw describeFailure(error, where, deadline.aborted, options.timeoutMs);
      }
      const choice = completion.choices[0];
      const content = choice?.message?.content ?? "";
      if (!content.trim())
        throw new Error(
          `AI endpoint ${where} answered without any text (finish_reason ${choice?.finish_reason ?? "missing"})`,
        );
      return json ? (extractJsonObject(content) ?? content) : content;
    },
  };
}
