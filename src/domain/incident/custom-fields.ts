// Custom incident fields: an installation's own facts about an incident ("customer tier", "orders lost").
// A field has a kind (text, number or select); values live on the incident keyed by the field's key.

export const FIELD_KINDS = ["text", "number", "select"] as const;
export type FieldKind = (typeof FIELD_KINDS)[number];

/** A stored field value: text and select values are strings, number values numbers. */
export type FieldValue = string | number;

/** What a value is checked against. */
export interface FieldDefinition {
  key: string;
  label: string;
  kind: FieldKind;
  /** The allowed values of a select field, in display order; empty for text and number. */
  options: readonly string[];
}

/** Keys are lower-case slugs so they read well in URLs (`?field.customer_tier=gold`) and never need quoting. */
export const FIELD_KEY_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;
export const FIELD_KEY_HINT =
  "use 1–40 lower-case letters, digits and _, starting with a letter, e.g. customer_tier";

/** Longest text value, in characters: a field is a fact, not a document. */
export const TEXT_VALUE_MAX = 500;
export const OPTION_MAX = 100;
export const OPTIONS_MAX = 50;

export function isFieldKind(value: string): value is FieldKind {
  return (FIELD_KINDS as readonly string[]).includes(value);
}

/** Problems with a kind's options: a select needs 1–50 distinct options, text and number take none. */
export function checkOptions(kind: FieldKind, options: readonly string[]): string | undefined {
  if (kind !== "select")
    return options.length
      ? `a ${kind} field takes no options; remove them (only select fields have options)`
      : undefined;
  if (options.length === 0) return "a select field needs at least one option, e.g. gold, silver, bronze";
  if (options.length > OPTIONS_MAX) return `at most ${OPTIONS_MAX} options`;
  const seen = new Set<string>();
  for (const option of options) {
    if (option.trim() === "" || option !== option.trim())
      return "options must not be empty or start or end with spaces";
    if (option.length > OPTION_MAX) return `options must be at most ${OPTION_MAX} characters`;
    const folded = option.toLowerCase();
    if (seen.has(folded)) return `option "${option}" is given twice`;
    seen.add(folded);
  }
  return undefined;
}

export type ValueCheck = { ok: true; value: FieldValue } | { ok: false; message: string };

/**
 * Checks (and normalises) one value for a field: numbers must be finite (a numeric string is read as a
 * number, so `--field orders_lost=12` works), select values must be one of the options (matched ignoring
 * case, stored in the option's spelling), text is trimmed, non-empty, at most TEXT_VALUE_MAX characters.
 */
export function checkFieldValue(field: FieldDefinition, value: unknown): ValueCheck {
  switch (field.kind) {
    case "number": {
      const n = typeof value === "string" && value.trim() !== "" ? Number(value.trim()) : value;
      if (typeof n !== "number" || !Number.isFinite(n))
        return {
          ok: false,
          message: `${field.label} is a number field: give a finite number, e.g. 12 or 3.5`,
        };
      return { ok: true, value: n };
    }
    case "select": {
      const text = typeof value === "string" ? value.trim().toLowerCase() : undefined;
      const option = field.options.find((o) => o.toLowerCase() === text);
      if (option === undefined) return { ok: false, message: `must be one of ${field.options.join(", ")}` };
      return { ok: true, value: option };
    }
    case "text": {
      const text = typeof value === "number" && Number.isFinite(value) ? String(value) : value;
      if (typeof text !== "string" || text.trim() === "")
        return { ok: false, message: "must be a non-empty text" };
      if (text.trim().length > TEXT_VALUE_MAX)
        return { ok: false, message: `must be at most ${TEXT_VALUE_MAX} characters` };
      return { ok: true, value: text.trim() };
    }
  }
}

export interface FieldValueProblem {
  key: string;
  message: string;
}

/** "customer_tier, orders_lost" or "none yet": the keys a user may use, for error messages. */
export function knownKeysText(fields: readonly FieldDefinition[]): string {
  return fields.length ? fields.map((f) => f.key).join(", ") : "none are defined yet";
}

/**
 * Checks a set of values ({ key: value }) against the field definitions. `null` means "remove the value"
 * when `allowNull` (an edit); unknown keys are problems naming the known keys. Every problem is reported.
 */
export function checkFieldValues(
  fields: readonly FieldDefinition[],
  values: Readonly<Record<string, unknown>>,
  options: { allowNull?: boolean } = {},
): { values: Record<string, FieldValue | null>; problems: FieldValueProblem[] } {
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const checked: Record<string, FieldValue | null> = {};
  const problems: FieldValueProblem[] = [];
  for (const [key, value] of Object.entries(values)) {
    const field = byKey.get(key);
    if (!field) {
      problems.push({ key, message: `no custom field "${key}"; known fields: ${knownKeysText(fields)}` });
      continue;
    }
    if (value === null && options.allowNull) {
      checked[key] = null;
      continue;
    }
    const result = checkFieldValue(field, value);
    if (result.ok) checked[key] = result.value;
    else problems.push({ key, message: result.message });
  }
  return { values: checked, problems };
}

/** Applies changes to stored values: null removes a value. Returns the new values and what changed. */
export function mergeFieldValues(
  current: Readonly<Record<string, FieldValue>>,
  changes: Readonly<Record<string, FieldValue | null>>,
): {
  values: Record<string, FieldValue>;
  changed: Record<string, { from: FieldValue | null; to: FieldValue | null }>;
} {
  const values: Record<string, FieldValue> = { ...current };
  const changed: Record<string, { from: FieldValue | null; to: FieldValue | null }> = {};
  for (const [key, to] of Object.entries(changes)) {
    const from = current[key] ?? null;
    if (from === to) continue;
    if (to === null) delete values[key];
    else values[key] = to;
    changed[key] = { from, to };
  }
  return { values: sortKeys(values), changed };
}

/** The values with keys in a stable order (the stored JSON and the timeline read the same every time). */
export function sortKeys<T>(values: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.entries(values).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
