// Contracts of the backlog flow (issue 7, seed 000): markdown incidents in a repository, their action
// items, and the GitHub issues filed from them. Pure types; the parser, renderer and rules live beside.

import type { ActionItemPriority } from "../incident/action-item.ts";

/** A problem found while reading markdown: where, what was expected, and whether the rest went through. */
export interface ParseIssue {
  /** Path as given (relative to the working directory or the repository root). */
  file: string;
  /** 1-based line number; 0 when it is about the file as a whole. */
  line: number;
  /** What was wrong and what was expected, one sentence: `expected "- <action> — <Owner> — p:<high|medium|low>"`. */
  message: string;
  /** error: the line was skipped; warning: it went through with a default. */
  level: "error" | "warning";
}

/** `.scraut/sprint/001/incidents/2026-05-24-api-timeout/` as parsed from its path. */
export interface IncidentFolder {
  /** The folder path as given. */
  path: string;
  /** The sprint number as written ("001") and as a number (1). */
  sprint: { text: string; number: number };
  /** YYYY-MM-DD from the folder name. */
  date: string;
  /** "api-timeout" */
  slug: string;
}

/** incident.md (seed 000): `# Incident: <title> — <date>`, Severity/Duration/Impact, three sections. */
export interface MarkdownIncident {
  file: string;
  title: string;
  /** YYYY-MM-DD from the title line (else the folder's). */
  date: string;
  /** As written ("High"); the platform maps it with the severity aliases. */
  severity: string | null;
  duration: string | null;
  impact: string | null;
  /** Timeline bullets as written ("14:00 — Alert fired: …"). */
  timeline: string[];
  rootCause: string;
  resolution: string;
}

/** One bullet of action-items.md: `- <action> — <Owner> — p:<priority>` (owner and priority optional). */
export interface MarkdownActionItem {
  file: string;
  line: number;
  action: string;
  /** As written ("Bob"); null when the bullet names none. */
  owner: string | null;
  priority: ActionItemPriority;
  /** bug or task: from an explicit `type:bug|type:task` in the bullet, else inferred from the wording. */
  type: "bug" | "task";
  typeExplicit: boolean;
}

/** What an action item becomes on GitHub, before it is filed. */
export interface IssueDraft {
  /**
   * Stable identity of the action item, written into the body as a hidden HTML comment; a second run finds
   * it and files nothing. Markdown: `<incident folder>#<action slug>`; platform: `action-item:<uuid>`.
   */
  marker: string;
  title: string;
  body: string;
  labels: string[];
  assignees: string[];
}

/** A filed (or found) issue. */
export interface FiledIssue {
  number: number;
  url: string;
  state: "open" | "closed";
}

/**
 * The unit the backlog sync files: one action item, from markdown (action-items.md) or from the platform
 * (an incident's action item), with what its issue needs to say about the incident.
 */
export interface BacklogItem {
  /** See IssueDraft.marker. */
  marker: string;
  action: string;
  /** More about the action than its one line (a platform item's description); empty for markdown bullets. */
  details?: string;
  owner: string | null;
  priority: ActionItemPriority;
  type: "bug" | "task";
  incident: {
    title: string;
    /** YYYY-MM-DD */
    date: string;
    /** The incident file's path in the repository, or the incident's URL in Foghorn. */
    reference: string;
    rootCause: string;
    impact: string | null;
  };
  /** The sprint label's number (the sprint after the incident's folder); null: no sprint label. */
  nextSprint: number | null;
  /** Zero-padding of the sprint label, as the folder writes its sprint ("001" → 3: `sprint:002`); default 1. */
  sprintDigits?: number;
  /** Where the item was read (file and line) for messages; absent for platform items. */
  source?: { file: string; line: number };
}

/** An action item expanded into an issue: by the AI model when configured, else a deterministic template. */
export interface EnrichedItem {
  title: string;
  description: string;
  acceptanceCriteria: string[];
  by: "ai" | "template";
  /** Why the template was used although a model is configured (timeout, bad answer), for the progress line. */
  fallbackReason?: string;
}
