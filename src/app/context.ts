import type { PriorityScheme, SeverityPolicy } from "#domain/incident/severity.ts";
import type { TemplateSettings } from "#domain/templates/builtin.ts";
import type { Clock } from "#domain/time.ts";
import type { Db } from "#store/db.ts";
import type { ChangeFeed } from "./events.ts";

/** Who is acting: a signed-in user (through a token) or Foghorn itself. */
export interface Actor {
  kind: "user" | "system";
  /** The handle written into timelines: a username, or "foghorn" for the system. */
  name: string;
  userId?: string;
  /** The user's role (domain/auth/access.ts USER_ROLES); the system actor has none and may do anything. */
  role?: string;
  /** The bearer token's scope when the request came with a token; absent for sessions and the system. */
  scope?: string;
  /** Ids of the teams the user belongs to (team scoping: a manager changes only their teams' things). */
  teamIds?: readonly string[];
}

export const SYSTEM_ACTOR: Actor = { kind: "system", name: "foghorn" };

/** The severity policy and spelling scheme in force, from configuration. */
export interface IncidentPolicy {
  severities: SeverityPolicy;
  priorityScheme: PriorityScheme;
}

/** A structured logger (pino-compatible subset). */
export interface Logger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
}

/** Everything a use case needs, passed in: no globals, no process.env, no Date.now(). */
export interface AppContext {
  db: Db;
  clock: Clock;
  actor: Actor;
  policy: IncidentPolicy;
  log: Logger;
  /** Where use cases announce committed changes (the web UI's live updates listen here). */
  events: ChangeFeed;
  /** Base URL people and senders reach Foghorn at (server.publicUrl, else the listen address). */
  publicUrl?: string;
  /** Communication template settings (time zone, installation texts); absent: UTC and the built-in texts. */
  templates?: TemplateSettings;
}

/** What code that runs before anyone is signed in (sign-in, first-run setup) gets: no actor. */
export type BaseContext = Omit<AppContext, "actor">;

export const silentLogger: Logger = { info() {}, warn() {}, error() {}, debug() {} };
