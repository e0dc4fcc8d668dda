import {
  describeItemForPrompt,
  ENRICHMENT_SYSTEM_PROMPT,
  readEnrichmentAnswer,
  templateEnrichment,
} from "#domain/backlog/enrichment.ts";
import type { BacklogItem, EnrichedItem } from "#domain/backlog/types.ts";
import { askForJson } from "../ai/ask.ts";
import type { AiDrafting, ChatMessage, LlmClient } from "../ports.ts";

/**
 * How long one item's enrichment may take before the template is used instead. Shorter than a
 * postmortem draft's ai.timeoutSeconds: a sync files many items, and a slow model must not hold up CI.
 * The model client's own timeout (ai.timeoutSeconds) still applies when it is shorter.
 */
export const DEFAULT_ENRICH_TIMEOUT_MS = 20_000;

export interface EnrichOptions {
  /** Default DEFAULT_ENRICH_TIMEOUT_MS. */
  timeoutMs?: number;
}

const seconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

/** What the model call did, seen from a wrapper around the client (askForJson hides the cause). */
interface CallRecord {
  failure?: string;
}

/** The client with a deadline of its own: the request is aborted when the deadline passes. */
function withDeadline(llm: LlmClient, signal: AbortSignal, record: CallRecord): LlmClient {
  return {
    model: llm.model,
    async complete(messages, opts = {}) {
      try {
        return await llm.complete(messages, { ...opts, signal });
      } catch (error) {
        record.failure = (error instanceof Error ? error.message : String(error)).replace(/\.+$/, "");
        throw error;
      }
    },
  };
}

/** Asks the model once; resolves the usable issue, or the reason the template has to do it. */
async function askModel(
  ai: AiDrafting,
  item: BacklogItem,
  timeoutMs: number,
): Promise<EnrichedItem | { reason: string }> {
  const messages: ChatMessage[] = [
    { role: "system", content: ENRICHMENT_SYSTEM_PROMPT },
    { role: "user", content: describeItemForPrompt(item) },
  ];
  const controller = new AbortController();
  const record: CallRecord = {};
  const llm = withDeadline(ai.llm, controller.signal, record);
  let timer: NodeJS.Timeout | undefined;
  // The race returns on time even from a client that ignores the abort signal.
  const deadline = new Promise<{ reason: string }>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ reason: `the AI model did not answer within ${seconds(timeoutMs)}` });
    }, timeoutMs);
  });
  const asked = askForJson({ llm, redact: ai.redact }, messages, "an issue draft").then(
    (answer) => {
      const read = readEnrichmentAnswer(answer.value);
      if (!read.ok) return { reason: `the AI model's answer did not fit the issue schema (${read.reason})` };
      const { title, description, acceptanceCriteria } = read;
      return { title, description, acceptanceCriteria, by: "ai" as const };
    },
    () => ({
      reason: record.failure
        ? `the AI model failed: ${record.failure}`
        : "the AI model did not answer with a JSON object",
    }),
  );
  try {
    return await Promise.race([asked, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Expands an action item into an issue title, description and acceptance criteria: with the AI model when
 * one is configured ("Expand this action item into a proper GitHub issue with title and acceptance
 * criteria"; redacted by askForJson), validated against a schema; without one, or when the model fails,
 * answers badly or times out, the deterministic template does it and `fallbackReason` says why. Never
 * throws: filing is never blocked by enrichment.
 */
export async function enrichActionItem(
  ai: AiDrafting | undefined,
  item: BacklogItem,
  options: EnrichOptions = {},
): Promise<EnrichedItem> {
  if (!ai) return templateEnrichment(item);
  try {
    const result = await askModel(ai, item, options.timeoutMs ?? DEFAULT_ENRICH_TIMEOUT_MS);
    return "reason" in result ? templateEnrichment(item, result.reason) : result;
  } catch (error) {
    // Not expected (askModel settles every failure), but enrichment must never block filing.
    const message = error instanceof Error ? error.message : String(error);
    return templateEnrichment(item, `enrichment failed: ${message}`);
  }
}
