import { type CreateTokenInput, createToken, type TokenView } from "#app/auth/tokens.ts";
import { TOKEN_SCOPES, type TokenScope } from "#domain/auth/access.ts";
import type { CommandContext, CommandGroup, CommandSpec } from "../command.ts";
import { CliError, EXIT, usageError } from "../errors.ts";
import { orDash, relative } from "../format.ts";
import { localStorageExists, offlineContext, rethrowAppError, withLocalStorage } from "../offline.ts";

type CreatedToken = Awaited<ReturnType<typeof createToken>>;

const SCOPE_HELP =
  "read (look only), write (everything your role allows but admin operations; the default), admin " +
  "(everything your role allows), ingest (only send alert events: POST /api/v1/services/NAME/events)";

function scopeFlag(ctx: CommandContext): TokenScope | undefined {
  const scope = ctx.args.string("scope");
  if (scope === undefined) return undefined;
  if (!(TOKEN_SCOPES as readonly string[]).includes(scope))
    throw usageError(`--scope must be one of ${TOKEN_SCOPES.join(", ")}, got "${scope}"`);
  return scope as TokenScope;
}

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
    "NAME says what the token is for (ci, grafana, laptop). --scope limits what it may do on top of its\n" +
    "user's role: read, write (default), admin, or ingest (only POST /api/v1/services/NAME/events, for\n" +
    "monitoring that sends alerts). Only a hash is stored: copy the secret when it is printed.\n" +
    "With a token configured (--token, FOGHORN_TOKEN or the saved login) this asks the server.\n" +
    "Without one it opens the local storage from the configuration and creates the token directly, as\n" +
    "Foghorn itself: the way back in when the admin's first token was lost. The server must be stopped\n" +
    "for that when storage is embedded PGlite.",
  args: [{ name: "NAME", description: "What the token is for, e.g. ci (or --name)", optional: true }],
  flags: [
    { name: "name", type: "string", value: "NAME", description: "What the token is for (instead of NAME)" },
    { name: "scope", type: "string", value: "SCOPE", description: SCOPE_HELP },
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
    "foghorn token create ci --expires-in-days 90",
    "foghorn token create grafana --scope ingest",
    "foghorn token create dashboards --scope read --user alice",
    "foghorn token create --name recovery --offline     # server stopped, token lost",
  ],
  async run(ctx) {
    const name = ctx.args.optionalArg("NAME") ?? ctx.args.string("name");
    if (!name) throw usageError("token create needs NAME; e.g. foghorn token create ci --scope write");
    const user = ctx.args.string("user");
    const days = ctx.args.integer("expires-in-days");
    const scope = scopeFlag(ctx);
    const input: CreateTokenInput = {
      name,
      ...(user ? { username: user } : {}),
      ...(scope ? { scope } : {}),
      ...(days !== undefined ? { expires_in_days: days } : {}),
    };
    const offline = ctx.args.boolean("offline") || ctx.connection().token === undefined;
    // Offline is the admin's way back in: an admin-scoped token unless --user or --scope says otherwise.
    const token = offline
      ? await createOffline(ctx, { username: "admin", ...(user ? {} : { scope: "admin" }), ...input })
      : await ctx.api().post<CreatedToken>("/api/v1/tokens", input, {
          fieldNames: {
            name: "NAME",
            username: "--user",
            scope: "--scope",
            expires_in_days: "--expires-in-days",
          },
        });
    ctx.out.result(token, (t) => {
      const expiry = t.expires_at ? `expires ${t.expires_at.slice(0, 10)}` : "never expires";
      const where = offline ? " (offline, in local storage)" : "";
      ctx.out.print(`Created token "${t.name}" for ${t.username}${where}; it ${expiry}.`);
      ctx.out.print(`Scope ${t.scope}; id ${t.id} (foghorn token revoke ${t.id} ends it).`);
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

function tokenState(t: TokenView, now: Date): string {
  if (t.revoked_at) return `revoked ${relative(t.revoked_at, now)}`;
  if (t.expires_at && new Date(t.expires_at) <= now) return `expired ${relative(t.expires_at, now)}`;
  return t.expires_at ? `expires ${relative(t.expires_at, now)}` : "active";
}

const list: CommandSpec = {
  kind: "command",
  name: "list",
  aliases: ["ls"],
  summary: "List your API tokens: scope, last use, expiry, revoked (never the secrets)",
  description:
    "Newest first, revoked and expired ones included. LAST USED is updated at most once a minute.\n" +
    "Admins may list another user's tokens (--user) or everyone's (--all).",
  flags: [
    { name: "user", type: "string", value: "USERNAME", description: "Whose tokens (admins only for others)" },
    { name: "all", type: "boolean", description: "Every user's tokens (admins only)" },
  ],
  connects: true,
  examples: [
    "foghorn token list",
    "foghorn token list --all",
    "foghorn token list --json | jq -r '.items[] | select(.revoked_at == null) | .id'",
  ],
  async run(ctx) {
    const user = ctx.args.string("user");
    const all = ctx.args.boolean("all");
    if (user && all) throw usageError("pass either --user or --all, not both");
    const page = await ctx.api().get<{ items: TokenView[] }>("/api/v1/tokens", {
      query: { ...(all ? { all: "true" } : {}), ...(user ? { username: user } : {}) },
      fieldNames: { username: "--user", all: "--all" },
    });
    ctx.out.result(page, ({ items }) => {
      if (items.length === 0) {
        ctx.out.print("No API tokens yet. Create one:");
        ctx.out.print(`  ${create.examples[0]}`);
        return;
      }
      const now = ctx.now();
      const c = ctx.out.color;
      ctx.out.table(
        ["ID", "NAME", ...(all || user ? ["USER"] : []), "SCOPE", "PREFIX", "CREATED", "LAST USED", "STATE"],
        items.map((t) => [
          t.id,
          { text: t.name, paint: c.bold },
          ...(all || user ? [t.username] : []),
          t.scope,
          `${t.prefix}…`,
          relative(t.created_at, now),
          t.last_used_at ? relative(t.last_used_at, now) : "never",
          t.revoked_at ? { text: tokenState(t, now), paint: c.dim } : tokenState(t, now),
        ]),
      );
      ctx.out.print(c.dim(`Revoke one: foghorn token revoke ID`));
    });
    return 0;
  },
};

const revoke: CommandSpec = {
  kind: "command",
  name: "revoke",
  summary: "Revoke an API token; it stops working on the very next request",
  description:
    "ID is the token's id from `foghorn token list`. Your own tokens; admins may revoke anyone's.\n" +
    "Revoking is immediate on every replica and cannot be undone: create a new token instead.",
  args: [{ name: "ID", description: "The token's id (foghorn token list)" }],
  connects: true,
  examples: ["foghorn token revoke 0b7c9a8e-1f0d-4c4e-9d6a-3c1f2b7e8a90", "foghorn token list"],
  async run(ctx) {
    const id = ctx.args.arg("ID");
    const token = await ctx.api().request<TokenView>("DELETE", `/api/v1/tokens/${encodeURIComponent(id)}`);
    ctx.out.result(token, (t) => {
      ctx.out.print(
        `Revoked token "${t.name}" (${t.prefix}…) of ${t.username}; requests with it are refused from now on.`,
      );
      ctx.out.print(
        ctx.out.color.dim(
          `Last used: ${orDash(t.last_used_at ? relative(t.last_used_at, ctx.now()) : null)}`,
        ),
      );
    });
    return 0;
  },
};

export const tokenGroup: CommandGroup = {
  kind: "group",
  name: "token",
  summary: "Create, list and revoke API tokens",
  description:
    "API tokens authenticate scripts, CI and monitoring (Authorization: Bearer fh_…). Each has a scope:\n" +
    `${SCOPE_HELP}.\nSee docs/authentication.md.`,
  children: [create, list, revoke],
  examples: [
    "foghorn token create ci",
    "foghorn token create alertmanager --scope ingest --expires-in-days 365",
    "foghorn token list",
    "foghorn token revoke ID",
  ],
};
