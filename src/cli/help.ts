import { allFlags, type CommandGroup, type CommandNode, type CommandSpec, type FlagSpec } from "./command.ts";
import { DEFAULT_URL } from "./connection.ts";
import { EXIT_CODE_MEANINGS } from "./errors.ts";

// The text of `foghorn help`, `foghorn <command> --help` and `foghorn help <command>`.

function columns(rows: readonly [string, string][], indent = "  "): string[] {
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `${indent}${left.padEnd(width)}   ${right}`.trimEnd());
}

function flagLabel(flag: FlagSpec): string {
  const short = flag.short ? `-${flag.short}, ` : "";
  const value = flag.type === "string" ? ` ${flag.value ?? "VALUE"}` : "";
  return `${short}--${flag.name}${value}${flag.multiple ? " (repeatable)" : ""}`;
}

/** "foghorn incident note INCIDENT TEXT... [flags]". */
export function usageLine(spec: CommandSpec, name: string): string {
  const args = (spec.args ?? []).map((a) => {
    const word = a.rest ? `${a.name}...` : a.name;
    return a.optional ? `[${word}]` : word;
  });
  return [name, ...args, "[flags]"].join(" ");
}

export function renderCommandHelp(spec: CommandSpec, name: string): string {
  const lines = [`${name}: ${spec.summary}`, "", `Usage: ${usageLine(spec, name)}`];
  if (spec.aliases?.length)
    lines.push(`Also: ${spec.aliases.map((a) => name.replace(/\S+$/, a)).join(", ")}`);
  if (spec.description) lines.push("", ...spec.description.split("\n"));
  if (spec.args?.length) {
    lines.push("", "Arguments:", ...columns(spec.args.map((a) => [a.name, a.description])));
  }
  lines.push("", "Flags:", ...columns(allFlags(spec).map((f) => [flagLabel(f), f.description])));
  if (spec.subcommands?.length)
    lines.push("", "Subcommands:", ...columns(spec.subcommands.map((c) => [c.name, c.summary])));
  lines.push("", "Examples:", ...spec.examples.map((e) => `  ${e}`));
  return `${lines.join("\n")}\n`;
}

export function renderGroupHelp(group: CommandGroup, name: string): string {
  const lines = [`${name}: ${group.summary}`, "", `Usage: ${name} <subcommand> [flags]`];
  if (group.description) lines.push("", ...group.description.split("\n"));
  lines.push(
    "",
    "Subcommands:",
    ...columns(group.children.map((c) => [c.name, c.summary])),
    "",
    "Examples:",
    ...group.examples.map((e) => `  ${e}`),
    "",
    `Run "${name} <subcommand> --help" for the flags of each.`,
  );
  return `${lines.join("\n")}\n`;
}

export function renderNodeHelp(node: CommandNode, name: string): string {
  return node.kind === "group" ? renderGroupHelp(node, name) : renderCommandHelp(node, name);
}

export function renderMainHelp(commands: readonly CommandNode[], version: string): string {
  const lines = [
    `foghorn ${version}: self-hosted incident management, from the command line`,
    "",
    "Usage: foghorn <command> [subcommand] [arguments] [flags]",
    "",
    "Commands:",
    ...columns(commands.map((c) => [c.name, c.summary])),
    "",
    "Every command takes --help; every command that prints a result takes --json (the API's JSON, for scripts).",
    "",
    "Server and token (first found wins):",
    ...columns([
      ["--url, --token", "flags on any command that talks to the server"],
      ["FOGHORN_URL, FOGHORN_TOKEN", "environment"],
      ["~/.config/foghorn/cli.json", 'written by "foghorn login" (honours XDG_CONFIG_HOME)'],
      [DEFAULT_URL, "the default URL"],
    ]),
    "",
    "Exit codes:",
    ...columns(EXIT_CODE_MEANINGS.map((e) => [String(e.code), e.meaning])),
    "",
    "Examples:",
    "  npm start                                  # in one terminal: the server",
    "  foghorn login --token fh_...               # once: save the URL and token",
    "  foghorn demo && foghorn incident list",
    '  foghorn incident declare --title "Checkout errors" --severity SEV2 --service checkout',
    "",
    'Run "foghorn help <command>" or "foghorn <command> --help" for details. Docs: docs/cli.md',
  ];
  return `${lines.join("\n")}\n`;
}
