import { loadDemoData } from "#app/demo/load.ts";
import { ServerUnreachableError } from "../client.ts";
import type { CommandContext, CommandSpec } from "../command.ts";
import { offlineContext, rethrowAppError, withLocalStorage } from "../offline.ts";

type DemoResult = Awaited<ReturnType<typeof loadDemoData>> & { offline?: boolean; location?: string };

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Only a server on this machine may be replaced by its storage: a remote one that is down must not be. */
function mayLoadLocally(ctx: CommandContext): boolean {
  const { url, urlSource } = ctx.connection();
  return urlSource === "default" || LOOPBACK.has(new URL(url).hostname);
}

async function loadOffline(ctx: CommandContext): Promise<DemoResult> {
  const config = ctx.config();
  return withLocalStorage(config, async (database) => {
    const result = await loadDemoData(offlineContext(config, database, ctx.now)).catch(rethrowAppError);
    return { ...result, offline: true, location: database.location };
  });
}

export const demoCommand: CommandSpec = {
  kind: "command",
  name: "demo",
  summary: "Load the demo incidents (from the seeds) to explore Foghorn",
  description:
    "Asks the server to load three realistic incidents with full timelines (POST /api/v1/demo, admin only).\n" +
    "When no server answers on this machine, loads them straight into the local storage from the\n" +
    "configuration instead. Loading twice adds nothing.",
  connects: true,
  readsConfig: true,
  examples: [
    "foghorn demo",
    "foghorn demo --json | jq -r '.incidents[]'",
    "foghorn demo && foghorn incident list",
  ],
  async run(ctx) {
    let result: DemoResult;
    try {
      result = await ctx.api().post<DemoResult>("/api/v1/demo");
    } catch (error) {
      if (!(error instanceof ServerUnreachableError) || !mayLoadLocally(ctx)) throw error;
      result = await loadOffline(ctx);
    }
    ctx.out.result(result, (r) => {
      if (r.offline)
        ctx.out.print(`No server at ${ctx.connection().url}; used local storage (${r.location}).`);
      const ids = r.incidents.join(", ");
      ctx.out.print(
        r.loaded
          ? `Loaded ${r.incidents.length} demo incidents: ${ids}`
          : `Demo data is already loaded: ${ids}`,
      );
      ctx.out.print(
        r.offline
          ? "Next: start the server with `npm start`, then: foghorn incident list"
          : `Next: foghorn incident list   (or: foghorn incident show ${r.incidents[0] ?? "INC-1"})`,
      );
    });
    return 0;
  },
};
