import { z } from "zod";
import { ALERT_SEVERITIES } from "#domain/alert/event.ts";
import { HOUR } from "#domain/time.ts";
import { findAlertByNumber, listAlertMembers, listAlertRows, listChangeEvents } from "#store/alerts.ts";
import { findIncidentNumbersByIds } from "#store/incidents.ts";
import { findServicesById, findServicesByName } from "#store/services.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { loadIncident, visibilityFilter } from "../incidents/internal.ts";
import { csvParam, parseInput } from "../validation.ts";
import { changeView } from "./services.ts";
import { alertView, memberView } from "./views.ts";

const ALERT_STATUSES = ["triggered", "acknowledged", "resolved"] as const;

export const ListAlertsQuery = z
  .object({
    status: csvParam(z.enum([...ALERT_STATUSES, "open"])).optional(),
    service: csvParam(z.string().min(1).max(100)).optional(),
    severity: csvParam(z.enum(ALERT_SEVERITIES)).optional(),
    incident: z.string().max(20).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(200).optional(),
  })
  .strict();

function decodeCursor(cursor: string): { createdAt: Date; number: number } {
  const [at, n] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const createdAt = new Date(at ?? "");
  const number = Number(n);
  if (Number.isNaN(createdAt.getTime()) || !Number.isInteger(number) || number < 0 || number > 2_147_483_647)
    throw new AppError("INVALID_INPUT", "cursor is not valid; start again without cursor", [
      { field: "cursor", message: "use the next_cursor value of the previous page" },
    ]);
  return { createdAt, number };
}

/** Alerts, newest first, filtered; keyset pages. */
export async function listAlerts(ctx: AppContext, input: unknown) {
  const q = parseInput(ListAlertsQuery, input, "query");
  const status = q.status?.flatMap((s) => (s === "open" ? ["triggered", "acknowledged"] : [s]));
  const services = q.service ? await findServicesByName(ctx.db, q.service) : undefined;
  if (q.service && services?.length === 0) return { items: [], next_cursor: null };
  const incident = q.incident ? await loadIncident(ctx.db, q.incident, ctx.actor) : undefined;
  const rows = await listAlertRows(ctx.db, {
    ...(status ? { status } : {}),
    ...(services ? { serviceIds: services.map((s) => s.id) } : {}),
    ...(q.severity ? { severity: q.severity } : {}),
    ...(incident ? { incidentId: incident.id } : {}),
    ...(q.cursor ? { before: decodeCursor(q.cursor) } : {}),
    limit: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  const numbers = await findIncidentNumbersByIds(
    ctx.db,
    page.flatMap((r) => (r.incidentId ? [r.incidentId] : [])),
    visibilityFilter(ctx.actor),
  );
  const last = page.at(-1);
  return {
    items: page.map((r) =>
      alertView({ ...r, incidentNumber: r.incidentId ? numbers.get(r.incidentId) : null }),
    ),
    next_cursor:
      rows.length > q.limit && last
        ? Buffer.from(`${last.createdAt.toISOString()}|${last.number}`).toString("base64url")
        : null,
  };
}

/** One alert (ALR-7 or 7) with its members. */
export async function getAlert(ctx: AppContext, ref: string) {
  const match = /^(?:ALR-)?(\d{1,10})$/i.exec(ref.trim());
  const number = match ? Number(match[1]) : Number.NaN;
  if (!Number.isInteger(number))
    throw new AppError("INVALID_INPUT", `"${ref}" is not an alert id; use the form ALR-7 (or just 7)`, [
      { field: "id", message: "expected ALR-<number>" },
    ]);
  const row = number <= 2_147_483_647 ? await findAlertByNumber(ctx.db, number) : undefined;
  if (!row) throw new AppError("NOT_FOUND", `Alert ALR-${number} does not exist; list alerts to find its id`);
  const [service] = await findServicesById(ctx.db, [row.serviceId]);
  const numbers = await findIncidentNumbersByIds(
    ctx.db,
    row.incidentId ? [row.incidentId] : [],
    visibilityFilter(ctx.actor),
  );
  const members = await listAlertMembers(ctx.db, row.id);
  return {
    ...alertView({
      ...row,
      serviceName: service?.name ?? "",
      incidentNumber: row.incidentId ? numbers.get(row.incidentId) : null,
    }),
    members: members.map(memberView),
  };
}

/** The alerts on an incident, and the change events of its services from 1 h before it opened to 1 h after it resolved. */
export async function incidentAlerts(ctx: AppContext, ref: string) {
  const incident = await loadIncident(ctx.db, ref, ctx.actor);
  const rows = await listAlertRows(ctx.db, { incidentId: incident.id, limit: 200 });
  const services = await findServicesByName(ctx.db, incident.serviceNames);
  const from = new Date(incident.createdAt.getTime() - HOUR);
  const to = new Date((incident.resolvedAt ?? ctx.clock.now()).getTime() + HOUR);
  const changes = await listChangeEvents(
    ctx.db,
    services.map((s) => s.id),
    from,
    to,
    100,
  );
  return {
    items: rows.map((r) => alertView({ ...r, incidentNumber: incident.number })),
    change_events: changes.map(changeView),
  };
}
