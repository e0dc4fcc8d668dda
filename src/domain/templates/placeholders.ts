import { describeEvent } from "../incident/describe.ts";
import type { SeverityPolicy } from "../incident/severity.ts";
import { defaultPublicStatus, type IncidentStatus, type PublicStatus } from "../incident/status.ts";
import { formatDuration, MINUTE } from "../time.ts";

// The fixed vocabulary of template placeholders and how each value is computed from an incident's data.

/** Every placeholder a template may use, with what it becomes (the docs and the config error list these). */
export const PLACEHOLDERS = {
  id: "The incident id: INC-7",
  title: "The incident's title",
  description: "The incident's description (what's happening)",
  severity: "SEV1…SEV4",
  severity_label: "critical, high, medium or low",
  severity_meaning: "What the severity means under the policy: Major degradation, core feature broken",
  status: "The lifecycle status: triggered, acknowledged, investigating, mitigating, resolved, postmortem",
  status_upper: "The lifecycle status in capitals: INVESTIGATING",
  status_word: "Seed 001's update status: Investigating, Identified, Mitigating or Resolved",
  public_status:
    "The public status: Investigating, Identified, Monitoring or Resolved (the latest external update's)",
  commander: "The incident commander, or 'unassigned'",
  communications_lead: "The communications lead, or 'unassigned'",
  scribe: "The scribe, or 'unassigned'",
  responders: "The responders, comma-separated, or 'none'",
  services: "The affected services, comma-separated, or 'no service named yet'",
  impact: "The recorded impact; else the description; else 'Being assessed'",
  root_cause: "The recorded root cause, or 'still under investigation'",
  cause: "Known — <root cause>, or 'Under investigation'",
  resolution: "The recorded resolution, or 'not recorded yet'",
  findings: "Current findings: the root cause, else the latest note, else 'Under investigation'",
  current_action: "The latest status update's message, else what the status implies",
  current_status: "STATUS — latest update (seed 004's Current status line)",
  latest_update: "The latest status update's message, or 'No update posted yet'",
  service_state: "down (SEV1), degraded, or recovered once resolved",
  declared_at: "When it was declared: 2026-04-18 13:23 UTC",
  resolved_at: "When it was resolved, or 'not resolved'",
  now: "The time of rendering: 2026-04-18 13:40 UTC",
  duration: "Time since declaration (until resolution once resolved): 45m",
  update_every: "The severity's status-update cadence: 30 minutes",
  next_update:
    "Last status update (or declaration) + the cadence: 2026-04-18 14:00 UTC; 'none: resolved' once resolved",
  timeline:
    "The timeline, newest first, one '- HH:MM — what' line per note, status change, update, alert, page and evidence",
  time_zone: "The time zone times are shown in: UTC",
  link: "The incident's page in Foghorn, when the public URL is known",
} as const satisfies Record<string, string>;

export type Placeholder = keyof typeof PLACEHOLDERS;
export const PLACEHOLDER_NAMES = Object.keys(PLACEHOLDERS) as Placeholder[];

/** What templates are rendered from: the incident, its roles, services, updates and timeline. */
export interface TemplateFacts {
  id: string;
  title: string;
  description: string;
  severity: keyof SeverityPolicy;
  severityLabel: string;
  status: IncidentStatus;
  impact: string;
  rootCause: string;
  resolution: string;
  createdAt: Date;
  resolvedAt: Date | null;
  roles: {
    commander: string | null;
    communicationsLead: string | null;
    scribe: string | null;
    responders: string[];
  };
  services: readonly string[];
  /** Status updates, oldest first. */
  updates: readonly { message: string; status: string; visibility: string; createdAt: Date }[];
  /** Timeline events, oldest first. */
  events: readonly { kind: string; data: Record<string, unknown>; at: Date }[];
  link?: string | undefined;
}

/** Timeline kinds that belong in a status doc; paging noise (deliveries, reminders, alert counts) stays out. */
export const STATUS_DOC_KINDS: ReadonlySet<string> = new Set([
  "incident.declared",
  "incident.status_changed",
  "note.added",
  "status_update.posted",
  "alert.attached",
  "escalation.started",
  "escalation.escalated",
  "evidence.added",
]);

/** Formats instants in one IANA time zone: "2026-04-18 13:23 UTC", "14:23", and the zone's short name. */
export class ZonedFormat {
  readonly #parts: Intl.DateTimeFormat;
  readonly #zoneNames: Intl.DateTimeFormat[];
  constructor(readonly timeZone: string) {
    this.#parts = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    // Short zone names differ by locale: en-US knows EDT/PST, en-GB knows CET/BST; either falls back to GMT±n.
    this.#zoneNames = ["en-US", "en-GB"].map(
      (locale) => new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: "short" }),
    );
  }
  #zone(at: Date): string {
    if (this.timeZone === "UTC" || this.timeZone === "Etc/UTC") return "UTC";
    const names = this.#zoneNames.map(
      (f) => f.formatToParts(at).find((p) => p.type === "timeZoneName")?.value ?? "",
    );
    return names.find((n) => n && !n.startsWith("GMT")) ?? names[0] ?? this.timeZone;
  }
  #fields(at: Date) {
    const p = Object.fromEntries(this.#parts.formatToParts(at).map((x) => [x.type, x.value]));
    return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
  }
  /** "2026-04-18 13:23 UTC" */
  dateTime(at: Date): string {
    const f = this.#fields(at);
    return `${f.date} ${f.time} ${this.#zone(at)}`;
  }
  /** "13:23", or "2026-04-19 09:00" when the day differs from `sameDayAs`. */
  time(at: Date, sameDayAs: Date): string {
    const f = this.#fields(at);
    return f.date === this.#fields(sameDayAs).date ? f.time : `${f.date} ${f.time}`;
  }
}

/** True when `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const oneLine = (text: string): string => text.replace(/\s+/g, " ").trim();
const orElse = (text: string | null, fallback: string): string => (text?.trim() ? text.trim() : fallback);
/** One line without a closing full stop, for text the templates put inside a sentence. */
const clause = (text: string): string => oneLine(text).replace(/\.+$/, "");

function minutesText(minutes: number): string {
  if (minutes % 1440 === 0) return minutes === 1440 ? "24 hours" : `${minutes / 1440} days`;
  if (minutes % 60 === 0) return minutes === 60 ? "1 hour" : `${minutes / 60} hours`;
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}

const ACTION_BY_STATUS: Record<IncidentStatus, string> = {
  triggered: "Paging responders",
  acknowledged: "Investigating the cause",
  investigating: "Investigating the cause",
  mitigating: "Applying a fix",
  resolved: "Monitoring after the fix",
  postmortem: "Writing the postmortem",
};

/**
 * The public status the incident stands at: the latest external update's, unless the lifecycle has moved
 * past it (resolved), else the one its lifecycle status implies.
 */
export function currentPublicStatus(facts: Pick<TemplateFacts, "updates" | "status">): PublicStatus {
  const implied = defaultPublicStatus(facts.status);
  if (implied === "resolved") return implied;
  const lastPublic = facts.updates.filter((u) => u.visibility === "external").at(-1);
  return (lastPublic?.status as PublicStatus | undefined) ?? implied;
}

function statusWord(status: IncidentStatus, publicStatus: PublicStatus): string {
  if (status === "resolved" || status === "postmortem") return "Resolved";
  if (status === "mitigating") return "Mitigating";
  return publicStatus === "identified" ? "Identified" : "Investigating";
}

/** A status-doc timeline: newest first, "- HH:MM — what"; a note is shown in its author's words. */
export function statusDocTimeline(facts: TemplateFacts, zone: ZonedFormat): string {
  const lines = facts.events
    .filter((e) => STATUS_DOC_KINDS.has(e.kind))
    .map((e) => {
      const what = e.kind === "note.added" ? String(e.data.text ?? "") : describeEvent(e);
      return `- ${zone.time(e.at, facts.createdAt)} — ${oneLine(what)}`;
    });
  return lines.reverse().join("\n") || "- (nothing yet)";
}

/** The value of every placeholder for one incident, at `now`, with times in `timeZone`. */
export function buildTemplateValues(
  facts: TemplateFacts,
  policy: SeverityPolicy,
  now: Date,
  timeZone = "UTC",
): Map<Placeholder, string> {
  const zone = new ZonedFormat(timeZone);
  const level = policy[facts.severity];
  const lastUpdate = facts.updates.at(-1);
  const publicStatus = currentPublicStatus(facts);
  const lastNote = facts.events.filter((e) => e.kind === "note.added").at(-1);
  const resolved = facts.resolvedAt !== null;
  const statusUpper = facts.status.toUpperCase();
  // Seed 004's "INVESTIGATING — @jens rolling out…": an update that already starts with the status is not
  // prefixed with it a second time.
  const updateText = lastUpdate ? oneLine(lastUpdate.message) : "";
  const withoutStatus = updateText.replace(new RegExp(`^${statusUpper}\\s*[—–:-]\\s*`, "i"), "");
  const commander = facts.roles.commander;
  const nextFrom = lastUpdate?.createdAt ?? facts.createdAt;
  const values: Record<Placeholder, string> = {
    id: facts.id,
    title: oneLine(facts.title),
    description: orElse(facts.description, "No description yet."),
    severity: facts.severity,
    severity_label: facts.severityLabel,
    severity_meaning: level.meaning,
    status: facts.status,
    status_upper: statusUpper,
    status_word: statusWord(facts.status, publicStatus),
    public_status: publicStatus.charAt(0).toUpperCase() + publicStatus.slice(1),
    commander: commander ?? "unassigned",
    communications_lead: facts.roles.communicationsLead ?? "unassigned",
    scribe: facts.roles.scribe ?? "unassigned",
    responders: facts.roles.responders.join(", ") || "none",
    services: facts.services.join(", ") || "no service named yet",
    impact: orElse(facts.impact, orElse(facts.description, "Being assessed")),
    root_cause: facts.rootCause.trim() ? clause(facts.rootCause) : "still under investigation",
    cause: facts.rootCause.trim() ? `Known — ${clause(facts.rootCause)}` : "Under investigation",
    resolution: orElse(facts.resolution, "not recorded yet"),
    findings: facts.rootCause.trim()
      ? clause(facts.rootCause)
      : lastNote
        ? clause(String(lastNote.data.text ?? ""))
        : "Under investigation",
    current_action: withoutStatus || ACTION_BY_STATUS[facts.status],
    current_status: `${statusUpper} — ${withoutStatus || (resolved && facts.resolution.trim() ? oneLine(facts.resolution) : commander ? `@${commander} leading` : "no commander yet")}`,
    latest_update: updateText || "No update posted yet",
    service_state: resolved ? "recovered" : facts.severity === "SEV1" ? "down" : "degraded",
    declared_at: zone.dateTime(facts.createdAt),
    resolved_at: facts.resolvedAt ? zone.dateTime(facts.resolvedAt) : "not resolved",
    now: zone.dateTime(now),
    duration: formatDuration((facts.resolvedAt ?? now).getTime() - facts.createdAt.getTime()),
    update_every: minutesText(level.updateEveryMinutes),
    next_update: resolved
      ? "none: resolved"
      : zone.dateTime(new Date(nextFrom.getTime() + level.updateEveryMinutes * MINUTE)),
    timeline: statusDocTimeline(facts, zone),
    time_zone: zone.timeZone,
    link: facts.link ?? "",
  };
  return new Map(Object.entries(values) as [Placeholder, string][]);
}
