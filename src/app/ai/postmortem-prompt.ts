import { describeEvent } from "#domain/incident/describe.ts";
import { formatDuration } from "#domain/time.ts";
import type { ChatMessage } from "../ports.ts";

// What the model is told about an incident: the record and the timeline in words, the same words the CLI
// and the postmortem's Timeline use. The caller redacts it before it is sent (askForJson).

/** The incident facts the prompt uses (a subset of the incident detail view). */
export interface PromptIncident {
  id: string;
  title: string;
  severity: string;
  severity_label: string;
  status: string;
  affected_services: readonly string[];
  assignee: string | null;
  description: string;
  impact: string;
  root_cause: string;
  resolution: string;
  created_at: string;
  acknowledged_at: string | null;
  mitigated_at: string | null;
  resolved_at: string | null;
  duration_seconds: number;
}

export interface PromptEvent {
  kind: string;
  actor: string;
  at: string;
  data: Record<string, unknown>;
}

// An alert storm can leave thousands of events; the start and the end of an incident say the most.
const MAX_EVENTS = 300;
const HEAD_EVENTS = 60;
const MAX_LINE = 500;
const MAX_FIELD = 4000;

export const POSTMORTEM_SYSTEM_PROMPT = `You help an incident team draft a blameless postmortem.
Use only the facts in the incident record you are given; do not invent numbers, names, causes or times.
Where the record does not say, write "Not stated in the record.". Text shown as [redacted] was removed on purpose; do not guess it.
Blameless: describe systems, signals and decisions, never a person's fault.

Answer with one JSON object and nothing else, in exactly this shape:
{"summary": "2-3 sentences: what broke, who was affected, how it was fixed",
 "impact": {"customers": "who and how many were affected",
            "symptom": "what users saw",
            "data_integrity": "start with none, suspected or confirmed, then what is known",
            "revenue": "none or estimated, with what is known"},
 "five_whys": ["Why …? → Because …", "Why …? → Because …", "Why …? → Because …", "Why …? → Because …", "Why …? → Because …"]}
five_whys has exactly five entries, each "Why <question>? → Because <answer>.": the first asks why users saw the symptom, each next one asks why the previous answer happened, and the fifth ends at the root cause.`;

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** "2026-03-02 09:05" (UTC). */
const minute = (iso: string) => iso.slice(0, 16).replace("T", " ");

function timelineLines(events: readonly PromptEvent[], day: string): string[] {
  const line = (e: PromptEvent) => {
    const at = e.at.startsWith(day) ? e.at.slice(11, 16) : minute(e.at);
    return `- ${at} ${e.actor}: ${clip(describeEvent(e).replace(/\s+/g, " "), MAX_LINE)}`;
  };
  if (events.length <= MAX_EVENTS) return events.map(line);
  const tail = MAX_EVENTS - HEAD_EVENTS;
  return [
    ...events.slice(0, HEAD_EVENTS).map(line),
    `- … ${events.length - MAX_EVENTS} events left out …`,
    ...events.slice(-tail).map(line),
  ];
}

function recordedField(label: string, text: string): string[] {
  const value = text.trim();
  return value ? [`${label}:`, clip(value, MAX_FIELD), ""] : [];
}

/** The user message: the incident's record and its timeline in words, oldest first. */
export function describeIncidentForPrompt(incident: PromptIncident, events: readonly PromptEvent[]): string {
  const times = [
    `declared ${minute(incident.created_at)}`,
    incident.acknowledged_at ? `acknowledged ${minute(incident.acknowledged_at)}` : "",
    incident.mitigated_at ? `mitigated ${minute(incident.mitigated_at)}` : "",
    incident.resolved_at ? `resolved ${minute(incident.resolved_at)}` : "",
  ].filter(Boolean);
  const duration = formatDuration(incident.duration_seconds * 1000);
  return [
    `Incident ${incident.id}: ${incident.title}`,
    `Severity: ${incident.severity} (${incident.severity_label})`,
    `Status: ${incident.status}`,
    `Affected services: ${incident.affected_services.join(", ") || "none recorded"}`,
    `Commander: ${incident.assignee ?? "none"}`,
    `Times (UTC): ${times.join("; ")}; ${incident.resolved_at ? "lasted" : "open for"} ${duration}`,
    "",
    ...recordedField("Description", incident.description),
    ...recordedField("Impact as recorded", incident.impact),
    ...recordedField("Root cause as recorded", incident.root_cause),
    ...recordedField("Resolution as recorded", incident.resolution),
    `Timeline (UTC, oldest first; status updates, notes and alerts included):`,
    ...timelineLines(events, incident.created_at.slice(0, 10)),
  ].join("\n");
}

/** The messages asking for a postmortem draft of this incident (not yet redacted). */
export function postmortemDraftMessages(
  incident: PromptIncident,
  events: readonly PromptEvent[],
): ChatMessage[] {
  return [
    { role: "system", content: POSTMORTEM_SYSTEM_PROMPT },
    { role: "user", content: describeIncidentForPrompt(incident, events) },
  ];
}
