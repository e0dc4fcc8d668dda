import { z } from "zod";
import { AppError, type FieldError } from "./errors.ts";

/** Turns zod issues into field errors with dotted paths and messages that say what is expected. */
export function fieldErrorsFromZod(error: z.ZodError, prefix = ""): FieldError[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join(".");
    let message = issue.message;
    if (issue.code === "unrecognized_keys") {
      return {
        field: path || "(body)",
        message: `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}; remove ${issue.keys.length > 1 ? "them" : "it"}`,
      };
    }
    if (issue.code === "invalid_type" && issue.input === undefined) message = "is required";
    return { field: path || "(body)", message };
  });
}

/** Parses use-case input; on failure throws INVALID_INPUT listing every problem at once. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = "request"): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields = fieldErrorsFromZod(result.error);
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
