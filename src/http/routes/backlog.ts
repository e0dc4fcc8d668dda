import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { getIncidentMarkdown, IncidentMarkdownQuery } from "#app/backlog/export-markdown.ts";
import {
  FileIncidentItemsInput,
  fileIncidentActionItems,
  GITHUB_NOT_CONFIGURED,
  type IncidentFilingDeps,
} from "#app/backlog/file-incident-items.ts";
import { ImportMarkdownInput, importMarkdownIncidents } from "#app/backlog/import-markdown.ts";
import { applyIssueStateChange } from "#app/backlog/issue-events.ts";
import type { BaseContext } from "#app/context.ts";
import {
  DeliveryMemory,
  GITHUB_SIGNATURE_HEADER,
  parseIssuesEvent,
  verifyGitHubSignature,
} from "#integrations/github/webhook-events.ts";
import type { ApiRegistry } from "../openapi.ts";
import { problem } from "../problem.ts";

const id = (req: FastifyRequest) => (req.params as { id: string }).id;

/** Action items to GitHub issues and markdown incidents in and out (issue 7, "from the platform"). */
export function registerBacklogRoutes(
  app: FastifyInstance,
  api: ApiRegistry,
  backlog: IncidentFilingDeps | undefined,
  webhookConfigured: boolean,
): void {
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/backlog",
      access: "read",
      tag: "Action items",
      summary: "Whether action items can be filed to GitHub here, and where",
      success: 200,
      responseDescription: '{"github":{"configured","repository","webhook","hint"}}',
    },
    async () => ({
      github: {
        configured: backlog !== undefined,
        repository: backlog?.tracker.repository ?? null,
        webhook: webhookConfigured,
        hint: backlog ? null : GITHUB_NOT_CONFIGURED,
      },
    }),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/incidents/:id/action-items/file",
      access: "respond",
      tag: "Action items",
      summary: "File action items as GitHub issues (the same path as `foghorn backlog sync`)",
      description:
        "Files the items given by item_ids, else every open item not filed yet, once each: an item already linked is skipped, one whose issue exists on GitHub (found by its marker) is linked, not filed twice. dry_run shows the issue titles. 409 when GitHub is not configured.",
      body: FileIncidentItemsInput,
      success: 200,
      responseDescription: '{"incident_id","repository","dry_run","items":[{"id","title","result","issue"}]}',
    },
    (req, ctx) => fileIncidentActionItems(ctx, backlog, id(req), req.body ?? {}),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/incidents/import-markdown",
      access: "manage",
      tag: "Incidents",
      summary: "Import markdown incident folders (<root>/sprint/NN/incidents/*/) as resolved incidents",
      description:
        "files: incident.md and action-items.md with their paths relative to the repository root. Idempotent: a folder imported before answers unchanged and creates nothing. Parse problems come back in issues with file and line.",
      body: ImportMarkdownInput,
      success: 200,
      responseDescription:
        '{"incidents":[{"source_ref","result","incident_id","title","action_items"}],"issues":[…]}',
    },
    (req, ctx) => importMarkdownIncidents(ctx, req.body),
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/incidents/:id/markdown",
      access: "read",
      tag: "Incidents",
      summary: "The incident as a markdown folder: incident.md and action-items.md (seed 000's layout)",
      query: IncidentMarkdownQuery,
      success: 200,
      responseDescription: '{"incident_id","folder","files":[{"path","text"}]}',
    },
    (req, ctx) => getIncidentMarkdown(ctx, id(req), req.query),
  );
}

type Raw = { raw: Buffer };

/**
 * GitHub's webhook: `issues` closed completes the action item filed as that issue, reopened reopens it.
 * The signature is the authentication (no token). Answers: ping 200; a bad or missing signature 401;
 * other events and issues Foghorn did not file 202 (nothing to do); a repeated delivery id 200 without
 * acting again.
 */
export function registerGitHubWebhook(
  app: FastifyInstance,
  context: BaseContext,
  secret: string | undefined,
  bodyLimit: number,
): void {
  const ctx = { ...context, actor: { kind: "system" as const, name: "github" } };
  const deliveries = new DeliveryMemory();
  const fail = (reply: FastifyReply, req: FastifyRequest, status: number, code: string, detail: string) =>
    reply
      .status(status)
      .type("application/problem+json")
      .send(problem(status, code, detail, req));
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    // Raw bytes: GitHub's HMAC is over the body exactly as sent.
    scope.addContentTypeParser("*", { parseAs: "buffer", bodyLimit }, (_req, body, done) =>
      done(null, { raw: body }),
    );
    scope.post("/webhooks/github", async (req, reply) => {
      if (!secret)
        return fail(
          reply,
          req,
          404,
          "NOT_FOUND",
          "GitHub webhooks are not set up: set github.webhookSecret (GITHUB_WEBHOOK_SECRET); see docs/backlog.md",
        );
      const raw = ((req.body ?? { raw: Buffer.alloc(0) }) as Raw).raw;
      const check = verifyGitHubSignature(secret, raw, req.headers[GITHUB_SIGNATURE_HEADER]);
      if (!check.ok) return fail(reply, req, 401, "INVALID_SIGNATURE", check.reason);
      const event = String(req.headers["x-github-event"] ?? "");
      const delivery = String(req.headers["x-github-delivery"] ?? "");
      // GitHub signs the body but not the delivery id (nor any time): a captured body re-sent under a new
      // id is recognised by its signature, which is unique to the body.
      const signed = `sig:${String(req.headers[GITHUB_SIGNATURE_HEADER] ?? "")}`;
      const now = context.clock.now();
      if ((delivery && deliveries.has(delivery, now)) || deliveries.has(signed, now))
        return reply
          .status(200)
          .send({ status: "duplicate", delivery, detail: "already received; not applied again" });
      let payload: unknown;
      try {
        payload = JSON.parse(raw.toString("utf8"));
      } catch {
        return fail(
          reply,
          req,
          400,
          "INVALID_JSON",
          "The body is not JSON: set the webhook's Content type to application/json",
        );
      }
      let answer: { status: number; body: Record<string, unknown> };
      if (event === "ping") answer = { status: 200, body: { status: "pong" } };
      else if (event !== "issues")
        answer = {
          status: 202,
          body: { status: "ignored", detail: `the ${event || "unnamed"} event is not used` },
        };
      else {
        const parsed = parseIssuesEvent(payload);
        if (parsed.kind === "invalid") return fail(reply, req, 422, "INVALID_INPUT", parsed.reason);
        if (parsed.kind === "ignored")
          answer = { status: 202, body: { status: "ignored", detail: parsed.reason } };
        else {
          const result = await applyIssueStateChange(ctx, parsed.change);
          answer =
            result.result === "unknown"
              ? { status: 202, body: { status: "ignored", detail: result.reason } }
              : { status: 200, body: { status: result.result, ...result } };
        }
      }
      // Remembered once handled: a delivery that failed (503) is applied when GitHub redelivers it.
      if (delivery) deliveries.remember(delivery, now);
      deliveries.remember(signed, now);
      return reply.status(answer.status).send(answer.body);
    });
    scope.setErrorHandler((error, req, reply) => {
      const e = error as { code?: string };
      if (e.code === "FST_ERR_CTP_BODY_TOO_LARGE")
        return fail(reply, req, 413, "PAYLOAD_TOO_LARGE", `The body is larger than ${bodyLimit} bytes`);
      req.log.error({ err: error }, "GitHub webhook failed");
      reply.header("retry-after", "5");
      return fail(
        reply,
        req,
        503,
        "UNAVAILABLE",
        "Foghorn could not apply the event; GitHub may redeliver it",
      );
    });
  });
}
