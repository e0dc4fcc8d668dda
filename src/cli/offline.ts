import { type AppContext, SYSTEM_ACTOR, silentLogger } from "#app/context.ts";
import { AppError, type ErrorCode } from "#app/errors.ts";
import { noChangeFeed } from "#app/events.ts";
import type { Config } from "#config/load.ts";
import { type Database, DataDirLockedError, dataDirExists, migrateDb, openDb } from "#store/db.ts";
import { loadOrCreateKeyFile, setSecretKey } from "#store/secret-box.ts";
import { CliError, EXIT, type ExitCode, messageOf } from "./errors.ts";

// Offline commands (migrate, token create without a token, demo without a server) open the configured
// storage directly. PGlite allows one process per data folder, so these fail clearly while a server runs.

/** Opens the configured storage; a PGlite folder held by a running server is one clear line, exit 1. */
export async function openLocalStorage(config: Config): Promise<Database> {
  const { databaseUrl, dataDir, poolSize } = config.storage;
  try {
    const database = await openDb({ databaseUrl, dataDir, poolSize });
    // Stored secrets are sealed with the server's key (store/secret-box.ts): the same key here.
    setSecretKey(config.security.secretKey ?? loadOrCreateKeyFile(dataDir).key);
    return database;
  } catch (error) {
    if (error instanceof DataDirLockedError) throw new CliError(EXIT.FAILED, error.message);
    const why = messageOf(error);
    const where = databaseUrl ? "PostgreSQL (storage.databaseUrl)" : `the data folder ${dataDir}`;
    throw new CliError(EXIT.UNAVAILABLE, `cannot open ${where}: ${why}`);
  }
}

/** Applies pending migrations; a PostgreSQL that refuses is reported as unavailable. */
export async function migrateLocalStorage(database: Database, config: Config): Promise<void> {
  try {
    await migrateDb(database, config.storage.databaseUrl);
  } catch (error) {
    throw new CliError(EXIT.UNAVAILABLE, `migrating ${database.location} failed: ${messageOf(error)}`);
  }
}

/** True when the configured storage already holds a Foghorn database (always assumed for PostgreSQL). */
export function localStorageExists(config: Config): boolean {
  return config.storage.databaseUrl !== undefined || dataDirExists(config.storage.dataDir);
}

/**
 * The context offline verbs run in: Foghorn itself as the actor, no log output, the configured policy. No
 * change feed: no server shares this process (an embedded database is locked while a server runs).
 */
export function offlineContext(config: Config, database: Database, now: () => Date): AppContext {
  return {
    db: database.db,
    clock: { now },
    actor: SYSTEM_ACTOR,
    policy: { severities: config.incidents.severityPolicy, priorityScheme: config.incidents.priorityScheme },
    log: silentLogger,
    events: noChangeFeed,
  };
}

/** Runs `fn` with the storage open and migrated, and always closes it (which releases the PGlite lock). */
export async function withLocalStorage<T>(
  config: Config,
  fn: (database: Database) => Promise<T>,
): Promise<T> {
  const database = await openLocalStorage(config);
  try {
    await migrateLocalStorage(database, config);
    return await fn(database);
  } finally {
    await database.close();
  }
}

/** Exit codes for app errors raised by offline verbs: the same meaning the HTTP status would have had. */
const EXIT_BY_CODE: Record<ErrorCode, ExitCode> = {
  INVALID_INPUT: EXIT.FAILED,
  NOT_FOUND: EXIT.NOT_FOUND,
  CONFLICT: EXIT.FAILED,
  INVALID_TRANSITION: EXIT.FAILED,
  UNAUTHENTICATED: EXIT.AUTH,
  FORBIDDEN: EXIT.AUTH,
  PAYLOAD_TOO_LARGE: EXIT.FAILED,
  UNAVAILABLE: EXIT.UNAVAILABLE,
};

/** The CliError an API call would have given for this app error (same message, same exit code). */
export function appErrorToCliError(error: AppError): CliError {
  const fields = error.fields
    .filter((f) => !error.detail.toLowerCase().includes(f.message.toLowerCase()))
    .map((f) => `${f.field}: ${f.message}`);
  return new CliError(EXIT_BY_CODE[error.code], error.detail, fields);
}

/** For `.catch()` on offline verbs. */
export function rethrowAppError(error: unknown): never {
  throw error instanceof AppError ? appErrorToCliError(error) : error;
}
