import { z } from "zod";
import type { BacklogItem, EnrichedItem } from "./types.ts";

// How an action item becomes an issue's title, description and acceptance criteria: the deterministic
// template (no model configured, or the model failed), the question put to a model, and the check of
// its answer. docs/backlog.md ("AI enrichment") describes the template's rules; keep the two in step.

/** GitHub accepts 256 characters; a title people can scan in a list is much shorter. */
export const TITLE_MAX = 80;
const CRITERION_MAX = 300;
const PROMPT_FIELD_MAX = 2000;

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Words that announce an action without being it: "We should add …", "TODO: add …". */
const LEAD_INS = [
  /^(?:todo|action|follow[- ]up)\s*:\s*/i,
  /^(?:we|the team|someone|somebody)\s+(?:should|must|need to|needs to|have to|has to|will)\s+/i,
  /^(?:should|must|need to|needs to|let'?s|please)\s+/i,
];

/**
 * The action as an imperative sentence without its period: whitespace collapsed, lead-ins such as "We
 * should" or "TODO:" dropped, the first letter capitalised, trailing punctuation removed, backticks kept.
 */
export function normalizeAction(action: string): string {
  let text = action.replace(/\s+/g, " ").trim();
  for (const lead of LEAD_INS) text = text.replace(lead, "");
  text = text.replace(/[\s.;:,!]+$/, "");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The issue title for an action: normalizeAction, at most 80 characters (cut at a word with "…"). */
export function issueTitleFromAction(action: string): string {
  const title = normalizeAction(action);
  if (title.length <= TITLE_MAX) return title;
  const cut = title.slice(0, TITLE_MAX - 1);
  const space = cut.lastIndexOf(" ");
  const head = (space > TITLE_MAX / 2 ? cut.slice(0, space) : cut).replace(/[\s.;:,!-]+$/, "");
  // A backtick left open by the cut would turn the rest of the title into code.
  const balanced = (head.match(/`/g) ?? []).length % 2 === 1 ? head.replace(/`([^`]*)$/, "$1") : head;
  return `${balanced}…`;
}

/** The first sentence of a paragraph, without its closing period ("" for empty text). */
function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const match = /^(.+?[.!?])(?:\s|$)/.exec(flat);
  return (match?.[1] ?? flat).replace(/[.!?]+$/, "");
}

/** "The bulk export …" → "the bulk export …"; "API timeouts …" stays (an acronym or a name). */
function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

/** "API timeout incident" → "API timeout": the description adds "incident" itself. */
function incidentName(title: string): string {
  return title.trim().replace(/\s+incident$/i, "");
}

/**
 * Seed 000's description: "During the 2026-05-24 API Timeout on Bulk Requests incident, <the first
 * sentence of the root cause>. <The action>." Without a root cause: "Follow-up from the <date> <title>
 * incident. <The action>."
 */
export function templateDescription(item: BacklogItem): string {
  const { date, title, rootCause } = item.incident;
  const incident = `the ${date} ${incidentName(title)} incident`;
  const cause = firstSentence(rootCause);
  const opening = cause ? `During ${incident}, ${lowerFirst(cause)}.` : `Follow-up from ${incident}.`;
  // The whole action, not the title (which may be cut at 80 characters).
  const action = normalizeAction(item.action);
  const text = action ? `${opening} ${action}.` : opening;
  // A platform item's own description says more than the one line: it follows as its own paragraph.
  const details = item.details?.trim();
  return details ? `${text}\n\n${details}` : text;
}

/** Leading verbs and how the "done" criterion says them ("Added: index to …"). */
const PARTICIPLES: Readonly<Record<string, string>> = {
  add: "Added",
  automate: "Automated",
  build: "Built",
  change: "Changed",
  clean: "Cleaned",
  configure: "Configured",
  create: "Created",
  decrease: "Decreased",
  define: "Defined",
  delete: "Deleted",
  deploy: "Deployed",
  disable: "Disabled",
  document: "Documented",
  enable: "Enabled",
  enforce: "Enforced",
  ensure: "Ensured",
  extend: "Extended",
  fix: "Fixed",
  implement: "Implemented",
  improve: "Improved",
  increase: "Increased",
  introduce: "Introduced",
  investigate: "Investigated",
  limit: "Limited",
  lower: "Lowered",
  make: "Made",
  migrate: "Migrated",
  monitor: "Monitored",
  move: "Moved",
  raise: "Raised",
  reduce: "Reduced",
  refactor: "Refactored",
  remove: "Removed",
  rename: "Renamed",
  replace: "Replaced",
  review: "Reviewed",
  rotate: "Rotated",
  set: "Set",
  split: "Split",
  switch: "Switched",
  update: "Updated",
  upgrade: "Upgraded",
  write: "Written",
};

/** "Add index to `exports` …" → "Added: index to `exports` …"; an unknown verb → "Done: <action>". */
function doneCriterion(action: string): string {
  const [verb = "", ...rest] = action.split(" ");
  const participle = PARTICIPLES[verb.toLowerCase()];
  const object = rest.join(" ");
  return clip(participle && object ? `${participle}: ${object}` : `Done: ${action}`, CRITERION_MAX);
}

/** Kinds of work recognised in the action's words, each with the criterion it adds (in this order). */
const KINDS = [
  {
    kind: "schema",
    words: /\b(?:index(?:es)?|migrations?|schema|columns?|tables?)\b/i,
    criterion: "Migration tested in staging before production",
  },
  {
    kind: "performance",
    words: /\b(?:index(?:es)?|slow|latency|performance|p9\d|query time)\b/i,
    criterion: "Query or response time measured before and after the change, with the numbers on this issue",
  },
  {
    kind: "limit",
    words:
      /\b(?:time-?outs?|limits?|rate[- ]limit(?:ing)?|thresholds?|quotas?|retry|retries|circuit breakers?)\b/i,
    criterion: "A test covers the limit being reached: the request fails cleanly with a clear error",
  },
  {
    kind: "test",
    words: /\b(?:tests?|ci|pipeline|checks?)\b/i,
    criterion: "Runs in CI on every pull request and fails the build on a regression",
  },
  {
    kind: "monitoring",
    words: /\b(?:alerts?|alerting|monitor(?:ing)?|dashboards?|metrics?|slos?|paging)\b/i,
    criterion: "Triggered once on purpose (in staging or with a test signal) and seen by the on-call",
  },
  {
    kind: "docs",
    words: /\b(?:runbooks?|playbooks?|document(?:ation)?|docs?|wiki|write-?up|postmortem)\b/i,
    criterion: "Reviewed by another team member and linked where the on-call looks first",
  },
  {
    kind: "procedure",
    words: /\b(?:runbooks?|playbooks?|procedures?)\b/i,
    criterion: "Walked through once (a dry run) by someone who did not write it",
  },
] as const;

type WorkKind = (typeof KINDS)[number]["kind"];

/** The kinds of work an action's words name. */
export function workKinds(action: string): WorkKind[] {
  return KINDS.filter((k) => k.words.test(action)).map((k) => k.kind);
}

/**
 * Two to four acceptance criteria, decided by rules: the action done as stated; "a regression test covers
 * it" for a bug; one criterion per kind of work the words name (schema change: tested in staging;
 * index or latency: measured before and after; timeout or limit: a test hits it; test or CI: runs in
 * CI; alert: triggered once; runbook or docs: reviewed, and a procedure walked through); and "verified
 * in staging before production" for any other change (not for docs, tests or schema changes, which
 * have their own check).
 */
export function templateAcceptanceCriteria(item: BacklogItem): string[] {
  const kinds = workKinds(item.action);
  const criteria = [doneCriterion(normalizeAction(item.action))];
  if (item.type === "bug")
    criteria.push("A regression test covers it: it fails before the fix and passes after");
  for (const k of KINDS) if (kinds.includes(k.kind)) criteria.push(k.criterion);
  const checkedElsewhere = kinds.some((k) => k === "docs" || k === "test" || k === "schema");
  if (!checkedElsewhere) criteria.push("Verified in staging before production");
  return [...new Set(criteria)].slice(0, 4);
}

/** The template's issue: used without a model, and whenever the model's answer cannot be used. */
export function templateEnrichment(item: BacklogItem, fallbackReason?: string): EnrichedItem {
  return {
    title: issueTitleFromAction(item.action),
    description: templateDescription(item),
    acceptanceCriteria: templateAcceptanceCriteria(item),
    by: "template",
    ...(fallbackReason === undefined ? {} : { fallbackReason }),
  };
}

/** The instruction given to the model (seed 000's prompt, with the answer's shape). */
export const ENRICHMENT_SYSTEM_PROMPT = `Expand this action item into a proper GitHub issue with title and acceptance criteria.
The action item was agreed after a production incident; you are given the item and what is known about the incident.
Use only these facts: do not invent numbers, names, tables or causes. Text shown as [redacted] was removed on purpose; do not guess it.

Answer with one JSON object and nothing else, in exactly this shape:
{"title": "imperative, under 80 characters, no trailing period; keep code in backticks",
 "description": "1-3 sentences, starting \\"During the <date> <incident> incident,\\": what happened and what this change does about it",
 "acceptance_criteria": ["2 to 4 short, checkable statements of done, without checkboxes"]}`;

/** The user message: the item, then the incident, each field on its own line. */
export function describeItemForPrompt(item: BacklogItem): string {
  const { incident } = item;
  const lines = [
    `Action item: ${clip(item.action, PROMPT_FIELD_MAX)}`,
    ...(item.details?.trim() ? [`Details: ${clip(item.details.trim(), PROMPT_FIELD_MAX)}`] : []),
    `Type: ${item.type}`,
    `Priority: p:${item.priority}`,
    `Owner: ${item.owner ?? "not named"}`,
    "",
    `Incident: ${incident.title} (${incident.date})`,
  ];
  if (incident.impact?.trim()) lines.push(`Impact: ${clip(incident.impact.trim(), PROMPT_FIELD_MAX)}`);
  if (incident.rootCause.trim())
    lines.push(`Root cause: ${clip(incident.rootCause.trim(), PROMPT_FIELD_MAX)}`);
  return lines.join("\n");
}

/** A checkbox or bullet a model put in front of a criterion ("- [ ] Index added"). */
const CHECKBOX = /^\s*(?:[-*•]\s*)?(?:\[[ xX]?\]\s*)?/;

const answerSchema = z.object({
  title: z
    .string()
    .transform((t) =>
      t
        .replace(/\s+/g, " ")
        .trim()
        .replace(/^["']|["']$/g, "")
        .replace(/\.$/, ""),
    )
    .pipe(z.string().min(5, "expected 5 to 120 characters").max(120, "expected 5 to 120 characters")),
  description: z
    .string()
    .trim()
    .min(1, "expected a non-empty text")
    .max(4000, "expected at most 4000 characters"),
  acceptance_criteria: z
    .array(
      z
        .string()
        .transform((c) => c.replace(CHECKBOX, "").trim())
        .pipe(
          z
            .string()
            .min(1, "expected a non-empty text")
            .max(CRITERION_MAX, "expected at most 300 characters"),
        ),
      { error: "expected a list of texts" },
    )
    .min(1, "expected 1 to 8 criteria")
    .max(8, "expected 1 to 8 criteria"),
});

/** The model's answer as an issue, or why it cannot be used ("acceptance_criteria: expected a list …"). */
export function readEnrichmentAnswer(
  value: Record<string, unknown>,
):
  | { ok: true; title: string; description: string; acceptanceCriteria: string[] }
  | { ok: false; reason: string } {
  const parsed = answerSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 2)
      .map((i) => `${i.path.join(".") || "answer"}: ${i.message}`)
      .join("; ");
    return { ok: false, reason: issues };
  }
  const { title, description, acceptance_criteria } = parsed.data;
  return { ok: true, title, description, acceptanceCriteria: acceptance_criteria };
}
