import { randomUUID } from "node:crypto";
import { z } from "zod";
import { ChecklistInput, type ChecklistTask } from "#domain/incident/checklist.ts";
import { checkFieldValues } from "#domain/incident/custom-fields.ts";
import { checkTypeRoles, type RoleHolder, unionServices } from "#domain/incident/incident-type.ts";
import { INCIDENT_ROLES, parseRole } from "#domain/incident/roles.ts";
import type { Severity } from "#domain/incident/severity.ts";
import { withTransaction } from "#store/db.ts";
import {
  countIncidentsOfType,
  deleteIncidentType,
  findIncidentTypeByName,
  type IncidentTypeRow,
  insertIncidentType,
  listIncidentTypes,
  updateIncidentType,
} from "#store/incident-types.ts";
import type { AppContext } from "../context.ts";
import { AppError, type FieldError } from "../errors.ts";
import { handle, serviceList, severityInput, toSeverity } from "../incidents/schemas.ts";
import {
  descriptionText,
  fieldDefinitions,
  fieldKey,
  fieldValueInput,
  invalidInput,
  loadType,
  parseWithFieldValues,
  storedValues,
  typeName,
  valueErrors,
} from "./internal.ts";

// Incident types: named sets of defaults (severity, services, role holders, checklist, custom field values)
// applied when an incident is declared with the type.

const roleName = z.string().transform((s, ctx) => {
  const role = parseRole(s);
  if (role === undefined) {
    ctx.addIssue({ code: "custom", message: `must be one of ${INCIDENT_ROLES.join(", ")}` });
    return z.NEVER;
  }
  return role;
});

const roleHolders = z.array(z.object({ role: roleName, person: handle }).strict()).max(20);

const typeFields = {
  description: descriptionText.optional(),
  severity: severityInput.nullable().optional().describe("default severity, or null: the declarer gives one"),
  services: serviceList.optional(),
  roles: roleHolders.optional(),
  checklist: ChecklistInput.nullable()
    .optional()
    .describe("tasks [{key, title, due_minute, details[]}]; null: the built-in triage checklist"),
  field_defaults: z.record(fieldKey, fieldValueInput).optional(),
};

export const CreateIncidentTypeInput = z.object({ name: typeName, ...typeFields }).strict();
export type CreateIncidentTypeInput = z.input<typeof CreateIncidentTypeInput>;

export const UpdateIncidentTypeInput = z.object({ name: typeName.optional(), ...typeFields }).strict();
export type UpdateIncidentTypeInput = z.input<typeof UpdateIncidentTypeInput>;

/** A stored role list, as written by these verbs. */
export function storedRoles(value: unknown[]): RoleHolder[] {
  const parsed = roleHolders.safeParse(value);
  return parsed.success ? parsed.data : [];
}

/** A stored checklist (null: the built-in one). */
export function storedChecklist(value: unknown[] | null): ChecklistTask[] | null {
  if (value === null) return null;
  const parsed = ChecklistInput.safeParse(value);
  return parsed.success ? parsed.data : null;
}

export function typeView(row: IncidentTypeRow, incidents?: number) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    severity: row.severity,
    services: row.services,
    roles: storedRoles(row.roles),
    checklist: storedChecklist(row.checklist),
    field_defaults: storedValues(row.fieldDefaults),
    ...(incidents === undefined ? {} : { incidents }),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}
export type IncidentTypeView = ReturnType<typeof typeView>;

type TypeFields = z.output<typeof UpdateIncidentTypeInput>;

/** Validates the parts that need more than the schema: roles, field defaults against the field definitions. */
async function typePatch(ctx: AppContext, req: TypeFields) {
  const errors: FieldError[] = [];
  const patch: Record<string, unknown> = {};
  if (req.name !== undefined) patch.name = req.name;
  if (req.description !== undefined) patch.description = req.description;
  if (req.severity !== undefined) {
    patch.severity =
      req.severity === null ? null : (toSeverity(req.severity, ctx.policy.priorityScheme) satisfies Severity);
  }
  if (req.services !== undefined) patch.services = unionServices(req.services, []);
  if (req.roles !== undefined) {
    for (const p of checkTypeRoles(req.roles))
      errors.push({ field: `roles.${p.index}.role`, message: p.message });
    patch.roles = req.roles;
  }
  if (req.checklist !== undefined) patch.checklist = req.checklist;
  if (req.field_defaults !== undefined) {
    const checked = checkFieldValues(await fieldDefinitions(ctx.db), req.field_defaults);
    errors.push(...valueErrors(checked.problems, "field_defaults"));
    patch.fieldDefaults = checked.values;
  }
  if (errors.length) throw invalidInput(errors);
  return patch;
}

function nameTaken(name: string): AppError {
  return new AppError("CONFLICT", `Incident type "${name}" already exists; names are unique ignoring case`, [
    { field: "name", message: "already exists; names are unique ignoring case" },
  ]);
}

/** Every incident type, by name. */
export async function listTypes(ctx: AppContext) {
  return { items: (await listIncidentTypes(ctx.db)).map((t) => typeView(t)) };
}

/** One incident type by name (ignoring case), with how many incidents were declared with it. */
export async function getType(ctx: AppContext, name: string) {
  const row = await loadType(ctx.db, name);
  return typeView(row, await countIncidentsOfType(ctx.db, row.id));
}

/** Creates an incident type; CONFLICT when the name is taken (ignoring case). */
export async function createType(ctx: AppContext, input: unknown) {
  const req = await parseWithFieldValues(ctx.db, CreateIncidentTypeInput, input, "field_defaults");
  const patch = await typePatch(ctx, req);
  const now = ctx.clock.now();
  const row = await insertIncidentType(ctx.db, {
    id: randomUUID(),
    name: req.name,
    ...patch,
    createdAt: now,
    updatedAt: now,
  });
  if (!row) throw nameTaken(req.name);
  ctx.log.info({ type: row.name, by: ctx.actor.name }, "incident type created");
  return typeView(row, 0);
}

/** Changes an incident type. Incidents declared earlier keep what they got (their checklist is a copy). */
export async function updateType(ctx: AppContext, name: string, input: unknown) {
  const req = await parseWithFieldValues(ctx.db, UpdateIncidentTypeInput, input, "field_defaults");
  const patch = await typePatch(ctx, req);
  const row = await withTransaction(ctx.db, async (tx) => {
    const type = await loadType(tx, name);
    if (req.name !== undefined) {
      const other = await findIncidentTypeByName(tx, req.name);
      if (other && other.id !== type.id) throw nameTaken(req.name);
    }
    if (Object.keys(patch).length === 0) return type;
    return updateIncidentType(tx, type.id, { ...patch, updatedAt: ctx.clock.now() });
  });
  return typeView(row, await countIncidentsOfType(ctx.db, row.id));
}

/** Deletes an incident type. Incidents declared with it keep their values; their type shows as none. */
export async function deleteType(ctx: AppContext, name: string) {
  const row = await loadType(ctx.db, name);
  await deleteIncidentType(ctx.db, row.id);
  ctx.log.info({ type: row.name, by: ctx.actor.name }, "incident type deleted");
}
