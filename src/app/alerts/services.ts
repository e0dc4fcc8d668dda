import { z } from "zod";
import { ALERT_SEVERITIES, type AlertSeverity } from "#domain/alert/event.ts";
import { type CheckState, serviceHealth } from "#domain/alert/health.ts";
import { SEVERITIES } from "#domain/incident/severity.ts";
import {
  listChangeEvents,
  listIntegrations,
  listMaintenanceWindows,
  openAlertsByService,
} from "#store/alerts.ts";
import { withTransaction } from "#store/db.ts";
import {
  findEscalationPoliciesById,
  findEscalationPolicy,
  findTeam,
  findTeamsById,
  listEscalationPolicies,
  listTeams,
} from "#store/directory.ts";
import { listHealthChecks } from "#store/health-checks.ts";
import {
  ensureServicesByName,
  findServicesByName,
  listServices,
  type ServiceRow,
  updateService,
} from "#store/services.ts";
import { assertCanManageTeamResource, canManageTeamResource } from "../auth/authorize.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { serviceName } from "../incidents/schemas.ts";
import { parseInput } from "../validation.ts";
import { alertSourcesChanged } from "./process.ts";
import { integrationView } from "./views.ts";

const severityMapSchema = z
  .partialRecord(
    z.enum(ALERT_SEVERITIES),
    z.enum(SEVERITIES, { error: `must be one of ${SEVERITIES.join(", ")}` }),
  )
  .describe("Alert severity (critical, error, warning, info) → incident severity (SEV1..SEV4)");

const onResolved = z
  .enum(["mitigating", "resolved", "none"], { error: "must be mitigating, resolved or none" })
  .describe("What an incident becomes once all its alerts resolved");

export const CreateServiceInput = z
  .object({
    name: serviceName,
    description: z.string().max(2000).optional(),
    severity_map: severityMapSchema.optional(),
    on_alerts_resolved: onResolved.optional(),
  })
  .strict();

export const UpdateServiceInput = z
  .object({
    description: z.string().max(2000).optional(),
    severity_map: severityMapSchema.nullable().optional(),
    on_alerts_resolved: onResolved.nullable().optional(),
    escalation_policy: z
      .string()
      .trim()
      .min(1, { error: "must not be empty; null pages no one" })
      .max(100)
      .nullable()
      .optional()
      .describe("Who is paged for the service's incidents: an escalation policy's name or id; null: no one"),
    team: z
      .string()
      .trim()
      .min(1, { error: "must not be empty; null clears the team" })
      .max(100)
      .nullable()
      .optional()
      .describe("The team that owns the service (the metrics' team filter): a team's name or id; null: none"),
  })
  .strict();

export async function findService(ctx: AppContext, name: string): Promise<ServiceRow> {
  const [row] = await findServicesByName(ctx.db, [name]);
  if (!row)
    throw new AppError(
      "NOT_FOUND",
      `Service "${name}" does not exist; create it (foghorn service create ${name}) or pick one from foghorn service list`,
    );
  return row;
}

/**
 * Team scoping: FORBIDDEN, naming the owning team, unless the actor may change this service (an admin, or a
 * manager of its team; any manager when it has no team). Also guards its integrations, maintenance windows,
 * health checks and runbook.
 */
export async function assertCanManageService(ctx: AppContext, service: ServiceRow): Promise<void> {
  if (canManageTeamResource(ctx.actor, service.teamId)) return;
  const [team] = await findTeamsById(ctx.db, service.teamId ? [service.teamId] : []);
  assertCanManageTeamResource(ctx, service.teamId, `Service ${service.name}`, team?.name);
}

/** The service `name` when the actor may change it (findService, then assertCanManageService). */
export async function findManagedService(ctx: AppContext, name: string): Promise<ServiceRow> {
  const service = await findService(ctx, name);
  await assertCanManageService(ctx, service);
  return service;
}

/** Creates a service (names are unique case-insensitively); CONFLICT when it exists. */
export async function createService(ctx: AppContext, input: unknown) {
  const req = parseInput(CreateServiceInput, input);
  const now = ctx.clock.now();
  const row = await withTransaction(ctx.db, async (tx) => {
    const [existing] = await findServicesByName(tx, [req.name]);
    if (existing) throw new AppError("CONFLICT", `Service "${existing.name}" already exists`);
    const [created] = await ensureServicesByName(tx, [req.name], now);
    if (!created) throw new Error("service was not created");
    return updateService(tx, created.id, {
      description: req.description ?? "",
      severityMap: req.severity_map ?? null,
      onAlertsResolved: req.on_alerts_resolved ?? null,
    });
  });
  ctx.log.info({ service: row.name }, "service created");
  return getService(ctx, row.name);
}

export async function updateServiceSettings(ctx: AppContext, name: string, input: unknown) {
  const req = parseInput(UpdateServiceInput, input);
  const service = await findManagedService(ctx, name);
  const policy = req.escalation_policy ? await findEscalationPolicy(ctx.db, req.escalation_policy) : null;
  if (req.escalation_policy && !policy)
    throw new AppError(
      "INVALID_INPUT",
      `Escalation policy "${req.escalation_policy}" does not exist; see foghorn policy list`,
      [{ field: "escalation_policy", message: "does not exist; see foghorn policy list" }],
    );
  const team = req.team ? await findTeam(ctx.db, req.team) : null;
  if (req.team && !team) {
    const known = (await listTeams(ctx.db)).map((t) => t.name);
    const hint = known.length
      ? `known teams: ${known.slice(0, 20).join(", ")}${known.length > 20 ? `, … (${known.length} in all)` : ""}`
      : "there are no teams yet; create one with foghorn team create";
    throw new AppError("INVALID_INPUT", `Team "${req.team}" does not exist; ${hint}`, [
      { field: "team", message: `does not exist; ${hint}` },
    ]);
  }
  // A manager hands a service only to a team of theirs (or to none).
  if (team) assertCanManageTeamResource(ctx, team.id, `Team ${team.name}'s services`, team.name);
  await updateService(ctx.db, service.id, {
    ...(req.team !== undefined ? { teamId: team?.id ?? null } : {}),
    ...(req.escalation_policy !== undefined ? { escalationPolicyId: policy?.id ?? null } : {}),
    ...(req.description !== undefined ? { description: req.description } : {}),
    ...(req.severity_map !== undefined ? { severityMap: req.severity_map } : {}),
    ...(req.on_alerts_resolved !== undefined ? { onAlertsResolved: req.on_alerts_resolved } : {}),
  });
  alertSourcesChanged(ctx);
  return getService(ctx, service.name);
}

/** Health of every service at once: checks plus open alerts (healthy / degraded / down). */
export async function healthByService(
  ctx: AppContext,
): Promise<Map<string, ReturnType<typeof serviceHealth>>> {
  const [checks, open] = [await listHealthChecks(ctx.db), await openAlertsByService(ctx.db)];
  const ids = new Set([...checks.map((c) => c.serviceId), ...open.map((a) => a.serviceId)]);
  const out = new Map<string, ReturnType<typeof serviceHealth>>();
  for (const id of ids)
    out.set(
      id,
      serviceHealth({
        checks: checks
          .filter((c) => c.serviceId === id)
          .map((c) => ({
            name: c.name,
            state: c.state as CheckState,
            consecutiveFailures: c.consecutiveFailures,
          })),
        openAlerts: open
          .filter((a) => a.serviceId === id)
          .map((a) => ({ severity: a.severity as AlertSeverity | null, suppressed: a.suppressed })),
      }),
    );
  return out;
}

const HEALTHY = { status: "healthy" as const, reasons: [] as string[] };

function serviceSummary(
  row: ServiceRow,
  health: ReturnType<typeof serviceHealth> | undefined,
  policyName: string | null,
  teamName: string | null,
) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    created_at: row.createdAt.toISOString(),
    severity_map: row.severityMap ?? null,
    on_alerts_resolved: row.onAlertsResolved ?? null,
    escalation_policy: policyName,
    /** The owning team's name; null: no team. */
    team: teamName,
    health: health ?? HEALTHY,
  };
}

/** Every service with its health, alphabetically. */
export async function listServicesWithHealth(ctx: AppContext) {
  const [rows, health] = [await listServices(ctx.db), await healthByService(ctx)];
  const policies = new Map((await listEscalationPolicies(ctx.db)).map((p) => [p.id, p.name]));
  const policyOf = (s: ServiceRow) =>
    s.escalationPolicyId ? (policies.get(s.escalationPolicyId) ?? null) : null;
  const teams = new Map((await listTeams(ctx.db)).map((t) => [t.id, t.name]));
  const teamOf = (s: ServiceRow) => (s.teamId ? (teams.get(s.teamId) ?? null) : null);
  return { items: rows.map((s) => serviceSummary(s, health.get(s.id), policyOf(s), teamOf(s))) };
}

/** One service: settings, health, integrations, health checks, maintenance windows, recent change events. */
export async function getService(ctx: AppContext, name: string) {
  const row = await findService(ctx, name);
  const now = ctx.clock.now();
  const health = (await healthByService(ctx)).get(row.id);
  const integrations = await listIntegrations(ctx.db, row.id);
  const checks = (await listHealthChecks(ctx.db)).filter((c) => c.serviceId === row.id);
  const windows = await listMaintenanceWindows(ctx.db, row.id, now);
  const changes = await listChangeEvents(ctx.db, [row.id], null, null, 20);
  const base = ctx.publicUrl ?? "";
  const [policy] = await findEscalationPoliciesById(
    ctx.db,
    row.escalationPolicyId ? [row.escalationPolicyId] : [],
  );
  const [team] = await findTeamsById(ctx.db, row.teamId ? [row.teamId] : []);
  return {
    ...serviceSummary(row, health, policy?.name ?? null, team?.name ?? null),
    integrations: integrations.map((i) => integrationView(i, base)),
    health_checks: checks.map(checkView),
    maintenance_windows: windows.map((w) => ({
      id: w.id,
      starts_at: w.startsAt.toISOString(),
      ends_at: w.endsAt.toISOString(),
      time_zone: w.timeZone,
      reason: w.reason,
      active: w.startsAt <= now && now < w.endsAt,
      created_by: w.createdBy,
    })),
    change_events: changes.map(changeView),
  };
}

export function changeView(c: Awaited<ReturnType<typeof listChangeEvents>>[number]) {
  return {
    id: c.id,
    service: c.serviceName,
    summary: c.summary,
    source: c.source,
    at: c.at.toISOString(),
    details: c.details,
    links: c.links,
  };
}

export function checkView(c: Awaited<ReturnType<typeof listHealthChecks>>[number]) {
  return {
    id: c.id,
    name: c.name,
    url: c.url,
    method: c.method,
    interval_seconds: c.intervalSeconds,
    timeout_ms: c.timeoutMs,
    expected_status: c.expectedStatus,
    keyword: c.keyword,
    json_path: c.jsonPath,
    json_equals: c.jsonEquals,
    failure_threshold: c.failureThreshold,
    state: c.state,
    consecutive_failures: c.consecutiveFailures,
    last_checked_at: c.lastCheckedAt?.toISOString() ?? null,
    last_latency_ms: c.lastLatencyMs,
    last_error: c.lastError,
  };
}
