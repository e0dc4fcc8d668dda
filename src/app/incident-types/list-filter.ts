import { checkFieldValue, type FieldValue, knownKeysText } from "#domain/incident/custom-fields.ts";
import type { AppContext } from "../context.ts";
import { AppError, type FieldError } from "../errors.ts";
import { fieldDefinitions, loadType } from "./internal.ts";

/** Query parameters `field.<key>=<value>` filter the incident list by custom field values. */
export const FIELD_PARAM_PREFIX = "field.";

/** Splits `field.<key>` parameters from the rest of a list query: { key: [values] }. */
export function splitFieldParams(query: unknown): { rest: unknown; fields: Record<string, string[]> } {
  if (query === null || typeof query !== "object" || Array.isArray(query)) return { rest: query, fields: {} };
  const rest: Record<string, unknown> = {};
  const fields: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(query)) {
    if (!name.startsWith(FIELD_PARAM_PREFIX)) {
      rest[name] = value;
      continue;
    }
    const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string");
    fields[name.slice(FIELD_PARAM_PREFIX.length)] = values;
  }
  return { rest, fields };
}

export interface IncidentTypeFilters {
  typeId?: string;
  /** Every entry must hold (AND); within one, any value (OR). */
  fieldValues?: { key: string; values: FieldValue[] }[];
}

/**
 * Resolves the type and custom-field filters of the incident list: an unknown type or field key, or a value
 * the field cannot hold, is a 422 naming the parameter and what is known.
 */
export async function resolveTypeFilters(
  ctx: AppContext,
  type: string | undefined,
  fields: Record<string, string[]>,
): Promise<IncidentTypeFilters> {
  const out: IncidentTypeFilters = {};
  if (type !== undefined) out.typeId = (await loadType(ctx.db, type, "type")).id;
  const keys = Object.keys(fields);
  if (keys.length === 0) return out;
  const defs = await fieldDefinitions(ctx.db);
  const errors: FieldError[] = [];
  const filters: { key: string; values: FieldValue[] }[] = [];
  for (const key of keys) {
    const param = `${FIELD_PARAM_PREFIX}${key}`;
    const def = defs.find((d) => d.key === key);
    if (!def) {
      errors.push({
        field: param,
        message: `no custom field "${key}"; known fields: ${knownKeysText(defs)}`,
      });
      continue;
    }
    const values: FieldValue[] = [];
    for (const raw of fields[key] ?? []) {
      const checked = checkFieldValue(def, raw);
      if (checked.ok) values.push(checked.value);
      else errors.push({ field: param, message: checked.message });
    }
    if (values.length === 0 && !errors.some((e) => e.field === param))
      errors.push({ field: param, message: "give a value, e.g. field.customer_tier=gold" });
    filters.push({ key, values });
  }
  if (errors.length) {
    const summary = errors.map((f) => `${f.field}: ${f.message}`).join("; ");
    throw new AppError("INVALID_INPUT", `The query is invalid: ${summary}`, errors);
  }
  out.fieldValues = filters;
  return out;
}
