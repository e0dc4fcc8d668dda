import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AppError } from "#app/errors.ts";
import type { StatusPageCache, StatusResponse } from "#app/status-page/cache.ts";
import type { ApiRegistry } from "../openapi.ts";

/** The public status page's GET paths under the product (HEAD is answered alike). */
export const STATUS_PAGE_ROUTES = [
  "/status",
  "/status/",
  "/status/incidents/:id",
  "/status/maintenances/:id",
  "/api/v2/summary.json",
  "/api/v2/status.json",
  "/api/v2/components.json",
  "/api/v2/incidents.json",
  "/api/v2/incidents/unresolved.json",
  "/api/v2/scheduled-maintenances.json",
  "/api/v2/scheduled-maintenances/upcoming.json",
  "/api/v2/scheduled-maintenances/active.json",
  "/history.rss",
  "/history.atom",
] as const;

const NOT_STARTED: StatusResponse = (() => {
  const body = Buffer.from(
    JSON.stringify({
      type: "about:blank",
      title: "Service Unavailable",
      status: 503,
      detail: "status page not started",
    }),
  );
  return {
    status: 503,
    headers: {
      "content-type": "application/problem+json",
      "content-length": String(body.length),
      "retry-after": "5",
      "cache-control": "no-store",
    },
    body,
  };
})();

/** The Host the client asked for: X-Forwarded-Host behind a trusted proxy, else Host. */
export function requestHost(headers: IncomingMessage["headers"], trustProxy: boolean): string | undefined {
  const forwarded = trustProxy ? headers["x-forwarded-host"] : undefined;
  const value = Array.isArray(forwarded) ? forwarded[0] : forwarded;
  return value?.split(",")[0]?.trim() || headers.host;
}

function send(reply: FastifyReply, r: StatusResponse) {
  reply.code(r.status).headers(r.headers);
  // No payload at all for a 304: an empty string would get a content-type and content-length: 0.
  return r.body === undefined ? reply.send() : reply.send(r.body);
}

/**
 * The public status page in Fastify: the paths under /status, the Statuspage JSON and the feeds, and on
 * the status domain (`custom_domain`) also `/`, /incidents/:id and /maintenances/:id. Every answer comes from
 * the cache's lookup(): no database query per view. Without a cache (not started) they answer 503.
 */
export function registerStatusPageRoutes(
  app: FastifyInstance,
  api: ApiRegistry,
  cache: StatusPageCache | undefined,
  trustProxy: boolean,
): void {
  const answer = (req: FastifyRequest, reply: FastifyReply) => {
    if (!cache) return send(reply, NOT_STARTED);
    const r = cache.lookup(requestHost(req.headers, trustProxy), req.url, req.headers);
    return send(reply, r ?? NOT_STARTED);
  };
  for (const url of STATUS_PAGE_ROUTES) app.get(url, answer);

  // On the status domain the page is also at the root: those paths belong to the web UI elsewhere, so
  // they are taken before routing, for that host only.
  app.addHook("onRequest", async (req, reply) => {
    if (!cache?.customDomain || (req.method !== "GET" && req.method !== "HEAD")) return;
    const route = req.routeOptions.url;
    if (route && (STATUS_PAGE_ROUTES as readonly string[]).includes(route)) return;
    const r = cache.lookup(requestHost(req.headers, trustProxy), req.url, req.headers);
    if (r) return send(reply, r);
  });

  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/status-page/export",
      access: "read",
      tag: "Status page",
      summary: "The whole public status page as static files (what `foghorn status export` writes)",
      description:
        "Rebuilds the snapshot from the database (when it answers; otherwise the last good snapshot is used) and returns every file rendered for the root of a web server: index pages, incident and maintenance pages, the Statuspage JSON and the feeds.",
      success: 200,
      responseDescription:
        "{ generated_at, files: { <URL path>: { content_type, body } } } — paths as served at the root of the status domain",
    },
    async () => {
      if (!cache) throw new AppError("UNAVAILABLE", "status page not started");
      await cache.refresh();
      const snapshot = cache.snapshot;
      if (!snapshot)
        throw new AppError(
          "UNAVAILABLE",
          "the status page has no snapshot yet: the database has not answered",
        );
      return {
        generated_at: snapshot.generatedAt,
        files: Object.fromEntries(
          Object.entries(snapshot.sites.root).map(([path, f]) => [
            path,
            { content_type: f.contentType, body: f.body },
          ]),
        ),
      };
    },
  );
}

/**
 * The fast path in front of Fastify: a plain node handler answers status page GETs straight from the
 * cache (the same lookup() the routes call); everything else goes on to Fastify. Returns true when it
 * answered.
 */
export function answerFromStatusCache(
  cache: StatusPageCache,
  trustProxy: boolean,
  req: IncomingMessage,
  res: ServerResponse,
): boolean {
  const method = req.method;
  if (method !== "GET" && method !== "HEAD") return false;
  const url = req.url ?? "/";
  const r = cache.lookup(requestHost(req.headers, trustProxy), url, req.headers);
  if (!r) return false;
  res.writeHead(r.status, r.headers);
  res.end(method === "HEAD" ? undefined : r.body);
  return true;
}
