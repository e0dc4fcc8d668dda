import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { getIncident } from "../incidents/get.ts";
import { getTimeline } from "../incidents/timeline.ts";
import type { AiDrafting } from "../ports.ts";
import { askForJson } from "./ask.ts";
import { readPostmortemDraft } from "./postmortem-answer.ts";
import { postmortemDraftMessages } from "./postmortem-prompt.ts";

/** What "draft with AI" fills in a postmortem: summary, impact and the five whys, marked as a draft. */
export interface PostmortemAiDraft {
  summary: string;
  impact: { customers: string; symptom: string; data_integrity: string; revenue: string };
  five_whys: string[];
  /** The model that wrote it. */
  model: string;
  /** ISO time of the draft. */
  drafted_at: string;
  /** How many redaction matches were replaced before sending. */
  redactions: number;
}

/**
 * Drafts a postmortem's summary, impact and five whys from the incident's record and timeline, redacted
 * before anything is sent. Writes nothing: the caller shows or stores the draft. The model is called
 * outside any transaction (PGlite has one connection; a slow model must not hold it).
 */
export async function draftPostmortem(
  ctx: AppContext,
  ai: AiDrafting,
  ref: string,
): Promise<PostmortemAiDraft> {
  const incident = await getIncident(ctx, ref);
  const { events } = await getTimeline(ctx, ref);
  const messages = postmortemDraftMessages(incident, events);
  const answer = await askForJson(ai, messages, `a postmortem draft for ${incident.id}`);
  const draft = readPostmortemDraft(answer.value);
  if (!draft) {
    throw new AppError(
      "UNAVAILABLE",
      `The AI model ${ai.llm.model} answered without a summary, impact or five whys for ${incident.id}; try again, or write the postmortem yourself.`,
    );
  }
  ctx.log.info(
    { incident: incident.id, model: ai.llm.model, redactions: answer.redactions },
    "postmortem drafted with AI",
  );
  return {
    ...draft,
    model: ai.llm.model,
    drafted_at: ctx.clock.now().toISOString(),
    redactions: answer.redactions,
  };
}
