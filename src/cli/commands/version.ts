import type { CommandSpec } from "../command.ts";

export const versionCommand: CommandSpec = {
  kind: "command",
  name: "version",
  summary: "Print the version of this foghorn",
  examples: ["foghorn version", "foghorn version --json"],
  async run(ctx) {
    ctx.out.result({ version: ctx.version }, (v) => ctx.out.print(`foghorn ${v.version}`));
    return 0;
  },
};
