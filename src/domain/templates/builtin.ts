import type { PublicStatus } from "../incident/status.ts";

// The built-in communication templates (seeds 001, 003, 004). Installations may replace any text in
// foghorn.config.yaml (`templates.<name>`); the names, titles and suggested statuses stay.

export const TEMPLATE_NAMES = [
  "incident-declared",
  "incident-update",
  "status-investigating",
  "status-identified",
  "status-monitoring",
  "status-resolved",
  "status-page-update",
  "executive-brief",
  "status-doc",
] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

export function isTemplateName(name: string): name is TemplateName {
  return (TEMPLATE_NAMES as readonly string[]).includes(name);
}

export interface TemplateDefinition {
  name: TemplateName;
  title: string;
  description: string;
  /** Who it is for: responders and stakeholders (internal) or the public status page (external). */
  audience: "internal" | "external";
  /**
   * The public status a status-page template announces; "current" means the incident's own (the seed 003
   * block); absent for internal texts.
   */
  publicStatus?: PublicStatus | "current";
  /** Meant for this severity (the executive brief: SEV1); rendered for any. */
  intendedFor?: string;
  text: string;
}

export const BUILTIN_TEMPLATES: Readonly<Record<TemplateName, TemplateDefinition>> = {
  "incident-declared": {
    name: "incident-declared",
    title: "Incident declared",
    description: "Seed 001's initial IC message for the incident channel.",
    audience: "internal",
    text: [
      "INCIDENT DECLARED: {{title}}",
      "Severity: {{severity}}",
      "Commander: {{commander}}",
      "Start time: {{declared_at}}",
      "Impact: {{impact}}",
      "Status: Investigating",
      "Next update: {{next_update}}",
    ].join("\n"),
  },
  "incident-update": {
    name: "incident-update",
    title: "Incident update",
    description: "Seed 001's IC update, posted at the severity's cadence.",
    audience: "internal",
    text: [
      "INCIDENT UPDATE: {{title}}",
      "Severity: {{severity}}",
      "Duration: {{duration}}",
      "Status: {{status_word}}",
      "Current findings: {{findings}}",
      "Actions in progress: {{current_action}}",
      "Next update: {{next_update}}",
    ].join("\n"),
  },
  "status-investigating": {
    name: "status-investigating",
    title: "Status page: investigating",
    description: "Seed 001's public update while the cause is unknown.",
    audience: "external",
    publicStatus: "investigating",
    text: [
      "We are investigating reports of {{title}}.",
      "Users may experience: {{impact}}",
      "We will provide an update within {{update_every}}.",
    ].join("\n"),
  },
  "status-identified": {
    name: "status-identified",
    title: "Status page: identified",
    description: "Seed 001's public update once the cause is known.",
    audience: "external",
    publicStatus: "identified",
    text: [
      "The issue has been identified: {{findings}}.",
      "We are working on a fix. Estimated resolution: not yet known; next update by {{next_update}}.",
    ].join("\n"),
  },
  "status-monitoring": {
    name: "status-monitoring",
    title: "Status page: monitoring",
    description: "Seed 003's monitoring stage: a fix is in place and being watched.",
    audience: "external",
    publicStatus: "monitoring",
    text: [
      "A fix has been implemented for the issue affecting {{services}}.",
      "We are monitoring the results and will provide an update within {{update_every}}.",
    ].join("\n"),
  },
  "status-resolved": {
    name: "status-resolved",
    title: "Status page: resolved",
    description: "Seed 001's public all-clear.",
    audience: "external",
    publicStatus: "resolved",
    text: [
      "The issue affecting {{services}} has been resolved.",
      "The root cause was {{root_cause}}.",
      "We apologize for the disruption and will publish a detailed post-mortem.",
    ].join("\n"),
  },
  "status-page-update": {
    name: "status-page-update",
    title: "Status page update (block)",
    description: "Seed 003's Support Responder block with the incident's current public status.",
    audience: "external",
    publicStatus: "current",
    text: [
      "{{now}} — {{services}} Incident",
      "",
      "Status: {{public_status}}",
      "Impact: {{impact}}",
      "Current action: {{current_action}}",
      "Next update: {{next_update}}",
    ].join("\n"),
  },
  "executive-brief": {
    name: "executive-brief",
    title: "Executive brief",
    description: "Seed 003's stakeholder brief, meant for SEV1 incidents.",
    audience: "internal",
    intendedFor: "SEV1",
    text: [
      "INCIDENT BRIEF — {{now}}",
      "",
      "SITUATION: {{services}} {{service_state}} ({{severity}}: {{severity_meaning}})",
      "CAUSE: {{cause}}",
      "ACTION: {{current_action}}",
      "IMPACT: {{impact}}",
      "NEXT UPDATE: {{next_update}}",
    ].join("\n"),
  },
  "status-doc": {
    name: "status-doc",
    title: "Status doc",
    description:
      "Seed 004's status doc (markdown) for SEV1/SEV2: what's happening, impact, status, timeline.",
    audience: "internal",
    text: [
      "# [{{severity}}] {{title}} — {{declared_at}}",
      "## What's happening",
      "{{description}}",
      "## Impact",
      "{{impact}}",
      "## Current status",
      "{{current_status}}",
      "## Timeline (newest first)",
      "{{timeline}}",
    ].join("\n"),
  },
};

/** The templates in force: the built-in ones with the installation's texts where it gave one. */
export function templatesWithOverrides(
  overrides: Partial<Record<TemplateName, string>> = {},
): TemplateDefinition[] {
  return TEMPLATE_NAMES.map((name) => {
    const own = overrides[name];
    return own === undefined ? BUILTIN_TEMPLATES[name] : { ...BUILTIN_TEMPLATES[name], text: own };
  });
}

/** An installation's template settings (foghorn.config.yaml `templates`), passed down as a value. */
export interface TemplateSettings {
  /** IANA time zone the templates show times in. */
  timeZone: string;
  overrides: Partial<Record<TemplateName, string>>;
}
