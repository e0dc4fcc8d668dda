import type { ServerResponse } from "node:http";
import type { FastifyInstance } from "fastify";
import type { ChangeEvent } from "#app/events.ts";
import { maySeeIncident } from "#app/incidents/get.ts";
import type { ApiRegistry } from "../openapi.ts";

/** A comment line this often keeps proxies and browsers from closing an idle stream. */
export const KEEPALIVE_MS = 15_000;
/** A client that reads slower than this much buffered output is dropped; its EventSource reconnects. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

/** One server-sent event: `event: <type>` and the JSON on one `data:` line. */
export function formatSse(type: string, data: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * GET /api/v1/events: the change feed as server-sent events, for the web UI's live updates. Each
 * message is written (and so flushed) on its own; nothing is buffered. Open streams are ended when the
 * server closes, so they never hold a shutdown open.
 */
export function registerEventRoutes(app: FastifyInstance, api: ApiRegistry): void {
  const streams = new Set<ServerResponse>();
  app.addHook("preClose", async () => {
    for (const stream of streams) stream.end();
    streams.clear();
  });
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/events",
      access: "read",
      tag: "Live",
      summary: "Live changes as server-sent events (text/event-stream)",
      description:
        "First `event: hello` with `data: {}`; then one `event: incident` per change, `data` " +
        '{"type":"incident","id":"INC-7","kind":"incident.status_changed","at":"…"} (re-read the incident), ' +
        "or `event: reload` when many things changed; a `: keepalive` comment every 15 s.",
      success: 200,
      produces: "text/event-stream",
      responseDescription: "The event stream; it stays open",
    },
    async (req, ctx, reply) => {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no", // nginx: do not buffer the stream
        "x-request-id": req.id,
      });
      res.socket?.setNoDelay(true);
      let open = true;
      const cleanup = () => {
        if (!open) return;
        open = false;
        clearInterval(keepalive);
        unsubscribe();
        streams.delete(res);
      };
      const write = (text: string) => {
        if (!open) return;
        if (res.writableLength > MAX_BUFFERED_BYTES) {
          req.log.warn({ buffered: res.writableLength }, "event stream client too slow; closing its stream");
          cleanup();
          res.end();
          return;
        }
        res.write(text);
      };
      // A private incident's changes reach only those who may see it (docs/access.md). The check reads the
      // database, so events go through one promise chain per stream and keep their order.
      let queue: Promise<void> = Promise.resolve();
      const unsubscribe = ctx.events.subscribe((event: ChangeEvent) => {
        // The alert path's cache hint: nothing a browser shows.
        if (event.type === "alert_sources") return;
        if (event.type !== "incident") {
          queue = queue.then(() => write(formatSse(event.type, event)));
          return;
        }
        queue = queue.then(async () => {
          const visible = await maySeeIncident(ctx, event.id).catch((error: unknown) => {
            req.log.warn({ err: error, incident: event.id }, "could not check an incident's visibility");
            return false;
          });
          // noJobs is a hint for the job engine, not something a browser re-reads by.
          const { noJobs: _hint, ...shown } = event;
          if (visible) write(formatSse(event.type, shown));
        });
      });
      const keepalive = setInterval(() => write(": keepalive\n\n"), KEEPALIVE_MS);
      keepalive.unref();
      streams.add(res);
      res.on("close", cleanup);
      write(formatSse("hello", {}));
      return reply;
    },
  );
}
