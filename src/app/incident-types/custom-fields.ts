import { randomUUID } from "node:crypto";
import { z } from "zod";
import { checkOptions, FIELD_KINDS, type FieldKind, isFieldKind } from "#domain/incident/custom-fields.ts";
import { withTransaction } from "#store/db.ts";
import {
  countIncidentsWithField,
  deleteCustomField,
  findIncidentsWithField,
  findTypesUsingField,
  insertCustomField,
  listCustomFields,
  removeIncidentFieldValue,
  removeTypeFieldDefault,
  updateCustomField,
} from "#store/incident-types.ts";
import { lockIncidentsById } from "#store/incidents.ts";
import type { AppContext } from "../context.ts";
import { AppError, type FieldError } from "../errors.ts";
import { publishIncidentChange } from "../events.ts";
import { appendEventsBatch } from "../incidents/internal.ts";
import { parseInput, text } from "../validation.ts";
import { descriptionText, fieldKey, fieldView, invalidInput, loadField } from "./internal.ts";

// Custom incident fields (text, number, select): define, change the wording or options, delete.

const kind = z.enum(FIELD_KINDS, { error: `must be one of ${FIELD_KINDS.join(", ")}` });
const options = z.array(z.string().max(200)).max(100);
const position = z.number().int().min(0).max(10_000);

export const CreateCustomFieldInput = z
  .object({
    key: fieldKey,
    label: text(100, "label"),
    kind,
    options: options.optional(),
    description: descriptionText.optional(),
    position: position.optional(),
  })
  .strict();
export type CreateCustomFieldInput = z.input<typeof CreateCustomFieldInput>;

/** The key and kind never change: incidents store values under the key, in the kind's shape. */
export const UpdateCustomFieldInput = z
  .object({
    label: text(100, "label").optional(),
    options: options.optional(),
    description: descriptionText.optional(),
    position: position.optional(),
  })
  .strict();
export type UpdateCustomFieldInput = z.input<typeof UpdateCustomFieldInput>;

export const DeleteCustomFieldQuery = z
  .object({
    force: z.enum(["true", "false"]).optional().describe("true: also remove the values incidents carry"),
  })
  .strict();

function optionsProblem(k: FieldKind, given: readonly string[]): FieldError[] {
  const problem = checkOptions(k, given);
  return problem ? [{ field: "options", message: problem }] : [];
}

/** Every custom field, in display order (position, then key). */
export async function listFields(ctx: AppContext) {
  return { items: (await listCustomFields(ctx.db)).map(fieldView) };
}

/** One custom field by key. */
export async function getField(ctx: AppContext, key: string) {
  return fieldView(await loadField(ctx.db, key));
}

/** Defines a custom field; CONFLICT when the key is taken. */
export async function createField(ctx: AppContext, input: unknown) {
  const req = parseInput(CreateCustomFieldInput, input);
  const given = (req.options ?? []).map((o) => o.trim());
  const problems = optionsProblem(req.kind, given);
  if (problems.length) throw invalidInput(problems);
  const now = ctx.clock.now();
  const existing = await listCustomFields(ctx.db);
  const row = await insertCustomField(ctx.db, {
    id: randomUUID(),
    key: req.key,
    label: req.label,
    kind: req.kind,
    options: given,
    description: req.description ?? "",
    position: req.position ?? existing.reduce((max, f) => Math.max(max, f.position + 1), 0),
    createdAt: now,
    updatedAt: now,
  });
  if (!row)
    throw new AppError(
      "CONFLICT",
      `Custom field "${req.key}" already exists; change it with PATCH or pick another key`,
      [{ field: "key", message: "already exists" }],
    );
  ctx.log.info({ field: row.key, by: ctx.actor.name }, "custom field created");
  return fieldView(row);
}

/**
 * Changes a field's label, description, position or (select) options. Removing an option that incidents
 * or type defaults still use is refused, naming them: change those values first.
 */
export async function updateField(ctx: AppContext, key: string, input: unknown) {
  const req = parseInput(UpdateCustomFieldInput, input);
  return withTransaction(ctx.db, async (tx) => {
    const field = await loadField(tx, key);
    const k: FieldKind = isFieldKind(field.kind) ? field.kind : "text";
    const patch: Record<string, unknown> = {};
    if (req.options !== undefined) {
      const given = req.options.map((o) => o.trim());
      const problems = optionsProblem(k, given);
      if (problems.length) throw invalidInput(problems);
      const kept = new Set(given.map((o) => o.toLowerCase()));
      for (const removed of field.options.filter((o) => !kept.has(o.toLowerCase()))) {
        const [incidents, types] = await Promise.all([
          countIncidentsWithField(tx, field.key, removed),
          findTypesUsingField(tx, field.key, removed),
        ]);
        const users = [
          ...(incidents ? [`${incidents} incident(s)`] : []),
          ...(types.length ? [`the incident type(s) ${types.map((t) => `"${t}"`).join(", ")}`] : []),
        ];
        if (users.length)
          throw new AppError(
            "CONFLICT",
            `Option "${removed}" of ${field.key} is used by ${users.join(" and ")}; change their values first`,
            [{ field: "options", message: `"${removed}" is still in use` }],
          );
      }
      // A renamed spelling ("Gold" → "gold") keeps its values matching: values are compared ignoring case.
      patch.options = given;
    }
    if (req.label !== undefined) patch.label = req.label;
    if (req.description !== undefined) patch.description = req.description;
    if (req.position !== undefined) patch.position = req.position;
    if (Object.keys(patch).length === 0) return fieldView(field);
    return fieldView(await updateCustomField(tx, field.id, { ...patch, updatedAt: ctx.clock.now() }));
  });
}

/**
 * Deletes a field. While incidents carry a value for it, or incident types give it a default, this is
 * refused unless `force`: then the values are removed too, each incident's timeline recording the removal.
 */
export async function deleteField(ctx: AppContext, key: string, input: unknown = {}) {
  const q = parseInput(DeleteCustomFieldQuery, input ?? {}, "query");
  const force = q.force === "true";
  const now = ctx.clock.now();
  const removedFrom = await withTransaction(ctx.db, async (tx) => {
    const field = await loadField(tx, key);
    const [carriers, types] = await Promise.all([
      findIncidentsWithField(tx, field.key),
      findTypesUsingField(tx, field.key),
    ]);
    if (!force && (carriers.length || types.length)) {
      const users = [
        ...(carriers.length ? [`${carriers.length} incident(s) carry a value`] : []),
        ...(types.length ? [`incident type(s) ${types.map((t) => `"${t}"`).join(", ")} give a default`] : []),
      ];
      throw new AppError(
        "CONFLICT",
        `Custom field ${field.key} is in use: ${users.join("; ")}. Delete with force (?force=true, --force) to remove the values too; each incident's timeline records it`,
        [{ field: "force", message: "the field is in use; force removes its values" }],
        { incidents: carriers.length, types },
      );
    }
    const locked = await lockIncidentsById(
      tx,
      carriers.map((c) => c.id),
    );
    const from = new Map(carriers.map((c) => [c.id, c.value]));
    await appendEventsBatch(
      tx,
      locked.map((incident) => ({
        incident,
        events: [
          {
            kind: "incident.updated" as const,
            data: {
              changes: { [`field.${field.key}`]: { from: from.get(incident.id) ?? null, to: null } },
              reason: `custom field ${field.key} deleted`,
            },
          },
        ],
      })),
      ctx.actor.name,
      now,
    );
    await removeIncidentFieldValue(
      tx,
      locked.map((i) => i.id),
      field.key,
    );
    await removeTypeFieldDefault(tx, field.key, now);
    await deleteCustomField(tx, field.id);
    return locked.map((i) => i.number);
  });
  for (const number of removedFrom) publishIncidentChange(ctx.events, number, "incident.updated", now);
  ctx.log.info({ field: key, by: ctx.actor.name, incidents: removedFrom.length }, "custom field deleted");
  return { key, deleted: true, values_removed: removedFrom.length };
}
