import type { CommandNode } from "./command.ts";
import { usageError } from "./errors.ts";
import { closest } from "./suggest.ts";

export interface FoundCommand {
  node: CommandNode;
  /** "foghorn incident declare". */
  name: string;
  /** The words after the command's name. */
  rest: string[];
}

function matches(node: CommandNode, word: string): boolean {
  return node.name === word || (node.kind === "command" && (node.aliases ?? []).includes(word));
}

/**
 * Walks the command tree along `argv` as far as it names commands: `incident action add INC-7 …` →
 * the `add` command with `INC-7 …` left over. A word that names nothing under a group is a usage error.
 */
export function findCommand(commands: readonly CommandNode[], argv: readonly string[]): FoundCommand {
  let children = commands;
  let name = "foghorn";
  let node: CommandNode | undefined;
  let i = 0;
  for (; i < argv.length; i++) {
    const word = argv[i] ?? "";
    if (word.startsWith("-")) break;
    if (node?.kind === "command") {
      // A command's own subcommands (`metrics digest`); any other word is the command's argument.
      const sub = node.subcommands?.find((c) => matches(c, word));
      if (!sub) break;
      node = sub;
      name = `${name} ${sub.name}`;
      if (sub.kind === "group") children = sub.children;
      continue;
    }
    const next = children.find((c) => matches(c, word));
    if (!next) {
      const names = children.map((c) => c.name);
      const guess = closest(word, names);
      const hint = guess ? `did you mean "${name} ${guess}"? ` : "";
      const where = node ? `"${name}" has no subcommand "${word}"` : `unknown command "${word}"`;
      throw usageError(
        `${where}; ${hint}run "${name === "foghorn" ? "foghorn help" : `${name} --help`}" for the list`,
      );
    }
    node = next;
    name = `${name} ${next.name}`;
    if (next.kind === "group") children = next.children;
  }
  if (!node) throw usageError('no command given; run "foghorn help" for the list');
  return { node, name, rest: argv.slice(i) };
}

/** Every command and group with its full name, depth first (for tests and docs). */
export function walkCommands(nodes: readonly CommandNode[], prefix = "foghorn"): FoundCommand[] {
  return nodes.flatMap((node) => {
    const name = `${prefix} ${node.name}`;
    const self = { node, name, rest: [] };
    const below = node.kind === "group" ? node.children : (node.subcommands ?? []);
    return [self, ...walkCommands(below, name)];
  });
}
