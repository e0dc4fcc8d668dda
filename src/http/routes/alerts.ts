import type { FastifyInstance, FastifyRequest } from "fastify";
import {
  CreateHealthCheckInput,
  createHealthCheck,
  healthCheckResults,
  removeHealthCheck,
} from "#app/alerts/health-checks.ts";
import {
  type ConfigValidator,
  CreateIntegrationInput,
  createIntegration,
  getIntegration,
  listAllIntegrations,
  removeIntegration,
  UpdateIntegrationInput,
  updateIntegrationSettings,
} from "#app/alerts/integrations.ts";
import {
  CreateMaintenanceInput,
  createMaintenanceWindow,
  removeMaintenanceWindow,
} from "#app/alerts/maintenance.ts";
import { getAlert, incidentAlerts, ListAlertsQuery, listAlerts } from "#app/alerts/queries.ts";
import {
  CreateServiceInput,
  createService,
  getService,
  listServicesWithHealth,
  UpdateServiceInput,
  updateServiceSettings,
} from "#app/alerts/services.ts";
import { alertEventView } from "#app/alerts/views.ts";
import { AppError } from "#app/errors.ts";
import { dryRun, GenericMapping } from "#integrations/generic/mapping.ts";
import type { ApiRegistry } from "../openapi.ts";

type P = Record<string, string>;
const params = (req: FastifyRequest) => req.params as P;

/** Checks a generic integration's mapping (the wire format belongs to integrations/generic). */
export const validateIntegrationConfig: ConfigValidator = (kind, config) => {
  if (kind !== "generic") return [];
  const r = GenericMapping.safeParse(config ?? {});
  return r.success ? [] : r.error.issues.map((i) => ({ field: i.path.join("."), message: i.message }));
};

/** Services, their integrations, health checks and maintenance windows, and alerts. */
export function registerAlertRoutes(app: FastifyInstance, api: ApiRegistry): void {
  const services = "Services";
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/services",
      access: "read",
      tag: services,
      summary: "List services with their health",
      success: 200,
      responseDescription: "{items}",
    },
    (_req, ctx) => listServicesWithHealth(ctx),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/services",
      access: "manage",
      tag: services,
      summary: "Create a service",
      description: "A service owns integrations (routing keys), health checks and maintenance windows.",
      body: CreateServiceInput,
      success: 201,
      responseDescription: "The service",
    },
    (req, ctx) => createService(ctx, req.body),
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/services/:name",
      access: "read",
      tag: services,
      summary: "A service: health, integrations, health checks, maintenance windows, recent change events",
      success: 200,
      responseDescription: "The service",
    },
    (req, ctx) => getService(ctx, params(req).name ?? ""),
  );
  api.add(
    app,
    {
      method: "PATCH",
      url: "/api/v1/services/:name",
      access: "manage",
      tag: services,
      summary: "Change a service's alert settings",
      body: UpdateServiceInput,
      success: 200,
      responseDescription: "The service",
    },
    (req, ctx) => updateServiceSettings(ctx, params(req).name ?? "", req.body),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/services/:name/integrations",
      access: "manage",
      tag: "Integrations",
      summary: "Add an integration to a service",
      description:
        "Answers the routing key and the URL to paste into the sender (Alertmanager, Grafana, anything speaking PagerDuty Events v2, a generic JSON webhook, or a heartbeat).",
      body: CreateIntegrationInput,
      success: 201,
      responseDescription: "The integration with routing_key and url",
    },
    (req, ctx) => createIntegration(ctx, params(req).name ?? "", req.body, validateIntegrationConfig),
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/integrations",
      access: "read",
      tag: "Integrations",
      summary: "List integrations (filter with service=NAME)",
      success: 200,
      responseDescription: "{items}",
    },
    (req, ctx) => listAllIntegrations(ctx, (req.query as P).service),
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/integrations/:id",
      access: "read",
      tag: "Integrations",
      summary: "An integration with its recent log (drops included)",
      success: 200,
      responseDescription: "The integration",
    },
    (req, ctx) => getIntegration(ctx, params(req).id ?? ""),
  );
  api.add(
    app,
    {
      method: "PATCH",
      url: "/api/v1/integrations/:id",
      access: "manage",
      tag: "Integrations",
      summary: "Rename an integration, change its settings or rate limit",
      body: UpdateIntegrationInput,
      success: 200,
      responseDescription: "The integration",
    },
    // The intake forgets the integration when the use case announces the change (main.ts).
    (req, ctx) => updateIntegrationSettings(ctx, params(req).id ?? "", req.body, validateIntegrationConfig),
  );
  api.add(
    app,
    {
      method: "DELETE",
      url: "/api/v1/integrations/:id",
      access: "manage",
      tag: "Integrations",
      summary: "Delete an integration; its routing key stops working at once",
      success: 204,
      responseDescription: "Deleted",
    },
    async (req, ctx) => {
      await removeIntegration(ctx, params(req).id ?? "");
      return null;
    },
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/integrations/:id/dry-run",
      access: "read",
      tag: "Integrations",
      summary: "Show what a sample body would become (generic integrations)",
      description:
        "Nothing is stored. Answers ok, the alert event it would become, what each selector matched, and errors.",
      success: 200,
      responseDescription: "{ok, event, matched, notes, errors}",
    },
    async (req, ctx) => {
      const integration = await getIntegration(ctx, params(req).id ?? "");
      if (integration.kind !== "generic")
        throw new AppError(
          "INVALID_INPUT",
          `Dry runs are for generic integrations; this one is ${integration.kind}`,
        );
      const mapping = GenericMapping.parse(integration.config);
      const run = dryRun(req.body, mapping);
      return run.result.ok
        ? { ok: true, event: alertEventView(run.result.value), matched: run.matched, notes: run.notes }
        : { ok: false, errors: run.result.errors, matched: run.matched, notes: run.notes };
    },
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/alerts",
      access: "read",
      tag: "Alerts",
      summary: "List alerts, newest first",
      description:
        "Filter by status (open = triggered or acknowledged), service, severity and incident; paginate with next_cursor.",
      query: ListAlertsQuery,
      success: 200,
      responseDescription: "{items, next_cursor}",
    },
    (req, ctx) => listAlerts(ctx, req.query),
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/alerts/:id",
      access: "read",
      tag: "Alerts",
      summary: "An alert (ALR-7) with its member alerts",
      success: 200,
      responseDescription: "The alert",
    },
    (req, ctx) => getAlert(ctx, params(req).id ?? ""),
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/incidents/:id/alerts",
      access: "read",
      tag: "Alerts",
      summary: "The alerts on an incident and its services' change events within ±1 h",
      success: 200,
      responseDescription: "{items, change_events}",
    },
    (req, ctx) => incidentAlerts(ctx, params(req).id ?? ""),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/services/:name/maintenance",
      access: "manage",
      tag: services,
      summary: "Schedule a maintenance window: alerts are recorded but open no incident and page no one",
      body: CreateMaintenanceInput,
      success: 201,
      responseDescription: "The window",
    },
    (req, ctx) => createMaintenanceWindow(ctx, params(req).name ?? "", req.body),
  );
  api.add(
    app,
    {
      method: "DELETE",
      url: "/api/v1/services/:name/maintenance/:windowId",
      access: "manage",
      tag: services,
      summary: "Cancel a maintenance window",
      success: 204,
      responseDescription: "Deleted",
    },
    async (req, ctx) => {
      await removeMaintenanceWindow(ctx, params(req).name ?? "", params(req).windowId ?? "");
      return null;
    },
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/services/:name/health-checks",
      access: "manage",
      tag: services,
      summary: "Add an HTTP health check to a service",
      description:
        "A failing check opens an alert after failure_threshold failures in a row; one pass resolves it.",
      body: CreateHealthCheckInput,
      success: 201,
      responseDescription: "The check",
    },
    (req, ctx) => createHealthCheck(ctx, params(req).name ?? "", req.body),
  );
  api.add(
    app,
    {
      method: "DELETE",
      url: "/api/v1/services/:name/health-checks/:check",
      access: "manage",
      tag: services,
      summary: "Remove a health check",
      success: 204,
      responseDescription: "Deleted",
    },
    async (req, ctx) => {
      await removeHealthCheck(ctx, params(req).name ?? "", params(req).check ?? "");
      return null;
    },
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/services/:name/health-checks/:check/results",
      access: "read",
      tag: services,
      summary: "A health check's recent results and latency",
      success: 200,
      responseDescription: "{items}",
    },
    (req, ctx) => healthCheckResults(ctx, params(req).name ?? "", params(req).check ?? ""),
  );
}
