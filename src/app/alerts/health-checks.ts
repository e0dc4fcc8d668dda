import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { AlertEvent } from "#domain/alert/event.ts";
import { applyCheckResult } from "#domain/alert/health.ts";
import { DAY } from "#domain/time.ts";
import { withTransaction } from "#store/db.ts";
import {
  claimDueHealthChecks,
  deleteHealthCheck,
  type HealthCheckRow,
  insertHealthCheck,
  listHealthChecks,
  listHealthResults,
  pruneHealthResults,
  recordHealthResult,
} from "#store/health-checks.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import type { AlertIntake } from "./intake.ts";
import { checkView, findManagedService, findService } from "./services.ts";

export const HEALTHCHECK_KEY = "healthcheck";

export const CreateHealthCheckInput = z
  .object({
    name: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(/^[\w .:-]+$/u, { error: "letters, digits, space and . _ - : only" }),
    url: z.url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" }),
    method: z.enum(["GET", "HEAD"]).default("GET"),
    interval_seconds: z.number().int().min(5).max(86400).default(60),
    timeout_ms: z.number().int().min(100).max(60_000).default(5000),
    expected_status: z
      .string()
      .regex(/^(2xx|\d{3}(,\d{3})*)$/, { error: 'expected "2xx" or status codes such as "200,204"' })
      .default("2xx"),
    keyword: z.string().min(1).max(500).optional(),
    json_path: z.string().min(1).max(200).optional(),
    json_equals: z.string().max(500).optional(),
    failure_threshold: z.number().int().min(1).max(100).default(3),
  })
  .strict()
  .refine((c) => (c.json_path === undefined) === (c.json_equals === undefined), {
    error: "json_path and json_equals go together",
    path: ["json_equals"],
  });

export async function createHealthCheck(ctx: AppContext, serviceName: string, input: unknown) {
  const service = await findManagedService(ctx, serviceName);
  const req = parseInput(CreateHealthCheckInput, input);
  const now = ctx.clock.now();
  if (
    (await listHealthChecks(ctx.db)).some(
      (c) => c.serviceId === service.id && c.name.toLowerCase() === req.name.toLowerCase(),
    )
  )
    throw new AppError("CONFLICT", `Service ${service.name} already has a health check named "${req.name}"`);
  const row = await insertHealthCheck(ctx.db, {
    id: randomUUID(),
    serviceId: service.id,
    name: req.name,
    url: req.url,
    method: req.method,
    intervalSeconds: req.interval_seconds,
    timeoutMs: req.timeout_ms,
    expectedStatus: req.expected_status,
    keyword: req.keyword ?? null,
    jsonPath: req.json_path ?? null,
    jsonEquals: req.json_equals ?? null,
    failureThreshold: req.failure_threshold,
    nextCheckAt: now,
    createdBy: ctx.actor.name,
    createdAt: now,
  });
  return checkView(row);
}

export async function removeHealthCheck(ctx: AppContext, serviceName: string, name: string): Promise<void> {
  const service = await findManagedService(ctx, serviceName);
  if (!(await deleteHealthCheck(ctx.db, service.id, name)))
    throw new AppError("NOT_FOUND", `Service ${service.name} has no health check named "${name}"`);
}

export async function healthCheckResults(ctx: AppContext, serviceName: string, name: string) {
  const service = await findService(ctx, serviceName);
  const check = (await listHealthChecks(ctx.db)).find(
    (c) => c.serviceId === service.id && c.name.toLowerCase() === name.toLowerCase(),
  );
  if (!check) throw new AppError("NOT_FOUND", `Service ${service.name} has no health check named "${name}"`);
  const rows = await listHealthResults(ctx.db, check.id, 100);
  return {
    items: rows.map((r) => ({
      at: r.at.toISOString(),
      ok: r.ok,
      status_code: r.statusCode,
      latency_ms: r.latencyMs,
      error: r.error,
    })),
  };
}

/** The probe port: runs one HTTP check (integrations/http-check implements it; main.ts wires it). */
export type Prober = (check: HealthCheckRow) => Promise<{
  ok: boolean;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}>;

function checkEvent(check: HealthCheckRow, action: "trigger" | "resolve", error: string | null): AlertEvent {
  return {
    action,
    dedupKey: HEALTHCHECK_KEY,
    summary:
      action === "trigger"
        ? `Health check ${check.name} failing: ${error ?? "unknown error"}`
        : `Health check ${check.name} passing again`,
    source: check.url,
    severity: "error",
    occurredAt: null,
    details: { url: check.url, error, consecutive_failures: check.consecutiveFailures },
    links: [{ href: check.url, text: "Checked URL" }],
    images: [],
  };
}

/**
 * Runs every due check (claimed so each runs once per interval even with several replicas), records results
 * and latency, and opens an alert after `failure_threshold` failures in a row; one pass resolves it. The
 * HTTP calls happen outside any transaction.
 */
export async function runDueHealthChecks(
  ctx: AppContext,
  intake: AlertIntake,
  probe: Prober,
): Promise<number> {
  const now = ctx.clock.now();
  const due = await claimDueHealthChecks(ctx.db, now, 50);
  await Promise.all(
    due.map(async (check) => {
      const result = await probe(check);
      const previous = {
        consecutiveFailures: check.consecutiveFailures,
        alerting: check.state === "failing" && check.consecutiveFailures >= check.failureThreshold,
      };
      const { next, action } = applyCheckResult(previous, result.ok, check.failureThreshold);
      const state = result.ok ? "passing" : "failing";
      await withTransaction(ctx.db, (tx) =>
        recordHealthResult(
          tx,
          check.id,
          { at: now, ...result, latencyMs: Math.round(result.latencyMs) },
          { state, consecutiveFailures: next.consecutiveFailures },
        ),
      );
      const source = { id: check.id, kind: "healthcheck", serviceId: check.serviceId, rateLimitPerMinute: 0 };
      if (action === "open")
        await intake.accept(source, [
          checkEvent({ ...check, consecutiveFailures: next.consecutiveFailures }, "trigger", result.error),
        ]);
      if (action === "resolve") await intake.accept(source, [checkEvent(check, "resolve", null)]);
    }),
  );
  if (due.length) await pruneHealthResults(ctx.db, new Date(now.getTime() - 7 * DAY));
  return due.length;
}
