import { z } from "zod";

// The written part of a postmortem (SPEC §3). The header, timeline and action items are not stored here:
// they are rendered from the incident's live data, so there is one list of action items, not two.

export const DATA_INTEGRITY_LEVELS = ["none", "suspected", "confirmed"] as const;
export type DataIntegrityLevel = (typeof DATA_INTEGRITY_LEVELS)[number];

/** At most five whys: the technique stops at the root cause, and five is seed 001's count. */
export const MAX_WHYS = 5;

export interface WhyStep {
  why: string;
  because: string;
}

export interface PostmortemSections {
  summary: string;
  impact: {
    customers: string;
    symptom: string;
    /** null: not assessed yet. */
    data_integrity: { level: DataIntegrityLevel | null; text: string };
    revenue: string;
  };
  root_cause: string;
  five_whys: WhyStep[];
  contributing_factors: string;
  resolution: string;
  went_well: string;
  went_poorly: string;
  lessons_learned: string;
}

/** The sections an AI draft may fill; its mark stays on a section until someone edits it. */
export const AI_SECTIONS = ["summary", "impact", "five_whys"] as const;
export type AiSection = (typeof AI_SECTIONS)[number];

export function emptySections(): PostmortemSections {
  return {
    summary: "",
    impact: { customers: "", symptom: "", data_integrity: { level: null, text: "" }, revenue: "" },
    root_cause: "",
    five_whys: [],
    contributing_factors: "",
    resolution: "",
    went_well: "",
    went_poorly: "",
    lessons_learned: "",
  };
}

const md = (max: number) =>
  z
    .string({ error: "must be a string (markdown)" })
    .max(max, { error: `must be at most ${max} characters` })
    .transform((s) => s.replace(/\r\n?/g, "\n").trim());

/**
 * One why: a {why, because} pair, or one line "Why …? → Because …" (also "->"), as seed 001 writes them.
 * A line without an arrow is the question alone.
 */
export function parseWhyLine(line: string): WhyStep {
  const [why = "", ...rest] = line.split(/\s*(?:→|->)\s*/);
  return { why: why.trim(), because: rest.join(" → ").trim() };
}

const whyStep = z.union([
  md(1000).transform(parseWhyLine),
  z.object({ why: md(1000), because: md(1000).default("") }).strict(),
]);

export const FiveWhysInput = z
  .array(whyStep)
  .max(MAX_WHYS, { error: `at most ${MAX_WHYS} whys: stop at the root cause` })
  .transform((steps) => steps.filter((s) => s.why || s.because));

const level = z.enum(DATA_INTEGRITY_LEVELS, {
  error: `must be one of ${DATA_INTEGRITY_LEVELS.join(", ")} (or null: not assessed)`,
});

export const ImpactInput = z
  .object({
    customers: md(2000).optional(),
    symptom: md(2000).optional(),
    data_integrity: z
      .object({ level: level.nullable().optional(), text: md(2000).optional() })
      .strict()
      .optional(),
    revenue: md(2000).optional(),
  })
  .strict();

/** Any subset of the sections; what is given replaces what was there (impact field by field). */
export const SectionsInput = z
  .object({
    summary: md(5000).optional(),
    impact: ImpactInput.optional(),
    root_cause: md(20_000).optional(),
    five_whys: FiveWhysInput.optional(),
    contributing_factors: md(20_000).optional(),
    resolution: md(20_000).optional(),
    went_well: md(20_000).optional(),
    went_poorly: md(20_000).optional(),
    lessons_learned: md(20_000).optional(),
  })
  .strict();
export type SectionsInput = z.output<typeof SectionsInput>;

/** Reads stored sections leniently: rows written by older builds lack newer fields, which read as empty. */
export function readSections(stored: unknown): PostmortemSections {
  const base = emptySections();
  if (typeof stored !== "object" || stored === null) return base;
  const s = stored as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" ? v : "");
  const impact = (typeof s.impact === "object" && s.impact !== null ? s.impact : {}) as Record<
    string,
    unknown
  >;
  const di = (
    typeof impact.data_integrity === "object" && impact.data_integrity !== null ? impact.data_integrity : {}
  ) as Record<string, unknown>;
  const lvl = DATA_INTEGRITY_LEVELS.find((l) => l === di.level) ?? null;
  return {
    summary: str(s.summary),
    impact: {
      customers: str(impact.customers),
      symptom: str(impact.symptom),
      data_integrity: { level: lvl, text: str(di.text) },
      revenue: str(impact.revenue),
    },
    root_cause: str(s.root_cause),
    five_whys: Array.isArray(s.five_whys)
      ? s.five_whys
          .map((w) =>
            typeof w === "string"
              ? parseWhyLine(w)
              : typeof w === "object" && w !== null
                ? { why: str((w as WhyStep).why), because: str((w as WhyStep).because) }
                : { why: "", because: "" },
          )
          .filter((w) => w.why || w.because)
          .slice(0, MAX_WHYS)
      : [],
    contributing_factors: str(s.contributing_factors),
    resolution: str(s.resolution),
    went_well: str(s.went_well),
    went_poorly: str(s.went_poorly),
    lessons_learned: str(s.lessons_learned),
  };
}

/** Applies an edit to sections; returns the new sections and which top-level sections actually changed. */
export function mergeSections(
  current: PostmortemSections,
  edit: SectionsInput,
): { sections: PostmortemSections; changed: (keyof PostmortemSections)[] } {
  const next: PostmortemSections = structuredClone(current);
  if (edit.impact) {
    const i = edit.impact;
    if (i.customers !== undefined) next.impact.customers = i.customers;
    if (i.symptom !== undefined) next.impact.symptom = i.symptom;
    if (i.revenue !== undefined) next.impact.revenue = i.revenue;
    if (i.data_integrity?.level !== undefined) next.impact.data_integrity.level = i.data_integrity.level;
    if (i.data_integrity?.text !== undefined) next.impact.data_integrity.text = i.data_integrity.text;
  }
  if (edit.five_whys) next.five_whys = edit.five_whys;
  for (const key of [
    "summary",
    "root_cause",
    "contributing_factors",
    "resolution",
    "went_well",
    "went_poorly",
    "lessons_learned",
  ] as const) {
    const value = edit[key];
    if (value !== undefined) next[key] = value;
  }
  const changed = (Object.keys(next) as (keyof PostmortemSections)[]).filter(
    (k) => JSON.stringify(next[k]) !== JSON.stringify(current[k]),
  );
  return { sections: next, changed };
}
