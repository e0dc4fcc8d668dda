import { createHash, randomUUID } from "node:crypto";
import {
  createRemoteJWKSet,
  type JWTPayload,
  type JWTVerifyGetKey,
  errors as joseErrors,
  jwtVerify,
} from "jose";
import { z } from "zod";
import { roleAtLeast, type UserRole } from "#domain/auth/access.ts";
import { MINUTE } from "#domain/time.ts";
import { insertUser, type UserRow } from "#store/auth.ts";
import { withTransaction } from "#store/db.ts";
import { findUsersByUsername } from "#store/directory.ts";
import {
  deleteExpiredOidcStates,
  findUserByExternalId,
  insertOidcState,
  takeOidcState,
  updateOidcUser,
} from "#store/oidc.ts";
import { recordAudit } from "../audit/record.ts";
import type { Actor, BaseContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { randomSecret, secretsEqual, sha256Hex } from "./secrets.ts";
import { type NewSession, startSession } from "./sessions.ts";

// Sign-in with OpenID Connect (authorization code + PKCE S256), docs/sso.md. The provider's answers are
// checked here: state (single use, 10 minutes), the ID token's signature against the provider's keys, its
// issuer, audience, expiry and nonce. The groups claim decides the role on every sign-in.

/** The `auth.oidc` settings, as main.ts hands them down. */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Shown on the sign-in button: "Sign in with <displayName>". */
  displayName: string;
  /** Space-separated scopes asked for; `openid` is always included. */
  scopes: string;
  groupsClaim: string;
  usernameClaim: string;
  roleMapping: Readonly<Record<string, UserRole>>;
  /** The role of a user in none of the mapped groups; null refuses them. */
  defaultRole: UserRole | null;
  autoCreate: boolean;
}

/** Where the provider sends the browser back: register `<public URL>` + this with the provider. */
export const OIDC_CALLBACK_PATH = "/api/v1/auth/oidc/callback";
export const OIDC_START_PATH = "/api/v1/auth/oidc/start";
/** How long a started sign-in may take at the provider. */
export const OIDC_STATE_TTL_MS = 10 * MINUTE;
const PROVIDER_TIMEOUT_MS = 10_000;

/** Request facts for the audit log. */
export interface SignInMeta {
  ip?: string | undefined;
  requestId?: string | undefined;
  /** The state this browser was given at the start (a cookie): a callback must carry the same. */
  browserState?: string | undefined;
}

/** What the provider put on the callback URL. */
export const OidcCallbackInput = z.object({
  state: z.string().max(512).optional(),
  code: z.string().max(4096).optional(),
  error: z.string().max(256).optional(),
  error_description: z.string().max(1024).optional(),
  iss: z.string().max(2048).optional(),
});
export type OidcCallbackInput = z.infer<typeof OidcCallbackInput>;

/**
 * A path on this site to go back to after sign-in, or undefined when it is not one: it must start with a
 * single "/" (no "//host", no backslashes, no control characters), so a link cannot send people elsewhere.
 */
export function safeReturnTo(value: string | undefined): string | undefined {
  if (value === undefined || value === "") return "/";
  if (value.length > 2048 || !value.startsWith("/") || value.startsWith("//")) return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\\\u0000-\u001f\u007f]/.test(value)) return undefined;
  const base = "http://foghorn.invalid";
  const url = new URL(value, base);
  return url.origin === base ? `${url.pathname}${url.search}${url.hash}` : undefined;
}

/** The role the user's groups map to: the highest mapped one; else the default (null: none, refused). */
export function roleForGroups(
  groups: readonly string[],
  mapping: Readonly<Record<string, UserRole>>,
  defaultRole: UserRole | null,
): UserRole | null {
  let best: UserRole | null = null;
  for (const group of groups) {
    const role = Object.hasOwn(mapping, group) ? mapping[group] : undefined;
    if (role && (best === null || !roleAtLeast(best, role))) best = role;
  }
  return best ?? defaultRole;
}

/** A claim by name, or by a dotted path into nested claims (Keycloak's `realm_access.roles`). */
export function claimAt(claims: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(claims, name)) return claims[name];
  return name
    .split(".")
    .reduce<unknown>(
      (value, key) =>
        value && typeof value === "object" && Object.hasOwn(value, key)
          ? (value as Record<string, unknown>)[key]
          : undefined,
      claims,
    );
}

/** The groups claim as a list: an array of strings, or one string of comma- or space-separated names. */
export function groupsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === "string");
  if (typeof value === "string") return value.split(/[,\s]+/).filter(Boolean);
  return [];
}

/** A Foghorn username from the username claim: letters, digits, . _ - (an email keeps its local part). */
export function usernameFromClaim(value: unknown): string {
  const text = typeof value === "string" ? value.trim() : "";
  const local = text.includes("@") ? text.slice(0, text.indexOf("@")) : text;
  const cleaned = local
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^[^A-Za-z0-9]+/, "")
    .replace(/-+$/, "")
    .slice(0, 56);
  return cleaned || "user";
}

/** application/x-www-form-urlencoded, as client_secret_basic needs it (RFC 6749 2.3.1). */
function formUrlEncode(value: string): string {
  return encodeURIComponent(value).replace(/(?:[-_.!~*'()]|%20)/g, (s) =>
    s === "%20" ? "+" : `%${s.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

const ProviderMetadata = z.object({
  issuer: z.string(),
  authorization_endpoint: z.url(),
  token_endpoint: z.url(),
  jwks_uri: z.url(),
  userinfo_endpoint: z.url().optional(),
  code_challenge_methods_supported: z.array(z.string()).optional(),
});
type ProviderMetadata = z.infer<typeof ProviderMetadata>;

const TokenResponse = z.object({
  id_token: z.string().min(1),
  access_token: z.string().optional(),
  token_type: z.string().optional(),
});

const stripSlash = (url: string) => url.replace(/\/+$/, "");

/** OpenID Connect sign-in for one configured provider; discovery and the provider's keys are cached. */
export class OidcSignIn {
  private metadata: Promise<ProviderMetadata> | undefined;
  private keys: JWTVerifyGetKey | undefined;

  constructor(
    readonly settings: OidcSettings,
    private readonly fetcher: typeof fetch = fetch,
  ) {}

  /** The provider's `/.well-known/openid-configuration`, fetched once (again after a failure). */
  discover(): Promise<ProviderMetadata> {
    this.metadata ??= this.fetchMetadata().catch((error: unknown) => {
      this.metadata = undefined;
      throw error;
    });
    return this.metadata;
  }

  private async fetchMetadata(): Promise<ProviderMetadata> {
    const issuer = this.settings.issuer;
    const url = `${stripSlash(issuer)}/.well-known/openid-configuration`;
    const body = await this.getJson(url, {}, "discovery");
    const parsed = ProviderMetadata.safeParse(body);
    if (!parsed.success)
      throw new AppError(
        "UNAVAILABLE",
        `The identity provider's discovery document at ${url} lacks ${parsed.error.issues.map((i) => i.path.join(".")).join(", ")}; check auth.oidc.issuer`,
      );
    if (stripSlash(parsed.data.issuer) !== stripSlash(issuer))
      throw new AppError(
        "UNAVAILABLE",
        `The identity provider says its issuer is ${parsed.data.issuer}, not ${issuer}; set auth.oidc.issuer to exactly that`,
      );
    const methods = parsed.data.code_challenge_methods_supported;
    if (methods && !methods.includes("S256"))
      throw new AppError(
        "UNAVAILABLE",
        "The identity provider does not support PKCE with S256, which Foghorn requires; turn it on at the provider",
      );
    this.keys = createRemoteJWKSet(new URL(parsed.data.jwks_uri), { timeoutDuration: PROVIDER_TIMEOUT_MS });
    return parsed.data;
  }

  private async getJson(url: string, init: RequestInit, what: string): Promise<unknown> {
    let res: Response;
    try {
      res = await this.fetcher(url, { ...init, signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS) });
    } catch (error) {
      throw new AppError(
        "UNAVAILABLE",
        `Could not reach the identity provider (${what}, ${new URL(url).origin}): ${(error as Error).message}; try again later`,
      );
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!res.ok) {
      const err = body as { error?: unknown; error_description?: unknown } | undefined;
      const reason =
        typeof err?.error === "string"
          ? `${err.error}${typeof err.error_description === "string" ? `: ${err.error_description}` : ""}`
          : `HTTP ${res.status}`;
      throw new AppError(
        "UNAUTHENTICATED",
        `The identity provider refused the ${what} (${reason}); start the sign-in again`,
      );
    }
    if (body === undefined)
      throw new AppError(
        "UNAVAILABLE",
        `The identity provider's ${what} answer is not JSON; check auth.oidc.issuer`,
      );
    return body;
  }

  /**
   * Starts a sign-in: stores sha256(state) with the PKCE verifier and nonce for 10 minutes and answers the
   * provider's authorization URL and the state (the route also keeps it in a cookie of this browser).
   */
  async start(ctx: BaseContext, returnTo: string | undefined): Promise<{ url: string; state: string }> {
    const back = safeReturnTo(returnTo);
    if (back === undefined)
      throw new AppError(
        "INVALID_INPUT",
        "return_to must be a path on this site starting with a single /, e.g. /incidents",
        [{ field: "return_to", message: "must be a path on this site starting with a single /" }],
      );
    const meta = await this.discover();
    const state = randomSecret();
    const nonce = randomSecret();
    const verifier = randomSecret();
    const now = ctx.clock.now();
    await deleteExpiredOidcStates(ctx.db, now);
    await insertOidcState(ctx.db, {
      stateHash: sha256Hex(state),
      codeVerifier: verifier,
      nonce,
      returnTo: back,
      expiresAt: new Date(now.getTime() + OIDC_STATE_TTL_MS),
    });
    const scopes = new Set(["openid", ...this.settings.scopes.split(/\s+/).filter(Boolean)]);
    const url = new URL(meta.authorization_endpoint);
    url.searchParams.set("response_type", "code");
    url.searchParams.set("client_id", this.settings.clientId);
    url.searchParams.set("redirect_uri", redirectUri(ctx));
    url.searchParams.set("scope", [...scopes].join(" "));
    url.searchParams.set("state", state);
    url.searchParams.set("nonce", nonce);
    url.searchParams.set("code_challenge", createHash("sha256").update(verifier).digest("base64url"));
    url.searchParams.set("code_challenge_method", "S256");
    return { url: url.toString(), state };
  }

  /**
   * Finishes a sign-in from the provider's callback: the state once, the code exchanged, the ID token
   * verified, the role mapped from the groups, the user found (or created) and a session started. Every
   * refusal is audited as `session.sign_in_failed` and thrown as an AppError saying what to do.
   */
  async finish(
    ctx: BaseContext,
    input: unknown,
    meta: SignInMeta = {},
  ): Promise<{ session: NewSession; returnTo: string }> {
    const failed: { name: string; userId?: string } = { name: "unknown" };
    const where = auditWhere(meta);
    try {
      return await this.finishOrThrow(ctx, input, meta, failed);
    } catch (error) {
      if (error instanceof AppError) {
        const actor: Actor = {
          kind: "user",
          name: failed.name,
          ...(failed.userId ? { userId: failed.userId } : {}),
        };
        await recordAudit(ctx.db, {
          at: ctx.clock.now(),
          actor,
          action: "session.sign_in_failed",
          targetType: "user",
          targetId: failed.name,
          after: { method: "oidc", reason: error.detail },
          ...where,
        });
        ctx.log.info({ user: failed.name, method: "oidc", reason: error.detail }, "sign-in refused");
      }
      throw error;
    }
  }

  private async finishOrThrow(
    ctx: BaseContext,
    input: unknown,
    meta: SignInMeta,
    failed: { name: string; userId?: string },
  ): Promise<{ session: NewSession; returnTo: string }> {
    const parsed = OidcCallbackInput.safeParse(input);
    if (!parsed.success)
      throw new AppError("UNAUTHENTICATED", "The sign-in callback is malformed; start again");
    const cb = parsed.data;
    if (cb.state !== undefined && !secretsEqual(cb.state, meta.browserState))
      throw new AppError(
        "UNAUTHENTICATED",
        "This sign-in was not started in this browser, or took too long; start again from the sign-in page",
      );
    // The state first, even on an error answer: each started sign-in is finished at most once.
    const flight = cb.state ? await takeOidcState(ctx.db, sha256Hex(cb.state)) : undefined;
    if (cb.error) {
      const why = cb.error_description ? `${cb.error}: ${cb.error_description}` : cb.error;
      throw new AppError(
        "UNAUTHENTICATED",
        `${this.settings.displayName} did not sign you in (${why}); try again, or ask an admin if it keeps happening`,
      );
    }
    if (!flight)
      throw new AppError(
        "UNAUTHENTICATED",
        "This sign-in link is unknown or was already used; start again from the sign-in page",
      );
    const now = ctx.clock.now();
    if (flight.expiresAt.getTime() <= now.getTime())
      throw new AppError(
        "UNAUTHENTICATED",
        "This sign-in took longer than 10 minutes; start again from the sign-in page",
      );
    if (!cb.code)
      throw new AppError("UNAUTHENTICATED", "The identity provider sent no code; start the sign-in again");
    const provider = await this.discover();
    if (cb.iss !== undefined && stripSlash(cb.iss) !== stripSlash(provider.issuer))
      throw new AppError(
        "UNAUTHENTICATED",
        "The sign-in answer came from another issuer; start the sign-in again",
      );

    const tokens = TokenResponse.safeParse(await this.exchange(ctx, provider, cb.code, flight.codeVerifier));
    if (!tokens.success)
      throw new AppError(
        "UNAUTHENTICATED",
        "The identity provider answered without an ID token; check that the openid scope is allowed",
      );
    const claims = await this.verifyIdToken(tokens.data.id_token, provider, flight.nonce, now);
    const all = await this.withUserInfo(claims, provider, tokens.data.access_token);
    const sub = String(claims.sub);
    const username = usernameFromClaim(claimAt(all, this.settings.usernameClaim) ?? all.email ?? sub);
    failed.name = username;

    const groups = groupsOf(claimAt(all, this.settings.groupsClaim));
    const role = roleForGroups(groups, this.settings.roleMapping, this.settings.defaultRole);
    if (role === null)
      throw new AppError(
        "FORBIDDEN",
        `${username} is in none of the groups that give access to Foghorn (${groups.length ? `groups: ${groups.join(", ")}` : `no "${this.settings.groupsClaim}" claim`}); ask your administrator to add you to one`,
      );

    const externalId = `${provider.issuer} ${sub}`;
    const displayName = typeof all.name === "string" ? all.name.slice(0, 200) : "";
    const session = await withTransaction(ctx.db, async (tx) => {
      const user = await this.findOrCreateUser(tx, now, externalId, username, displayName, role, failed);
      if (user.role !== role) {
        await updateOidcUser(tx, user.id, { role });
        await recordAudit(tx, {
          at: now,
          actor: { kind: "system", name: "foghorn" },
          action: "user.update",
          targetType: "user",
          targetId: user.username,
          before: { role: user.role },
          after: { role, reason: `${this.settings.displayName} groups` },
          ...auditWhere(meta),
        });
      }
      const signedIn: UserRow = { ...user, role };
      const started = await startSession(tx, now, signedIn, "oidc");
      await recordAudit(tx, {
        at: now,
        actor: { kind: "user", name: signedIn.username, userId: signedIn.id, role },
        action: "session.sign_in",
        targetType: "user",
        targetId: signedIn.username,
        after: { method: "oidc", role, groups },
        ...auditWhere(meta),
      });
      return started;
    });
    ctx.log.info({ user: session.view.username, method: "oidc", role }, "signed in");
    return { session, returnTo: flight.returnTo };
  }

  private async findOrCreateUser(
    tx: BaseContext["db"],
    now: Date,
    externalId: string,
    username: string,
    displayName: string,
    role: UserRole,
    failed: { name: string; userId?: string },
  ): Promise<UserRow> {
    const linked = await findUserByExternalId(tx, externalId);
    if (linked) {
      failed.name = linked.username;
      failed.userId = linked.id;
      return linked;
    }
    // An account an admin added ahead of time (same username, no password, not linked yet) is linked.
    const [sameName] = await findUsersByUsername(tx, [username]);
    if (sameName && sameName.externalId === null && sameName.passwordHash === null) {
      await updateOidcUser(tx, sameName.id, { externalId });
      failed.userId = sameName.id;
      return { ...sameName, externalId };
    }
    if (!this.settings.autoCreate)
      throw new AppError(
        "FORBIDDEN",
        `No Foghorn account is linked to ${username} and accounts are not created at sign-in (auth.oidc.autoCreate is off); ask an admin to add user ${username}`,
      );
    const unique = await uniqueUsername(tx, username);
    const user: UserRow = {
      id: randomUUID(),
      username: unique,
      displayName,
      role,
      timeZone: "UTC",
      createdAt: now,
      passwordHash: null,
      externalId,
    };
    await insertUser(tx, user);
    await recordAudit(tx, {
      at: now,
      actor: { kind: "system", name: "foghorn" },
      action: "user.create",
      targetType: "user",
      targetId: unique,
      after: { username: unique, role, method: "oidc" },
    });
    failed.name = unique;
    failed.userId = user.id;
    return user;
  }

  private async exchange(ctx: BaseContext, provider: ProviderMetadata, code: string, verifier: string) {
    const { clientId, clientSecret } = this.settings;
    const basic = Buffer.from(`${formUrlEncode(clientId)}:${formUrlEncode(clientSecret)}`).toString("base64");
    return this.getJson(
      provider.token_endpoint,
      {
        method: "POST",
        headers: {
          authorization: `Basic ${basic}`,
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
        },
        body: new URLSearchParams({
          grant_type: "authorization_code",
          code,
          redirect_uri: redirectUri(ctx),
          code_verifier: verifier,
        }).toString(),
      },
      "code exchange",
    );
  }

  private async verifyIdToken(
    idToken: string,
    provider: ProviderMetadata,
    nonce: string,
    now: Date,
  ): Promise<JWTPayload> {
    if (!this.keys)
      throw new AppError("UNAVAILABLE", "The identity provider's keys are not known yet; try again");
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(idToken, this.keys, {
        issuer: provider.issuer,
        audience: this.settings.clientId,
        currentDate: now,
        clockTolerance: 60,
        requiredClaims: ["sub", "exp", "iat"],
      }));
    } catch (error) {
      const why =
        error instanceof joseErrors.JOSEError ? `${error.code}: ${error.message}` : (error as Error).message;
      throw new AppError(
        "UNAUTHENTICATED",
        `The ID token from ${this.settings.displayName} did not verify (${why}); start the sign-in again, and check auth.oidc.issuer and clientId if it keeps happening`,
      );
    }
    if (payload.nonce !== nonce)
      throw new AppError(
        "UNAUTHENTICATED",
        "The ID token is not for this sign-in (nonce mismatch); start again",
      );
    if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== this.settings.clientId)
      throw new AppError("UNAUTHENTICATED", "The ID token was issued to another client (azp); start again");
    return payload;
  }

  /** Claims missing from the ID token (groups, username) are read from the userinfo endpoint, same `sub`. */
  private async withUserInfo(
    claims: JWTPayload,
    provider: ProviderMetadata,
    accessToken: string | undefined,
  ): Promise<Record<string, unknown>> {
    const wanted = [this.settings.groupsClaim, this.settings.usernameClaim];
    if (wanted.every((c) => claimAt(claims, c) !== undefined) || !provider.userinfo_endpoint || !accessToken)
      return claims;
    const info = await this.getJson(
      provider.userinfo_endpoint,
      { headers: { authorization: `Bearer ${accessToken}`, accept: "application/json" } },
      "userinfo request",
    );
    if (!info || typeof info !== "object" || (info as { sub?: unknown }).sub !== claims.sub) return claims;
    return { ...(info as Record<string, unknown>), ...claims };
  }
}

function redirectUri(ctx: BaseContext): string {
  if (!ctx.publicUrl)
    throw new AppError("UNAVAILABLE", "Foghorn does not know its public URL yet; set server.publicUrl");
  return `${ctx.publicUrl}${OIDC_CALLBACK_PATH}`;
}

/** The username itself when free (ignoring case), else with -2, -3, … appended. */
async function uniqueUsername(db: BaseContext["db"], wanted: string): Promise<string> {
  for (let n = 1; n < 1000; n++) {
    const candidate = n === 1 ? wanted : `${wanted}-${n}`;
    const [taken] = await findUsersByUsername(db, [candidate]);
    if (!taken) return candidate;
  }
  throw new AppError(
    "CONFLICT",
    `Could not find a free username like ${wanted}; ask an admin to add the user`,
  );
}

function auditWhere(meta: SignInMeta): { ip?: string; requestId?: string } {
  return { ...(meta.ip ? { ip: meta.ip } : {}), ...(meta.requestId ? { requestId: meta.requestId } : {}) };
}
