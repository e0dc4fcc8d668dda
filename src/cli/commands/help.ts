import type { CommandNode, CommandSpec } from "../command.ts";
import { findCommand } from "../command-tree.ts";
import { EXIT_CODE_MEANINGS } from "../errors.ts";
import { renderMainHelp, renderNodeHelp } from "../help.ts";

/** `foghorn help [command...]`: the overview, or one command's help. */
export function helpCommand(commands: () => readonly CommandNode[]): CommandSpec {
  return {
    kind: "command",
    name: "help",
    summary: "Show the commands, configuration and exit codes, or one command's help",
    args: [
      {
        name: "COMMAND",
        description: "A command, e.g. incident or incident declare",
        optional: true,
        rest: true,
      },
    ],
    examples: ["foghorn help", "foghorn help incident", "foghorn help incident declare"],
    async run(ctx) {
      const words = (ctx.args.optionalArg("COMMAND") ?? "").split(" ").filter(Boolean);
      if (words.length === 0) {
        ctx.out.result(
          {
            commands: commands().map((c) => ({ name: c.name, summary: c.summary })),
            exit_codes: EXIT_CODE_MEANINGS,
          },
          () => ctx.out.print(renderMainHelp(commands(), ctx.version).trimEnd()),
        );
        return 0;
      }
      const found = findCommand(commands(), words);
      ctx.out.print(renderNodeHelp(found.node, found.name).trimEnd());
      return 0;
    },
  };
}
