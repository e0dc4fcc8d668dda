import { formatHumanId } from "#domain/incident/human-id.ts";
import { type Severity, severityWord } from "#domain/incident/severity.ts";
import type { IncidentStatus, PublicStatus } from "#domain/incident/status.ts";
import {
  isTemplateName,
  TEMPLATE_NAMES,
  type TemplateDefinition,
  templatesWithOverrides,
} from "#domain/templates/builtin.ts";
import {
  buildTemplateValues,
  currentPublicStatus,
  type TemplateFacts,
} from "#domain/templates/placeholders.ts";
import { renderTemplate } from "#domain/templates/render.ts";
import { type IncidentRow, listIncidentRoles, listIncidentServiceNames } from "#store/incidents.ts";
import { listStatusUpdates } from "#store/records.ts";
import { listTimelineEvents } from "#store/timeline.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { loadIncident } from "./internal.ts";
import { rolesView } from "./views.ts";

// Communication templates rendered from an incident's live data (docs/communication.md).

async function templateFacts(ctx: AppContext, row: IncidentRow): Promise<TemplateFacts> {
  const [services, roles, updates, events] = await Promise.all([
    listIncidentServiceNames(ctx.db, row.id),
    listIncidentRoles(ctx.db, row.id),
    listStatusUpdates(ctx.db, row.id),
    listTimelineEvents(ctx.db, row.id),
  ]);
  const r = rolesView(roles);
  const id = formatHumanId(row.number);
  const severity = row.severity as Severity;
  return {
    id,
    title: row.title,
    description: row.description,
    severity,
    severityLabel: severityWord(severity),
    status: row.status as IncidentStatus,
    impact: row.impact,
    rootCause: row.rootCause,
    resolution: row.resolution,
    createdAt: row.createdAt,
    resolvedAt: row.resolvedAt,
    roles: {
      commander: r.commander ?? row.commander,
      communicationsLead: r.communications_lead,
      scribe: r.scribe,
      responders: r.responders,
    },
    services: services.map((s) => s.name),
    updates,
    events: events.map((e) => ({ kind: e.kind, data: e.data, at: e.at })),
    link: ctx.publicUrl ? `${ctx.publicUrl}/incidents/${id}` : undefined,
  };
}

function templateView(def: TemplateDefinition, text: string, current: PublicStatus, customized: boolean) {
  const external = def.audience === "external";
  return {
    name: def.name,
    title: def.title,
    description: def.description,
    audience: def.audience,
    intended_for: def.intendedFor ?? null,
    customized,
    /** What "post as status update" should use: the public status and visibility the text is written for. */
    suggested_update: {
      status: def.publicStatus === "current" ? current : (def.publicStatus ?? null),
      visibility: external ? ("external" as const) : ("internal" as const),
    },
    text,
  };
}
export type TemplateView = ReturnType<typeof templateView>;

async function renderAll(ctx: AppContext, ref: string) {
  const row = await loadIncident(ctx.db, ref, ctx.actor);
  const facts = await templateFacts(ctx, row);
  const settings = ctx.templates ?? { timeZone: "UTC", overrides: {} };
  const values = buildTemplateValues(facts, ctx.policy.severities, ctx.clock.now(), settings.timeZone);
  const templates = templatesWithOverrides(settings.overrides).map((def) =>
    templateView(
      def,
      renderTemplate(def.text, values),
      currentPublicStatus(facts),
      settings.overrides[def.name] !== undefined,
    ),
  );
  return { incident_id: facts.id, time_zone: settings.timeZone, templates };
}

/** Every communication template rendered for the incident, in the order people use them. */
export async function listIncidentTemplates(ctx: AppContext, ref: string) {
  return renderAll(ctx, ref);
}

/** One communication template rendered for the incident; NOT_FOUND naming the templates for a bad name. */
export async function renderIncidentTemplate(ctx: AppContext, ref: string, name: string) {
  if (!isTemplateName(name)) {
    throw new AppError(
      "NOT_FOUND",
      `There is no template "${name}"; the templates are ${TEMPLATE_NAMES.join(", ")}`,
      [],
      { templates: TEMPLATE_NAMES },
    );
  }
  const all = await renderAll(ctx, ref);
  const template = all.templates.find((t) => t.name === name);
  if (!template) throw new Error(`template ${name} missing from the rendered list`);
  return { incident_id: all.incident_id, time_zone: all.time_zone, ...template };
}
