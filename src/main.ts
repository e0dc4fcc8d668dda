/**
 * The composition root: load config → open storage → migrate → bootstrap → build the HTTP server → listen.
 * SIGTERM/SIGINT drain in-flight requests and close storage. The only module that imports every layer.
 */
import { readFileSync } from "node:fs";
import { Writable } from "node:stream";
import pino, { type Logger as PinoLogger } from "pino";
import { bootstrapAdmin, TokenAuthenticator } from "#app/auth/tokens.ts";
import type { AppContext } from "#app/context.ts";
import { LocalChangeFeed } from "#app/events.ts";
import { runCli } from "#cli/main.ts";
import type { Config } from "#config/load.ts";
import { redactConfig } from "#config/redact.ts";
import type { Clock } from "#domain/time.ts";
import { buildServer } from "#http/server.ts";
import { type Database, migrateDb, openDb } from "#store/db.ts";

export const systemClock: Clock = { now: () => new Date() };

export const VERSION: string = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
).version;

/** Human-readable log lines for `log.pretty`: "12:00:01 INFO  listening url=…". */
function prettyStream(): Writable {
  const names: Record<number, string> = {
    10: "TRACE",
    20: "DEBUG",
    30: "INFO ",
    40: "WARN ",
    50: "ERROR",
    60: "FATAL",
  };
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) {
        try {
          const {
            time,
            level,
            msg,
            pid: _p,
            hostname: _h,
            ...rest
          } = JSON.parse(line) as Record<string, unknown>;
          const extras = Object.entries(rest).map(
            ([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`,
          );
          const at = new Date(Number(time)).toISOString().slice(11, 19);
          process.stdout.write(
            `${at} ${names[Number(level)] ?? level} ${String(msg ?? "")} ${extras.join(" ")}\n`,
          );
        } catch {
          process.stdout.write(`${line}\n`);
        }
      }
      done();
    },
  });
}

export function createLogger(config: Config): PinoLogger {
  const options = { level: config.log.level, base: { pid: process.pid } };
  return config.log.pretty ? pino(options, prettyStream()) : pino(options);
}

export interface RunningFoghorn {
  url: string;
  database: Database;
  stop(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  /** An already-open (and migrated) database, e.g. a test database; otherwise storage is opened from config. */
  database?: Database;
}

/** Starts the whole product on the configured storage; resolves once it is listening. */
export async function startFoghorn(
  config: Config,
  log: PinoLogger,
  options: StartOptions = {},
): Promise<RunningFoghorn> {
  const started = performance.now();
  const clock = options.clock ?? systemClock;
  const { databaseUrl, dataDir, poolSize } = config.storage;
  const database = options.database ?? (await openDb({ databaseUrl, dataDir, poolSize }));
  log.info({ storage: database.kind, location: database.location }, "storage open");
  try {
    if (!options.database) await migrateDb(database, databaseUrl);
    const boot = await bootstrapAdmin(database.db, clock, config.auth.bootstrapToken);
    if (boot.created) announceBootstrap(boot.token, log);
  } catch (error) {
    await database.close();
    throw error;
  }
  const context: Omit<AppContext, "actor"> = {
    db: database.db,
    clock,
    log,
    policy: { severities: config.incidents.severityPolicy, priorityScheme: config.incidents.priorityScheme },
    events: new LocalChangeFeed(log),
  };
  const app = buildServer({
    context,
    authenticator: new TokenAuthenticator(database.db, clock),
    system: { version: VERSION, storage: database.kind, ready: () => database.ping() },
    bodyLimit: config.server.bodyLimitBytes,
    trustProxy: config.server.trustProxy,
    logger: log,
  });
  let address: string;
  try {
    address = await app.listen({ host: config.server.host, port: config.server.port });
  } catch (error) {
    await database.close();
    throw error;
  }
  const url = address.replace("://[::1]", "://localhost");
  log.info(
    { url, ms: Math.round(performance.now() - started), version: VERSION },
    `Foghorn listening on ${url}`,
  );
  return {
    url,
    database,
    async stop() {
      await app.close();
      await database.close();
    },
  };
}

/** Shown once, on stdout and not in the log, so the secret never lands in log storage. */
function announceBootstrap(token: string | undefined, log: PinoLogger): void {
  if (!token) {
    log.info({ user: "admin" }, "created the admin user with the token from FOGHORN_BOOTSTRAP_TOKEN");
    return;
  }
  log.info({ user: "admin" }, "created the admin user; its first API token is printed once on stdout");
  process.stdout.write(
    [
      "",
      "  First start: created user 'admin'. Its API token (shown once, store it now):",
      "",
      `    ${token}`,
      "",
      `    export FOGHORN_TOKEN=${token}`,
      "",
      "",
    ].join("\n"),
  );
}

/** `foghorn serve`: start, then stop cleanly on SIGTERM/SIGINT. */
export async function serve(config: Config): Promise<void> {
  const log = createLogger(config);
  log.debug({ config: redactConfig(config) }, "configuration");
  const running = await startFoghorn(config, log);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down: finishing in-flight requests");
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    await running.stop();
    log.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

/** The `foghorn` executable (bin/foghorn.mjs): every command, with `serve` wired to the real server. */
export async function run(argv: string[]): Promise<number> {
  return runCli(argv, { env: process.env, cwd: process.cwd(), serve, version: VERSION });
}
