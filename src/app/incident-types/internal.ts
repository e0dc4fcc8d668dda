import { z } from "zod";
import {
  checkFieldValues,
  FIELD_KEY_HINT,
  FIELD_KEY_PATTERN,
  type FieldDefinition,
  type FieldValue,
  type FieldValueProblem,
  isFieldKind,
} from "#domain/incident/custom-fields.ts";
import type { Db } from "#store/db.ts";
import {
  type CustomFieldRow,
  findCustomFieldByKey,
  findIncidentTypeByName,
  type IncidentTypeRow,
  listCustomFields,
  listIncidentTypes,
} from "#store/incident-types.ts";
import { AppError, type FieldError } from "../errors.ts";
import { parseInput } from "../validation.ts";

// Pieces the custom-field and incident-type verbs share with declare, update and the list filter.

export const fieldKey = z
  .string({ error: "must be a string" })
  .regex(FIELD_KEY_PATTERN, { error: FIELD_KEY_HINT })
  .describe("lower-case slug, e.g. customer_tier");

export const typeName = z
  .string({ error: "must be a string" })
  .trim()
  .min(1, { error: "must not be empty" })
  .max(100, { error: "must be at most 100 characters" })
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._&()+-]*$/u, {
    error: "may contain letters, digits, space and . _ & ( ) + - only (e.g. Security breach)",
  });

export const descriptionText = z.string().max(2000, { error: "must be at most 2000 characters" });

/** A custom field value as JSON carries it: text or select as a string, number as a number. */
export const fieldValueInput = z.union([z.string().max(2000), z.number()]);

export function invalidInput(fields: FieldError[]): AppError {
  const summary = fields.map((f) => `${f.field}: ${f.message}`).join("; ");
  return new AppError("INVALID_INPUT", `The request is invalid: ${summary}`, fields);
}

/** Value problems as field errors under `prefix` (custom_fields.customer_tier). */
export function valueErrors(problems: readonly FieldValueProblem[], prefix: string): FieldError[] {
  return problems.map((p) => ({ field: `${prefix}.${p.key}`, message: p.message }));
}

export function toDefinition(row: CustomFieldRow): FieldDefinition {
  const kind = isFieldKind(row.kind) ? row.kind : "text";
  return { key: row.key, label: row.label, kind, options: row.options };
}

/** Every field's definition, in display order. */
export async function fieldDefinitions(db: Db): Promise<FieldDefinition[]> {
  return (await listCustomFields(db)).map(toDefinition);
}

/** Stored values are written by these verbs only: strings and finite numbers (the runtime guarantee). */
export function storedValues(values: Record<string, unknown> | null | undefined): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const [k, v] of Object.entries(values ?? {}))
    if (typeof v === "string" || typeof v === "number") out[k] = v;
  return out;
}

export async function loadField(db: Db, key: string): Promise<CustomFieldRow> {
  const row = await findCustomFieldByKey(db, key.trim());
  if (!row) {
    const known = (await listCustomFields(db)).map((f) => f.key);
    throw new AppError(
      "NOT_FOUND",
      `Custom field "${key}" does not exist; known fields: ${known.join(", ") || "none yet (foghorn field create)"}`,
    );
  }
  return row;
}

/** The type by name (ignoring case); `field` names the input that referred to it in errors. */
export async function loadType(db: Db, name: string, field?: string): Promise<IncidentTypeRow> {
  const row = await findIncidentTypeByName(db, name.trim());
  if (row) return row;
  const known = (await listIncidentTypes(db)).map((t) => t.name);
  const knownText = known.length
    ? known.map((n) => `"${n}"`).join(", ")
    : "none yet (foghorn incident-type create)";
  const detail = `Incident type "${name}" does not exist; known types: ${knownText}`;
  if (field)
    throw new AppError("INVALID_INPUT", detail, [{ field, message: `no such type; known: ${knownText}` }]);
  throw new AppError("NOT_FOUND", detail);
}

export function fieldView(row: CustomFieldRow) {
  return {
    key: row.key,
    label: row.label,
    kind: row.kind,
    options: row.options,
    description: row.description,
    position: row.position,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}
export type CustomFieldView = ReturnType<typeof fieldView>;

/**
 * parseInput, plus the custom field values at `input[prefix]` checked against the field definitions when the
 * schema refuses the input: every invalid field is reported in one answer, not one round trip each.
 */
export async function parseWithFieldValues<S extends z.ZodType>(
  db: Db,
  schema: S,
  input: unknown,
  prefix: string,
): Promise<z.output<S>> {
  try {
    return parseInput(schema, input);
  } catch (error) {
    const raw =
      input !== null && typeof input === "object" ? (input as Record<string, unknown>)[prefix] : undefined;
    if (!(error instanceof AppError) || raw === null || typeof raw !== "object" || Array.isArray(raw))
      throw error;
    const checked = checkFieldValues(await fieldDefinitions(db), raw as Record<string, unknown>, {
      allowNull: true,
    });
    const extra = valueErrors(checked.problems, prefix).filter(
      (e) => !error.fields.some((f) => f.field === e.field || f.field.startsWith(`${e.field}.`)),
    );
    if (extra.length === 0) throw error;
    throw invalidInput([...error.fields, ...extra]);
  }
}
