import { z } from "zod";
import { formatHumanId } from "#domain/incident/human-id.ts";
import { SEVERITIES } from "#domain/incident/severity.ts";
import { isPostmortemStatus, POSTMORTEM_STATUSES } from "#domain/postmortem/status.ts";
import { findPostmortem, listPostmortemRows } from "#store/postmortems.ts";
import { isAdmin } from "../auth/authorize.ts";
import type { AppContext } from "../context.ts";
import { loadIncident } from "../incidents/internal.ts";
import { parseInput } from "../validation.ts";
import { dueView, noPostmortem, postmortemView } from "./internal.ts";

/** An incident's postmortem: sections, rendered markdown, status, due/overdue, action items and version. */
export async function getPostmortem(ctx: AppContext, ref: string, opts: { aiAvailable?: boolean } = {}) {
  const incident = await loadIncident(ctx.db, ref, ctx.actor);
  const row = await findPostmortem(ctx.db, incident.id);
  if (!row) throw noPostmortem(incident);
  return postmortemView(ctx, ctx.db, incident, row, opts);
}

/** The postmortem as a markdown file: `postmortem-YYYY-MM-DD.md` (the incident's start date) and its text. */
export async function exportPostmortem(ctx: AppContext, ref: string) {
  const view = await getPostmortem(ctx, ref);
  return { file_name: view.file_name, markdown: view.markdown };
}

const LIST_STATUSES = [...POSTMORTEM_STATUSES, "not_started"] as const;

export const ListPostmortemsQuery = z
  .object({
    status: z.enum(LIST_STATUSES, { error: `must be one of ${LIST_STATUSES.join(", ")}` }).optional(),
    overdue: z.enum(["true", "false"], { error: "must be true or false" }).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

/**
 * Postmortems, newest incident first, with resolved incidents whose severity requires one and that have none
 * yet (status `not_started`), each with its due date and whether it is overdue.
 */
export async function listPostmortems(ctx: AppContext, input: unknown) {
  const q = parseInput(ListPostmortemsQuery, input, "query");
  const now = ctx.clock.now();
  const required = SEVERITIES.filter((s) => ctx.policy.severities[s].postmortem === "required");
  const rows = await listPostmortemRows(ctx.db, {
    requiredSeverities: required,
    limit: q.limit,
    ...(isAdmin(ctx.actor) ? {} : { visibleTo: ctx.actor.name }),
  });
  const items = rows.map((r) => {
    const status = r.status && isPostmortemStatus(r.status) ? r.status : null;
    const due = dueView(
      ctx,
      { severity: r.severity, resolvedAt: r.resolvedAt, status: r.incidentStatus },
      status,
      now,
    );
    return {
      incident_id: formatHumanId(r.number),
      title: r.title,
      severity: r.severity,
      incident_status: r.incidentStatus,
      status: status ?? ("not_started" as const),
      author: r.author,
      resolved_at: r.resolvedAt?.toISOString() ?? null,
      updated_at: r.updatedAt?.toISOString() ?? null,
      published_at: r.publishedAt?.toISOString() ?? null,
      ...due,
    };
  });
  return {
    items: items.filter(
      (i) =>
        (q.status === undefined || i.status === q.status) &&
        (q.overdue === undefined || String(i.overdue) === q.overdue),
    ),
  };
}
