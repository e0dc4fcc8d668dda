/**
 * Exit codes of the `foghorn` command, documented in `foghorn help` and docs/cli.md. Scripts branch on them,
 * so each one means one kind of outcome and they never change meaning.
 */
export const EXIT = {
  OK: 0,
  /** The server (or local storage) refused or failed the request: 4xx other than below, a broken chain. */
  FAILED: 1,
  /** The command line is wrong: unknown command or flag, a missing argument. */
  USAGE: 2,
  /** The incident, action item or route does not exist (HTTP 404). */
  NOT_FOUND: 3,
  /** No token, a wrong or expired token, or not allowed (HTTP 401/403). */
  AUTH: 4,
  /** The server cannot be reached or failed on its side (HTTP 5xx). */
  UNAVAILABLE: 5,
  /** The configuration (foghorn.config.yaml, env, the saved login) is invalid. */
  CONFIG: 78,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What each exit code means, in the order `foghorn help` lists them. */
export const EXIT_CODE_MEANINGS: readonly { code: ExitCode; meaning: string }[] = [
  { code: EXIT.OK, meaning: "success" },
  {
    code: EXIT.FAILED,
    meaning: "refused or failed: invalid input, a refused status change, a broken timeline",
  },
  { code: EXIT.USAGE, meaning: "usage error: unknown command or flag, missing argument" },
  { code: EXIT.NOT_FOUND, meaning: "not found (HTTP 404): no such incident, action item, service, alert, …" },
  { code: EXIT.AUTH, meaning: "authentication or permission problem (HTTP 401/403)" },
  { code: EXIT.UNAVAILABLE, meaning: "server unreachable or failing (HTTP 5xx)" },
  { code: EXIT.CONFIG, meaning: "configuration error (foghorn.config.yaml, environment, saved login)" },
];

/**
 * A failure the CLI reports as `foghorn: <message>` plus optional indented detail lines, with its exit
 * code. Every expected failure is one of these; anything else is a bug and exits 1 with its message.
 */
export class CliError extends Error {
  override name = "CliError";
  readonly exitCode: ExitCode;
  readonly details: readonly string[];

  constructor(exitCode: ExitCode, message: string, details: readonly string[] = []) {
    super(message);
    this.exitCode = exitCode;
    this.details = details;
  }
}

/** A wrong command line: the message names the problem and the fix. */
export function usageError(message: string): CliError {
  return new CliError(EXIT.USAGE, message);
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The `code` of a Node.js or library error ("ECONNREFUSED", "ERR_PARSE_ARGS_UNKNOWN_OPTION"), if it has one. */
export function codeOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  return typeof error.code === "string" ? error.code : undefined;
}
