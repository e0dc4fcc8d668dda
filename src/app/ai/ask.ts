import { Redactor } from "#domain/redaction.ts";
import { AppError } from "../errors.ts";
import type { AiDrafting, ChatMessage } from "../ports.ts";
import { parseJsonObject } from "./json-answer.ts";

/** A JSON answer from the model and how many redactions the question needed. */
export interface JsonAnswer {
  value: Record<string, unknown>;
  redactions: number;
}

/**
 * Asks the configured model for one JSON object. Every message is redacted first (the configured and
 * built-in patterns), so nothing matching them leaves Foghorn; a failed call or an answer without a
 * JSON object becomes an AppError saying what happened. `what` names the request in messages ("a
 * postmortem draft").
 */
export async function askForJson(
  ai: AiDrafting,
  messages: readonly ChatMessage[],
  what: string,
): Promise<JsonAnswer> {
  const redactor = new Redactor(ai.redact);
  const redacted = messages.map((m) => ({ role: m.role, content: redactor.redact(m.content) }));
  let text: string;
  try {
    text = await ai.llm.complete(redacted, { json: true });
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/\.+$/, "");
    throw new AppError("UNAVAILABLE", `Could not get ${what} from the AI model ${ai.llm.model}: ${reason}.`);
  }
  const value = parseJsonObject(text);
  if (value === undefined) {
    throw new AppError(
      "UNAVAILABLE",
      `The AI model ${ai.llm.model} did not answer with JSON for ${what}; try again, or write it yourself.`,
    );
  }
  return { value, redactions: redactor.count };
}
