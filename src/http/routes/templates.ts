import type { FastifyInstance, FastifyRequest } from "fastify";
import { listIncidentTemplates, renderIncidentTemplate } from "#app/incidents/templates.ts";
import type { ApiRegistry } from "../openapi.ts";

type Params = { id: string; name: string };
const params = (req: FastifyRequest) => req.params as Params;

/** Communication templates of an incident (docs/communication.md). */
export function registerTemplateRoutes(app: FastifyInstance, api: ApiRegistry): void {
  const tag = "Communication";
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/incidents/:id/templates",
      access: "read",
      tag,
      summary: "Every communication template rendered from the incident's live data",
      description:
        "incident-declared, incident-update, the status-page texts, executive-brief and status-doc; each with " +
        "its text and, for status-page texts, the public status and visibility to post it with.",
      success: 200,
      responseDescription: "The rendered templates",
    },
    (req, ctx) => listIncidentTemplates(ctx, params(req).id),
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/incidents/:id/templates/:name",
      access: "read",
      tag,
      summary: "One communication template rendered from the incident's live data",
      description: "404 naming the known templates when the name is not one of them.",
      success: 200,
      responseDescription: "The rendered template",
    },
    (req, ctx) => renderIncidentTemplate(ctx, params(req).id, params(req).name),
  );
}
