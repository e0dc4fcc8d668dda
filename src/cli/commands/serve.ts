import type { CommandSpec } from "../command.ts";

export const serveCommand: CommandSpec = {
  kind: "command",
  name: "serve",
  summary: "Start the Foghorn server (HTTP API) on the configured storage",
  description:
    "Loads foghorn.config.yaml and the environment, opens storage, applies migrations and listens\n" +
    "(default http://127.0.0.1:8080). On the first start it creates the admin user and prints its token once.\n" +
    "Stops cleanly on Ctrl-C / SIGTERM. `npm start` runs this command.",
  readsConfig: true,
  noJson: true,
  examples: [
    "foghorn serve",
    "PORT=9090 FOGHORN_DATA_DIR=/var/lib/foghorn foghorn serve",
    "foghorn serve --config /etc/foghorn/foghorn.config.yaml",
  ],
  async run(ctx) {
    await ctx.serve(ctx.config());
    return 0;
  },
};
