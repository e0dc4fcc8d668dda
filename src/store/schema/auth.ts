import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

export const users = pgTable("users", {
  id: uuid("id").primaryKey(),
  username: text("username").notNull().unique(),
  displayName: text("display_name").notNull().default(""),
  role: text("role").notNull(),
  /** IANA zone the person lives in: times in their pages, calendar and hand-off notices use it. */
  timeZone: text("time_zone").notNull().default("UTC"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  /** argon2id hash (PHC string) of the web password; null until one is set. */
  passwordHash: text("password_hash"),
  /** The OpenID Connect identity this user signs in with: `<issuer> <sub>`; null: local only. */
  externalId: text("external_id").unique(),
});

/** API tokens are stored as sha256 of the secret; the secret itself is shown once and never stored. */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: uuid("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    prefix: text("prefix").notNull(),
    /** read | write | admin | ingest (domain/auth/access.ts); tokens made before scopes existed are admin. */
    scope: text("scope").notNull().default("admin"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
  },
  (t) => [index("api_tokens_user_idx").on(t.userId)],
);

/**
 * Web sessions: the cookie holds 256 random bits, stored here as sha256 (like API tokens). The CSRF token is
 * a per-session random value the browser echoes in X-CSRF-Token; it is useless without the cookie.
 */
export const sessions = pgTable(
  "sessions",
  {
    id: uuid("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull().unique(),
    csrfToken: text("csrf_token").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    /** Last request on this session (written at most once a minute): the idle timeout counts from it. */
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    /** How the session was started: password | oidc | setup. */
    method: text("method").notNull().default("password"),
  },
  (t) => [index("sessions_user_idx").on(t.userId), index("sessions_expires_idx").on(t.expiresAt)],
);

/** One-time setup links (first start without a password): sha256 of the secret, deleted when used. */
export const setupTokens = pgTable(
  "setup_tokens",
  {
    id: uuid("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull().unique(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("setup_tokens_user_idx").on(t.userId)],
);

/**
 * Failed sign-ins per throttling key (`ip:<addr>`, `user:<name>`, `user-ip:<name> <addr>`) in the current
 * window; shared by every replica. docs/authentication.md explains how a real user is never locked out.
 */
export const loginThrottle = pgTable("login_throttle", {
  key: text("key").primaryKey(),
  failures: integer("failures").notNull(),
  windowStart: timestamp("window_start", { withTimezone: true }).notNull(),
  blockedUntil: timestamp("blocked_until", { withTimezone: true }),
});

/**
 * Browsers that signed in successfully as a user (sha256 of a random cookie): a sign-in from a known
 * device is not held back by the per-account throttle that an attacker elsewhere set off.
 */
export const loginDevices = pgTable(
  "login_devices",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("login_devices_user_idx").on(t.userId)],
);

/** An OpenID Connect sign-in in flight: state (sha256), PKCE verifier and nonce, for ten minutes. */
export const oidcStates = pgTable("oidc_states", {
  stateHash: text("state_hash").primaryKey(),
  codeVerifier: text("code_verifier").notNull(),
  nonce: text("nonce").notNull(),
  returnTo: text("return_to").notNull().default("/"),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
});

/**
 * The audit log: every configuration change and sign-in, with who, when, and the record before and after
 * (secrets removed before they get here). Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: timestamp("at", { withTimezone: true }).notNull(),
    actorKind: text("actor_kind").notNull(),
    actorName: text("actor_name").notNull(),
    actorId: uuid("actor_id"),
    /** What happened, e.g. `service.update`, `session.sign_in`, `session.sign_in_failed`. */
    action: text("action").notNull(),
    targetType: text("target_type").notNull().default(""),
    targetId: text("target_id").notNull().default(""),
    before: jsonb("before"),
    after: jsonb("after"),
    ip: text("ip"),
    requestId: text("request_id"),
  },
  (t) => [index("audit_log_at_idx").on(t.at), index("audit_log_target_idx").on(t.targetType, t.targetId)],
);
