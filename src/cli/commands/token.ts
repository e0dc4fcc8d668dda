import { type CreateTokenInput, createToken } from "#app/auth/tokens.ts";
import type { CommandContext, CommandGroup, CommandSpec } from "../command.ts";
import { CliError, EXIT } from "../errors.ts";
import { localStorageExists, offlineContext, rethrowAppError, withLocalStorage } from "../offline.ts";

type CreatedToken = Awaited<ReturnType<typeof createToken>>;

/** Offline: straight into local storage as Foghorn itself; the recovery path for a lost bootstrap token. */
async function createOffline(ctx: CommandContext, input: CreateTokenInput): Promise<CreatedToken> {
  const config = ctx.config();
  if (!localStorageExists(config)) {
    throw new CliError(
      EXIT.FAILED,
      `no Foghorn database in ${config.storage.dataDir} yet: start the server once with \`npm start\` ` +
        "(it creates the admin user and prints its token)",
    );
  }
  return withLocalStorage(config, (database) =>
    createToken(offlineContext(config, database, ctx.now), input).catch(rethrowAppError),
  );
}

const create: CommandSpec = {
  kind: "command",
  name: "create",
  summary: "Create an API token (the secret is printed once)",
  description:
    "With a token configured (--token, FOGHORN_TOKEN or the saved login) this asks the server.\n" +
    "Without one it opens the local storage from the configuration and creates the token directly, as\n" +
    "Foghorn itself: the way back in when the admin's first token was lost. The server must be stopped\n" +
    "for that when storage is embedded PGlite.",
  flags: [
    { name: "name", type: "string", value: "NAME", description: "What the token is for, e.g. ci (required)" },
    {
      name: "user",
      type: "string",
      value: "USERNAME",
      description: "Whose token (default: you; offline: admin). Admins may create tokens for anyone",
    },
    {
      name: "expires-in-days",
      type: "string",
      value: "DAYS",
      description: "Expire after this many days (1–3650; default: never)",
    },
    {
      name: "offline",
      type: "boolean",
      description: "Use local storage even when a token is configured (e.g. the saved one expired)",
    },
  ],
  connects: true,
  readsConfig: true,
  examples: [
    "foghorn token create --name ci --expires-in-days 90",
    "foghorn token create --name laptop --user alice",
    "foghorn token create --name recovery --offline     # server stopped, token lost",
  ],
  async run(ctx) {
    const name = ctx.args.requiredString("name");
    const user = ctx.args.string("user");
    const days = ctx.args.integer("expires-in-days");
    const input: CreateTokenInput = {
      name,
      ...(user ? { username: user } : {}),
      ...(days !== undefined ? { expires_in_days: days } : {}),
    };
    const offline = ctx.args.boolean("offline") || ctx.connection().token === undefined;
    const token = offline
      ? await createOffline(ctx, { username: "admin", ...input })
      : await ctx.api().post<CreatedToken>("/api/v1/tokens", input, {
          fieldNames: { username: "--user", expires_in_days: "--expires-in-days" },
        });
    ctx.out.result(token, (t) => {
      const expiry = t.expires_at ? `expires ${t.expires_at.slice(0, 10)}` : "never expires";
      const where = offline ? " (offline, in local storage)" : "";
      ctx.out.print(`Created token "${t.name}" for ${t.username}${where}; it ${expiry}.`);
      ctx.out.print("The secret is shown once; store it now:");
      ctx.out.print("");
      ctx.out.print(`    ${t.token}`);
      ctx.out.print("");
      ctx.out.print(`    export FOGHORN_TOKEN=${t.token}`);
      ctx.out.print("");
      ctx.out.print(`Or save it for this CLI: foghorn login --token ${t.token}`);
    });
    return 0;
  },
};

export const tokenGroup: CommandGroup = {
  kind: "group",
  name: "token",
  summary: "Create API tokens",
  children: [create],
  examples: [
    "foghorn token create --name ci",
    "foghorn token create --name ci --user bob --expires-in-days 30",
  ],
};
