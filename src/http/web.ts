import { existsSync } from "node:fs";
import { join, relative, sep } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { notFoundHandler } from "./problem.ts";

/** Vite's content-hashed bundles: a name changes whenever its content does, so they are cached for good. */
const IMMUTABLE = "public, max-age=31536000, immutable";

/** Paths that are never the web UI's pages, even for a browser: they answer a problem or their own page. */
const NOT_PAGES = /^\/(?:api|v2)(?:\/|$)|^\/(?:healthz|readyz|metrics)$/;

/** Shown at `/` while web/dist has not been built. */
const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Foghorn</title><style>
:root{color-scheme:light dark}body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}
code{font-family:ui-monospace,monospace}pre{padding:.75rem;border:1px solid #8884;border-radius:6px}
</style></head><body>
<h1>Foghorn is running</h1>
<p>The web UI is not built yet. Build it from the Foghorn folder, restart Foghorn, and reload this page:</p>
<pre><code>npm run build:web</code></pre>
<p>Meanwhile the API works: reference at <a href="/api/v1/docs">/api/v1/docs</a>, and the <code>foghorn</code> CLI.</p>
</body></html>
`;

// The UI's own routes (web/src/app.tsx): index.html for browsers and plain clients (curl: */*), not for one
// asking for JSON. Another path is a page only for a browser (text/html: 404 with index.html, so the UI can
// say so); everyone else gets the 404 problem.
const UI_ROUTES =
  /^\/(?:(?:incidents|alerts|services|schedules|escalation-policies|people)(?:\/[^/]+(?:\/edit)?)?|status-page(?:\/[a-z-]+)?|declare|login|setup|oncall|escalation-rules|teams|profile|paging)?\/?$/;

function pageStatus(req: FastifyRequest): 200 | 404 | undefined {
  if (req.method !== "GET" && req.method !== "HEAD") return undefined;
  const path = req.url.split("?")[0] ?? "/";
  if (NOT_PAGES.test(path) || path.startsWith("/assets/")) return undefined;
  const accept = req.headers.accept ?? "*/*";
  const html = accept.includes("text/html");
  if (UI_ROUTES.test(path) && (html || accept.includes("*/*"))) return 200;
  return html ? 404 : undefined;
}

/**
 * Serves the built web UI from `webRoot` at `/`: files as they are, and index.html for every other page
 * a browser asks for (the UI routes on the client: /incidents/INC-7 is index.html too). A folder that
 * does not exist when the server starts is not served (a page says how to build it); a rebuild of an
 * existing one needs no restart. Returns the not-found handler to install.
 */
export function registerWebUi(app: FastifyInstance, webRoot: string) {
  const indexFile = join(webRoot, "index.html");
  const built = existsSync(webRoot);
  if (built) {
    app.register(fastifyStatic, {
      root: webRoot,
      prefix: "/",
      wildcard: true,
      index: false,
      cacheControl: false,
      setHeaders(reply, path) {
        const inAssets = relative(webRoot, path).split(sep)[0] === "assets";
        reply.header("cache-control", inAssets ? IMMUTABLE : "no-cache");
      },
    });
  }

  const page = (reply: FastifyReply, status: 200 | 404 = 200) => {
    if (!built || !existsSync(indexFile)) {
      return reply
        .code(200)
        .header("cache-control", "no-cache")
        .type("text/html; charset=utf-8")
        .send(NOT_BUILT_PAGE);
    }
    return reply.code(status).header("cache-control", "no-cache").sendFile("index.html");
  };
  app.get("/", (_req, reply) => page(reply));

  return (req: FastifyRequest, reply: FastifyReply) => {
    const status = pageStatus(req);
    return status ? page(reply, status) : notFoundHandler(req, reply);
  };
}
