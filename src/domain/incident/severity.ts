/** Canonical severity levels, most severe first. */
export const SEVERITIES = ["SEV1", "SEV2", "SEV3", "SEV4"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The word aliases of seed 002's API, in the same order as SEVERITIES. */
export const SEVERITY_WORDS = ["critical", "high", "medium", "low"] as const;
export type SeverityWord = (typeof SEVERITY_WORDS)[number];

/**
 * Which priority labels mean which severity. `p1-p4` (seed 001, the default): P1 = SEV1 … P4 = SEV4.
 * `p0-p3` (seed 003): P0 = SEV1 … P3 = SEV4.
 */
export const PRIORITY_SCHEMES = ["p1-p4", "p0-p3"] as const;
export type PriorityScheme = (typeof PRIORITY_SCHEMES)[number];

export type ParsedSeverity = { ok: true; severity: Severity } | { ok: false; accepted: string[] };

/** Every spelling parseSeverity accepts under a scheme, for error messages and docs. */
export function acceptedSeverityNames(scheme: PriorityScheme): string[] {
  const offset = scheme === "p1-p4" ? 1 : 0;
  return [...SEVERITIES, ...SEVERITY_WORDS, ...SEVERITIES.map((_, i) => `P${i + offset}`)];
}

/**
 * Reads a severity in any accepted spelling: SEV1..SEV4 (also "sev-1", "Sev 1"), critical|high|medium|low,
 * or P-levels under the configured scheme. Case-insensitive.
 */
export function parseSeverity(input: string, scheme: PriorityScheme = "p1-p4"): ParsedSeverity {
  const text = input
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, "");
  const sev = /^sev([1-4])$/.exec(text);
  if (sev) return { ok: true, severity: SEVERITIES[Number(sev[1]) - 1] as Severity };
  const word = SEVERITY_WORDS.indexOf(text as SeverityWord);
  if (word >= 0) return { ok: true, severity: SEVERITIES[word] as Severity };
  const p = /^p([0-4])$/.exec(text);
  if (p) {
    const index = Number(p[1]) - (scheme === "p1-p4" ? 1 : 0);
    const severity = SEVERITIES[index];
    if (severity) return { ok: true, severity };
  }
  return { ok: false, accepted: acceptedSeverityNames(scheme) };
}

/** The seed-002 word for a severity ("critical" for SEV1). */
export function severityWord(severity: Severity): SeverityWord {
  return SEVERITY_WORDS[SEVERITIES.indexOf(severity)] as SeverityWord;
}

/** Rank for sorting: 1 for SEV1 (most severe) … 4 for SEV4. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity) + 1;
}

/** What one severity level means and what it obliges the responders to do. Durations in minutes. */
export interface SeverityLevelPolicy {
  meaning: string;
  ackWithinMinutes: number;
  updateEveryMinutes: number;
  whoIsTold: string;
  /** Whether an incident of this level pages people by its service's escalation policy (else chat only). */
  pages: boolean;
  postmortem: "required" | "lightweight" | "none";
  postmortemDueHours: number | null;
  escalateIfUnresolvedMinutes: number | null;
}

export type SeverityPolicy = Record<Severity, SeverityLevelPolicy>;

/** SPEC §1's default policy table. Every value can be overridden in foghorn.config.yaml. */
export const DEFAULT_SEVERITY_POLICY: SeverityPolicy = {
  SEV1: {
    meaning: "Complete outage, data loss, security breach",
    ackWithinMinutes: 5,
    updateEveryMinutes: 15,
    whoIsTold: "Page on-call + manager, notify leadership",
    pages: true,
    postmortem: "required",
    postmortemDueHours: 48,
    escalateIfUnresolvedMinutes: 30,
  },
  SEV2: {
    meaning: "Major degradation, core feature broken",
    ackWithinMinutes: 15,
    updateEveryMinutes: 30,
    whoIsTold: "Page on-call, notify manager",
    pages: true,
    postmortem: "required",
    postmortemDueHours: 48,
    escalateIfUnresolvedMinutes: 120,
  },
  SEV3: {
    meaning: "Partial degradation, workaround exists",
    ackWithinMinutes: 60,
    updateEveryMinutes: 120,
    whoIsTold: "Notify team channel",
    pages: false,
    postmortem: "lightweight",
    postmortemDueHours: null,
    escalateIfUnresolvedMinutes: null,
  },
  SEV4: {
    meaning: "Minor, few users",
    ackWithinMinutes: 240,
    updateEveryMinutes: 1440,
    whoIsTold: "Ticket only",
    pages: false,
    postmortem: "none",
    postmortemDueHours: null,
    escalateIfUnresolvedMinutes: null,
  },
};
