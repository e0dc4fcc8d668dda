import type { FastifyInstance, FastifyRequest } from "fastify";
import {
  CreateActionItemInput,
  completeActionItem,
  createActionItem,
  UpdateActionItemInput,
  updateActionItem,
} from "#app/incidents/action-items.ts";
import { AssignRoleInput, assignRole } from "#app/incidents/assign-role.ts";
import { ChangeStatusInput, changeIncidentStatus } from "#app/incidents/change-status.ts";
import { DeclareIncidentInput, declareIncident } from "#app/incidents/declare.ts";
import { getIncident, ListIncidentsQuery, listIncidents } from "#app/incidents/get.ts";
import {
  AddEvidenceInput,
  AddNoteInput,
  addEvidence,
  addNote,
  PostStatusUpdateInput,
  postStatusUpdate,
} from "#app/incidents/records.ts";
import { listSeverities } from "#app/incidents/severities.ts";
import { getTimeline, verifyTimeline } from "#app/incidents/timeline.ts";
import { UpdateIncidentInput, updateIncident } from "#app/incidents/update.ts";
import type { ApiRegistry } from "../openapi.ts";

type IdParams = { id: string };
type ItemParams = { id: string; itemId: string };
const id = (req: FastifyRequest) => (req.params as IdParams).id;

/** The incident resource: each route parses nothing itself, calls one verb, and shapes the reply. */
export function registerIncidentRoutes(app: FastifyInstance, api: ApiRegistry): void {
  const tag = "Incidents";
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/incidents",
      access: "respond",
      tag,
      summary: "Declare an incident",
      description:
        "Accepts seed 002's CreateIncidentRequest; answers 201 with the incident and a Location header.",
      body: DeclareIncidentInput,
      success: 201,
      responseDescription: "The new incident",
    },
    async (req, ctx, reply) => {
      const incident = await declareIncident(ctx, req.body);
      reply.header("location", `/api/v1/incidents/${incident.id}`);
      return incident;
    },
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/incidents",
      access: "read",
      tag,
      summary: "List incidents",
      description:
        "Sort with sort=<column> or sort=-<column>; filter by status (or open/closed), severity, service, assignee, created range, text, incident type (type=<name>) and custom field values (field.<key>=<value>, several AND-ed); paginate with limit and the next_cursor of the previous page.",
      query: ListIncidentsQuery,
      success: 200,
      responseDescription: "A page of incidents and next_cursor (null on the last page)",
    },
    (req, ctx) => listIncidents(ctx, req.query),
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/incidents/:id",
      access: "read",
      tag,
      summary: "Get an incident with its roles, services, evidence, status updates and action items",
      success: 200,
      responseDescription: "The incident",
    },
    (req, ctx) => getIncident(ctx, id(req)),
  );
  api.add(
    app,
    {
      method: "PATCH",
      url: "/api/v1/incidents/:id",
      access: "respond",
      tag,
      summary:
        "Update title, description, severity, tags, impact, root cause, resolution or affected services",
      body: UpdateIncidentInput,
      success: 200,
      responseDescription: "The updated incident",
    },
    (req, ctx) => updateIncident(ctx, id(req), req.body),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/incidents/:id/status",
      access: "respond",
      tag,
      summary: "Change the lifecycle status",
      description: "A refused move answers 409 with allowed_next_statuses.",
      body: ChangeStatusInput,
      success: 200,
      responseDescription: "The incident after the change",
    },
    (req, ctx) => changeIncidentStatus(ctx, id(req), req.body),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/incidents/:id/roles",
      access: "respond",
      tag,
      summary: "Assign (or remove) a response role: commander, communications_lead, scribe, responder",
      body: AssignRoleInput,
      success: 200,
      responseDescription: "The incident after the change",
    },
    (req, ctx) => assignRole(ctx, id(req), req.body),
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/incidents/:id/timeline",
      access: "read",
      tag: "Timeline",
      summary: "The append-only timeline, oldest first, with hash links",
      success: 200,
      responseDescription: "The timeline",
    },
    (req, ctx) => getTimeline(ctx, id(req)),
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/incidents/:id/timeline/verify",
      access: "read",
      tag: "Timeline",
      summary: "Verify the timeline's tamper-evident hash chain",
      success: 200,
      responseDescription: "ok, or where the chain breaks",
    },
    (req, ctx) => verifyTimeline(ctx, id(req)),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/incidents/:id/notes",
      access: "respond",
      tag: "Timeline",
      summary: "Add a note to the timeline",
      body: AddNoteInput,
      success: 201,
      responseDescription: "The note",
    },
    (req, ctx) => addNote(ctx, id(req), req.body),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/incidents/:id/evidence",
      access: "respond",
      tag: "Evidence",
      summary: "Link evidence: a metric, log, trace, dashboard or screenshot URL with a caption",
      body: AddEvidenceInput,
      success: 201,
      responseDescription: "The evidence",
    },
    (req, ctx) => addEvidence(ctx, id(req), req.body),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/incidents/:id/status-updates",
      access: "respond",
      tag: "Communication",
      summary: "Post a status update (seed 002's StatusUpdate), internal or external",
      body: PostStatusUpdateInput,
      success: 201,
      responseDescription: "The status update",
    },
    (req, ctx) => postStatusUpdate(ctx, id(req), req.body),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/incidents/:id/action-items",
      access: "respond",
      tag: "Action items",
      summary: "Create an action item",
      body: CreateActionItemInput,
      success: 201,
      responseDescription: "The action item",
    },
    (req, ctx) => createActionItem(ctx, id(req), req.body),
  );
  api.add(
    app,
    {
      method: "PATCH",
      url: "/api/v1/incidents/:id/action-items/:itemId",
      access: "respond",
      tag: "Action items",
      summary: "Update an action item (owner, priority, due date, status)",
      body: UpdateActionItemInput,
      success: 200,
      responseDescription: "The action item",
    },
    (req, ctx) => {
      const p = req.params as ItemParams;
      return updateActionItem(ctx, p.id, p.itemId, req.body);
    },
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/incidents/:id/action-items/:itemId/complete",
      access: "respond",
      tag: "Action items",
      summary: "Mark an action item done",
      success: 200,
      responseDescription: "The action item",
    },
    (req, ctx) => {
      const p = req.params as ItemParams;
      return completeActionItem(ctx, p.id, p.itemId);
    },
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/severities",
      access: "read",
      tag,
      summary: "The severity levels and what each means and obliges (the configured policy)",
      success: 200,
      responseDescription:
        '{"priority_scheme","items":[{"severity","label","priority","meaning","ack_within_minutes",…}]}',
    },
    async (_req, ctx) => listSeverities(ctx),
  );
}
