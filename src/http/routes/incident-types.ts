import type { FastifyInstance, FastifyRequest } from "fastify";
import {
  CreateCustomFieldInput,
  createField,
  DeleteCustomFieldQuery,
  deleteField,
  getField,
  listFields,
  UpdateCustomFieldInput,
  updateField,
} from "#app/incident-types/custom-fields.ts";
import {
  CreateIncidentTypeInput,
  createType,
  deleteType,
  getType,
  listTypes,
  UpdateIncidentTypeInput,
  updateType,
} from "#app/incident-types/incident-types.ts";
import type { ApiRegistry } from "../openapi.ts";

type P = Record<string, string>;
const param = (req: FastifyRequest, name: string) => (req.params as P)[name] ?? "";

/** Custom incident fields and incident types: each route calls one verb. */
export function registerIncidentTypeRoutes(app: FastifyInstance, api: ApiRegistry): void {
  registerCustomFieldRoutes(app, api);
  registerTypeRoutes(app, api);
}

function registerCustomFieldRoutes(app: FastifyInstance, api: ApiRegistry): void {
  const tag = "Custom fields";
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/custom-fields",
      access: "read",
      tag,
      summary: "List custom incident fields in display order",
      success: 200,
      responseDescription: "{items: [{key, label, kind, options, description, position}]}",
    },
    (_req, ctx) => listFields(ctx),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/custom-fields",
      access: "manage",
      tag,
      summary: "Define a custom incident field: text, number or select (with options)",
      description: "The key is a lower-case slug (customer_tier) and never changes; nor does the kind.",
      body: CreateCustomFieldInput,
      success: 201,
      responseDescription: "The field",
    },
    (req, ctx) => createField(ctx, req.body),
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/custom-fields/:key",
      access: "read",
      tag,
      summary: "One custom field",
      success: 200,
      responseDescription: "The field",
    },
    (req, ctx) => getField(ctx, param(req, "key")),
  );
  api.add(
    app,
    {
      method: "PATCH",
      url: "/api/v1/custom-fields/:key",
      access: "manage",
      tag,
      summary: "Change a field's label, description, position or options",
      description: "Removing an option that incidents or incident types still use answers 409 naming them.",
      body: UpdateCustomFieldInput,
      success: 200,
      responseDescription: "The field",
    },
    (req, ctx) => updateField(ctx, param(req, "key"), req.body),
  );
  api.add(
    app,
    {
      method: "DELETE",
      url: "/api/v1/custom-fields/:key",
      access: "manage",
      tag,
      summary: "Delete a field (409 while in use, unless force=true removes its values too)",
      description:
        "With force=true each incident that carried a value gets an incident.updated timeline event recording the removal.",
      query: DeleteCustomFieldQuery,
      success: 200,
      responseDescription: "{key, deleted, values_removed}",
    },
    (req, ctx) => deleteField(ctx, param(req, "key"), req.query),
  );
}

function registerTypeRoutes(app: FastifyInstance, api: ApiRegistry): void {
  const tag = "Incident types";
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/incident-types",
      access: "read",
      tag,
      summary: "List incident types with their defaults",
      success: 200,
      responseDescription: "{items}",
    },
    (_req, ctx) => listTypes(ctx),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/incident-types",
      access: "manage",
      tag,
      summary: "Create an incident type: default severity, services, role holders, checklist, field values",
      body: CreateIncidentTypeInput,
      success: 201,
      responseDescription: "The incident type",
    },
    (req, ctx) => createType(ctx, req.body),
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/incident-types/:name",
      access: "read",
      tag,
      summary: "One incident type by name (ignoring case), with how many incidents were declared with it",
      success: 200,
      responseDescription: "The incident type",
    },
    (req, ctx) => getType(ctx, param(req, "name")),
  );
  api.add(
    app,
    {
      method: "PATCH",
      url: "/api/v1/incident-types/:name",
      access: "manage",
      tag,
      summary: "Change an incident type (incidents declared earlier keep what they got)",
      body: UpdateIncidentTypeInput,
      success: 200,
      responseDescription: "The incident type",
    },
    (req, ctx) => updateType(ctx, param(req, "name"), req.body),
  );
  api.add(
    app,
    {
      method: "DELETE",
      url: "/api/v1/incident-types/:name",
      access: "manage",
      tag,
      summary: "Delete an incident type (its incidents keep their values)",
      success: 204,
      responseDescription: "Deleted",
    },
    async (req, ctx) => {
      await deleteType(ctx, param(req, "name"));
      return null;
    },
  );
}
