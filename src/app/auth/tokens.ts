import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Clock } from "#domain/time.ts";
import { countUsers, findTokenByHash, findUserByUsername, insertApiToken, insertUser } from "#store/auth.ts";
import type { Db } from "#store/db.ts";
import { withTransaction } from "#store/db.ts";
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
    expires_in_days: z.number().int().min(1).max(3650).optional(),
  })
  .strict();
export type CreateTokenInput = z.input<typeof CreateTokenInput>;

/** Issues a new API token for a user; the secret is returned once and only its hash is stored. */
export async function createToken(ctx: AppContext, input: unknown) {
  const req = parseInput(CreateTokenInput, input);
  const username = req.username ?? ctx.actor.name;
  if (ctx.actor.kind === "user" && username !== ctx.actor.name && ctx.actor.role !== "admin") {
    throw new AppError("FORBIDDEN", "Only an admin may create tokens for other users");
  }
  const user = await findUserByUsername(ctx.db, username);
  if (!user)
    throw new AppError("NOT_FOUND", `User "${username}" does not exist`, [
      { field: "username", message: "no such user" },
    ]);
  const now = ctx.clock.now();
  const token = generateToken();
  const expiresAt = req.expires_in_days ? new Date(now.getTime() + req.expires_in_days * 86_400_000) : null;
  const id = randomUUID();
  await insertApiToken(ctx.db, {
    id,
    userId: user.id,
    name: req.name,
    tokenHash: hashToken(token),
    prefix: token.slice(0, 10),
    createdAt: now,
    expiresAt,
  });
  ctx.log.info(
    { user: username, token_name: req.name, token_prefix: token.slice(0, 10) },
    "api token created",
  );
  return {
    id,
    name: req.name,
    username,
    token,
    prefix: token.slice(0, 10),
    created_at: now.toISOString(),
    expires_at: expiresAt?.toISOString() ?? null,
  };
}

/**
 * Resolves bearer tokens to actors. Verified tokens are cached for `ttlMs` (default 10 s) so a request
 * costs no query; a revocation therefore takes effect within that time.
 */
export class TokenAuthenticator {
  readonly #cache = new Map<string, { actor: Actor; until: number; expiresAt: number | null }>();
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ttlMs = 10_000,
  ) {}

  async authenticate(token: string): Promise<Actor | undefined> {
    const now = this.clock.now().getTime();
    const hash = hashToken(token);
    const cached = this.#cache.get(hash);
    if (cached && cached.until > now && (cached.expiresAt === null || cached.expiresAt > now))
      return cached.actor;
    const found = await findTokenByHash(this.db, hash);
    if (!found) {
      this.#cache.delete(hash);
      return undefined;
    }
    const expiresAt = found.token.expiresAt?.getTime() ?? null;
    if (expiresAt !== null && expiresAt <= now) return undefined;
    const actor: Actor = {
      kind: "user",
      name: found.user.username,
      userId: found.user.id,
      role: found.user.role,
      scope: found.token.scope,
      teamIds: found.teamIds,
    };
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(hash, { actor, until: now + this.ttlMs, expiresAt });
    return actor;
  }
}
