import type { ArgSpec, FlagSpec } from "../command.ts";

// Pieces every incident subcommand shares.

export const INCIDENT_ARG: ArgSpec = { name: "INCIDENT", description: "The incident id, e.g. INC-7 (or 7)" };

export const NOTE_FLAG: FlagSpec = {
  name: "note",
  type: "string",
  value: "TEXT",
  description: "A note recorded on the timeline with the change",
};

/** `/api/v1/incidents/INC-7` plus an optional sub-path. */
export function incidentPath(ref: string, sub = ""): string {
  return `/api/v1/incidents/${encodeURIComponent(ref.trim())}${sub}`;
}

/** API field → CLI flag, so a refused field is named the way the user typed it. */
export const INCIDENT_FIELD_FLAGS: Record<string, string> = {
  title: "--title",
  description: "--description",
  severity: "--severity",
  affected_services: "--service",
  add_services: "--add-service",
  remove_services: "--remove-service",
  assignee: "--assignee",
  tags: "--tag",
  impact: "--impact",
  root_cause: "--root-cause",
  resolution: "--resolution",
  note: "--note",
};
