/** The closed set of error codes every transport maps (http/problem.ts, cli/output.ts). */
export const ERROR_CODES = [
  "INVALID_INPUT",
  "NOT_FOUND",
  "CONFLICT",
  "INVALID_TRANSITION",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "PAYLOAD_TOO_LARGE",
  "UNAVAILABLE",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** One invalid field: a dotted path into the input and what to do about it. */
export interface FieldError {
  field: string;
  message: string;
}

/** An error the user can act on. `detail` says what was wrong and how to fix it. */
export class AppError extends Error {
  override name = "AppError";
  readonly code: ErrorCode;
  readonly detail: string;
  readonly fields: FieldError[];
  readonly extra: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    detail: string,
    fields: FieldError[] = [],
    extra: Record<string, unknown> = {},
  ) {
    super(detail);
    this.code = code;
    this.detail = detail;
    this.fields = fields;
    this.extra = extra;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
