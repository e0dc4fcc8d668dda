import type { Config } from "#config/load.ts";
import type { ParsedArgs } from "./args.ts";
import type { ApiClient } from "./client.ts";
import type { ConnectBacklog } from "./commands/backlog.ts";
import type { Connection } from "./connection.ts";
import type { Output } from "./output.ts";

// The shape of every command: what `foghorn help` prints and what the dispatcher parses come from here.

export interface FlagSpec {
  name: string;
  type: "string" | "boolean";
  /** The flag may be repeated (`--service a --service b`); comma-separated values are split too. */
  multiple?: boolean;
  short?: string;
  /** Placeholder shown in help: `--severity SEV`. */
  value?: string;
  description: string;
}

export interface ArgSpec {
  /** Shown in usage and in "missing" messages: INCIDENT, STATUS, TEXT. */
  name: string;
  description: string;
  optional?: boolean;
  /** Takes the remaining words, joined with spaces (for unquoted note text). */
  rest?: boolean;
}

/** What a command's run() receives. */
export interface CommandContext {
  args: ParsedArgs;
  out: Output;
  /** Server URL and token from flags, env, the saved login, or the default URL. */
  connection(): Connection;
  /** A client for the REST API on that connection. */
  api(): ApiClient;
  /** Configuration (foghorn.config.yaml + env), for commands that open local storage. */
  config(): Config;
  /** Reads all of standard input when it is not a terminal; undefined on a terminal. */
  readStdin(): Promise<string | undefined>;
  /** True when standard input is a terminal (a person types), false when it is piped. */
  stdinIsTerminal: boolean;
  /** Asks each question on stderr and reads one line per question from the terminal, without echo. */
  promptSecrets(questions: readonly string[]): Promise<string[]>;
  /** The saved-login file (respects XDG_CONFIG_HOME). */
  loginFile: string;
  version: string;
  serve(config: Config): Promise<void>;
  now(): Date;
  /** The working directory the command was started in (relative paths start here). */
  cwd: string;
  /** Builds GitHub, AI and Slack clients for `backlog sync` (wired by main.ts); absent in builds without it. */
  connectBacklog?: ConnectBacklog | undefined;
}

export interface CommandSpec {
  kind: "command";
  name: string;
  aliases?: readonly string[];
  /** One line, for command lists. */
  summary: string;
  /** A paragraph for `--help`; the summary is used when absent. */
  description?: string;
  args?: readonly ArgSpec[];
  flags?: readonly FlagSpec[];
  /** Adds --url and --token: the command talks to the server. */
  connects?: boolean;
  /** The server-URL flag's name when the command's own --url means something else (`check add`: server). */
  serverUrlFlag?: string;
  /** Adds --config FILE: the command reads foghorn.config.yaml. */
  readsConfig?: boolean;
  /** Commands whose output is never JSON (serve) leave --json out. */
  noJson?: boolean;
  /** Two or three complete command lines. */
  examples: readonly string[];
  /**
   * Commands under this one (`metrics digest` under `metrics [SECTION]`): a first word naming one of them
   * runs it; anything else runs this command.
   */
  subcommands?: readonly CommandNode[];
  run(ctx: CommandContext): Promise<number>;
}

export interface CommandGroup {
  kind: "group";
  name: string;
  summary: string;
  description?: string;
  children: readonly CommandNode[];
  examples: readonly string[];
}

export type CommandNode = CommandSpec | CommandGroup;

export const JSON_FLAG: FlagSpec = {
  name: "json",
  type: "boolean",
  description: "Print the API's JSON instead of a table (for scripts)",
};
export const HELP_FLAG: FlagSpec = {
  name: "help",
  short: "h",
  type: "boolean",
  description: "Show this help",
};
export const CONNECTION_FLAGS: readonly FlagSpec[] = [
  {
    name: "url",
    type: "string",
    value: "URL",
    description: "Server URL (else FOGHORN_URL, the saved login, http://127.0.0.1:8080)",
  },
  {
    name: "token",
    type: "string",
    value: "TOKEN",
    description: "API token (else FOGHORN_TOKEN, the saved login)",
  },
];
export const CONFIG_FLAG: FlagSpec = {
  name: "config",
  type: "string",
  value: "FILE",
  description: "Configuration file (else FOGHORN_CONFIG, ./foghorn.config.yaml)",
};

/** --url and --token, with --url renamed for a command whose own --url means something else. */
function connectionFlags(spec: CommandSpec): readonly FlagSpec[] {
  const rename = spec.serverUrlFlag;
  return rename
    ? CONNECTION_FLAGS.map((f) => (f.name === "url" ? { ...f, name: rename } : f))
    : CONNECTION_FLAGS;
}

/** Every flag a command accepts: its own, then the shared ones. */
export function allFlags(spec: CommandSpec): FlagSpec[] {
  return [
    ...(spec.flags ?? []),
    ...(spec.connects ? connectionFlags(spec) : []),
    ...(spec.readsConfig ? [CONFIG_FLAG] : []),
    ...(spec.noJson ? [] : [JSON_FLAG]),
    HELP_FLAG,
  ];
}
