import { z } from "zod";
import { checkFieldValues, mergeFieldValues } from "#domain/incident/custom-fields.ts";
import { formatHumanId } from "#domain/incident/human-id.ts";
import { withTransaction } from "#store/db.ts";
import { linkIncidentServices, listIncidentServiceNames, unlinkIncidentServices } from "#store/incidents.ts";
import { ensureServicesByName } from "#store/services.ts";
import { isAdmin } from "../auth/authorize.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { publishIncidentChange } from "../events.ts";
import {
  fieldDefinitions,
  fieldValueInput,
  invalidInput,
  storedValues,
  valueErrors,
} from "../incident-types/internal.ts";
import { parseInput } from "../validation.ts";
import { incidentAfterChange } from "./get.ts";
import { applyChange, lockIncident, type NewTimelineEvent } from "./internal.ts";
import { longText, serviceList, severityInput, tagName, title, toSeverity } from "./schemas.ts";
import { sortNames } from "./views.ts";

/** Custom field changes checked against the field definitions (every bad key or value named), or undefined. */
async function checkFieldChanges(ctx: AppContext, given: Record<string, string | number | null> | undefined) {
  if (given === undefined || Object.keys(given).length === 0) return undefined;
  const checked = checkFieldValues(await fieldDefinitions(ctx.db), given, { allowNull: true });
  if (checked.problems.length) throw invalidInput(valueErrors(checked.problems, "custom_fields"));
  return checked.values;
}

export const UpdateIncidentInput = z
  .object({
    title: title.optional(),
    description: longText(20_000).optional(),
    severity: severityInput.optional(),
    tags: z.array(tagName).max(20).optional(),
    impact: longText(10_000).optional(),
    root_cause: longText(20_000).optional(),
    resolution: longText(20_000).optional(),
    public_title: z
      .string({ error: "must be a string (the title the public status page shows), or null" })
      .trim()
      .max(200, { error: "must be at most 200 characters" })
      .nullable()
      .optional()
      .describe("The title the public status page shows instead of the title; null or empty: the title"),
    add_services: serviceList.optional(),
    remove_services: serviceList.optional(),
    custom_fields: z
      .record(z.string().max(100), fieldValueInput.nullable())
      .optional()
      .describe('custom field values by key; null removes a value, e.g. {"customer_tier": "gold"}'),
    private: z
      .boolean({ error: "must be true or false" })
      .optional()
      .describe(
        "true: only its declarer, role holders and admins see it; only its commander or an admin may change it",
      ),
  })
  .strict();
export type UpdateIncidentInput = z.input<typeof UpdateIncidentInput>;

const TEXT_FIELDS = [
  ["title", "title"],
  ["description", "description"],
  ["impact", "impact"],
  ["root_cause", "rootCause"],
  ["resolution", "resolution"],
] as const;

/**
 * Changes an incident's fields (title, public title, severity, tags, impact, root cause, resolution, custom field values)
 * and its affected services. Each changed field is recorded with its old and new value in one timeline event.
 */
export async function updateIncident(ctx: AppContext, ref: string, input: unknown) {
  const req = parseInput(UpdateIncidentInput, input);
  if (Object.keys(req).length === 0) {
    throw new AppError(
      "INVALID_INPUT",
      'Nothing to update: give at least one field, e.g. {"severity": "SEV1"}',
    );
  }
  const severity =
    req.severity === undefined ? undefined : toSeverity(req.severity, ctx.policy.priorityScheme);
  const fieldChanges = await checkFieldChanges(ctx, req.custom_fields);
  const now = ctx.clock.now();
  const { number, kind } = await withTransaction(ctx.db, async (tx) => {
    const incident = await lockIncident(tx, ref, ctx.actor);
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    const patch: Record<string, unknown> = {};
    for (const [field, column] of TEXT_FIELDS) {
      const value = req[field];
      if (value !== undefined && value !== incident[column]) {
        changes[field] = { from: incident[column], to: value };
        patch[column] = value;
      }
    }
    if (req.public_title !== undefined) {
      const publicTitle = req.public_title || null;
      if (publicTitle !== incident.publicTitle) {
        changes.public_title = { from: incident.publicTitle, to: publicTitle };
        patch.publicTitle = publicTitle;
      }
    }
    if (req.private !== undefined && req.private !== incident.private) {
      if (!isAdmin(ctx.actor) && incident.commander !== ctx.actor.name)
        throw new AppError(
          "FORBIDDEN",
          `Only the commander of ${formatHumanId(incident.number)} (${incident.commander ?? "none assigned"}) or an admin may make it ${req.private ? "private" : "public"}`,
        );
      changes.private = { from: incident.private, to: req.private };
      patch.private = req.private;
    }
    if (severity !== undefined && severity !== incident.severity) {
      changes.severity = { from: incident.severity, to: severity };
      patch.severity = severity;
    }
    if (req.tags !== undefined) {
      const tags = [...new Set(req.tags)];
      if (tags.join(",") !== incident.tags.join(",")) {
        changes.tags = { from: incident.tags, to: tags };
        patch.tags = tags;
      }
    }
    if (fieldChanges) {
      const merged = mergeFieldValues(storedValues(incident.customFields), fieldChanges);
      for (const [key, change] of Object.entries(merged.changed)) changes[`field.${key}`] = change;
      if (Object.keys(merged.changed).length) patch.customFields = merged.values;
    }
    const events: NewTimelineEvent[] = [];
    if (Object.keys(changes).length) events.push({ kind: "incident.updated", data: { changes } });
    const current = await listIncidentServiceNames(tx, incident.id);
    const currentNames = new Set(current.map((s) => s.name.toLowerCase()));
    const toAdd = (req.add_services ?? []).filter((n) => !currentNames.has(n.toLowerCase()));
    let names = current.map((s) => s.name);
    if (toAdd.length) {
      const added = await ensureServicesByName(tx, toAdd, now);
      names = [...names, ...added.map((s) => s.name)];
      await linkIncidentServices(
        tx,
        incident.id,
        added.map((s) => s.id),
        now,
      );
      events.push(...added.map((s) => ({ kind: "service.added" as const, data: { service: s.name } })));
    }
    const removeNames = new Set((req.remove_services ?? []).map((n) => n.toLowerCase()));
    const toRemove = current.filter((s) => removeNames.has(s.name.toLowerCase()));
    if (toRemove.length) {
      names = names.filter((n) => !toRemove.some((s) => s.name === n));
      await unlinkIncidentServices(
        tx,
        incident.id,
        toRemove.map((s) => s.id),
      );
      events.push(...toRemove.map((s) => ({ kind: "service.removed" as const, data: { service: s.name } })));
    }
    // The incident row keeps a sorted copy of its service names for the list (schema/incidents.ts).
    if (toAdd.length || toRemove.length) patch.serviceNames = sortNames(names);
    if (events.length) await applyChange(tx, incident, events, ctx.actor.name, now, patch);
    return { number: incident.number, kind: events[0]?.kind };
  });
  if (kind) publishIncidentChange(ctx.events, number, kind, now);
  return incidentAfterChange(ctx, formatHumanId(number));
}
