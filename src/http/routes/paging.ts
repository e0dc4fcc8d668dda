import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { BaseContext } from "#app/context.ts";
import { isAppError } from "#app/errors.ts";
import {
  engineStatus,
  ListNotificationsQuery,
  listNotificationsView,
  retryJob,
  retryNotification,
  sendTestNotification,
} from "#app/oncall/notifications.ts";
import {
  actAsSlackUser,
  actOnPageLink,
  actOnSmsReply,
  describePageLink,
  type PageAction,
  type PageActionResult,
  slackCommand,
} from "#app/oncall/respond.ts";
import {
  parseInteraction,
  parseSlashCommand,
  slackResponse,
  slashUsage,
} from "#integrations/slack/inbound.ts";
import {
  SLACK_SIGNATURE_HEADER,
  SLACK_TIMESTAMP_HEADER,
  verifySlackSignature,
} from "#integrations/slack/signature.ts";
import {
  parseSmsReply,
  TWILIO_SIGNATURE_HEADER,
  twimlMessage,
  verifyTwilioSignature,
} from "#integrations/twilio/inbound.ts";
import type { ApiRegistry } from "../openapi.ts";

export interface PagingRouteDeps {
  context: BaseContext;
  slackSigningSecret?: string | undefined;
  twilioAuthToken?: string | undefined;
  /** Slack waits 3 s for an answer; work that takes longer answers through response_url. */
  slackAnswerWithinMs?: number;
}

type Raw = { raw: Buffer };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A small self-contained page (no script, light and dark) for the one-click links of email pages. */
function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)} · Foghorn</title>
<style>:root{color-scheme:light dark;font-family:system-ui,sans-serif}body{max-width:34rem;margin:3rem auto;padding:0 1rem;line-height:1.5}
button{font:inherit;padding:.6rem 1.2rem;margin:.3rem .5rem .3rem 0;border-radius:.4rem;border:1px solid currentColor;cursor:pointer}
button.primary{background:#b45309;color:#fff;border-color:#b45309}</style></head><body>${body}</body></html>`;
}

function resultLine(r: PageActionResult, action: PageAction): string {
  if (r.changed)
    return `${r.incident} ${action === "acknowledge" ? "acknowledged" : "resolved"} by ${r.by}. Escalation stopped.`;
  return `${r.incident} is already ${r.status}; nothing changed.`;
}

function failureText(error: unknown): string {
  return isAppError(error) ? error.detail : "Something went wrong; try again or use the web UI.";
}

/**
 * Where answers to pages come in from outside the API: the one-click links of email pages (GET shows a
 * confirmation, POST acts, so mail scanners that follow links change nothing), Slack's buttons and
 * `/foghorn` commands (signature checked on the raw body, answered within 3 s), and SMS replies (Twilio
 * signature checked against the public URL).
 */
export function registerPagingRoutes(app: FastifyInstance, deps: PagingRouteDeps): void {
  const ctx = deps.context;
  const within = deps.slackAnswerWithinMs ?? 2500;

  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: 64 * 1024 }, (_req, body, done) =>
      done(null, { raw: body }),
    );

    scope.get("/p/:token", async (req, reply) => {
      const { token } = req.params as { token: string };
      const wanted = (req.query as { action?: string }).action === "resolve" ? "resolve" : "acknowledge";
      try {
        const link = await describePageLink(ctx, token);
        const buttons = (["acknowledge", "resolve"] as const)
          .map(
            (a) =>
              `<button name="action" value="${a}" class="${a === wanted ? "primary" : ""}"${a === wanted ? " autofocus" : ""}>${a === "acknowledge" ? "Acknowledge" : "Resolve"}</button>`,
          )
          .join("");
        return reply
          .type("text/html; charset=utf-8")
          .header("cache-control", "no-store")
          .send(
            page(
              link.incident,
              `<h1>${escapeHtml(link.summary)}</h1><p>Page sent to ${escapeHtml(link.to)}.</p>
<form method="post">${buttons}</form><p><a href="${escapeHtml(`${ctx.publicUrl ?? ""}/incidents/${link.incident}`)}">Open ${escapeHtml(link.incident)}</a></p>`,
            ),
          );
      } catch (error) {
        return reply
          .status(404)
          .type("text/html; charset=utf-8")
          .send(page("Not found", `<h1>${escapeHtml(failureText(error))}</h1>`));
      }
    });

    scope.post("/p/:token", async (req, reply) => {
      const { token } = req.params as { token: string };
      const form = new URLSearchParams(((req.body ?? { raw: Buffer.alloc(0) }) as Raw).raw.toString("utf8"));
      const query = req.query as { action?: string };
      const raw = form.get("action") ?? query.action ?? "acknowledge";
      if (raw !== "acknowledge" && raw !== "resolve")
        return reply
          .status(400)
          .type("text/html; charset=utf-8")
          .send(page("Bad request", "<h1>action must be acknowledge or resolve</h1>"));
      try {
        const result = await actOnPageLink(ctx, token, raw);
        return reply
          .type("text/html; charset=utf-8")
          .send(page(result.incident, `<h1>${escapeHtml(resultLine(result, raw))}</h1>`));
      } catch (error) {
        const status = isAppError(error) && error.code === "NOT_FOUND" ? 404 : 409;
        return reply
          .status(status)
          .type("text/html; charset=utf-8")
          .send(page("Not done", `<h1>${escapeHtml(failureText(error))}</h1>`));
      }
    });

    const slackVerified = (req: { headers: Record<string, unknown>; body: unknown }, reply: FastifyReply) => {
      const raw = ((req.body ?? { raw: Buffer.alloc(0) }) as Raw).raw;
      if (!deps.slackSigningSecret) {
        reply.status(404).send({ error: "Slack is not configured on this Foghorn (slack.signingSecret)" });
        return null;
      }
      const check = verifySlackSignature({
        signingSecret: deps.slackSigningSecret,
        timestamp: req.headers[SLACK_TIMESTAMP_HEADER] as string | undefined,
        signature: req.headers[SLACK_SIGNATURE_HEADER] as string | undefined,
        rawBody: raw,
        now: ctx.clock.now(),
      });
      if (!check.ok) {
        ctx.log.warn({ reason: check.reason }, "refused a Slack request");
        reply.status(401).send({ error: check.reason });
        return null;
      }
      return raw.toString("utf8");
    };

    /** Answers within Slack's deadline; work still running then answers later through response_url. */
    const answerSlack = async (reply: FastifyReply, work: Promise<string>, responseUrl?: string) => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), within);
      });
      const text = await Promise.race([work.catch((e: unknown) => failureText(e)), late]);
      clearTimeout(timer);
      if (text !== null) return reply.send(slackResponse(text));
      void work
        .catch((e: unknown) => failureText(e))
        .then(async (later) => {
          if (!responseUrl) return;
          await fetch(responseUrl, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(slackResponse(later)),
          }).catch((err: unknown) => ctx.log.warn({ err }, "could not answer Slack through response_url"));
        });
      return reply.send(slackResponse("Working on it…"));
    };

    scope.post("/slack/interactive", async (req, reply) => {
      const body = slackVerified(req, reply);
      if (body === null) return reply;
      const interaction = parseInteraction(body);
      if ("error" in interaction) return reply.send(slackResponse(interaction.error));
      const work = actAsSlackUser(
        ctx,
        interaction.slackUserId,
        interaction.incidentId,
        interaction.action,
      ).then((r) => resultLine(r, interaction.action));
      return answerSlack(reply, work, interaction.responseUrl);
    });

    scope.post("/slack/commands", async (req, reply) => {
      const body = slackVerified(req, reply);
      if (body === null) return reply;
      const command = parseSlashCommand(body);
      if ("error" in command) return reply.send(slackResponse(command.error));
      if (command.command === "help") return reply.send(slackResponse(slashUsage()));
      return answerSlack(reply, slackCommand(ctx, command.slackUserId, command), command.responseUrl);
    });

    scope.post("/twilio/sms", async (req, reply) => {
      const raw = ((req.body ?? { raw: Buffer.alloc(0) }) as Raw).raw.toString("utf8");
      const params = Object.fromEntries(new URLSearchParams(raw));
      if (!deps.twilioAuthToken)
        return reply.status(404).send({ error: "Twilio is not configured (twilio.authToken)" });
      const check = verifyTwilioSignature({
        authToken: deps.twilioAuthToken,
        url: `${ctx.publicUrl ?? ""}${req.url}`,
        params,
        signature: req.headers[TWILIO_SIGNATURE_HEADER] as string | undefined,
      });
      if (!check.ok) {
        ctx.log.warn({ reason: check.reason }, "refused a Twilio request");
        return reply.status(403).send({ error: check.reason });
      }
      const reply_ = parseSmsReply(params.Body ?? "");
      let text: string;
      if ("error" in reply_) text = reply_.error;
      else {
        try {
          text = resultLine(
            await actOnSmsReply(ctx, params.From ?? "", reply_.action, reply_.code),
            reply_.action,
          );
        } catch (error) {
          text = failureText(error);
        }
      }
      return reply.type("text/xml").send(twimlMessage(text));
    });
  });
}

const param = (req: FastifyRequest, name: string) => (req.params as Record<string, string>)[name] ?? "";

/** The paging API: messages sent (and dead letters), test messages, and the job engine's queue. */
export function registerPagingApi(app: FastifyInstance, api: ApiRegistry): void {
  const tag = "Paging";
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/notifications",
      access: "read",
      tag,
      summary: "Pages and other messages, newest first (incident=INC-42, state=failed for dead letters)",
      query: ListNotificationsQuery,
      success: 200,
      responseDescription: "{items}",
    },
    (req, ctx) => listNotificationsView(ctx, req.query),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/notifications/:id/retry",
      access: "respond",
      tag,
      summary: "Send a dead (failed) message again",
      success: 202,
      responseDescription: "{id, state}",
    },
    (req, ctx) => retryNotification(ctx, param(req, "id")),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/contact-methods/:id/test",
      access: "self",
      tag,
      summary: "Send a test message to a contact method",
      success: 202,
      responseDescription: "{id, state, via, to}",
    },
    (req, ctx) => sendTestNotification(ctx, param(req, "id")),
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/engine",
      access: "read",
      tag,
      summary: "The job engine's queue: pending, running and dead jobs, and lag",
      success: 200,
      responseDescription: "{pending, running, dead, lag_seconds, dead_jobs}",
    },
    (_req, ctx) => engineStatus(ctx),
  );
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/engine/jobs/:id/retry",
      access: "manage",
      tag,
      summary: "Queue a dead job again",
      success: 202,
      responseDescription: "{id, state}",
    },
    (req, ctx) => retryJob(ctx, param(req, "id")),
  );
}
