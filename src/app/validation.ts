import { z } from "zod";
import { AppError, type FieldError } from "./errors.ts";

/** Turns zod issues into field errors with dotted paths and messages that say what is expected. */
export function fieldErrorsFromZod(
  error: z.ZodError,
  prefix = "",
  source?: { input: unknown },
): FieldError[] {
  // zod 4 leaves the offending value out of its issues, so "missing" is decided from the input itself
  // when the caller has it: a wrong type keeps zod's (or the schema's) message instead of "is required".
  const valueAt = (path: readonly PropertyKey[]): unknown =>
    path.reduce<unknown>(
      (value, key) =>
        value !== null && typeof value === "object"
          ? (value as Record<PropertyKey, unknown>)[key]
          : undefined,
      source?.input,
    );
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join(".");
    let message = issue.message;
    if (issue.code === "unrecognized_keys") {
      return {
        field: path || "(body)",
        message: `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}; remove ${issue.keys.length > 1 ? "them" : "it"}`,
      };
    }
    if (issue.code === "invalid_type" && (source ? valueAt(issue.path) : issue.input) === undefined)
      message = "is required";
    return { field: path || "(body)", message };
  });
}

// PostgreSQL stores no U+0000 in text or JSON, and JSON refuses an unpaired UTF-16 surrogate: such input
// would fail deep inside a transaction as a 500, so it is refused up front with every field named.
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is exactly what must be refused
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether any string in the input is one the database could not store (no paths built: the common case). */
function anyUnstorable(input: unknown): boolean {
  const stack: unknown[] = [input];
  for (let value = stack.pop(); stack.length > 0 || value !== undefined; value = stack.pop()) {
    if (typeof value === "string") {
      if (UNSTORABLE.test(value)) return true;
    } else if (Array.isArray(value)) for (const item of value) stack.push(item);
    else if (value !== null && typeof value === "object")
      for (const key in value) stack.push((value as Record<string, unknown>)[key]);
  }
  return false;
}

/** Every string in the input that the database could not store, as field errors. */
export function unstorableStrings(input: unknown): FieldError[] {
  if (!anyUnstorable(input)) return [];
  const found: FieldError[] = [];
  // Iterative: a 1 MiB body can nest deeper than the call stack.
  const stack: [unknown, string][] = [[input, ""]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [value, path] = next;
    if (typeof value === "string") {
      if (UNSTORABLE.test(value)) {
        found.push({
          field: path || "(body)",
          message: "contains a NUL character or an unpaired surrogate, which cannot be stored; remove it",
        });
      }
    } else if (value !== null && typeof value === "object") {
      const entries = Array.isArray(value)
        ? value.map((v, i) => [String(i), v] as const)
        : Object.entries(value);
      for (const [key, child] of entries.reverse()) stack.push([child, path ? `${path}.${key}` : key]);
    }
  }
  return found;
}

/** Parses use-case input; on failure throws INVALID_INPUT listing every problem at once. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = "request"): z.output<S> {
  const query = what === "query";
  const result = schema.safeParse(input);
  const unstorable = unstorableStrings(input);
  if (result.success && unstorable.length === 0) return result.data;
  // Query parameters are named as the user wrote them: `severity`, not `severity.0` of the parsed list.
  const invalid = (result.success ? [] : fieldErrorsFromZod(result.error, "", { input })).map((f) =>
    query ? { ...f, field: f.field === "(body)" ? "(query)" : f.field.replace(/\.\d+$/, "") } : f,
  );
  // A field zod already refused (or one inside it) is reported once, with zod's reason.
  const reported = (field: string) =>
    invalid.some((f) => f.field === field || f.field.startsWith(`${field}.`));
  const fields = [...invalid, ...unstorable.filter((u) => !reported(u.field))];
  const summary = fields.map((f) => `${f.field}: ${f.message}`).join("; ");
  throw new AppError("INVALID_INPUT", `The ${what} is invalid: ${summary}`, fields);
}

/** A non-empty, trimmed single-line-or-more text with a length limit. */
export function text(max: number, what = "text") {
  return z
    .string({ error: `must be a string (${what})` })
    .trim()
    .min(1, { error: "must not be empty" })
    .max(max, { error: `must be at most ${max} characters` });
}

/** A query parameter given as a comma-separated list or repeated (`?status=a,b` or `?status=a&status=b`). */
export const csvParam = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((v) =>
      (Array.isArray(v) ? v : [v])
        .flatMap((s) => s.split(","))
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item));
