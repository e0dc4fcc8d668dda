import { ApiError } from "../../api/client.ts";

// The server names nested fields with dots ("config.summary", "config.interval_seconds"); useAction
// keys errors by the top-level field. These helpers place nested ones beside their own inputs.

/** Errors under `prefix.` keyed by the rest of the path ("" for `prefix` itself). */
export function nestedErrors(error: unknown, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(error instanceof ApiError)) return out;
  for (const e of error.problem.errors ?? []) {
    if (e.field !== prefix && !e.field.startsWith(`${prefix}.`)) continue;
    const key = e.field.slice(prefix.length + 1).split(".")[0] ?? "";
    out[key] = out[key] ? `${out[key]}; ${e.message}` : e.message;
  }
  return out;
}

/** "field: message" for the errors no input shows. */
export function leftoverErrors(errors: Record<string, string>, shown: readonly string[], prefix: string) {
  return Object.entries(errors)
    .filter(([key]) => !shown.includes(key))
    .map(([key, message]) => (key ? `${prefix}.${key}: ${message}` : message))
    .join("; ");
}

/** A number from an optional numeric input; undefined when empty. */
export function optionalNumber(text: string): number | undefined {
  const t = text.trim();
  if (!t) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : Number.NaN;
}
