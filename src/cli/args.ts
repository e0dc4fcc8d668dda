import { parseArgs } from "node:util";
import { allFlags, type CommandSpec, type FlagSpec } from "./command.ts";
import { codeOf, messageOf, usageError } from "./errors.ts";
import { closest } from "./suggest.ts";

type ParsedValue = string | boolean | (string | boolean)[] | undefined;

/**
 * A command line parsed against a command's flags and arguments. The getters throw a usage error that
 * names the missing piece and shows an example, so commands never print usage themselves.
 */
export class ParsedArgs {
  readonly #values: Record<string, ParsedValue>;
  readonly #positionals: string[];
  readonly #spec: CommandSpec;
  readonly #name: string;

  constructor(spec: CommandSpec, name: string, values: Record<string, ParsedValue>, positionals: string[]) {
    this.#spec = spec;
    this.#name = name;
    this.#values = values;
    this.#positionals = positionals;
  }

  /** The value of a string flag, or undefined when absent (the last one wins when repeated). */
  string(name: string): string | undefined {
    const value = this.#values[name];
    const last = Array.isArray(value) ? value.at(-1) : value;
    return typeof last === "string" ? last : undefined;
  }

  /** A string flag the command cannot do without. */
  requiredString(name: string): string {
    const value = this.string(name);
    if (value === undefined || value.trim() === "")
      throw usageError(`${this.#name} needs --${name}; e.g. ${this.#example(`--${name}`)}`);
    return value;
  }

  /** Every value of a repeatable flag, comma-separated values split: `--service a,b --service c`. */
  strings(name: string): string[] {
    const value = this.#values[name];
    const all = Array.isArray(value) ? value : value === undefined ? [] : [value];
    return all
      .filter((v): v is string => typeof v === "string")
      .flatMap((v) => v.split(","))
      .map((v) => v.trim())
      .filter(Boolean);
  }

  /** Every value of a repeatable flag as given, in order, not split at commas (`--level "a,b" --level c`). */
  values(name: string): string[] {
    const value = this.#values[name];
    const all = Array.isArray(value) ? value : value === undefined ? [] : [value];
    return all.filter((v): v is string => typeof v === "string");
  }

  boolean(name: string): boolean {
    return this.#values[name] === true;
  }

  /** A whole-number flag; a usage error when the text is not one. */
  integer(name: string): number | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text.trim())) throw usageError(`--${name} must be a whole number, got "${text}"`);
    return Number(text);
  }

  /** The positional argument declared under `argName` (e.g. "INCIDENT"); a usage error when missing. */
  arg(argName: string): string {
    const value = this.optionalArg(argName);
    if (value === undefined || value.trim() === "")
      throw usageError(`${this.#name} needs ${argName}; e.g. ${this.#example(argName)}`);
    return value;
  }

  optionalArg(argName: string): string | undefined {
    const specs = this.#spec.args ?? [];
    const index = specs.findIndex((a) => a.name === argName);
    if (index < 0) throw new Error(`${this.#name} declares no argument ${argName}`);
    if (specs[index]?.rest) {
      const rest = this.#positionals.slice(index);
      return rest.length ? rest.join(" ") : undefined;
    }
    return this.#positionals[index];
  }

  /** The words a `rest` argument took, one per word (`backlog sync a.md b/`: two paths); [] when none. */
  restArgs(argName: string): string[] {
    const specs = this.#spec.args ?? [];
    const index = specs.findIndex((a) => a.name === argName);
    if (index < 0 || !specs[index]?.rest)
      throw new Error(`${this.#name} declares no rest argument ${argName}`);
    return this.#positionals.slice(index);
  }

  /** The first example that mentions `hint`, else the first example. */
  #example(hint: string): string {
    const examples = this.#spec.examples;
    return examples.find((e) => e.includes(hint)) ?? examples[0] ?? this.#name;
  }
}

/**
 * `--sort -created_at` is ambiguous to node's parser (the value looks like a flag); rewrite it to
 * `--sort=-created_at` when the next word is not one of the command's flags.
 */
function joinDashValues(argv: readonly string[], flags: readonly FlagSpec[]): string[] {
  const stringFlags = new Set(flags.filter((f) => f.type === "string").map((f) => `--${f.name}`));
  const known = new Set(flags.flatMap((f) => [`--${f.name}`, ...(f.short ? [`-${f.short}`] : [])]));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] ?? "";
    const next = argv[i + 1];
    if (word === "--") {
      out.push(...argv.slice(i));
      break;
    }
    if (
      stringFlags.has(word) &&
      next?.startsWith("-") &&
      next !== "--" &&
      !known.has(next.split("=")[0] ?? "")
    ) {
      out.push(`${word}=${next}`);
      i++;
    } else out.push(word);
  }
  return out;
}

function flagOf(message: string): string {
  return /'(-{1,2}[^' <]+)/.exec(message)?.[1] ?? "";
}

/** Turns node's parser errors into one line that names the flag and the fix. */
function explainParseError(error: unknown, spec: CommandSpec, name: string): Error {
  const code = codeOf(error);
  const message = messageOf(error);
  const flags = allFlags(spec);
  const flag = flagOf(message);
  const help = `see "${name} --help"`;
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    const guess = closest(
      flag.replace(/^-+/, ""),
      flags.map((f) => f.name),
    );
    const hint = guess ? `did you mean --${guess}? ` : "";
    return usageError(`unknown flag ${flag} for ${name}; ${hint}${help}`);
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    const spec = flags.find((f) => `--${f.name}` === flag || `-${f.short}` === flag);
    if (spec?.type === "boolean") return usageError(`${flag} takes no value; write just ${flag}`);
    return usageError(`${flag} needs a value: ${flag} ${spec?.value ?? "VALUE"}; ${help}`);
  }
  return usageError(`${message.split("\n")[0]}; ${help}`);
}

/** Parses `argv` (the words after the command name) against the command's flags and arguments. */
export function parseCommandLine(spec: CommandSpec, name: string, argv: readonly string[]): ParsedArgs {
  const flags = allFlags(spec);
  const options: Record<string, { type: "string" | "boolean"; multiple?: boolean; short?: string }> = {};
  for (const f of flags) {
    options[f.name] = {
      type: f.type,
      ...(f.multiple ? { multiple: true } : {}),
      ...(f.short ? { short: f.short } : {}),
    };
  }
  let parsed: { values: Record<string, ParsedValue>; positionals: string[] };
  try {
    parsed = parseArgs({ args: joinDashValues(argv, flags), options, allowPositionals: true, strict: true });
  } catch (error) {
    throw explainParseError(error, spec, name);
  }
  const args = spec.args ?? [];
  const takesRest = args.some((a) => a.rest);
  if (!takesRest && parsed.positionals.length > args.length) {
    const extra = parsed.positionals[args.length];
    const expected = args.length ? `it takes ${args.map((a) => a.name).join(" ")}` : "it takes no arguments";
    throw usageError(`unexpected argument "${extra}" for ${name} (${expected}); see "${name} --help"`);
  }
  return new ParsedArgs(spec, name, parsed.values, parsed.positionals);
}
