import { z } from "zod";

// Models answer in slightly different shapes: a missing field, a number where text was asked, the five
// whys as {why, because} pairs or as one text. What is usable is kept; what is missing becomes "".

const MAX_TEXT = 4000;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Any scalar as trimmed text; anything else (missing, null, a list) as "". */
const text = z
  .unknown()
  .optional()
  .transform((v): string => {
    if (typeof v === "string") return v.trim().slice(0, MAX_TEXT);
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    return "";
  });

/**
 * One why as "Why …? → Because …" (seed 001's notation, which the postmortem reads back): text as is, an
 * object such as {why, because} or {question, answer} joined with the arrow.
 */
const why = z.unknown().transform((v): string => {
  if (isRecord(v)) {
    return Object.values(v)
      .filter((part): part is string => typeof part === "string" && part.trim() !== "")
      .map((part) => part.trim())
      .join(" → ")
      .slice(0, MAX_TEXT);
  }
  return text.parse(v);
});

/** Exactly five whys: a list is cut or padded with "", one text is split into its lines. */
const fiveWhys = z
  .unknown()
  .optional()
  .transform((v): string[] => {
    const items = Array.isArray(v)
      ? v.map((item) => why.parse(item))
      : text
          .parse(v)
          .split(/\n+/)
          .map((line) => line.replace(/^\s*(?:\d+[.)]|[-*])\s*/, "").trim());
    const whys = items.filter((item) => item !== "").slice(0, 5);
    return [...whys, ...Array<string>(5 - whys.length).fill("")];
  });

const impact = z
  .unknown()
  .optional()
  .transform((v) => {
    const fields = isRecord(v) ? v : {};
    return {
      customers: text.parse(fields.customers ?? fields.customers_affected),
      // A model that answers impact as one text gave the symptom.
      symptom:
        typeof v === "string" ? text.parse(v) : text.parse(fields.symptom ?? fields.user_visible_symptom),
      data_integrity: text.parse(fields.data_integrity),
      revenue: text.parse(fields.revenue ?? fields.revenue_impact),
    };
  });

/** The draft fields a model's JSON answer gives. */
export const PostmortemDraftAnswer = z.object({
  summary: text,
  impact,
  five_whys: fiveWhys,
});
export type PostmortemDraftAnswer = z.output<typeof PostmortemDraftAnswer>;

/** The answer's draft fields, or undefined when none of them has any text (the answer is not a draft). */
export function readPostmortemDraft(value: Record<string, unknown>): PostmortemDraftAnswer | undefined {
  const draft = PostmortemDraftAnswer.parse(value);
  const texts = [draft.summary, ...Object.values(draft.impact), ...draft.five_whys];
  return texts.some((t) => t !== "") ? draft : undefined;
}
