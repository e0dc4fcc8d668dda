import { randomUUID } from "node:crypto";
import { z } from "zod";
import { type Db, withTransaction } from "#store/db.ts";
import { insertDeclaredIncident } from "#store/declare-batch.ts";
import type { IncidentRow } from "#store/incidents.ts";
import { ensureServicesByName, findServicesByName, type ServiceRow } from "#store/services.ts";
import type { AppContext } from "../context.ts";
import { publishIncidentChange } from "../events.ts";
import { resolveDeclare } from "../incident-types/declare-defaults.ts";
import { fieldValueInput, parseWithFieldValues, typeName } from "../incident-types/internal.ts";
import { chainEvents } from "./internal.ts";
import { handle, longText, serviceList, severityInput, tagName, title } from "./schemas.ts";
import { type IncidentView, incidentView, sortNames } from "./views.ts";

/**
 * Seed 002's CreateIncidentRequest, accepted as is, plus optional tags, an incident type (whose defaults fill
 * in what the request leaves out) and custom field values. Severity may be left out only with a type.
 */
export const DeclareIncidentInput = z
  .object({
    title,
    description: longText(20_000).default(""),
    severity: severityInput.optional().describe("required unless the incident type gives a default"),
    affected_services: serviceList.default([]),
    assignee: handle.optional(),
    related_alerts: z.array(z.string().min(1).max(255)).max(100).optional(),
    tags: z.array(tagName).max(20).optional(),
    type: typeName.optional().describe("an incident type's name: its defaults apply; explicit values win"),
    custom_fields: z
      .record(z.string().max(100), fieldValueInput)
      .optional()
      .describe('custom field values by key, e.g. {"customer_tier": "gold"}'),
    private: z
      .boolean({ error: "must be true or false" })
      .optional()
      .describe(
        "true: only its declarer, the people holding a role on it and admins see it (docs/access.md)",
      ),
  })
  .strict()
  .superRefine(
    (req, ctx) => {
      if (req.severity === undefined && req.type === undefined)
        ctx.addIssue({ code: "custom", path: ["severity"], message: "is required" });
    },
    // Also when other fields are invalid, so every missing field is named at once.
    { when: (payload) => typeof payload.value === "object" && payload.value !== null },
  );
export type DeclareIncidentInput = z.input<typeof DeclareIncidentInput>;

/**
 * Declares an incident: status `triggered`, its services created on first use, the assignee as commander,
 * and the first timeline event, written together (one statement, or one transaction when services are new).
 */
export async function declareIncident(ctx: AppContext, input: unknown): Promise<IncidentView> {
  const req = await parseWithFieldValues(ctx.db, DeclareIncidentInput, input, "custom_fields");
  const resolved = await resolveDeclare(ctx, req);
  const { severity, customFields, checklist, type } = resolved;
  const now = ctx.clock.now();
  const id = randomUUID();
  const tags = [...new Set(req.tags ?? [])];
  const commanderName = resolved.roles.find((r) => r.role === "commander")?.person ?? null;
  const commander = commanderName
    ? { person: commanderName, assignedBy: ctx.actor.name, assignedAt: now }
    : null;
  const otherRoles = resolved.roles.filter((r) => r.role !== "commander");
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
            ...(commanderName ? { assignee: commanderName } : {}),
            ...(tags.length ? { tags } : {}),
            ...(type ? { type: type.name } : {}),
            ...(Object.keys(customFields).length ? { custom_fields: customFields } : {}),
            ...(otherRoles.length ? { roles: otherRoles } : {}),
            ...(req.private ? { private: true } : {}),
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
      commander: commanderName,
      tags,
      relatedAlerts: req.related_alerts ?? [],
      serviceNames,
      createdBy: ctx.actor.name,
      createdAt: now,
      updatedAt: now,
      typeId: type?.id ?? null,
      customFields,
      checklist,
      private: req.private === true,
      lastEventSeq: event.seq,
      lastEventHash: event.hash,
    };
    const number = await insertDeclaredIncident(db, {
      incident,
      event,
      serviceIds: services.map((s) => s.id),
      commander,
      otherRoles,
    });
    const row: IncidentRow = {
      ...incident,
      number,
      impact: "",
      rootCause: "",
      resolution: "",
      sourceRef: null,
      publicTitle: null,
      acknowledgedAt: null,
      mitigatedAt: null,
      resolvedAt: null,
      closedAt: null,
    };
    return { row, serviceNames };
  };
  // Hot path: the services usually exist, and the declare is then one atomic statement shared with
  // concurrent declares. New services need a transaction so a failed declare leaves none behind.
  const found = await findServicesByName(ctx.db, resolved.services);
  const wanted = new Set(resolved.services.map((n) => n.toLowerCase())).size;
  const { row, serviceNames } =
    found.length === wanted
      ? await write(ctx.db, found)
      : await withTransaction(ctx.db, async (tx) =>
          write(tx, await ensureServicesByName(tx, resolved.services, now)),
        );
  ctx.log.info({ incident: row.number, severity, services: serviceNames.length }, "incident declared");
  publishIncidentChange(ctx.events, row.number, "incident.declared", now);
  const roles = resolved.roles.map((r) => ({
    incidentId: id,
    role: r.role,
    person: r.person,
    assignedBy: ctx.actor.name,
    assignedAt: now,
  }));
  return incidentView(
    row,
    { services: serviceNames, roles, lastUpdateAt: null, typeName: type?.name ?? null },
    ctx.policy,
    now,
  );
}
