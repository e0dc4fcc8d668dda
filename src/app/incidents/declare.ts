import { randomUUID } from "node:crypto";
import { z } from "zod";
import { type Db, withTransaction } from "#store/db.ts";
import { insertDeclaredIncident } from "#store/declare-batch.ts";
import type { IncidentRow } from "#store/incidents.ts";
import { ensureServicesByName, findServicesByName, type ServiceRow } from "#store/services.ts";
import type { AppContext } from "../context.ts";
import { publishIncidentChange } from "../events.ts";
import { parseInput } from "../validation.ts";
import { chainEvents } from "./internal.ts";
import { handle, longText, serviceList, severityInput, tagName, title, toSeverity } from "./schemas.ts";
import { type IncidentView, incidentView, sortNames } from "./views.ts";

/** Seed 002's CreateIncidentRequest, accepted as is, plus optional tags. */
export const DeclareIncidentInput = z
  .object({
    title,
    description: longText(20_000).default(""),
    severity: severityInput,
    affected_services: serviceList.default([]),
    assignee: handle.optional(),
    related_alerts: z.array(z.string().min(1).max(255)).max(100).optional(),
    tags: z.array(tagName).max(20).optional(),
  })
  .strict();
export type DeclareIncidentInput = z.input<typeof DeclareIncidentInput>;

/**
 * Declares an incident: status `triggered`, its services created on first use, the assignee as commander,
 * and the first timeline event, written together (one statement, or one transaction when services are new).
 */
export async function declareIncident(ctx: AppContext, input: unknown): Promise<IncidentView> {
  const req = parseInput(DeclareIncidentInput, input);
  const severity = toSeverity(req.severity, ctx.policy.priorityScheme);
  const now = ctx.clock.now();
  const id = randomUUID();
  const tags = [...new Set(req.tags ?? [])];
  const commander = req.assignee
    ? { person: req.assignee, assignedBy: ctx.actor.name, assignedAt: now }
    : null;
  const write = async (db: Db, services: readonly ServiceRow[]) => {
    const serviceNames = sortNames(services.map((s) => s.name));
    const [event] = chainEvents(
      { incidentId: id, lastEventSeq: 0, lastEventHash: null },
      [
        {
          kind: "incident.declared",
          data: {
            title: req.title,
            severity,
            affected_services: serviceNames,
            ...(req.assignee ? { assignee: req.assignee } : {}),
            ...(tags.length ? { tags } : {}),
          },
        },
      ],
      ctx.actor.name,
      now,
    );
    if (!event) throw new Error("chainEvents returned no event");
    const incident = {
      id,
      title: req.title,
      description: req.description,
      severity,
      status: "triggered",
      commander: req.assignee ?? null,
      tags,
      relatedAlerts: req.related_alerts ?? [],
      serviceNames,
      createdBy: ctx.actor.name,
      createdAt: now,
      updatedAt: now,
      lastEventSeq: event.seq,
      lastEventHash: event.hash,
    };
    const number = await insertDeclaredIncident(db, {
      incident,
      event,
      serviceIds: services.map((s) => s.id),
      commander,
    });
    const row: IncidentRow = {
      ...incident,
      number,
      impact: "",
      rootCause: "",
      resolution: "",
      typeId: null,
      customFields: {},
      checklist: null,
      acknowledgedAt: null,
      mitigatedAt: null,
      resolvedAt: null,
      closedAt: null,
    };
    return { row, serviceNames };
  };
  // Hot path: the services usually exist, and the declare is then one atomic statement shared with
  // concurrent declares. New services need a transaction so a failed declare leaves none behind.
  const found = await findServicesByName(ctx.db, req.affected_services);
  const wanted = new Set(req.affected_services.map((n) => n.toLowerCase())).size;
  const { row, serviceNames } =
    found.length === wanted
      ? await write(ctx.db, found)
      : await withTransaction(ctx.db, async (tx) =>
          write(tx, await ensureServicesByName(tx, req.affected_services, now)),
        );
  ctx.log.info({ incident: row.number, severity, services: serviceNames.length }, "incident declared");
  publishIncidentChange(ctx.events, row.number, "incident.declared", now);
  const roles = commander ? [{ incidentId: id, role: "commander", ...commander }] : [];
  return incidentView(row, { services: serviceNames, roles, lastUpdateAt: null }, ctx.policy, now);
}
