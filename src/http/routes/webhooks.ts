import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { pingHeartbeat } from "#app/alerts/heartbeats.ts";
import { type AlertIntake, RateLimitedError } from "#app/alerts/intake.ts";
import type { BaseContext } from "#app/context.ts";
import { SYSTEM_ACTOR } from "#app/context.ts";
import { isAppError } from "#app/errors.ts";
import type { AlertEvent, PayloadError } from "#domain/alert/event.ts";
import { parseAlertmanagerWebhook } from "#integrations/alertmanager/webhook.ts";
import { applyMapping, GenericMapping } from "#integrations/generic/mapping.ts";
import { ReplayGuard, verifyGrafanaSignature } from "#integrations/grafana/signature.ts";
import { parseGrafanaWebhook } from "#integrations/grafana/webhook.ts";
import { PAGERDUTY_V1_SUCCESS, parsePagerDutyV1 } from "#integrations/pagerduty/events-v1.ts";
import {
  PAGERDUTY_BODY_LIMIT,
  PAGERDUTY_SUCCESS,
  parsePagerDutyChange,
  parsePagerDutyV2,
  toPagerDutyErrorBody,
} from "#integrations/pagerduty/events-v2.ts";
import type { ApiRegistry } from "../openapi.ts";
import { problem as problemBody } from "../problem.ts";
import { webhookAccepted } from "../raw-ingest.ts";

type Raw = { raw: Buffer };

function parseJson(raw: Buffer): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(raw.toString("utf8")) };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

const problem = (
  reply: FastifyReply,
  req: FastifyRequest,
  status: number,
  code: string,
  detail: string,
  errors?: PayloadError[],
) =>
  reply
    .status(status)
    .type("application/problem+json")
    .send(problemBody(status, code, detail, req, errors));

function retryAfter(error: unknown): number | undefined {
  if (error instanceof RateLimitedError) return error.retryAfterSeconds;
  if (isAppError(error) && error.code === "UNAVAILABLE") return Number(error.extra.retry_after ?? 5);
  return undefined;
}

/**
 * Where senders deliver: PagerDuty Events v2 (and v1, and change events) with PagerDuty's exact answers,
 * and the Alertmanager, Grafana and generic webhooks, whose routing key is in the path. Every event is
 * answered 2xx only after it is committed (AlertIntake). Alertmanager's webhook never gets 429 (it would drop
 * the alert): over its rate limit, while busy or while storage is down it gets 503 with Retry-After.
 */
export function registerWebhookRoutes(
  app: FastifyInstance,
  api: ApiRegistry,
  context: BaseContext,
  intake: AlertIntake,
  bodyLimit: number,
): void {
  for (const method of ["GET", "POST", "PUT"] as const)
    api.operations.push({
      method,
      url: "/api/v1/heartbeats/:key",
      tag: "Alerts",
      summary: "Heartbeat ping (the routing key of a heartbeat integration is the secret; HEAD works too)",
      description:
        "Records the ping and resolves the heartbeat's missed-ping alert if one is open. Answers 202 once stored.",
      success: 202,
      responseDescription: '{"status":"ok"}',
      open: true,
    });
  const ctx = { ...context, actor: SYSTEM_ACTOR };
  const replays = new ReplayGuard();
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    // Raw bytes: Grafana's HMAC is over the body exactly as sent, and each format words its own JSON error.
    scope.addContentTypeParser("*", { parseAs: "buffer", bodyLimit }, (_req, body, done) =>
      done(null, { raw: body }),
    );

    const v2Error = (reply: FastifyReply, status: number, message: string, errors: string[]) =>
      reply
        .status(status)
        .send({ status: status === 429 ? "throttle event" : "invalid event", message, errors });

    // PagerDuty Events API v2.
    scope.post("/v2/enqueue", { bodyLimit: PAGERDUTY_BODY_LIMIT }, async (req, reply) => {
      const json = parseJson(((req.body ?? { raw: Buffer.alloc(0) }) as Raw).raw);
      if (!json.ok)
        return v2Error(reply, 400, "Event object is invalid", [`JSON parse error: ${json.message}`]);
      const parsed = parsePagerDutyV2(json.value, { generateKey: randomUUID });
      if (!parsed.ok) return reply.status(400).send(toPagerDutyErrorBody(parsed.errors));
      try {
        const integration = await intake.integration(parsed.value.routingKey, ["pagerduty"]);
        await intake.accept(integration, [parsed.value.event]);
      } catch (error) {
        return pagerDutyFailure(req, reply, error, v2Error);
      }
      return reply.status(202).send(PAGERDUTY_SUCCESS(parsed.value.event.dedupKey));
    });

    scope.post("/v2/change/enqueue", { bodyLimit: PAGERDUTY_BODY_LIMIT }, async (req, reply) => {
      const json = parseJson(((req.body ?? { raw: Buffer.alloc(0) }) as Raw).raw);
      if (!json.ok)
        return v2Error(reply, 400, "Event object is invalid", [`JSON parse error: ${json.message}`]);
      const parsed = parsePagerDutyChange(json.value);
      if (!parsed.ok) return reply.status(400).send(toPagerDutyErrorBody(parsed.errors));
      try {
        const integration = await intake.integration(parsed.value.routingKey, ["pagerduty"]);
        await intake.acceptChange(integration, parsed.value.change);
      } catch (error) {
        return pagerDutyFailure(req, reply, error, v2Error);
      }
      return reply.status(202).send({ status: "success", message: "Change event processed" });
    });

    // The legacy v1 body Alertmanager sends when a receiver sets service_key. Throttled v1 events get 403,
    // which Alertmanager retries for v1 (it does not retry a 429 there).
    scope.post(
      "/generic/2010-04-15/create_event.json",
      { bodyLimit: PAGERDUTY_BODY_LIMIT },
      async (req, reply) => {
        const json = parseJson(((req.body ?? { raw: Buffer.alloc(0) }) as Raw).raw);
        if (!json.ok)
          return v2Error(reply, 400, "Event object is invalid", [`JSON parse error: ${json.message}`]);
        const parsed = parsePagerDutyV1(json.value, { generateKey: randomUUID });
        if (!parsed.ok) return reply.status(400).send(toPagerDutyErrorBody(parsed.errors));
        try {
          const integration = await intake.integration(parsed.value.serviceKey, ["pagerduty"]);
          await intake.accept(integration, [parsed.value.event]);
        } catch (error) {
          if (error instanceof RateLimitedError)
            return reply
              .status(403)
              .header("retry-after", String(error.retryAfterSeconds))
              .send({ status: "throttle event", message: error.detail, errors: [error.detail] });
          return pagerDutyFailure(req, reply, error, v2Error);
        }
        return reply.status(200).send(PAGERDUTY_V1_SUCCESS(parsed.value.event.dedupKey));
      },
    );

    // Webhooks with the routing key in the path.
    const webhook = (kind: "alertmanager" | "grafana" | "generic") =>
      scope.post(`/webhooks/${kind}/:key`, async (req, reply) => {
        const raw = ((req.body ?? { raw: Buffer.alloc(0) }) as Raw).raw;
        let integration: Awaited<ReturnType<AlertIntake["integration"]>>;
        try {
          integration = await intake.integration((req.params as { key: string }).key, [kind]);
        } catch (error) {
          return webhookFailure(req, reply, error);
        }
        if (kind === "grafana") {
          const config = integration.config as {
            hmac_secret?: string;
            signature_header?: string;
            timestamp_header?: string;
          };
          if (config.hmac_secret) {
            const check = verifyGrafanaSignature({
              secret: config.hmac_secret,
              rawBody: raw,
              headers: req.headers,
              now: context.clock.now(),
              timestampHeader: config.timestamp_header,
              signatureHeader: config.signature_header,
            });
            if (!check.ok) return problem(reply, req, 401, "INVALID_SIGNATURE", check.reason);
            const signature = String(
              req.headers[(config.signature_header ?? "").toLowerCase()] ??
                req.headers["x-grafana-alerting-signature"] ??
                req.headers["x-grafana-alert-signature"] ??
                "",
            );
            if (config.timestamp_header && replays.seen(signature, context.clock.now()))
              return problem(
                reply,
                req,
                401,
                "REPLAYED",
                "This signed request was already received (a replay); Grafana signs each delivery anew",
              );
          }
        }
        const json = parseJson(raw);
        if (!json.ok)
          return problem(
            reply,
            req,
            400,
            "INVALID_JSON",
            `The body is not valid JSON (${json.message}); check the sender's payload template`,
          );
        let result: { ok: true; value: AlertEvent } | { ok: false; errors: PayloadError[] };
        if (kind === "alertmanager") result = parseAlertmanagerWebhook(json.value);
        else if (kind === "grafana") result = parseGrafanaWebhook(json.value);
        else result = applyMapping(json.value, GenericMapping.parse(integration.config));
        if (!result.ok)
          return problem(
            reply,
            req,
            422,
            "INVALID_INPUT",
            `The ${kind} payload is invalid: ${result.errors.map((e) => `${e.field}: ${e.message}`).join("; ")}`,
            result.errors,
          );
        try {
          await intake.accept(integration, [result.value]);
        } catch (error) {
          return webhookFailure(req, reply, error);
        }
        return reply.status(202).send(webhookAccepted(result.value));
      });
    webhook("alertmanager");
    webhook("grafana");
    webhook("generic");

    // Heartbeat pings: any method a cron job or a curl can send.
    scope.route({
      method: ["GET", "POST", "HEAD", "PUT"],
      url: "/api/v1/heartbeats/:key",
      handler: async (req, reply) => {
        try {
          await pingHeartbeat(ctx, intake, (req.params as { key: string }).key);
        } catch (error) {
          return webhookFailure(req, reply, error);
        }
        return reply.status(202).send({ status: "ok" });
      },
    });

    scope.setErrorHandler((error, req, reply) => {
      const e = error as { code?: string; statusCode?: number };
      if (e.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
        if (req.url.startsWith("/v2/") || req.url.startsWith("/generic/"))
          return v2Error(reply, 413, "Event object is too large", [
            `the body is larger than ${PAGERDUTY_BODY_LIMIT} bytes (PagerDuty's limit is 512 KB)`,
          ]);
        return problem(
          reply,
          req,
          413,
          "PAYLOAD_TOO_LARGE",
          `The body is larger than ${bodyLimit} bytes; lower max_alerts in the sender, or raise server.bodyLimitBytes`,
        );
      }
      req.log.error({ err: error }, "webhook failed");
      return reply
        .status(503)
        .header("retry-after", "5")
        .send({ status: "error", message: "Foghorn could not store the event; retry later", errors: [] });
    });
  });

  function pagerDutyFailure(
    req: FastifyRequest,
    reply: FastifyReply,
    error: unknown,
    v2Error: (reply: FastifyReply, status: number, message: string, errors: string[]) => FastifyReply,
  ) {
    if (error instanceof RateLimitedError)
      return v2Error(
        reply.header("retry-after", String(error.retryAfterSeconds)),
        429,
        "Requests for this integration are arriving too quickly. Please retry later.",
        [error.detail],
      );
    if (isAppError(error) && error.code === "NOT_FOUND")
      return v2Error(reply, 400, "Event object is invalid", [`routing_key: ${error.detail}`]);
    const after = retryAfter(error) ?? 5;
    if (!isAppError(error)) req.log.error({ err: error }, "PagerDuty event failed");
    return reply
      .status(503)
      .header("retry-after", String(after))
      .send({
        status: "error",
        message: "Foghorn could not store the event; retry later",
        errors: [isAppError(error) ? error.detail : "internal error"],
      });
  }

  function webhookFailure(req: FastifyRequest, reply: FastifyReply, error: unknown) {
    if (isAppError(error) && error.code === "NOT_FOUND")
      return problem(reply, req, 404, "NOT_FOUND", error.detail);
    const after = retryAfter(error);
    if (after !== undefined) {
      reply.header("retry-after", String(after));
      return problem(reply, req, 503, "UNAVAILABLE", isAppError(error) ? error.detail : "retry later");
    }
    req.log.error({ err: error }, "webhook failed");
    reply.header("retry-after", "5");
    return problem(reply, req, 503, "UNAVAILABLE", "Foghorn could not store the event; retry later");
  }
}
