import { randomUUID } from "node:crypto";
import { z } from "zod";
import { isUserRole, scopeAllows, TOKEN_SCOPES } from "#domain/auth/access.ts";
import { type Clock, DAY, MINUTE } from "#domain/time.ts";
import {
  type ApiTokenRow,
  countUsers,
  findApiTokenById,
  findTokenByHash,
  findUserByUsername,
  insertApiToken,
  insertUser,
  listApiTokens,
  revokeApiToken,
  touchApiToken,
} from "#store/auth.ts";
import type { Db } from "#store/db.ts";
import { withTransaction } from "#store/db.ts";
import { recordAudit } from "../audit/record.ts";
import type { Actor, AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { parseInput, text } from "../validation.ts";
import { hashPassword } from "./passwords.ts";
import { randomSecret, sha256Hex } from "./secrets.ts";
import { createSetupToken } from "./setup.ts";

/** API tokens look like `fh_<43 base64url chars>`: 256 random bits, so a plain sha256 is a safe hash. */
export const TOKEN_PREFIX = "fh_";

export function generateToken(): string {
  return TOKEN_PREFIX + randomSecret();
}

export function hashToken(token: string): string {
  return sha256Hex(token);
}

export interface BootstrapResult {
  created: boolean;
  /** The admin's first token, present only when this call created it and it was not supplied. */
  token?: string;
  /** A one-time setup link secret (valid 24 h), present when the admin was created without a password. */
  setupToken?: string;
}

/**
 * On an empty database: creates the `admin` user and its first API token, either the supplied one
 * (FOGHORN_BOOTSTRAP_TOKEN) or a new one returned once. The admin's web password is the supplied one
 * (FOGHORN_BOOTSTRAP_PASSWORD); without it, a one-time setup token is returned to build the setup link.
 * Does nothing when any user exists.
 */
export async function bootstrapAdmin(
  db: Db,
  clock: Clock,
  suppliedToken?: string,
  suppliedPassword?: string,
): Promise<BootstrapResult> {
  return withTransaction(db, async (tx) => {
    if ((await countUsers(tx)) > 0) return { created: false };
    const now = clock.now();
    const userId = randomUUID();
    await insertUser(tx, {
      id: userId,
      username: "admin",
      displayName: "Administrator",
      role: "admin",
      createdAt: now,
      passwordHash: suppliedPassword ? await hashPassword(suppliedPassword) : null,
    });
    const setupToken = suppliedPassword ? undefined : await createSetupToken(tx, now, userId);
    const token = suppliedToken ?? generateToken();
    await insertApiToken(tx, {
      id: randomUUID(),
      userId,
      name: "bootstrap",
      tokenHash: hashToken(token),
      prefix: token.slice(0, 10),
      scope: "admin",
      createdAt: now,
    });
    return {
      created: true,
      ...(suppliedToken ? {} : { token }),
      ...(setupToken ? { setupToken } : {}),
    };
  });
}

export const CreateTokenInput = z
  .object({
    name: text(100, "name"),
    username: z.string().min(1).max(64).optional().describe("whose token; defaults to the caller"),
    scope: z
      .enum(TOKEN_SCOPES, { error: `must be one of ${TOKEN_SCOPES.join(", ")}` })
      .optional()
      .describe(
        "read: look only; write: everything the user's role allows except admin operations; admin: everything " +
          "the role allows; ingest: only POST /api/v1/services/{name}/events. Default write",
      ),
    expires_in_days: z.number().int().min(1).max(3650).optional(),
  })
  .strict();
export type CreateTokenInput = z.input<typeof CreateTokenInput>;

/** What the API shows of a token: never its secret or hash. */
export function tokenView(t: ApiTokenRow & { username: string }) {
  return {
    id: t.id,
    name: t.name,
    username: t.username,
    prefix: t.prefix,
    scope: t.scope,
    created_at: t.createdAt.toISOString(),
    expires_at: t.expiresAt?.toISOString() ?? null,
    last_used_at: t.lastUsedAt?.toISOString() ?? null,
    revoked_at: t.revokedAt?.toISOString() ?? null,
  };
}
export type TokenView = ReturnType<typeof tokenView>;

/** Other users' tokens are an admin matter: the admin role, and for a bearer token the admin scope. */
function mayHandleOthersTokens(actor: Actor): boolean {
  if (actor.kind === "system") return true;
  return actor.role === "admin" && scopeAllows(actor.scope, "admin");
}

function notSelf(what: string): AppError {
  return new AppError(
    "FORBIDDEN",
    `Only an admin may ${what} (with a session or an admin-scoped token); you may ${what.replace("other users'", "your own")}`,
  );
}

/** Issues a new API token for a user; the secret is returned once and only its hash is stored. */
export async function createToken(ctx: AppContext, input: unknown) {
  const req = parseInput(CreateTokenInput, input);
  const username = req.username ?? ctx.actor.name;
  const scope = req.scope ?? "write";
  if (ctx.actor.kind === "user" && username !== ctx.actor.name && !mayHandleOthersTokens(ctx.actor)) {
    throw new AppError("FORBIDDEN", "Only an admin may create tokens for other users");
  }
  // A token may not mint a more powerful one: a write-scoped token creates read, write or ingest tokens.
  if (ctx.actor.scope !== undefined && !scopeAllows(ctx.actor.scope, "admin") && scope === "admin") {
    throw new AppError(
      "FORBIDDEN",
      `This API token's scope (${ctx.actor.scope}) may not create an admin-scoped token; sign in to the web UI or use an admin-scoped token`,
      [{ field: "scope", message: "more than the calling token's scope" }],
    );
  }
  const user = await findUserByUsername(ctx.db, username);
  if (!user)
    throw new AppError("NOT_FOUND", `User "${username}" does not exist`, [
      { field: "username", message: "no such user" },
    ]);
  if (scope === "admin" && isUserRole(user.role) && user.role !== "admin")
    throw new AppError(
      "INVALID_INPUT",
      `${user.username} is a ${user.role}: an admin-scoped token would allow no more than a write-scoped one; use --scope write (or read, ingest)`,
      [{ field: "scope", message: `admin needs the admin role; ${user.username} is ${user.role}` }],
    );
  const now = ctx.clock.now();
  const token = generateToken();
  const expiresAt = req.expires_in_days ? new Date(now.getTime() + req.expires_in_days * DAY) : null;
  const id = randomUUID();
  const prefix = token.slice(0, 10);
  await withTransaction(ctx.db, async (tx) => {
    await insertApiToken(tx, {
      id,
      userId: user.id,
      name: req.name,
      tokenHash: hashToken(token),
      prefix,
      scope,
      createdAt: now,
      expiresAt,
    });
    await recordAudit(tx, {
      at: now,
      actor: ctx.actor,
      action: "token.create",
      targetType: "api_token",
      targetId: id,
      after: { name: req.name, username, scope, prefix, expires_at: expiresAt?.toISOString() ?? null },
    });
  });
  ctx.log.info({ user: username, token_name: req.name, token_prefix: prefix, scope }, "api token created");
  return {
    id,
    name: req.name,
    username,
    token,
    prefix,
    scope,
    created_at: now.toISOString(),
    expires_at: expiresAt?.toISOString() ?? null,
    last_used_at: null,
    revoked_at: null,
  };
}

export const ListTokensQuery = z
  .object({
    username: z.string().min(1).max(64).optional().describe("whose tokens (admins only for other users)"),
    all: z
      .enum(["true", "false"], { error: "must be true or false" })
      .optional()
      .describe("true: every user's tokens (admins only)"),
  })
  .strict();

/** The caller's tokens (revoked and expired ones included); admins may ask for a user's or everyone's. */
export async function listTokens(ctx: AppContext, query: unknown): Promise<{ items: TokenView[] }> {
  const req = parseInput(ListTokensQuery, query ?? {});
  const all = req.all === "true";
  if (all && req.username)
    throw new AppError("INVALID_INPUT", "Pass either username or all=true, not both", [
      { field: "all", message: "cannot be combined with username" },
    ]);
  const username = req.username ?? ctx.actor.name;
  if ((all || username !== ctx.actor.name) && !mayHandleOthersTokens(ctx.actor))
    throw notSelf("list other users' tokens");
  let userId: string | undefined;
  if (!all) {
    const user = await findUserByUsername(ctx.db, username);
    if (!user)
      throw new AppError("NOT_FOUND", `User "${username}" does not exist`, [
        { field: "username", message: "no such user" },
      ]);
    userId = user.id;
  }
  return { items: (await listApiTokens(ctx.db, userId)).map(tokenView) };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Revokes a token at once: the next request that carries it is refused, on every replica (the
 * authenticator looks each token up). Revoking a revoked token answers it unchanged.
 */
export async function revokeToken(ctx: AppContext, id: string): Promise<TokenView> {
  const missing = () =>
    new AppError(
      "NOT_FOUND",
      `No API token has id "${id}"; see the ids in GET /api/v1/tokens (foghorn token list)`,
    );
  if (!UUID.test(id)) throw missing();
  const token = await findApiTokenById(ctx.db, id);
  if (!token) throw missing();
  if (ctx.actor.kind === "user" && token.userId !== ctx.actor.userId && !mayHandleOthersTokens(ctx.actor))
    throw notSelf("revoke other users' tokens");
  const now = ctx.clock.now();
  const revoked = await withTransaction(ctx.db, async (tx) => {
    if (!(await revokeApiToken(tx, id, now))) return false;
    await recordAudit(tx, {
      at: now,
      actor: ctx.actor,
      action: "token.revoke",
      targetType: "api_token",
      targetId: id,
      before: { name: token.name, username: token.username, scope: token.scope, prefix: token.prefix },
    });
    return true;
  });
  if (revoked) ctx.log.info({ user: token.username, token_prefix: token.prefix }, "api token revoked");
  return tokenView({ ...token, revokedAt: token.revokedAt ?? now });
}

/** last_used_at is written at most this often per token. */
export const TOKEN_TOUCH_MS = MINUTE;

/**
 * Resolves bearer tokens to actors with one indexed lookup per request and no cache, so a revocation or
 * an expiry takes effect on the very next request, on every replica. last_used_at is written at most once
 * a minute per token.
 */
export class TokenAuthenticator {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async authenticate(token: string): Promise<Actor | undefined> {
    if (!token) return undefined;
    const now = this.clock.now();
    const found = await findTokenByHash(this.db, hashToken(token));
    if (!found) return undefined;
    const expiresAt = found.token.expiresAt?.getTime() ?? null;
    if (expiresAt !== null && expiresAt <= now.getTime()) return undefined;
    const last = found.token.lastUsedAt?.getTime();
    if (last === undefined || now.getTime() - last >= TOKEN_TOUCH_MS || now.getTime() < last)
      await touchApiToken(this.db, found.token.id, now);
    return {
      kind: "user",
      name: found.user.username,
      userId: found.user.id,
      role: found.user.role,
      scope: found.token.scope,
      teamIds: found.teamIds,
    };
  }
}
