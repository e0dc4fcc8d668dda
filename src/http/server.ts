import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import fastifyCookie from "@fastify/cookie";
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from "fastify";
import type { Prober } from "#app/alerts/health-checks.ts";
import type { AlertIntake } from "#app/alerts/intake.ts";
import type { OidcSignIn } from "#app/auth/oidc.ts";
import type { SessionAuthenticator } from "#app/auth/sessions.ts";
import type { TokenAuthenticator } from "#app/auth/tokens.ts";
import type { IncidentFilingDeps } from "#app/backlog/file-incident-items.ts";
import type { BaseContext } from "#app/context.ts";
import type { DigestDeps } from "#app/metrics/digest.ts";
import type { AiDrafting } from "#app/ports.ts";
import type { StatusPageCache } from "#app/status-page/cache.ts";
import type { SubscriptionOptions } from "#app/status-page/subscribers.ts";
import { authenticate } from "./auth.ts";
import {
  type IncidentMetricsSource,
  type RawRequestMetrics,
  registerEngineMetrics,
  registerHttpMetrics,
  registerIncidentMetrics,
  registerStatusPageMetrics,
} from "./metrics.ts";
import { ApiRegistry } from "./openapi.ts";
import { notFoundHandler, problemErrorHandler } from "./problem.ts";
import { registerAdminRoutes } from "./routes/admin.ts";
import { registerAlertRoutes } from "./routes/alerts.ts";
import { registerAuditRoutes } from "./routes/audit.ts";
import { registerBacklogRoutes, registerGitHubWebhook } from "./routes/backlog.ts";
import { type BackupSource, registerBackupRoutes } from "./routes/backup.ts";
import { registerChecklistRoutes } from "./routes/checklist.ts";
import { registerEventRoutes } from "./routes/events.ts";
import { registerIncidentTypeRoutes } from "./routes/incident-types.ts";
import { registerIncidentRoutes } from "./routes/incidents.ts";
import { registerIngestRoutes } from "./routes/ingest.ts";
import { registerMetricsRoutes } from "./routes/metrics.ts";
import { registerMetricsDigestRoutes } from "./routes/metrics-digest.ts";
import { registerOidcRoutes } from "./routes/oidc.ts";
import { registerOnCallRoutes } from "./routes/oncall.ts";
import { type PagingRouteDeps, registerPagingApi, registerPagingRoutes } from "./routes/paging.ts";
import { registerPostmortemRoutes } from "./routes/postmortems.ts";
import { registerRunbookRoutes } from "./routes/runbooks.ts";
import { registerSessionRoutes } from "./routes/session.ts";
import { registerStatusAdminRoutes } from "./routes/status-admin.ts";
import { answerFromStatusCache, registerStatusPageRoutes } from "./routes/status-page.ts";
import { registerStatusSubscriberRoutes } from "./routes/status-subscribe.ts";
import { registerSystemRoutes, type SystemDeps } from "./routes/system.ts";
import { registerTemplateRoutes } from "./routes/templates.ts";
import { registerWebhookRoutes } from "./routes/webhooks.ts";
import { registerSecurityHeaders, setRawSecurityHeaders } from "./security-headers.ts";
import { registerWebUi } from "./web.ts";

export interface ServerDeps {
  context: BaseContext;
  authenticator: TokenAuthenticator;
  sessions: SessionAuthenticator;
  system: SystemDeps;
  bodyLimit: number;
  trustProxy: boolean;
  logger: FastifyServerOptions["loggerInstance"];
  /** The front door for alert events (webhooks, PagerDuty Events API, heartbeats). */
  intake: AlertIntake;
  /** Secrets that verify answers to pages from Slack and Twilio. */
  paging?: Omit<PagingRouteDeps, "context">;
  /** AI drafting (postmortem "draft with AI"), when an OpenAI-compatible endpoint is configured. */
  ai?: AiDrafting | undefined;
  /** Runs one HTTP health check ("check affected services"); without it that action answers 503. */
  prober?: Prober | undefined;
  /**
   * Filing action items as GitHub issues (the `github` configuration); without it the file route answers
   * 409 saying how to configure it.
   */
  backlog?: IncidentFilingDeps | undefined;
  /** The GitHub webhook's secret (github.webhookSecret); without it /webhooks/github answers 404. */
  githubWebhookSecret?: string | undefined;
  /** What status page subscriptions can be delivered (email needs SMTP); without it email is refused. */
  statusSubscriptions?: SubscriptionOptions | undefined;
  /**
   * The public status page's snapshot: served at /status, /api/v2/*.json and the feeds (and `/` on its
   * custom domain) without touching the database; without it those paths answer 503.
   */
  statusPage?: StatusPageCache | undefined;
  /** SQL statements executed so far (Database.statementCount), for foghorn_db_statements_total. */
  dbStatements?: (() => number) | undefined;
  /** The built web UI (web/dist) to serve at `/`; without it only the API and the probes are served. */
  webRoot?: string | undefined;
  /** The incident metrics of /metrics (app/metrics/prometheus.ts LiveMetricsCache); without it they are absent. */
  liveMetrics?: IncidentMetricsSource | undefined;
  /** The weekly digest's settings and sender, for its preview and "send now" routes. */
  digest?: DigestDeps | undefined;
  /** Sign-in with OpenID Connect (auth.oidc); without it the SSO routes answer 404. */
  oidc?: OidcSignIn | undefined;
  /** auth.localPasswords; false refuses password sign-in (403). True when not given. */
  localPasswords?: boolean | undefined;
  /** server.corsOrigins: origins whose pages may call the API; none by default (docs/security.md). */
  corsOrigins?: readonly string[] | undefined;
  /** Requests answered outside Fastify (raw alert webhooks), counted in the request metrics. */
  rawRequests?: RawRequestMetrics | undefined;
  /** Writes a consistent backup file, for `POST /api/v1/admin/backup`; without it that route answers 503. */
  backup?: BackupSource | undefined;
}

/** Open whatever the method: the API's own documentation. */
const OPEN_PATHS = new Set(["/api/v1/openapi.json", "/api/v1/docs"]);

/** Builds the HTTP server without listening (tests call inject(); main.ts calls listen()). */
export function buildServer(deps: ServerDeps): FastifyInstance {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : {}),
    bodyLimit: deps.bodyLimit,
    trustProxy: deps.trustProxy,
    // Per-request lines are logged at debug by the onResponse hook below; 5xx at error.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: "x-request-id",
    genReqId: () => randomUUID(),
    return503OnClosing: true,
    // Status page GETs are answered by a plain node handler straight from the snapshot, before routing.
    ...(deps.statusPage ? { serverFactory: statusFastPath(deps.statusPage, deps.trustProxy) } : {}),
  });
  // The API reads JSON only: without this, Fastify's built-in text/plain parser hands a string to the
  // verbs, which answer 422 instead of 415 Unsupported Media Type.
  app.removeContentTypeParser("text/plain");
  app.register(fastifyCookie);
  app.setErrorHandler(problemErrorHandler(deps.bodyLimit));
  registerSecurityHeaders(app, { corsOrigins: deps.corsOrigins ?? [] });
  app.addHook("onSend", async (req, reply) => {
    reply.header("x-request-id", req.id);
  });
  const api = new ApiRegistry(deps.context);
  const auth = authenticate({ tokens: deps.authenticator, sessions: deps.sessions });
  let openRoutes: Set<string> | undefined;
  app.addHook("onRequest", async (req, reply) => {
    if (!req.url.startsWith("/api/v1/") || req.url.startsWith("/api/v1/heartbeats/")) return;
    const path = req.url.split("?")[0] ?? "";
    openRoutes ??= api.openRoutes();
    // The matched route's pattern, so open routes may have path parameters (calendar feeds).
    const route = req.routeOptions.url ?? path;
    if (OPEN_PATHS.has(path) || openRoutes.has(`${req.method} ${route}`)) return;
    return auth(req, reply);
  });
  app.addHook("onResponse", async (req, reply) => {
    if (reply.statusCode >= 500)
      req.log.error({ method: req.method, url: req.url, status: reply.statusCode }, "request failed");
    else
      req.log.debug(
        { method: req.method, url: req.url, status: reply.statusCode, ms: reply.elapsedTime },
        "request",
      );
  });
  const metrics = registerHttpMetrics(app, deps.rawRequests);
  if (deps.liveMetrics) registerIncidentMetrics(metrics, deps.liveMetrics);
  const liveMetrics = deps.liveMetrics;
  registerStatusPageMetrics(metrics, {
    ...(liveMetrics ? { settle: () => liveMetrics.current() } : {}),
    ...(deps.dbStatements ? { statements: deps.dbStatements } : {}),
    ...(deps.statusPage
      ? {
          statusServed: () => deps.statusPage?.served ?? {},
          statusRebuilds: () => deps.statusPage?.rebuilds ?? { ok: 0, failed: 0 },
        }
      : {}),
  });
  registerSystemRoutes(app, api, metrics, deps.system);
  if (deps.system.engine) registerEngineMetrics(metrics, deps.system.engine);
  registerSessionRoutes(app, api, deps.localPasswords ?? true);
  registerOidcRoutes(app, api, { oidc: deps.oidc, localPasswords: deps.localPasswords ?? true });
  registerIncidentRoutes(app, api);
  registerIncidentTypeRoutes(app, api);
  registerTemplateRoutes(app, api);
  registerChecklistRoutes(app, api);
  registerAdminRoutes(app, api);
  registerAuditRoutes(app, api);
  registerBackupRoutes(app, api, deps.backup);
  registerEventRoutes(app, api);
  registerAlertRoutes(app, api);
  registerOnCallRoutes(app, api);
  registerRunbookRoutes(app, api, deps.prober);
  registerStatusAdminRoutes(app, api);
  registerWebhookRoutes(app, api, deps.context, deps.intake, deps.bodyLimit);
  registerIngestRoutes(app, api, deps.intake);
  registerPagingRoutes(app, { context: deps.context, ...deps.paging });
  registerPagingApi(app, api);
  registerPostmortemRoutes(app, api, deps.ai);
  registerBacklogRoutes(app, api, deps.backlog, deps.githubWebhookSecret !== undefined);
  registerMetricsRoutes(app, api);
  registerMetricsDigestRoutes(app, api, deps.digest);
  registerGitHubWebhook(app, deps.context, deps.githubWebhookSecret, deps.bodyLimit);
  registerStatusSubscriberRoutes(app, api, {
    context: deps.context,
    options: deps.statusSubscriptions ?? { emailEnabled: false },
    bodyLimit: deps.bodyLimit,
  });
  registerStatusPageRoutes(app, api, deps.statusPage, deps.trustProxy);
  app.setNotFoundHandler(deps.webRoot ? registerWebUi(app, deps.webRoot) : notFoundHandler);
  return app;
}

/** The HTTP server with the status page's fast path in front of Fastify's handler. */
function statusFastPath(cache: StatusPageCache, trustProxy: boolean): FastifyServerOptions["serverFactory"] {
  return (handler) =>
    createServer((req, res) => {
      setRawSecurityHeaders(req, res, trustProxy);
      if (!answerFromStatusCache(cache, trustProxy, req, res)) handler(req, res);
    });
}

export { RawRequestMetrics } from "./metrics.ts";
export { RAW_ROUTES, storeRawEvent } from "./raw-ingest.ts";
export { routeStatusConnections } from "./status-workers.ts";
