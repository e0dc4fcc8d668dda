import { AppError } from "#app/errors.ts";
import { type Config, ConfigError, loadConfig } from "#config/load.ts";
import { DataDirLockedError } from "#store/db.ts";
import { parseCommandLine } from "./args.ts";
import { ApiClient } from "./client.ts";
import type { CommandContext, CommandSpec } from "./command.ts";
import { type FoundCommand, findCommand } from "./command-tree.ts";
import type { ConnectBacklog } from "./commands/backlog.ts";
import { type Connection, loginFilePath, resolveConnection } from "./connection.ts";
import { CliError, codeOf, EXIT, messageOf, usageError } from "./errors.ts";
import { renderMainHelp, renderNodeHelp } from "./help.ts";
import { appErrorToCliError } from "./offline.ts";
import { Output, type Writer } from "./output.ts";
import { COMMANDS } from "./registry.ts";
import { promptHidden } from "./secret-prompt.ts";

/** Standard input as the CLI reads it (`foghorn login` and `incident note` take piped text). */
export interface Input extends AsyncIterable<string | Uint8Array> {
  isTTY?: boolean;
}

export interface CliDeps {
  env: Record<string, string | undefined>;
  cwd: string;
  version: string;
  /** Starts the server (wired by main.ts, the composition root); resolves once listening. */
  serve(config: Config): Promise<void>;
  /** Defaults to the process streams; tests pass buffers. */
  stdout?: Writer;
  stderr?: Writer;
  stdin?: Input;
  /** The current time for relative times and --due; defaults to the system clock. */
  now?: () => Date;
  /** GitHub, AI and Slack clients for `backlog sync` (main.ts builds them: the CLI may not import integrations). */
  connectBacklog?: ConnectBacklog;
}

function wantsHelp(words: readonly string[]): boolean {
  const end = words.indexOf("--");
  return (end < 0 ? words : words.slice(0, end)).some((w) => w === "--help" || w === "-h");
}

async function readAll(input: Input): Promise<string | undefined> {
  if (input.isTTY) return undefined;
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of input)
    text += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

function isReadableStream(input: Input): input is Input & NodeJS.ReadableStream {
  return typeof (input as { on?: unknown }).on === "function";
}

function buildContext(found: FoundCommand, spec: CommandSpec, deps: CliDeps, out: Output): CommandContext {
  const args = parseCommandLine(spec, found.name, found.rest);
  out.json = args.boolean("json");
  const loginFile = loginFilePath(deps.env);
  let connection: Connection | undefined;
  let api: ApiClient | undefined;
  let config: Config | undefined;
  const ctx: CommandContext = {
    args,
    out,
    loginFile,
    version: deps.version,
    serve: deps.serve,
    now: deps.now ?? (() => new Date()),
    cwd: deps.cwd,
    connectBacklog: deps.connectBacklog,
    connection() {
      const urlFlag = spec.serverUrlFlag ?? "url";
      connection ??= resolveConnection({
        flagUrl: args.string(urlFlag),
        flagName: `--${urlFlag}`,
        flagToken: args.string("token"),
        env: deps.env,
        loginFile,
      });
      return connection;
    },
    api() {
      api ??= new ApiClient(ctx.connection());
      return api;
    },
    config() {
      config ??= loadConfig({ env: deps.env, cwd: deps.cwd, configPath: args.string("config") });
      return config;
    },
    readStdin: () => readAll(deps.stdin ?? process.stdin),
    stdinIsTerminal: (deps.stdin ?? process.stdin).isTTY === true,
    async promptSecrets(questions) {
      const input = deps.stdin ?? process.stdin;
      if (input.isTTY !== true || !isReadableStream(input))
        throw new CliError(EXIT.USAGE, "standard input is not a terminal; pipe the secret in instead");
      return promptHidden(input, deps.stderr ?? process.stderr, questions);
    },
  };
  return ctx;
}

/** Any failure → one `foghorn: …` line (plus detail lines) on stderr and the exit code that names its kind. */
function report(out: Output, error: unknown): number {
  if (error instanceof CliError) return out.fail(error);
  if (error instanceof ConfigError) {
    out.error(error.message);
    return EXIT.CONFIG;
  }
  if (error instanceof DataDirLockedError) return out.fail(new CliError(EXIT.FAILED, error.message));
  if (error instanceof AppError) return out.fail(appErrorToCliError(error));
  const message = messageOf(error);
  if (codeOf(error) === "EADDRINUSE")
    return out.fail(
      new CliError(EXIT.FAILED, `${message}: another process uses that port; set PORT to another`),
    );
  out.error(message);
  return EXIT.FAILED;
}

/** argv → command. Returns the process exit code (EXIT in errors.ts; documented in docs/cli.md). */
export async function runCli(argv: string[], deps: CliDeps): Promise<number> {
  const out = new Output(deps.stdout ?? process.stdout, deps.stderr ?? process.stderr, deps.env);
  try {
    const [first] = argv;
    if (first === undefined || first === "--help" || first === "-h") {
      out.print(renderMainHelp(COMMANDS, deps.version).trimEnd());
      return EXIT.OK;
    }
    if (first === "--version" || first === "-V") {
      out.print(`foghorn ${deps.version}`);
      return EXIT.OK;
    }
    const found = findCommand(COMMANDS, argv);
    if (wantsHelp(found.rest)) {
      out.print(renderNodeHelp(found.node, found.name).trimEnd());
      return EXIT.OK;
    }
    const { node } = found;
    if (node.kind === "group") {
      const names = node.children.map((c) => c.name).join(", ");
      throw usageError(`${found.name} needs a subcommand (${names}); e.g. ${node.examples[0] ?? found.name}`);
    }
    return await node.run(buildContext(found, node, deps, out));
  } catch (error) {
    return report(out, error);
  }
}
