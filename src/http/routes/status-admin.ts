import type { FastifyInstance, FastifyRequest } from "fastify";
import {
  CreateComponentInput,
  createComponent,
  deleteComponent,
  getComponent,
  listComponents,
  SetComponentStatusInput,
  setComponentStatus,
  UpdateComponentInput,
  updateComponent,
} from "#app/status-page/components.ts";
import {
  CreateMaintenanceInput,
  cancelMaintenance,
  createMaintenance,
  editMaintenance,
  getMaintenance,
  ListMaintenancesQuery,
  listMaintenances,
  PostMaintenanceUpdateInput,
  postMaintenanceUpdate,
  UpdateMaintenanceInput,
} from "#app/status-page/maintenances.ts";
import {
  getStatusPageSettings,
  UpdateStatusSettingsInput,
  updateStatusPageSettings,
} from "#app/status-page/settings.ts";
import type { ApiRegistry } from "../openapi.ts";

const param = (req: FastifyRequest, name: string) => (req.params as Record<string, string>)[name] ?? "";

/** The status page's configuration (docs/status-page.md): settings, components and groups, maintenance. */
export function registerStatusAdminRoutes(app: FastifyInstance, api: ApiRegistry): void {
  const tag = "Status page";
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/status-page/settings",
      access: "read",
      tag,
      summary: "The status page's settings",
      success: 200,
      responseDescription: "Settings, with effective_url (where the page is)",
    },
    async (_req, ctx) => getStatusPageSettings(ctx),
  );
  api.add(
    app,
    {
      method: "PATCH",
      url: "/api/v1/status-page/settings",
      access: "manage",
      tag,
      summary: "Change any of the status page's settings",
      description:
        "Name, public URL, logo, brand colour (#rrggbb), time zone (IANA), custom domain (a bare host name whose `/` serves the page), footer links, whether responders are named, and the status each incident severity gives its services' components. Every invalid field is listed.",
      body: UpdateStatusSettingsInput,
      success: 200,
      responseDescription: "The settings after the change",
    },
    (req, ctx) => updateStatusPageSettings(ctx, req.body),
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/status-page/components",
      access: "read",
      tag,
      summary: "List the status page's components and groups in display order, with their status now",
      success: 200,
      responseDescription: "{components}: groups, each followed by its components",
    },
    (_req, ctx) => listComponents(ctx),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/status-page/components",
      access: "manage",
      tag,
      summary: "Add a component (or, with is_group, a group) to the status page",
      description:
        "services names the services it stands for: an open incident on one of them sets its status (by severity, see the settings). Names are unique ignoring case (409).",
      body: CreateComponentInput,
      success: 201,
      responseDescription: "The component",
    },
    (req, ctx) => createComponent(ctx, req.body),
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/status-page/components/:id",
      access: "read",
      tag,
      summary: "One component or group, by id or name",
      success: 200,
      responseDescription: "The component",
    },
    (req, ctx) => getComponent(ctx, param(req, "id")),
  );
  api.add(
    app,
    {
      method: "PATCH",
      url: "/api/v1/status-page/components/:id",
      access: "manage",
      tag,
      summary: "Change a component or group (name, description, group, position, services …)",
      description: "services, when given, replaces the linked services.",
      body: UpdateComponentInput,
      success: 200,
      responseDescription: "The component after the change",
    },
    (req, ctx) => updateComponent(ctx, param(req, "id"), req.body),
  );
  api.add(
    app,
    {
      method: "DELETE",
      url: "/api/v1/status-page/components/:id",
      access: "manage",
      tag,
      summary: "Remove a component or group (a group's components move to the top level)",
      success: 204,
      responseDescription: "Removed",
    },
    async (req, ctx) => {
      await deleteComponent(ctx, param(req, "id"));
      return null;
    },
  );
  api.add(
    app,
    {
      method: "PUT",
      url: "/api/v1/status-page/components/:id/status",
      access: "respond",
      tag,
      summary: "Set a component's status by hand, or clear it (null)",
      description:
        "A hand-set status wins over what incidents and maintenance say until it is cleared; each change is logged for the uptime history.",
      body: SetComponentStatusInput,
      success: 200,
      responseDescription: "The component with its status now",
    },
    (req, ctx) => setComponentStatus(ctx, param(req, "id"), req.body),
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/status-page/maintenances",
      access: "read",
      tag,
      summary: "List scheduled maintenance: upcoming, active, past or all",
      query: ListMaintenancesQuery,
      success: 200,
      responseDescription: "{maintenances}: upcoming and active soonest first, the others newest first",
    },
    (req, ctx) => listMaintenances(ctx, req.query),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/status-page/maintenances",
      access: "manage",
      tag,
      summary: "Schedule a maintenance",
      description:
        'Times are ISO 8601 instants or local times ("2026-12-24T22:00") read in time_zone (default: the page\'s). It goes in progress at scheduled_for and completes at scheduled_until by itself; subscribers are told when it is scheduled (notify), 60 minutes before (remind_prior), when it starts and when it completes.',
      body: CreateMaintenanceInput,
      success: 201,
      responseDescription: "The maintenance",
    },
    (req, ctx) => createMaintenance(ctx, req.body),
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/status-page/maintenances/:id",
      access: "read",
      tag,
      summary: "One maintenance with its updates, newest first",
      success: 200,
      responseDescription: "The maintenance",
    },
    (req, ctx) => getMaintenance(ctx, param(req, "id")),
  );
  api.add(
    app,
    {
      method: "PATCH",
      url: "/api/v1/status-page/maintenances/:id",
      access: "manage",
      tag,
      summary: "Change a maintenance: title, text, times, components, reminder",
      description:
        "Before it starts both times may move (the reminder is due again before the new start); once started only scheduled_until; once completed neither (409).",
      body: UpdateMaintenanceInput,
      success: 200,
      responseDescription: "The maintenance after the change",
    },
    (req, ctx) => editMaintenance(ctx, param(req, "id"), req.body),
  );
  api.add(
    app,
    {
      method: "DELETE",
      url: "/api/v1/status-page/maintenances/:id",
      access: "manage",
      tag,
      summary: "Cancel a maintenance (it disappears from the page)",
      success: 204,
      responseDescription: "Cancelled",
    },
    async (req, ctx) => {
      await cancelMaintenance(ctx, param(req, "id"));
      return null;
    },
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/status-page/maintenances/:id/updates",
      access: "respond",
      tag,
      summary: "Post an update on a maintenance (optionally setting its status by hand)",
      description:
        "status verifying holds it open past its end until completed; completed ends it early; in_progress starts it early. Subscribers are told.",
      body: PostMaintenanceUpdateInput,
      success: 201,
      responseDescription: "The maintenance with the new update first",
    },
    (req, ctx) => postMaintenanceUpdate(ctx, param(req, "id"), req.body),
  );
}
