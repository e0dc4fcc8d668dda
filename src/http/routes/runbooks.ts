import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Prober } from "#app/alerts/health-checks.ts";
import { checkAffectedServices } from "#app/incidents/check-services.ts";
import {
  getRunbook,
  getRunbookTemplate,
  getRunbookVersion,
  listIncidentRunbooks,
  listRunbooks,
  listRunbookVersions,
} from "#app/runbooks/get.ts";
import { ImportRunbooksInput, importRunbooks } from "#app/runbooks/import.ts";
import {
  RestoreRunbookInput,
  restoreRunbookVersion,
  SaveRunbookInput,
  saveRunbook,
} from "#app/runbooks/save.ts";
import type { ApiRegistry } from "../openapi.ts";

const param = (req: FastifyRequest, name: string) => (req.params as Record<string, string>)[name] ?? "";

/** Runbooks per service (seed 001's format, versioned) and the incident's "check affected services" action. */
export function registerRunbookRoutes(app: FastifyInstance, api: ApiRegistry, prober?: Prober): void {
  const tag = "Runbooks";
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/runbooks",
      access: "read",
      tag,
      summary: "List runbooks: service, title, version and when each was last saved",
      success: 200,
      responseDescription: "Every runbook, by service name",
    },
    (_req, ctx) => listRunbooks(ctx),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/runbooks/import",
      access: "manage",
      tag,
      summary: "Import runbook files named <service>-runbook.md",
      description:
        "Creates each service on first use and saves a new version when the text changed; other files are skipped with a reason. One transaction; dry_run reports without saving.",
      body: ImportRunbooksInput,
      success: 200,
      responseDescription:
        "Per file: created, updated, unchanged or skipped (with reason) and format warnings",
    },
    (req, ctx) => importRunbooks(ctx, req.body),
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/runbooks/template",
      access: "read",
      tag,
      summary: "A starter runbook in seed 001's format for a service",
      query: z.object({ service: z.string() }),
      success: 200,
      responseDescription: "title and body of the starter text",
    },
    async (req, ctx) => getRunbookTemplate(ctx, req.query),
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/services/:name/runbook",
      access: "read",
      tag,
      summary: "Get a service's current runbook with its format warnings",
      success: 200,
      responseDescription: "The runbook; 404 when the service has none yet",
    },
    (req, ctx) => getRunbook(ctx, param(req, "name")),
  );
  api.add(
    app,
    {
      method: "PUT",
      url: "/api/v1/services/:name/runbook",
      access: "manage",
      tag,
      summary: "Save a service's runbook as a new version",
      description:
        "The previous text stays in the history. With expected_version, a save on top of a newer version answers 409. Missing sections are warnings, not errors.",
      body: SaveRunbookInput,
      success: 200,
      responseDescription: "The runbook after the save, with outcome created, updated or unchanged",
    },
    (req, ctx) => saveRunbook(ctx, param(req, "name"), req.body),
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/services/:name/runbook/versions",
      access: "read",
      tag,
      summary: "List every saved version of a service's runbook, newest first",
      success: 200,
      responseDescription: "The versions (without their text)",
    },
    (req, ctx) => listRunbookVersions(ctx, param(req, "name")),
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/services/:name/runbook/versions/:version",
      access: "read",
      tag,
      summary: "Get one saved version of a service's runbook with its text",
      success: 200,
      responseDescription: "The version",
    },
    (req, ctx) => getRunbookVersion(ctx, param(req, "name"), param(req, "version")),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/services/:name/runbook/restore",
      access: "manage",
      tag,
      summary: "Make an old version's text current again (saved as a new version)",
      body: RestoreRunbookInput,
      success: 200,
      responseDescription: "The runbook after the restore",
    },
    (req, ctx) => restoreRunbookVersion(ctx, param(req, "name"), req.body),
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/incidents/:id/runbooks",
      access: "read",
      tag: "Incidents",
      summary: "The runbooks of an incident's affected services",
      success: 200,
      responseDescription: "One entry per affected service; runbook is null for a service without one",
    },
    (req, ctx) => listIncidentRunbooks(ctx, param(req, "id")),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/incidents/:id/check-services",
      access: "respond",
      tag: "Incidents",
      summary: "Run the health checks of every affected service now and attach the results as evidence",
      description:
        'All checks run at once; each result becomes health_check evidence with an evidence.added timeline event. A service without checks is reported with note "no health checks configured".',
      success: 200,
      responseDescription: "The results per service",
    },
    (req, ctx) => checkAffectedServices(ctx, param(req, "id"), prober),
  );
}
