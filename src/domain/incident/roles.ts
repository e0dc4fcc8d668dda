/**
 * Response roles (seed 003's response teams; seed 001's incident commander). The commander is the
 * incident's assignee in seed 002's vocabulary. Single-holder roles have at most one person; a new
 * assignment replaces the holder. Responders are a set.
 */
export const INCIDENT_ROLES = ["commander", "communications_lead", "scribe", "responder"] as const;
export type IncidentRole = (typeof INCIDENT_ROLES)[number];

export const SINGLE_HOLDER_ROLES: readonly IncidentRole[] = ["commander", "communications_lead", "scribe"];

export function isSingleHolderRole(role: IncidentRole): boolean {
  return SINGLE_HOLDER_ROLES.includes(role);
}

/** Accepts the canonical names and common spellings ("ic", "incident-commander", "comms", "comms-lead"). */
export function parseRole(text: string): IncidentRole | undefined {
  const t = text
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
  const aliases: Record<string, IncidentRole> = {
    commander: "commander",
    ic: "commander",
    incident_commander: "commander",
    assignee: "commander",
    communications_lead: "communications_lead",
    communications: "communications_lead",
    comms: "communications_lead",
    comms_lead: "communications_lead",
    scribe: "scribe",
    responder: "responder",
    responders: "responder",
  };
  return aliases[t];
}

/** A person is named by a handle: letters, digits, dot, dash, underscore, optional leading @. */
export function normalizeHandle(text: string): string | undefined {
  const t = text.trim().replace(/^@/, "");
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(t) ? t : undefined;
}
