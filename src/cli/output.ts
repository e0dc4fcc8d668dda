import pc from "picocolors";
import type { CliError } from "./errors.ts";
import { type Cell, renderTable } from "./table.ts";

/** Where the CLI writes: process streams in production, string buffers in tests. */
export interface Writer {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export type Colors = ReturnType<typeof pc.createColors>;

/**
 * Colour only for people: on when stdout is a terminal, off in pipes and files, and off whenever
 * NO_COLOR is set (https://no-color.org); FORCE_COLOR turns it on, e.g. for `less -R`.
 */
export function colorEnabled(stream: Writer, env: Record<string, string | undefined>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true && env.TERM !== "dumb";
}

/** Human output (lines, tables, colours) or JSON for scripts, and errors on stderr. */
export class Output {
  readonly color: Colors;
  /** Set from --json once the command line is parsed. */
  json = false;
  readonly #stdout: Writer;
  readonly #stderr: Writer;

  constructor(stdout: Writer, stderr: Writer, env: Record<string, string | undefined>) {
    this.#stdout = stdout;
    this.#stderr = stderr;
    this.color = pc.createColors(colorEnabled(stdout, env));
  }

  /** A line (or several) on stdout. */
  print(text = ""): void {
    this.#stdout.write(`${text}\n`);
  }

  /** Text exactly as given on stdout, no newline added (a CSV file's CRLF lines). */
  raw(text: string): void {
    this.#stdout.write(text);
  }

  /** The API's JSON, pretty-printed, on stdout. */
  printJson(value: unknown): void {
    this.#stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** Prints `json` with --json, else runs `human`: one switch point for every command. */
  result<T>(json: T, human: (value: T) => void): void {
    if (this.json) this.printJson(json);
    else human(json);
  }

  table(headers: readonly string[], rows: readonly (readonly Cell[])[]): void {
    for (const line of renderTable(headers, rows, this.color)) this.print(line);
  }

  /** A progress line on stderr, so stdout stays the result (pipe-friendly, and valid JSON with --json). */
  progress(text: string): void {
    this.#stderr.write(`${this.color.dim(text)}\n`);
  }

  /** A diagnostic on stderr, prefixed like every CLI error. */
  error(message: string, details: readonly string[] = []): void {
    this.#stderr.write(`foghorn: ${message}\n`);
    for (const d of details) this.#stderr.write(`  ${d}\n`);
  }

  /** Reports a failure and returns its exit code. */
  fail(error: CliError): number {
    this.error(error.message, error.details);
    return error.exitCode;
  }
}
