import { randomBytes } from "node:crypto";
import { z } from "zod";
import {
  deleteIntegration,
  findIntegrationById,
  type IntegrationRow,
  insertIntegration,
  listAlertLog,
  listIntegrations,
  updateIntegration,
} from "#store/alerts.ts";
import { findServicesById } from "#store/services.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { alertSourcesChanged } from "./process.ts";
import { assertCanManageService, findManagedService, findService } from "./services.ts";
import { integrationView } from "./views.ts";

export const INTEGRATION_KINDS = ["pagerduty", "alertmanager", "grafana", "generic", "heartbeat"] as const;
export type IntegrationKind = (typeof INTEGRATION_KINDS)[number];

/**
 * Checks a kind's settings; the transports own the wire formats, so the generic mapping's validator is
 * passed in (main.ts wires it from integrations/generic).
 */
export type ConfigValidator = (
  kind: IntegrationKind,
  config: unknown,
) => { field: string; message: string }[];

const heartbeatConfig = z
  .object({
    interval_seconds: z
      .number()
      .int()
      .min(10)
      .max(7 * 86400),
    grace_seconds: z.number().int().min(0).max(86400).default(30),
  })
  .strict();
const grafanaConfig = z
  .object({
    hmac_secret: z
      .string()
      .min(8, { error: "must be at least 8 characters (the secret set in Grafana's HMAC settings)" })
      .max(512, { error: "must be at most 512 characters" })
      .optional(),
    signature_header: z.string().min(1).max(100).optional(),
    timestamp_header: z.string().min(1).max(100).optional(),
  })
  .strict();

const rateLimit = z
  .number()
  .int()
  .min(0)
  .max(10_000_000)
  .nullable()
  .describe(
    "Events per minute before 429 (503 for Alertmanager and Grafana); 0 = unlimited, null = the default",
  );

export const CreateIntegrationInput = z
  .object({
    kind: z.enum(INTEGRATION_KINDS, { error: `must be one of ${INTEGRATION_KINDS.join(", ")}` }),
    name: z.string().trim().min(1).max(100).optional(),
    config: z.record(z.string(), z.unknown()).optional(),
    rate_limit_per_minute: rateLimit.optional(),
  })
  .strict();

export const UpdateIntegrationInput = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    config: z.record(z.string(), z.unknown()).optional(),
    rate_limit_per_minute: rateLimit.optional(),
  })
  .strict();

/** 32 characters like PagerDuty's integration keys: 24 random bytes, base64url (a-z A-Z 0-9 - _). */
export function newRoutingKey(): string {
  return randomBytes(24).toString("base64url");
}

function checkConfig(
  kind: IntegrationKind,
  config: unknown,
  validate: ConfigValidator,
): Record<string, unknown> {
  const fail = (fields: { field: string; message: string }[]) => {
    const prefixed = fields.map((f) => ({ ...f, field: `config${f.field ? `.${f.field}` : ""}` }));
    throw new AppError(
      "INVALID_INPUT",
      `The ${kind} settings are invalid: ${prefixed.map((f) => `${f.field}: ${f.message}`).join("; ")}`,
      prefixed,
    );
  };
  const zodCheck = (schema: z.ZodType) => {
    const r = schema.safeParse(config ?? {});
    if (!r.success) fail(r.error.issues.map((i) => ({ field: i.path.join("."), message: i.message })));
    return (r as { data: Record<string, unknown> }).data;
  };
  if (kind === "heartbeat") {
    if (!config)
      fail([
        { field: "interval_seconds", message: "a heartbeat needs interval_seconds (how often it pings)" },
      ]);
    return zodCheck(heartbeatConfig);
  }
  if (kind === "grafana") return zodCheck(grafanaConfig);
  if (kind === "generic") {
    const errors = validate(kind, config);
    if (errors.length) fail(errors);
    return (config ?? {}) as Record<string, unknown>;
  }
  if (config && Object.keys(config).length)
    fail([{ field: "", message: `a ${kind} integration takes no settings` }]);
  return {};
}

export async function createIntegration(
  ctx: AppContext,
  serviceName: string,
  input: unknown,
  validate: ConfigValidator,
) {
  const service = await findManagedService(ctx, serviceName);
  const req = parseInput(CreateIntegrationInput, input);
  const config = checkConfig(req.kind, req.config, validate);
  const row = await insertIntegration(ctx.db, {
    id: crypto.randomUUID(),
    serviceId: service.id,
    kind: req.kind,
    name: req.name ?? `${service.name} ${req.kind}`,
    routingKey: newRoutingKey(),
    config,
    rateLimitPerMinute: req.rate_limit_per_minute ?? null,
    createdBy: ctx.actor.name,
    createdAt: ctx.clock.now(),
  });
  ctx.log.info({ service: service.name, kind: row.kind, integration: row.id }, "integration created");
  return integrationView({ ...row, serviceName: service.name }, ctx.publicUrl ?? "");
}

export async function listAllIntegrations(ctx: AppContext, serviceName?: string) {
  const service = serviceName ? await findService(ctx, serviceName) : undefined;
  const rows = await listIntegrations(ctx.db, service?.id);
  return { items: rows.map((r) => integrationView(r, ctx.publicUrl ?? "")) };
}

async function loadIntegration(ctx: AppContext, id: string): Promise<IntegrationRow> {
  const row = /^[0-9a-f-]{36}$/i.test(id) ? await findIntegrationById(ctx.db, id) : undefined;
  if (!row)
    throw new AppError(
      "NOT_FOUND",
      `Integration ${id} does not exist; find its id with foghorn integration list (GET /api/v1/integrations)`,
    );
  return row;
}

export async function getIntegration(ctx: AppContext, id: string) {
  const row = await loadIntegration(ctx, id);
  const [withName] = (await listIntegrations(ctx.db, row.serviceId)).filter((r) => r.id === row.id);
  const log = await listAlertLog(ctx.db, row.id, 50);
  return {
    ...integrationView(withName ?? { ...row, serviceName: "" }, ctx.publicUrl ?? ""),
    log: log.map((l) => ({
      at: l.at.toISOString(),
      action: l.action,
      outcome: l.outcome,
      message: l.message,
    })),
  };
}

/** Team scoping: an integration is changed by those who may change its service. */
async function assertCanManageIntegration(ctx: AppContext, serviceId: string): Promise<void> {
  const [service] = await findServicesById(ctx.db, [serviceId]);
  if (service) await assertCanManageService(ctx, service);
}

export async function updateIntegrationSettings(
  ctx: AppContext,
  id: string,
  input: unknown,
  validate: ConfigValidator,
) {
  const req = parseInput(UpdateIntegrationInput, input);
  const row = await loadIntegration(ctx, id);
  await assertCanManageIntegration(ctx, row.serviceId);
  const config = req.config
    ? checkConfig(row.kind as IntegrationKind, keepSecrets(req.config, row.config), validate)
    : undefined;
  await updateIntegration(ctx.db, row.id, {
    ...(req.name ? { name: req.name } : {}),
    ...(config ? { config } : {}),
    ...(req.rate_limit_per_minute !== undefined ? { rateLimitPerMinute: req.rate_limit_per_minute } : {}),
  });
  alertSourcesChanged(ctx);
  return getIntegration(ctx, id);
}

/**
 * A settings update keeps the secrets it does not change: a `*secret` key left out, or sent back as the
 * view shows it (`<key>_set`, a masked "••••" value), keeps the stored secret; null removes it.
 */
function keepSecrets(next: Record<string, unknown>, stored: unknown): Record<string, unknown> {
  const old = (stored ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(next)) {
    if (k.endsWith("secret_set") && typeof v === "boolean") continue;
    if (k.endsWith("secret") && typeof v === "string" && v.startsWith("••••")) continue;
    if (k.endsWith("secret") && v === null) continue;
    out[k] = v;
  }
  for (const [k, v] of Object.entries(old))
    if (k.endsWith("secret") && typeof v === "string" && !(k in out) && next[k] !== null) out[k] = v;
  return out;
}

/** Deletes an integration: its routing key stops working at once (alertSourcesChanged); its alerts stay. */
export async function removeIntegration(ctx: AppContext, id: string): Promise<void> {
  const row = await loadIntegration(ctx, id);
  await assertCanManageIntegration(ctx, row.serviceId);
  await deleteIntegration(ctx.db, row.id);
  alertSourcesChanged(ctx);
  ctx.log.info({ integration: row.id, kind: row.kind }, "integration deleted");
}
