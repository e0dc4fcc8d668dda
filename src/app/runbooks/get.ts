import { z } from "zod";
import { runbookTemplate } from "#domain/runbook/template.ts";
import { listIncidentServiceNames } from "#store/incidents.ts";
import {
  findRunbookByServiceId,
  findRunbooksByServiceIds,
  findRunbookVersion,
  listRunbooks as listRunbookRows,
  listRunbookVersions as listVersionRows,
} from "#store/runbooks.ts";
import type { ServiceRow } from "#store/services.ts";
import { findService } from "../alerts/services.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { loadIncident } from "../incidents/internal.ts";
import { parseInput } from "../validation.ts";
import { runbookView } from "./internal.ts";

// Reading runbooks: one service's, all of them, their versions, and those of an incident's services.

async function runbookOf(ctx: AppContext, service: ServiceRow) {
  const row = await findRunbookByServiceId(ctx.db, service.id);
  if (!row)
    throw new AppError(
      "NOT_FOUND",
      `Service ${service.name} has no runbook yet; write one (foghorn runbook set ${service.name} --file ${service.name}-runbook.md) or import a folder (foghorn runbook import docs/runbooks/)`,
    );
  return row;
}

/** A service's current runbook, with the format warnings of its text. */
export async function getRunbook(ctx: AppContext, serviceName: string) {
  const service = await findService(ctx, serviceName);
  return runbookView(service.name, await runbookOf(ctx, service));
}

/** Every runbook: service, title, version and when it was last saved (no bodies). */
export async function listRunbooks(ctx: AppContext) {
  const rows = await listRunbookRows(ctx.db);
  return {
    items: rows.map((r) => ({
      service: r.serviceName,
      title: r.title,
      version: r.version,
      source: r.source,
      updated_by: r.updatedBy,
      updated_at: r.updatedAt.toISOString(),
    })),
  };
}

/** Every saved version of a service's runbook, newest first (the first is the current text). */
export async function listRunbookVersions(ctx: AppContext, serviceName: string) {
  const service = await findService(ctx, serviceName);
  const runbook = await runbookOf(ctx, service);
  const rows = await listVersionRows(ctx.db, runbook.id);
  return {
    service: service.name,
    current_version: runbook.version,
    items: rows.map((v) => ({
      version: v.version,
      title: v.title,
      saved_by: v.savedBy,
      saved_at: v.savedAt.toISOString(),
      length: v.length,
    })),
  };
}

export const VersionNumber = z.coerce
  .number({ error: "must be a version number such as 3" })
  .int({ error: "must be a whole number" })
  .min(1, { error: "versions start at 1" })
  .max(2_147_483_647, { error: "is too large" });

/** One saved version of a service's runbook, with its full text. */
export async function getRunbookVersion(ctx: AppContext, serviceName: string, version: unknown) {
  const n = parseInput(z.object({ version: VersionNumber }), { version }).version;
  const service = await findService(ctx, serviceName);
  const runbook = await runbookOf(ctx, service);
  const row = await findRunbookVersion(ctx.db, runbook.id, n);
  if (!row)
    throw new AppError(
      "NOT_FOUND",
      `The runbook of ${service.name} has no version ${n}; it has versions 1 to ${runbook.version}`,
    );
  return {
    service: service.name,
    version: row.version,
    current: row.version === runbook.version,
    title: row.title,
    body: row.body,
    saved_by: row.savedBy,
    saved_at: row.savedAt.toISOString(),
  };
}

/** A starter runbook in seed 001's format for a service (which need not exist yet). */
export function getRunbookTemplate(_ctx: AppContext, input: unknown) {
  const { service } = parseInput(
    z.object({ service: z.string().trim().min(1, { error: "must not be empty" }).max(100) }).strict(),
    input,
    "query",
  );
  return { service, title: service, body: runbookTemplate(service) };
}

/**
 * The runbooks of an incident's affected services, for the detail page: one entry per service, with
 * `runbook: null` for a service that has none yet.
 */
export async function listIncidentRunbooks(ctx: AppContext, ref: string) {
  const incident = await loadIncident(ctx.db, ref, ctx.actor);
  const services = await listIncidentServiceNames(ctx.db, incident.id);
  const rows = await findRunbooksByServiceIds(
    ctx.db,
    services.map((s) => s.id),
  );
  const byService = new Map(rows.map((r) => [r.serviceId, r]));
  return {
    items: services.map((s) => {
      const row = byService.get(s.id);
      return { service: s.name, runbook: row ? runbookView(s.name, row) : null };
    }),
  };
}
