import { Readable } from "node:stream";
import type { FastifyInstance, FastifyRequest } from "fastify";
import {
  type AuditEntryView,
  auditCsvHeader,
  auditCsvLine,
  exportAudit,
  ListAuditQuery,
  listAudit,
  readAuditQuery,
} from "#app/audit/list.ts";
import type { AppContext } from "#app/context.ts";
import type { ApiRegistry } from "../openapi.ts";

/** CSV when asked by ?format=csv, or by an Accept header that prefers text/csv to JSON. */
function exportFormat(req: FastifyRequest, format: string | undefined): "csv" | "jsonl" | undefined {
  if (format === "csv" || format === "jsonl") return format;
  if (format === "json") return undefined;
  let csv = 0;
  let json = 0;
  for (const part of (req.headers.accept ?? "").split(",")) {
    const [type = "", ...params] = part.split(";").map((s) => s.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith("q="));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q)) continue;
    if (type === "text/csv") csv = Math.max(csv, q);
    if (type === "application/json") json = Math.max(json, q);
  }
  return csv > 0 && csv >= json ? "csv" : undefined;
}

/** The export as a stream of lines; a read that fails midway ends the download early and is logged. */
function exportStream(
  req: FastifyRequest,
  entries: AsyncGenerator<AuditEntryView>,
  format: "csv" | "jsonl",
): Readable {
  async function* lines() {
    if (format === "csv") yield auditCsvHeader();
    try {
      for await (const e of entries) yield format === "csv" ? auditCsvLine(e) : `${JSON.stringify(e)}\n`;
    } catch (error) {
      req.log.error({ err: error }, "audit export failed midway; the download is incomplete");
      throw error;
    }
  }
  return Readable.from(lines());
}

export function registerAuditRoutes(app: FastifyInstance, api: ApiRegistry): void {
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/audit",
      access: "admin",
      tag: "Audit",
      summary: "The audit log: configuration changes and sign-ins, newest first (admins)",
      description:
        "Every configuration change (with the record before and after, secrets removed) and every sign-in. " +
        "Filter by actor, action prefix (action=service.), target_type, target_id and since/until (ISO); page " +
        "with limit and next_cursor. format=csv (or Accept: text/csv) and format=jsonl download every matching " +
        "entry instead of one page. See docs/audit.md.",
      query: ListAuditQuery,
      success: 200,
      responseDescription: "{items, next_cursor} (null on the last page); or the export as CSV or JSON Lines",
      alsoProduces: ["text/csv", "application/jsonl"],
    },
    async (req, ctx: AppContext, reply) => {
      const query = readAuditQuery(req.query);
      const format = exportFormat(req, query.format);
      reply.header("vary", "Accept");
      if (!format) return listAudit(ctx, req.query);
      const day = ctx.clock.now().toISOString().slice(0, 10);
      reply.type(format === "csv" ? "text/csv; charset=utf-8" : "application/jsonl; charset=utf-8");
      reply.header("content-disposition", `attachment; filename="foghorn-audit-${day}.${format}"`);
      // The first batch is read before answering, so that a refusal is still a problem, not a broken download.
      const entries = exportAudit(ctx, query.filter);
      const first = await entries.next();
      async function* all() {
        if (first.done) return;
        yield first.value;
        yield* entries;
      }
      return reply.send(exportStream(req, all(), format));
    },
  );
}
