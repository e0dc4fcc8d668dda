import { describeEvent } from "../incident/describe.ts";
import type { AiSection, PostmortemSections } from "./sections.ts";
import { type PostmortemStatus, postmortemStatusLabel } from "./status.ts";

// The postmortem as markdown, with every section of SPEC §3 in order and seed 004's header. Sections nobody
// wrote yet show a placeholder instead of vanishing, so a reader sees what is missing.

export interface RenderInput {
  incident: {
    humanId: string;
    title: string;
    severity: string;
    createdAt: Date;
    resolvedAt: Date | null;
  };
  author: string;
  reviewers: readonly string[];
  status: PostmortemStatus;
  publishedAt: Date | null;
  sections: PostmortemSections;
  /** Sections an AI drafted and nobody edited since, with the model that drafted them. */
  aiDraft: { sections: readonly AiSection[]; model: string } | null;
  /** The incident's timeline, oldest first. */
  timeline: readonly { kind: string; at: Date; actor: string; data: Record<string, unknown> }[];
  actionItems: readonly { title: string; owner: string | null; dueAt: Date | null; status: string }[];
}

/** Timeline kinds worth a line in a postmortem: what happened and what people did, not the paging chatter. */
export const POSTMORTEM_TIMELINE_KINDS: readonly string[] = [
  "incident.declared",
  "incident.status_changed",
  "alert.attached",
  "escalation.started",
  "escalation.escalated",
  "escalation.rule_fired",
  "role.assigned",
  "note.added",
  "evidence.added",
  "status_update.posted",
];

export const PLACEHOLDER = "_Not written yet._";
export const BLAMELESS_LINE = "Postmortems are blameless. Fix the system, not the person.";

const pad = (n: number) => String(n).padStart(2, "0");
/** YYYY-MM-DD in UTC. */
export const isoDate = (d: Date) => d.toISOString().slice(0, 10);
const hhmm = (d: Date) => `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
const handle = (h: string) => (h.startsWith("@") ? h : `@${h}`);
const oneLine = (s: string) => s.replace(/\s*\n\s*/g, " ").trim();
const cell = (s: string) => oneLine(s).replace(/\|/g, "\\|");

/** "45 min", "2 h 5 min", "3 d 4 h". */
function minutesText(ms: number): string {
  const min = Math.max(0, Math.round(ms / 60_000));
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

function duration(start: Date, end: Date | null): string {
  if (!end) return `${hhmm(start)} UTC → ongoing`;
  const sameDay = isoDate(start) === isoDate(end);
  const to = sameDay ? hhmm(end) : `${isoDate(end)} ${hhmm(end)}`;
  return `${hhmm(start)} → ${to} UTC (${minutesText(end.getTime() - start.getTime())})`;
}

/** The file name exports use: postmortem-YYYY-MM-DD.md, dated by the incident's start (UTC). */
export function postmortemFileName(incidentCreatedAt: Date): string {
  return `postmortem-${isoDate(incidentCreatedAt)}.md`;
}

const text = (value: string) => (value.trim() ? value.trim() : PLACEHOLDER);

function aiNote(input: RenderInput, section: AiSection): string[] {
  if (!input.aiDraft?.sections.includes(section)) return [];
  return [`> Drafted by AI (${input.aiDraft.model}) — review before publishing.`, ""];
}

function timelineLines(input: RenderInput): string[] {
  // Closing the incident by publishing this very postmortem is not part of the incident's story.
  const events = input.timeline.filter(
    (e) =>
      POSTMORTEM_TIMELINE_KINDS.includes(e.kind) &&
      !(e.kind === "incident.status_changed" && e.data.to === "postmortem"),
  );
  if (events.length === 0) return [PLACEHOLDER];
  const first = events[0]?.at ?? input.incident.createdAt;
  const last = events.at(-1)?.at ?? first;
  const spansDays = isoDate(first) !== isoDate(last);
  return events.map((e) => {
    const when = spansDays ? `${isoDate(e.at)} ${hhmm(e.at)}` : hhmm(e.at);
    return `- ${when} — ${oneLine(describeEvent(e))} (${e.actor})`;
  });
}

function impactLines(input: RenderInput): string[] {
  const i = input.sections.impact;
  const di = i.data_integrity;
  const integrity = di.level
    ? `${di.level}${di.text ? ` — ${oneLine(di.text)}` : ""}`
    : di.text || PLACEHOLDER;
  const line = (label: string, value: string) => `- ${label}: ${value.trim() ? oneLine(value) : PLACEHOLDER}`;
  return [
    ...aiNote(input, "impact"),
    line("Customers affected", i.customers),
    line("User-visible symptom", i.symptom),
    `- Data integrity: ${integrity}`,
    line("Revenue impact", i.revenue),
  ];
}

function fiveWhysLines(input: RenderInput): string[] {
  const whys = input.sections.five_whys;
  if (whys.length === 0) return [PLACEHOLDER];
  return [
    ...aiNote(input, "five_whys"),
    ...whys.map((w, n) => `${n + 1}. ${oneLine(w.why)}${w.because ? ` → ${oneLine(w.because)}` : ""}`),
  ];
}

function actionItemLines(input: RenderInput): string[] {
  const rows = input.actionItems.map(
    (a, n) =>
      `| ${n + 1} | ${cell(a.title)}${a.status === "done" ? " (done)" : ""} | ${a.owner ? handle(a.owner) : "—"} | ${a.dueAt ? isoDate(a.dueAt) : "—"} |`,
  );
  return [
    "| # | Action | Owner | Due |",
    "|---|---|---|---|",
    ...(rows.length ? rows : ["| — | _No action items yet: add them on the incident._ | — | — |"]),
  ];
}

/** The whole postmortem as markdown (SPEC §3). Pure: the same input always gives the same text. */
export function renderPostmortem(input: RenderInput): string {
  const { incident, sections: s } = input;
  const status =
    input.status === "published" && input.publishedAt
      ? `Published ${isoDate(input.publishedAt)}`
      : postmortemStatusLabel(input.status);
  // Two trailing spaces are markdown line breaks: the header keeps seed 004's one-field-per-line shape.
  const header = [
    `**Date:** ${isoDate(incident.createdAt)}`,
    `**Severity:** ${incident.severity}`,
    `**Duration:** ${duration(incident.createdAt, incident.resolvedAt)}`,
    `**Author:** ${handle(input.author)}`,
    `**Reviewers:** ${input.reviewers.length ? input.reviewers.map(handle).join(", ") : "_none yet_"}`,
    `**Status:** ${status}`,
  ];
  const section = (title: string, body: string[]) => [`## ${title}`, "", ...body, ""];
  const lines = [
    `# Postmortem — [${incident.severity}] ${oneLine(incident.title)}`,
    "",
    ...header.map((h, n) => (n < header.length - 1 ? `${h}  ` : h)),
    "",
    ...section("Summary", [...aiNote(input, "summary"), text(s.summary)]),
    ...section("Impact", impactLines(input)),
    ...section("Timeline", timelineLines(input)),
    ...section("Root cause", [text(s.root_cause), "", "### Five Whys", "", ...fiveWhysLines(input)]),
    ...section("Contributing factors", [text(s.contributing_factors)]),
    ...section("Resolution", [text(s.resolution)]),
    ...section("What went well", [text(s.went_well)]),
    ...section("What went poorly", [text(s.went_poorly)]),
    ...section("Action items", actionItemLines(input)),
    ...section("Lessons learned", [text(s.lessons_learned)]),
    "---",
    "",
    BLAMELESS_LINE,
  ];
  return `${lines.join("\n")}\n`;
}
