import type { AppContext } from "../context.ts";
import type { AiDrafting } from "../ports.ts";

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
 * Drafts a postmortem's summary, impact and five whys from the incident's record and timeline (redacted
 * first). Stub: implemented by the AI drafting work.
 */
export async function draftPostmortem(
  _ctx: AppContext,
  _ai: AiDrafting,
  _ref: string,
): Promise<PostmortemAiDraft> {
  throw new Error("draftPostmortem is not implemented yet");
}
