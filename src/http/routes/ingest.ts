import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { eventIntegrationOf } from "#app/alerts/api-events.ts";
import { type AlertIntake, RateLimitedError } from "#app/alerts/intake.ts";
import { AppError, isAppError } from "#app/errors.ts";
import { parsePagerDutyV2, ROUTING_KEY_LENGTH } from "#integrations/pagerduty/events-v2.ts";
import type { ApiRegistry } from "../openapi.ts";
import { problem } from "../problem.ts";

/** The documented body (validated by the PagerDuty Events v2 parser, which reports every field at once). */
const ServiceEventBody = z
  .object({
    event_action: z.enum(["trigger", "acknowledge", "resolve"]),
    dedup_key: z.string().max(255).optional().describe("required for acknowledge and resolve"),
    payload: z
      .object({
        summary: z.string().max(1024),
        severity: z.enum(["critical", "error", "warning", "info"]),
        source: z.string(),
        component: z.string().optional(),
        group: z.string().optional(),
        class: z.string().optional(),
        timestamp: z.string().optional(),
        custom_details: z.record(z.string(), z.unknown()).optional(),
      })
      .optional()
      .describe("required for trigger"),
    links: z.array(z.object({ href: z.string(), text: z.string().optional() })).optional(),
    images: z
      .array(z.object({ src: z.string(), href: z.string().optional(), alt: z.string().optional() }))
      .optional(),
  })
  .describe("A PagerDuty Events v2 body without routing_key: the service in the path decides");

/** Stands in for the routing key the path replaces, so the Events v2 parser checks the rest as PagerDuty does. */
const PATH_ROUTED = "x".repeat(ROUTING_KEY_LENGTH);

/** Alert events sent with an API token (an ingest-only token may do nothing else). */
export function registerIngestRoutes(app: FastifyInstance, api: ApiRegistry, intake: AlertIntake): void {
  api.add(
    app,
    {
      method: "POST",
      url: "/api/v1/services/:name/events",
      access: "ingest",
      tag: "Alerts",
      summary: "Send an alert event to a service with an API token",
      description:
        "For senders that hold an API token (an ingest-scoped one may do only this) rather than a routing key. " +
        "The body is a PagerDuty Events v2 event without routing_key. It goes through the service's oldest " +
        "PagerDuty Events integration: same dedup keys, rate limit and log as /v2/enqueue with that integration's " +
        "routing key; 409 when the service has none. Answers 202 once the event is stored.",
      body: ServiceEventBody,
      success: 202,
      responseDescription: '{"status":"accepted","dedup_key"}',
    },
    async (req, ctx, reply) => {
      const body = req.body;
      if (!body || typeof body !== "object" || Array.isArray(body))
        throw new AppError("INVALID_INPUT", "Send a JSON object {event_action, dedup_key?, payload}", [
          { field: "(body)", message: "must be an object" },
        ]);
      const parsed = parsePagerDutyV2(
        { ...(body as Record<string, unknown>), routing_key: PATH_ROUTED },
        { generateKey: randomUUID },
      );
      if (!parsed.ok)
        throw new AppError(
          "INVALID_INPUT",
          `The event is invalid: ${parsed.errors.map((e) => `${e.field}: ${e.message}`).join("; ")}`,
          parsed.errors,
        );
      const integration = await eventIntegrationOf(ctx, (req.params as { name: string }).name);
      try {
        await intake.accept(integration, [parsed.value.event]);
      } catch (error) {
        const retry =
          error instanceof RateLimitedError
            ? error.retryAfterSeconds
            : isAppError(error) && error.code === "UNAVAILABLE"
              ? Number(error.extra.retry_after ?? 5)
              : undefined;
        if (retry === undefined) throw error;
        const status = error instanceof RateLimitedError ? 429 : 503;
        return reply
          .status(status)
          .header("retry-after", String(retry))
          .type("application/problem+json")
          .send(
            problem(
              status,
              status === 429 ? "TOO_MANY_REQUESTS" : "UNAVAILABLE",
              (error as AppError).detail,
              req,
            ),
          );
      }
      return { status: "accepted", dedup_key: parsed.value.event.dedupKey };
    },
  );
}
