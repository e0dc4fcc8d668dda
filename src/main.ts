/**
 * The composition root: load config → open storage → migrate → bootstrap → build the HTTP server → listen.
 * SIGTERM/SIGINT drain in-flight requests and close storage. The only module that imports every layer.
 */

import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import pino, { type Logger as PinoLogger } from "pino";
import { AlertIntake } from "#app/alerts/intake.ts";
import { forgetAlertSources } from "#app/alerts/process.ts";
import { OidcSignIn } from "#app/auth/oidc.ts";
import { SessionAuthenticator } from "#app/auth/sessions.ts";
import { type BootstrapResult, bootstrapAdmin, TokenAuthenticator } from "#app/auth/tokens.ts";
import type { IncidentFilingDeps } from "#app/backlog/file-incident-items.ts";
import { type BaseContext, SYSTEM_ACTOR } from "#app/context.ts";
import { ChangeRelay, LocalChangeFeed } from "#app/events.ts";
import type { DigestDeps } from "#app/metrics/digest.ts";
import { LiveMetricsCache } from "#app/metrics/prometheus.ts";
import { DEFAULT_DELIVERY } from "#app/oncall/deliver.ts";
import type { AiDrafting, ChannelRegistry, ChatAnnouncer } from "#app/ports.ts";
import { StatusPageCache } from "#app/status-page/cache.ts";
import type { EngineProbe } from "#app/system/engine-health.ts";
import type { ConnectBacklog } from "#cli/commands/backlog.ts";
import { runCli } from "#cli/main.ts";
import type { Config } from "#config/load.ts";
import { redactConfig } from "#config/redact.ts";
import { templateSettings } from "#config/templates.ts";
import { maskPathSecrets, maskUrl } from "#domain/mask.ts";
import { redactionPatterns } from "#domain/redaction.ts";
import type { Clock } from "#domain/time.ts";
import { AlertProcessor } from "#engine/alert-processor.ts";
import { foghornHealth, OutboundHeartbeat } from "#engine/heartbeat-out.ts";
import { MetricsRollups } from "#engine/metrics.ts";
import { metricsDigestHandlers, startMetricsDigest } from "#engine/metrics-digest.ts";
import { createPagingEngine, type PagingEngine } from "#engine/oncall.ts";
import { statusPageHandlers } from "#engine/status-page.ts";
import { AlertSweeps } from "#engine/sweeps.ts";
import type { StatusWorkers } from "#http/status-workers.ts";
import { createConsoleChannel } from "#integrations/console/channel.ts";
import { createEmailChannel } from "#integrations/email/channel.ts";
import { createGitHubTracker, type GitHubTrackerOptions } from "#integrations/github/tracker.ts";
import { createHealthCheckProber } from "#integrations/http-check/prober.ts";
import { createOpenAiClient } from "#integrations/llm/openai.ts";
import { createDigestSender } from "#integrations/metrics-digest/sender.ts";
import { createGuardedFetch } from "#integrations/net/ssrf.ts";
import { createSlackAnnouncer } from "#integrations/slack/announcer.ts";
import { createBacklogAnnouncer } from "#integrations/slack/backlog-announcer.ts";
import { createSlackChannel } from "#integrations/slack/channel.ts";
import { createFsSnapshotStore } from "#integrations/status-snapshot/fs-store.ts";
import { createSubscriberSender } from "#integrations/status-subscribers/sender.ts";
import { createSmsChannel, createVoiceChannel } from "#integrations/twilio/channel.ts";
import { createWebhookChannel } from "#integrations/webhook/channel.ts";
import { writeBackupFile } from "#store/backup-file.ts";
import { type Database, migrateDb, openDb } from "#store/db.ts";
import { dueBacklog } from "#store/jobs.ts";
import { CHANGE_CHANNEL, ChangeListener, MAX_NOTIFY_BYTES, notify } from "#store/notify.ts";
import { loadOrCreateKeyFile, sealLegacySecrets, setSecretKey } from "#store/secret-box.ts";

export const systemClock: Clock = { now: () => new Date() };

export const VERSION: string = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
).version;

/** The built web UI (`npm run build:web`), beside package.json; from src/ and from the dist/ bundle alike. */
export const WEB_ROOT = fileURLToPath(new URL("../web/dist", import.meta.url));

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

export function createLogger(config: Config, destination?: pino.DestinationStream): PinoLogger {
  const options = {
    level: config.log.level,
    base: { pid: process.pid },
    redact: { paths: LOG_REDACT_PATHS, censor: "[redacted]" },
    // Request URLs carry keys (routing keys, page links, feed tokens): logged with those masked.
    formatters: {
      log: (entry: Record<string, unknown>) => {
        if (typeof entry.url === "string") entry = { ...entry, url: maskPathSecrets(entry.url) };
        // Fastify's own error lines carry the request as `req` ({ method, url, … }).
        const req = entry.req as { url?: unknown } | undefined;
        if (req && Object.getPrototypeOf(req) === Object.prototype && typeof req.url === "string")
          entry = { ...entry, req: { ...req, url: maskPathSecrets(req.url) } };
        // A dead man's switch URL (monitoring.heartbeatUrl) ends in its key.
        if (typeof entry.heartbeatUrl === "string")
          entry = { ...entry, heartbeatUrl: maskUrl(entry.heartbeatUrl) };
        return entry;
      },
    },
  };
  if (destination) return pino(options, destination);
  return config.log.pretty ? pino(options, prettyStream()) : pino(options);
}

export interface RunningFoghorn {
  url: string;
  database: Database;
  /** Applies stored alert events; tests wait on idle(). */
  alerts: AlertProcessor;
  /** Heartbeat and health-check sweeps; tests with a manual clock call runOnce(). */
  sweeps: AlertSweeps;
  /** Metric rollups refreshed every 10 s; tests with a manual clock call runOnce(). */
  metricRollups: MetricsRollups;
  /** Escalation, delivery, chat and on-call sweeps over the jobs table; tests call paging.runner.runUntilIdle(). */
  paging: PagingEngine;
  /** The public status page's snapshot; tests call statusPage.refresh() or idle(). */
  statusPage: StatusPageCache;
  /** The status worker processes (server.statusWorkers). */
  statusWorkers: StatusWorkers;
  stop(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  /** An already-open (and migrated) database, e.g. a test database; otherwise storage is opened from config. */
  database?: Database;
  /** The web UI folder served at `/`; WEB_ROOT by default. */
  webRoot?: string;
  /** Channels to page through instead of the configured ones (tests point them at local servers). */
  channels?: ChannelRegistry;
  /** Chat announcer instead of the configured Slack one. */
  announcer?: ChatAnnouncer | null;
  /** Where the first start prints the admin's secrets; process.stdout by default. */
  stdout?: { write(text: string): unknown };
}

/** Starts the whole product on the configured storage; resolves once it is listening. */
export async function startFoghorn(
  config: Config,
  log: PinoLogger,
  options: StartOptions = {},
): Promise<RunningFoghorn> {
  const started = performance.now();
  // Loaded while storage opens: Fastify and the routes take ~0.3 s to import, PGlite ~0.5 s to start.
  const serverModule = import("#http/server.ts");
  const clock = options.clock ?? systemClock;
  const { databaseUrl, dataDir, poolSize } = config.storage;
  const database = options.database ?? (await openDb({ databaseUrl, dataDir, poolSize }));
  log.info({ storage: database.kind, location: database.location }, "storage open");
  let boot: BootstrapResult;
  try {
    if (!options.database) await migrateDb(database, databaseUrl);
    installSecretKey(config, log, options.database === undefined);
    const sealed = await sealLegacySecrets(database.db);
    if (sealed) log.info({ rows: sealed }, "stored secrets encrypted at rest (they were plain text)");
    boot = await bootstrapAdmin(
      database.db,
      clock,
      config.auth.bootstrapToken,
      config.auth.bootstrapPassword,
    );
  } catch (error) {
    await database.close();
    throw error;
  }
  const context: BaseContext = {
    db: database.db,
    clock,
    log,
    policy: { severities: config.incidents.severityPolicy, priorityScheme: config.incidents.priorityScheme },
    events: new LocalChangeFeed(log),
    templates: templateSettings(config.templates),
  };
  const systemContext = { ...context, actor: SYSTEM_ACTOR };
  // Replicas on one PostgreSQL share their changes through LISTEN/NOTIFY (docs/operations.md "Replicas").
  const sharedFeed = await shareChangeFeed(config, options, database, context.events as LocalChangeFeed, log);
  // The processor starts paging the incidents it opens in its own transaction; the paging engine (made
  // below, once its channels are) sends what is due.
  let pagingEngine: PagingEngine | undefined;
  const announcer =
    options.announcer === undefined ? buildAnnouncer(config) : (options.announcer ?? undefined);
  const processor = new AlertProcessor(systemContext, {
    onAlertsResolved: config.alerts.onAlertsResolved,
    singleProcess: database.kind === "pglite",
    onPagesDue: (ids) => pagingEngine?.deliverNow(ids),
    // The incidents a batch opens get their chat announcement queued in the batch, like the engine would.
    chat: announcer !== undefined,
  });
  const intake = new AlertIntake(database.db, clock, {
    defaultRateLimitPerMinute: config.alerts.rateLimitPerMinute,
    maxQueuedEvents: config.alerts.maxQueuedEvents,
    // On PostgreSQL the group commit counts identical repeats on their open alerts in the same statement,
    // and the processor (one replica at a time) applies what was stored. PGlite has one connection: each
    // commit applies its own events.
    ...(database.kind === "pglite"
      ? { applyWithin: processor.inline() }
      : { countRepeats: true, onCommitted: () => processor.wake() }),
  });
  // A service's alert settings, an integration or a maintenance window changed (here or on another replica):
  // the next batch and the next request read them afresh instead of within a few seconds.
  const stopForgetting = context.events.subscribe((event) => {
    if (event.type !== "alert_sources") return;
    forgetAlertSources(database.db);
    intake.forget();
  });
  // Every request to a URL a user configured (webhooks, subscribers, health checks, AI) goes through the
  // SSRF guard; security.outboundAllow names the private destinations it may reach (docs/security.md).
  const outbound = createGuardedFetch({ allow: config.security.outboundAllow });
  const prober = createHealthCheckProber(outbound);
  const sweeps = new AlertSweeps(systemContext, intake, prober);
  // Paging first: while alerts are being applied, the background rollup refresh waits (≤ 1 min) so that
  // on PGlite's single connection recomputing today's figures never delays a page (bench: p99 alert → page).
  let appliedAtLastTick = processor.processed;
  const metricRollups = new MetricsRollups(systemContext, 10_000, {
    deferWhile: () => {
      const flowing = processor.processed !== appliedAtLastTick;
      appliedAtLastTick = processor.processed;
      return flowing;
    },
  });
  const channels = options.channels ?? buildChannels(config, log, clock, outbound);
  // Status page subscribers: webhook and Slack always, email when SMTP is configured (email.host).
  const subscriberSender = createSubscriberSender({ clock, email: smtpSettings(config), fetch: outbound });
  const digest = buildDigest(config);
  const paging = createPagingEngine(systemContext, {
    delivery: {
      ...DEFAULT_DELIVERY,
      channels,
      throttleMs: config.oncall.throttleSeconds * 1000,
      sendingDeadlineMs: config.oncall.sendingDeadlineSeconds * 1000,
      maxAttempts: config.oncall.maxDeliveryAttempts,
    },
    ...(announcer ? { chat: { announcer, dedicatedChannels: config.slack.dedicatedChannels } } : {}),
    sweep: {
      handoffNoticeMinutes: config.oncall.handoffNoticeMinutes,
      intervalMs: config.oncall.sweepSeconds * 1000,
    },
    extraHandlers: {
      ...statusPageHandlers(systemContext, { sender: subscriberSender }),
      ...metricsDigestHandlers(systemContext, digest),
    },
    runner: {
      concurrency: database.kind === "pglite" ? 1 : 4,
      leaseMs: Math.max(config.oncall.jobLeaseSeconds, config.oncall.sendingDeadlineSeconds + 1) * 1000,
    },
  });
  pagingEngine = paging;
  const webRoot = options.webRoot ?? WEB_ROOT;
  if (!existsSync(webRoot))
    log.info({ webRoot }, "the web UI is not built: `npm run build:web`, then restart, serves it at /");
  const { buildServer, routeStatusConnections, RawRequestMetrics, RAW_ROUTES, storeRawEvent } =
    await serverModule;
  const rawRequests = new RawRequestMetrics();
  const ai = buildAiDrafting(config, log, outbound);
  // The status page is up before the database answers: the snapshot on disk first, then rebuilt.
  const statusPage = new StatusPageCache(context, {
    store: statusSnapshotStore(config, options),
    emailSubscriptions: subscriberSender.email !== undefined,
  });
  await statusPage.start();
  const engine = engineProbe(database, clock, paging, processor);
  const app = buildServer({
    context,
    authenticator: new TokenAuthenticator(database.db, clock),
    sessions: new SessionAuthenticator(database.db, clock, config.auth.sessionIdleMinutes * 60_000),
    system: {
      version: VERSION,
      storage: database.kind,
      ready: () => database.ping(),
      engine,
      metricsToken: config.server.metricsToken,
    },
    intake,
    prober,
    paging: { slackSigningSecret: config.slack.signingSecret, twilioAuthToken: config.twilio.authToken },
    bodyLimit: config.server.bodyLimitBytes,
    trustProxy: config.server.trustProxy,
    corsOrigins: config.server.corsOrigins,
    logger: log,
    webRoot,
    ai,
    backlog: buildBacklogFiling(config, log, ai),
    githubWebhookSecret: config.github.webhookSecret,
    statusSubscriptions: { emailEnabled: subscriberSender.email !== undefined },
    statusPage,
    rawRequests,
    dbStatements: () => database.statementCount(),
    liveMetrics: new LiveMetricsCache(systemContext),
    digest,
    oidc: buildOidc(config, log),
    localPasswords: config.auth.localPasswords,
    backup: {
      write: (path: string) =>
        writeBackupFile(database.db, path, {
          foghornVersion: VERSION,
          storage: database.kind,
          now: () => clock.now(),
        }),
    },
  });
  // Status page connections are served raw, here and by the status workers (several cores).
  const workerDatabaseUrl = postgresUrl(config, options, database);
  const statusWorkers = routeStatusConnections(app.server, statusPage, {
    ...STATUS_WORKER_ENTRY,
    count: statusWorkerCount(config.server.statusWorkers),
    trustProxy: config.server.trustProxy,
    log,
    // Alertmanager and PagerDuty v2 posts too: read and validated on every core, stored here (PGlite) or
    // by the worker that read them (PostgreSQL, integrations without a rate limit).
    ingest: {
      store: storeRawEvent(intake),
      bodyLimit: config.server.bodyLimitBytes,
      onStored: (kind, seconds) => rawRequests.count("POST", RAW_ROUTES[kind], 202, seconds),
      // On PostgreSQL the workers store events themselves (their own connections): the main process's
      // core is no longer every event's bottleneck (bench/README.md, "Alerts results").
      ...(workerDatabaseUrl
        ? {
            direct: {
              databaseUrl: workerDatabaseUrl,
              defaultRateLimitPerMinute: config.alerts.rateLimitPerMinute,
              maxQueuedEvents: config.alerts.maxQueuedEvents,
              onCommitted: () => processor.wake(),
            },
          }
        : {}),
    },
  });
  // A changed integration is forgotten by the workers' caches too.
  const stopWorkersForgetting = context.events.subscribe((event) => {
    if (event.type === "alert_sources") statusWorkers.forgetIntegrations();
  });
  statusWorkers.start();
  let address: string;
  try {
    address = await app.listen({ host: config.server.host, port: config.server.port });
  } catch (error) {
    await statusWorkers.stop();
    await statusPage.stop();
    await sharedFeed?.stop();
    await database.close();
    throw error;
  }
  const url = address.replace("://[::1]", "://localhost");
  const publicUrl = (config.server.publicUrl ?? url).replace(/\/+$/, "");
  context.publicUrl = publicUrl;
  systemContext.publicUrl = publicUrl;
  void statusPage.refresh(); // its links need the public URL, known from here on
  processor.start();
  sweeps.start();
  metricRollups.start();
  await paging.start();
  await startMetricsDigest(systemContext, digest);
  const heartbeat = startOutboundHeartbeat(config, log, clock, database, engine);
  if (boot.created) {
    const base = (config.server.publicUrl ?? url).replace(/\/+$/, "");
    announceBootstrap(boot, base, log, options.stdout ?? process.stdout);
  }
  log.info(
    { url, ms: Math.round(performance.now() - started), version: VERSION },
    `Foghorn listening on ${url}`,
  );
  const maintenance = scheduleMaintenance(database, log);
  return {
    url,
    database,
    alerts: processor,
    sweeps,
    metricRollups,
    paging,
    statusPage,
    statusWorkers,
    async stop() {
      maintenance.stop();
      stopForgetting();
      stopWorkersForgetting();
      await heartbeat?.stop();
      await statusWorkers.stop();
      await statusPage.stop();
      await app.close();
      await sweeps.stop();
      await metricRollups.stop();
      await processor.stop();
      await paging.stop();
      await sharedFeed?.stop();
      await database.close();
    },
  };
}

/** The status worker's entry beside this file: the bundle's, or the source run through tsx. */
const STATUS_WORKER_ENTRY = import.meta.url.endsWith(".ts")
  ? { entry: new URL("./http/status-worker.ts", import.meta.url), execArgv: ["--import", "tsx"] }
  : { entry: new URL("./http/status-worker.mjs", import.meta.url), execArgv: [] };

/** server.statusWorkers → a count: "auto" is one fewer than the cores, at most 3. */
export function statusWorkerCount(setting: number | "auto", cores = availableParallelism()): number {
  return setting === "auto" ? Math.min(Math.max(cores - 1, 0), 3) : setting;
}

/**
 * On PostgreSQL, the change feed is shared with the other replicas: every change published here also goes
 * out with NOTIFY, and a dedicated connection LISTENs for theirs (reconnecting with backoff; after a
 * reconnect the browsers reload, since changes may have been missed). PGlite is one process: nothing to do.
 */
/** The PostgreSQL URL other connections open (PGlite: none). */
function postgresUrl(config: Config, options: StartOptions, database: Database): string | undefined {
  if (database.kind !== "postgres") return undefined;
  // A test database handed in carries its URL (store/testing.ts TestDatabase).
  return config.storage.databaseUrl ?? (options.database as { url?: string } | undefined)?.url;
}

async function shareChangeFeed(
  config: Config,
  options: StartOptions,
  database: Database,
  feed: LocalChangeFeed,
  log: PinoLogger,
): Promise<{ relay: ChangeRelay; listener: ChangeListener; stop(): Promise<void> } | undefined> {
  const url = postgresUrl(config, options, database);
  if (!url) return undefined;
  const relay = new ChangeRelay(
    feed,
    { send: (payloads) => notify(database.db, CHANGE_CHANNEL, payloads), maxBytes: MAX_NOTIFY_BYTES },
    { log, now: () => new Date() },
  );
  const listener = new ChangeListener({
    url,
    channel: CHANGE_CHANNEL,
    onMessage: (payload) => relay.receive(payload),
    onReconnect: () => relay.resync(),
    log,
  });
  relay.start();
  await listener.start();
  return {
    relay,
    listener,
    async stop() {
      await relay.stop();
      await listener.stop();
    },
  };
}

/** The engine as /readyz and /metrics see it: the job runner (with its due backlog) and the alert processor. */
function engineProbe(
  database: Database,
  clock: Clock,
  paging: PagingEngine,
  processor: AlertProcessor,
): EngineProbe {
  const startedAt = clock.now().getTime();
  return {
    runners: [
      {
        name: "jobs",
        cycleAgeSeconds: () => paging.runner.cycleAgeSeconds(),
        backlog: () => dueBacklog(database.db, paging.runner.kinds, clock.now()),
      },
      {
        name: "alerts",
        cycleAgeSeconds: () =>
          Math.max(0, clock.now().getTime() - (processor.lastCycleAt?.getTime() ?? startedAt)) / 1000,
      },
    ],
  };
}

/** The outbound heartbeat (monitoring.heartbeatUrl), started when configured: healthy = storage and engine. */
function startOutboundHeartbeat(
  config: Config,
  log: PinoLogger,
  clock: Clock,
  database: Database,
  engine: EngineProbe,
): OutboundHeartbeat | undefined {
  const { heartbeatUrl, heartbeatIntervalSeconds, heartbeatMethod } = config.monitoring;
  if (!heartbeatUrl) return undefined;
  const heartbeat = new OutboundHeartbeat({
    url: heartbeatUrl,
    method: heartbeatMethod,
    intervalMs: heartbeatIntervalSeconds * 1000,
    clock,
    log,
    version: VERSION,
    health: foghornHealth({ ping: () => database.ping(), engine }),
  });
  heartbeat.start();
  return heartbeat;
}

/**
 * The key stored secrets are sealed with (store/secret-box.ts): security.secretKey, else the data folder's
 * key file (made on first start). A database handed in (tests) without a key keeps the process's own key.
 */
function installSecretKey(config: Config, log: PinoLogger, ownStorage: boolean): void {
  const configured = config.security.secretKey;
  if (configured) {
    setSecretKey(configured);
    return;
  }
  if (!ownStorage) return;
  const file = loadOrCreateKeyFile(config.storage.dataDir);
  setSecretKey(file.key);
  if (file.created)
    log.warn(
      { path: file.path },
      "created the key that encrypts stored secrets; back it up with the data" +
        (config.storage.databaseUrl ? ", and set security.secretKey on every replica instead" : ""),
    );
}

/** Paths pino replaces with "[redacted]": secrets that may ride in logged objects (request bodies, errors). */
export const LOG_REDACT_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-foghorn-signature"]',
  "password",
  "token",
  "secret",
  "apiKey",
  "*.password",
  "*.token",
  "*.secret",
  "*.signingSecret",
  "*.signing_secret",
  "*.hmac_secret",
  "*.apiKey",
  "*.authToken",
  "*.botToken",
  "*.webhookSecret",
  "*.clientSecret",
  "*.bootstrapToken",
  "*.bootstrapPassword",
  "*.secretKey",
  "err.request.headers.authorization",
  "err.config.headers.Authorization",
  "err.headers.authorization",
];

/**
 * Where the status page snapshot is kept: storage.statusSnapshotDir, else <dataDir>/status-snapshot. A
 * database handed in (tests) keeps it in memory only, unless the folder is configured.
 */
function statusSnapshotStore(config: Config, options: StartOptions) {
  const dir =
    config.storage.statusSnapshotDir ??
    (options.database ? undefined : join(config.storage.dataDir, "status-snapshot"));
  return dir ? createFsSnapshotStore(dir) : undefined;
}

/** The channels the configuration turns on; console unless turned off, webhook always. */
function buildChannels(
  config: Config,
  log: PinoLogger,
  clock: Clock,
  outbound: typeof fetch,
): ChannelRegistry {
  const channels: ChannelRegistry = {
    webhook: createWebhookChannel({
      signingSecret: config.webhook.signingSecret ?? randomBytes(32).toString("hex"),
      clock,
      fetch: outbound,
    }),
  };
  if (config.oncall.consoleChannel) channels.console = createConsoleChannel(log);
  const { slack, twilio } = config;
  if (slack.botToken) channels.slack = createSlackChannel({ token: slack.botToken, apiUrl: slack.apiUrl });
  const smtp = smtpSettings(config);
  if (smtp) channels.email = createEmailChannel(smtp);
  if (twilio.accountSid && twilio.authToken && twilio.from) {
    const options = {
      accountSid: twilio.accountSid,
      authToken: twilio.authToken,
      from: twilio.from,
      ...(twilio.baseUrl ? { baseUrl: twilio.baseUrl } : {}),
    };
    channels.sms = createSmsChannel(options);
    channels.voice = createVoiceChannel(options);
  }
  return channels;
}

/** The SMTP settings of the `email` group when email is on (email.host set). */
function smtpSettings(config: Config) {
  const { email } = config;
  if (!email.host) return undefined;
  return {
    host: email.host,
    port: email.port,
    secure: email.secure,
    from: email.from,
    ...(email.user ? { user: email.user } : {}),
    ...(email.password ? { password: email.password } : {}),
  };
}

/** The weekly digest (metrics.weeklyDigest): its settings, and email and Slack as configured. */
function buildDigest(config: Config): DigestDeps {
  const { botToken, apiUrl } = config.slack;
  return {
    settings: config.metrics.weeklyDigest,
    sender: createDigestSender({
      email: smtpSettings(config),
      slack: botToken ? { token: botToken, apiUrl } : undefined,
    }),
  };
}

/** Sign-in with OpenID Connect when auth.oidc is configured (docs/sso.md). */
function buildOidc(config: Config, log: PinoLogger): OidcSignIn | undefined {
  const oidc = config.auth.oidc;
  if (!config.auth.localPasswords && !oidc)
    log.warn(
      {},
      "auth.localPasswords is false and auth.oidc is not set: nobody can sign in to the web UI (API tokens still work)",
    );
  if (!oidc) return undefined;
  log.info({ issuer: oidc.issuer }, `SSO is on: ${oidc.displayName} (${oidc.issuer})`);
  return new OidcSignIn(oidc);
}

/** AI drafting when both ai.baseUrl and ai.model are set (config refuses one without the other); else off. */
function buildAiDrafting(config: Config, log: PinoLogger, outbound: typeof fetch): AiDrafting | undefined {
  const { baseUrl, model, apiKey, timeoutSeconds, builtInRedactions, redact } = config.ai;
  if (!baseUrl || !model) return undefined;
  log.info({ model, endpoint: baseUrl }, `AI drafting is on: model ${model} at ${baseUrl}`);
  return {
    llm: createOpenAiClient({ baseUrl, model, apiKey, timeoutMs: timeoutSeconds * 1000, fetch: outbound }),
    redact: redactionPatterns(builtInRedactions, redact),
  };
}

/** Filing action items as GitHub issues from the platform: when github.token and github.repository are set. */
function buildBacklogFiling(
  config: Config,
  log: PinoLogger,
  ai: AiDrafting | undefined,
): IncidentFilingDeps | undefined {
  const { token, repository, apiUrl, owners } = config.github;
  if (!token || !repository) return undefined;
  const announcer = createBacklogAnnouncer(config.slack);
  return {
    tracker: createGitHubTracker({
      token,
      repository,
      apiUrl,
      onWait: (line) => log.info({ repository }, line),
      onNotice: (line) => log.warn({ repository }, line),
    }),
    owners,
    ...(ai ? { ai } : {}),
    ...(announcer ? { announcer } : {}),
  };
}

function buildAnnouncer(config: Config): ChatAnnouncer | undefined {
  const { slack } = config;
  if (!slack.botToken || !slack.announce) return undefined;
  return createSlackAnnouncer({
    token: slack.botToken,
    apiUrl: slack.apiUrl,
    channels: { high: slack.highChannel, low: slack.lowChannel },
    dedicatedChannels: slack.dedicatedChannels,
  });
}

/**
 * Storage upkeep that PostgreSQL's autovacuum would do (on PGlite: dead row versions of the busy tables,
 * planner statistics): a minute after start, then every 10 minutes; and every 5 s, statistics of the
 * tables that doubled since theirs were taken (a new installation's first alert storm). Kept off the
 * start-up path, which has a 1.5 s budget. One run at a time.
 */
function scheduleMaintenance(database: Database, log: PinoLogger): { stop(): void } {
  let queued: Promise<void> = Promise.resolve();
  let pending = 0;
  // Runs one after another; the frequent statistics refresh is skipped while anything is queued.
  const run = (what: string, work: () => Promise<unknown>, skipWhenBusy = false) => {
    if (skipWhenBusy && pending > 0) return;
    pending++;
    queued = queued.then(async () => {
      const started = performance.now();
      try {
        const result = await work();
        // Nothing to report from a statistics refresh that found no table grown (every 5 s).
        if (!Array.isArray(result) || result.length > 0)
          log.debug({ ms: Math.round(performance.now() - started), result }, `storage ${what} done`);
      } catch (error) {
        log.warn({ err: error }, `storage ${what} failed`);
      } finally {
        pending--;
      }
    });
  };
  const timers = [
    setTimeout(() => run("maintenance", () => database.maintain()), 60_000),
    setInterval(() => run("maintenance", () => database.maintain()), 600_000),
    ...(database.kind === "pglite"
      ? [setInterval(() => run("statistics refresh", () => database.analyzeGrown(), true), 5_000)]
      : []),
  ];
  for (const timer of timers) timer.unref();
  return {
    stop: () => {
      for (const timer of timers) clearTimeout(timer);
    },
  };
}

/**
 * Shown once, on stdout and not in the log, so the secrets never land in log storage: the admin's first
 * API token (unless FOGHORN_BOOTSTRAP_TOKEN gave it) and the one-time setup link for the web password
 * (unless FOGHORN_BOOTSTRAP_PASSWORD set it).
 */
function announceBootstrap(
  boot: BootstrapResult,
  baseUrl: string,
  log: PinoLogger,
  stdout: { write(text: string): unknown },
): void {
  log.info(
    {
      user: "admin",
      token: boot.token ? "printed once on stdout" : "from FOGHORN_BOOTSTRAP_TOKEN",
      password: boot.setupToken
        ? "set it with the setup link printed once on stdout (valid 24 h)"
        : "from FOGHORN_BOOTSTRAP_PASSWORD",
    },
    "first start: created the admin user",
  );
  const lines = [""];
  if (boot.token) {
    lines.push(
      "  First start: created user 'admin'. Its API token (shown once, store it now):",
      "",
      `    ${boot.token}`,
      "",
      `    export FOGHORN_TOKEN=${boot.token}`,
      "",
    );
  }
  if (boot.setupToken) {
    lines.push(
      "  Set the admin's web password with this one-time link (valid 24 hours):",
      "",
      `    ${baseUrl}/setup?token=${boot.setupToken}`,
      "",
      "  or any time with: foghorn user set-password admin",
      "",
    );
  }
  if (lines.length > 1) stdout.write([...lines, ""].join("\n"));
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
  return runCli(argv, {
    env: process.env,
    cwd: process.cwd(),
    serve,
    version: VERSION,
    connectBacklog: backlogConnector(),
  });
}

/**
 * `foghorn backlog sync`'s clients from the configuration: the GitHub tracker (when a token and repository
 * are given), AI enrichment (ai.baseUrl + ai.model) and the Slack summary (slack.backlogChannel). `tuning`
 * changes the tracker's pacing and retries (tests use a fast one against a local GitHub).
 */
export function backlogConnector(
  tuning: Pick<GitHubTrackerOptions, "writeIntervalMs" | "searchIntervalMs" | "retryBaseMs"> = {},
): ConnectBacklog {
  return (config, github, hooks) => {
    const { baseUrl, model, apiKey, timeoutSeconds, builtInRedactions, redact } = config.ai;
    return {
      tracker: github
        ? createGitHubTracker({ ...tuning, ...github, apiUrl: config.github.apiUrl, ...hooks })
        : undefined,
      ai:
        baseUrl && model
          ? {
              llm: createOpenAiClient({
                baseUrl,
                model,
                apiKey,
                timeoutMs: timeoutSeconds * 1000,
                fetch: createGuardedFetch({ allow: config.security.outboundAllow }),
              }),
              redact: redactionPatterns(builtInRedactions, redact),
            }
          : undefined,
      announcer: createBacklogAnnouncer(config.slack),
    };
  };
}
