import { z } from "zod";
import { formatHumanId } from "#domain/incident/human-id.ts";
import { INCIDENT_STATUSES, OPEN_STATUSES } from "#domain/incident/status.ts";
import { formatDuration } from "#domain/time.ts";
import { INCIDENT_SORT_KEYS, type IncidentSortKey, listIncidentPage } from "#store/incident-list.ts";
import { findIncidentTypeById } from "#store/incident-types.ts";
import { listIncidentRoles, listIncidentServiceNames } from "#store/incidents.ts";
import { listActionItems, listEvidence, listStatusUpdates } from "#store/records.ts";
import { findServicesByName } from "#store/services.ts";
import { isAdmin } from "../auth/authorize.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { resolveTypeFilters, splitFieldParams } from "../incident-types/list-filter.ts";
import { csvParam, parseInput } from "../validation.ts";
import { loadIncident } from "./internal.ts";
import { handle, isoInstant, severityInput, toSeverity } from "./schemas.ts";
import {
  actionItemView,
  durationSeconds,
  evidenceView,
  type IncidentView,
  incidentView,
  statusUpdateView,
} from "./views.ts";

/** One incident with everything the detail view shows, except the timeline (see getTimeline). */
export async function getIncident(ctx: AppContext, ref: string) {
  const row = await loadIncident(ctx.db, ref, ctx.actor);
  const [services, roles, evidence, updates, items, type] = await Promise.all([
    listIncidentServiceNames(ctx.db, row.id),
    listIncidentRoles(ctx.db, row.id),
    listEvidence(ctx.db, row.id),
    listStatusUpdates(ctx.db, row.id),
    listActionItems(ctx.db, row.id),
    row.typeId ? findIncidentTypeById(ctx.db, row.typeId) : undefined,
  ]);
  const now = ctx.clock.now();
  const id = formatHumanId(row.number);
  const view = incidentView(
    row,
    {
      services: services.map((s) => s.name),
      roles,
      lastUpdateAt: updates.at(-1)?.createdAt ?? null,
      typeName: type?.name ?? null,
    },
    ctx.policy,
    now,
  );
  return {
    ...view,
    evidence: evidence.map(evidenceView),
    status_updates: updates.map((u) => statusUpdateView(u, id)),
    action_items: items.map((i) => actionItemView(i, id, now)),
  };
}
export type IncidentDetail = Awaited<ReturnType<typeof getIncident>>;

/** Re-reads an incident after a change, for verbs that answer with the whole incident. */
export async function incidentAfterChange(ctx: AppContext, ref: string): Promise<IncidentView> {
  const { evidence: _e, status_updates: _s, action_items: _a, ...view } = await getIncident(ctx, ref);
  return view;
}

const sortParam = z
  .string()
  .default("-created_at")
  .refine((s) => (INCIDENT_SORT_KEYS as readonly string[]).includes(s.replace(/^-/, "")), {
    error: `must be one of ${INCIDENT_SORT_KEYS.join(", ")}, optionally prefixed with - for descending`,
  });

export const ListIncidentsQuery = z
  .object({
    sort: sortParam,
    status: csvParam(z.enum([...INCIDENT_STATUSES, "open", "closed"])).optional(),
    severity: csvParam(severityInput).optional(),
    service: csvParam(z.string().min(1).max(100)).optional(),
    assignee: handle.optional(),
    created_after: isoInstant("must be an ISO 8601 date-time, e.g. 2026-06-01T00:00:00Z").optional(),
    created_before: isoInstant("must be an ISO 8601 date-time, e.g. 2026-06-01T00:00:00Z").optional(),
    q: z.string().max(200).optional(),
    type: z.string().max(100).optional().describe("an incident type's name"),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(500).optional(),
  })
  .strict();
export type ListIncidentsQuery = z.input<typeof ListIncidentsQuery>;

interface Cursor {
  v: string | number;
  n: number;
  s: string;
}

const MAX_INT4 = 2_147_483_647;
const isInt4 = (x: unknown): x is number =>
  Number.isInteger(x) && (x as number) >= 0 && (x as number) <= MAX_INT4;

/** The cursor's sort value must have the type its column has, or the database refuses the query. */
function isSortValue(sort: string, v: unknown): boolean {
  const key = sort.replace(/^-/, "");
  if (key === "id" || key === "status") return isInt4(v);
  if (key === "duration") return typeof v === "number" && Number.isFinite(v);
  if (key === "created_at")
    return typeof v === "string" && !Number.isNaN(Date.parse(v)) && new Date(v).toISOString() === v;
  return typeof v === "string" && !v.includes("\u0000");
}

function decodeCursor(cursor: string, sort: string): Cursor {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as Partial<Cursor>;
    if (isSortValue(sort, parsed.v) && isInt4(parsed.n) && parsed.s === sort) {
      return parsed as Cursor;
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError("INVALID_INPUT", "cursor is not valid for this sort order; start again without cursor", [
    { field: "cursor", message: "use the next_cursor value of the previous page with the same sort" },
  ]);
}

/** A page of incidents with seed 002's list columns, filtered and sorted, keyset-paginated. */
export async function listIncidents(ctx: AppContext, input: unknown) {
  // `field.<key>=<value>` parameters (custom fields) are open-ended, so they are read apart from the schema.
  const { rest, fields } = splitFieldParams(input);
  const q = parseInput(ListIncidentsQuery, rest, "query");
  const typed = await resolveTypeFilters(ctx, q.type, fields);
  const descending = q.sort.startsWith("-");
  const sort = q.sort.replace(/^-/, "") as IncidentSortKey;
  const statuses = q.status?.flatMap((s) =>
    s === "open" ? [...OPEN_STATUSES] : s === "closed" ? ["resolved", "postmortem"] : [s],
  );
  const severities = q.severity?.map((s) => toSeverity(s, ctx.policy.priorityScheme));
  let serviceIds: string[] | undefined;
  if (q.service) {
    serviceIds = (await findServicesByName(ctx.db, q.service)).map((s) => s.id);
    if (serviceIds.length === 0) return { items: [], next_cursor: null };
  }
  const after = q.cursor ? decodeCursor(q.cursor, q.sort) : undefined;
  const now = ctx.clock.now();
  const rows = await listIncidentPage(ctx.db, {
    sort,
    descending,
    ...(statuses ? { statuses } : {}),
    ...(severities ? { severities } : {}),
    ...(serviceIds ? { serviceIds } : {}),
    ...(q.assignee ? { assignee: q.assignee } : {}),
    ...(q.created_after ? { createdAfter: new Date(q.created_after) } : {}),
    ...(q.created_before ? { createdBefore: new Date(q.created_before) } : {}),
    ...(q.q ? { text: q.q } : {}),
    ...(typed.typeId ? { typeId: typed.typeId } : {}),
    ...(typed.fieldValues ? { fieldValues: typed.fieldValues } : {}),
    ...(after ? { after: { value: after.v, number: after.n } } : {}),
    ...(isAdmin(ctx.actor) ? {} : { visibleTo: ctx.actor.name }),
    limit: q.limit + 1,
    now,
  });
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  const next =
    rows.length > q.limit && last
      ? Buffer.from(JSON.stringify({ v: last.sortValue, n: last.number, s: q.sort })).toString("base64url")
      : null;
  return {
    items: page.map((r) => {
      const seconds = durationSeconds(r.createdAt, r.resolvedAt, now);
      return {
        id: formatHumanId(r.number),
        title: r.title,
        severity: r.severity,
        status: r.status,
        assignee: r.commander,
        duration_seconds: seconds,
        duration: formatDuration(seconds * 1000),
        affected_services: r.services,
        // Only on private ones: seed 002's list columns stay as they were for every other incident.
        ...(r.private ? { private: true } : {}),
        created_at: r.createdAt.toISOString(),
        acknowledged_at: r.acknowledgedAt?.toISOString() ?? null,
        resolved_at: r.resolvedAt?.toISOString() ?? null,
      };
    }),
    next_cursor: next,
  };
}
export type IncidentList = Awaited<ReturnType<typeof listIncidents>>;

/**
 * May the actor see incident `ref` (INC-7)? False for a missing one and for a private one they may not see:
 * the live event stream asks before telling a browser that an incident changed.
 */
export async function maySeeIncident(ctx: AppContext, ref: string): Promise<boolean> {
  if (isAdmin(ctx.actor)) return true;
  try {
    await loadIncident(ctx.db, ref, ctx.actor);
    return true;
  } catch (error) {
    if (error instanceof AppError && error.code === "NOT_FOUND") return false;
    throw error;
  }
}
