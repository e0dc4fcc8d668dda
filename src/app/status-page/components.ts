import { z } from "zod";
import { OPEN_STATUSES } from "#domain/incident/status.ts";
import {
  deriveComponentStatus,
  maintenanceStatusAt,
  newPublicId,
  statusBySeverity,
  worstStatus,
} from "#domain/status-page/status.ts";
import {
  COMPONENT_STATUSES,
  type ComponentStatus,
  type MaintenanceStatus,
} from "#domain/status-page/types.ts";
import { type Db, withTransaction } from "#store/db.ts";
import { findServicesByName } from "#store/services.ts";
import {
  deleteStatusComponent,
  findStatusComponent,
  findStatusComponentByName,
  getStatusSettings,
  insertComponentChange,
  insertStatusComponent,
  listComponentServiceNames,
  listMaintenancesMaybeActive,
  listStatusComponents,
  lockStatusComponent,
  nextComponentPosition,
  openIncidentSeveritiesByComponent,
  type StatusComponentRow,
  setComponentServices,
  ungroupComponents,
  updateStatusComponent,
} from "#store/status-page.ts";
import type { AppContext } from "../context.ts";
import { AppError, type FieldError } from "../errors.ts";
import { publishStatusPageChange } from "../events.ts";
import { serviceName } from "../incidents/schemas.ts";
import { parseInput, text } from "../validation.ts";

// The status page's components ("API", "Checkout") and groups of them: what each stands for (services),
// where it is shown, and a status set by hand that wins over what incidents and maintenance say.

export const componentStatusInput = z.enum(COMPONENT_STATUSES, {
  error: `must be one of ${COMPONENT_STATUSES.join(", ")}`,
});

/** A calendar day, YYYY-MM-DD, that exists. */
export const isoDate = z
  .string({ error: "must be a date as YYYY-MM-DD, e.g. 2026-01-31" })
  .trim()
  .refine(
    (v) =>
      /^\d{4}-\d{2}-\d{2}$/.test(v) &&
      !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) &&
      new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v,
    { error: "must be a date as YYYY-MM-DD, e.g. 2026-01-31" },
  );

const componentFields = {
  description: z
    .string({ error: "must be a string (what the component is, for visitors)" })
    .trim()
    .max(1000, { error: "must be at most 1000 characters" })
    .nullable()
    .optional(),
  group_id: z
    .string({ error: "must be a group's id (from GET /api/v1/status-page/components), or null" })
    .trim()
    .max(40, { error: "must be a group's id" })
    .nullable()
    .optional()
    .describe("The group it is shown in; null: the top level"),
  is_group: z.boolean({ error: "must be true or false" }).optional().describe("A group of components"),
  position: z
    .number({ error: "must be a whole number (order among its siblings, from 0)" })
    .int({ error: "must be a whole number" })
    .min(0, { error: "must be 0 or more" })
    .max(100_000, { error: "must be at most 100000" })
    .optional()
    .describe("Order among its siblings (ascending); default: last"),
  showcase: z.boolean({ error: "must be true or false" }).optional().describe("Show its 90-day uptime bar"),
  only_show_if_degraded: z.boolean({ error: "must be true or false" }).optional(),
  start_date: isoDate
    .nullable()
    .optional()
    .describe("First day uptime counts from, YYYY-MM-DD; null: from its creation"),
  services: z
    .array(serviceName)
    .max(50, { error: "at most 50 services" })
    .optional()
    .describe("Names of the services it stands for: an open incident on any of them sets its status"),
};

export const CreateComponentInput = z
  .object({ name: text(100, "the component's name"), ...componentFields })
  .strict();
export type CreateComponentInput = z.input<typeof CreateComponentInput>;

export const UpdateComponentInput = z
  .object({ name: text(100, "the component's name").optional(), ...componentFields })
  .strict();
export type UpdateComponentInput = z.input<typeof UpdateComponentInput>;

export const SetComponentStatusInput = z
  .object({
    status: componentStatusInput
      .nullable()
      .describe("The status to show until cleared; null: back to what incidents and maintenance say"),
  })
  .strict();

/** What decides the components' statuses now: the settings' map, open incidents, maintenance in progress. */
interface StatusInputs {
  bySeverity: Record<string, ComponentStatus>;
  severities: Map<string, string[]>;
  underMaintenance: Set<string>;
}

async function statusInputs(db: Db, now: Date): Promise<StatusInputs> {
  const [settings, severities, maintenances] = [
    await getStatusSettings(db),
    await openIncidentSeveritiesByComponent(db, OPEN_STATUSES),
    await listMaintenancesMaybeActive(db, now),
  ];
  const underMaintenance = new Set<string>();
  for (const m of maintenances) {
    const status = maintenanceStatusAt(
      { ...m, manualStatus: m.manualStatus as MaintenanceStatus | null },
      now,
    );
    if (status === "in_progress" || status === "verifying")
      for (const id of m.componentIds) underMaintenance.add(id);
  }
  return { bySeverity: statusBySeverity(settings.componentStatusBySeverity), severities, underMaintenance };
}

/**
 * Every component's effective status now, by id: its hand-set status, else the worst of what its open
 * incidents give and under_maintenance while a maintenance on it is in progress. A group shows the worst of
 * its components.
 */
export async function effectiveComponentStatuses(
  db: Db,
  now: Date,
  rows?: readonly StatusComponentRow[],
): Promise<Map<string, ComponentStatus>> {
  const all = rows ?? (await listStatusComponents(db));
  const inputs = await statusInputs(db, now);
  const statuses = new Map<string, ComponentStatus>();
  for (const c of all) {
    if (c.isGroup) continue;
    statuses.set(
      c.id,
      deriveComponentStatus({
        manual: c.manualStatus as ComponentStatus | null,
        maintenanceInProgress: inputs.underMaintenance.has(c.id),
        openIncidentSeverities: inputs.severities.get(c.id) ?? [],
        bySeverity: inputs.bySeverity,
      }),
    );
  }
  for (const g of all) {
    if (!g.isGroup) continue;
    const children = all.filter((c) => c.groupId === g.id).map((c) => statuses.get(c.id) ?? "operational");
    statuses.set(g.id, worstStatus(children));
  }
  return statuses;
}

/** Groups and components in display order: each level by position then name, a group's components after it. */
export function displayOrder<
  T extends Pick<StatusComponentRow, "id" | "groupId" | "isGroup" | "position" | "name">,
>(rows: readonly T[]): T[] {
  const byPosition = (a: T, b: T) =>
    a.position - b.position ||
    (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : 0);
  const groupIds = new Set(rows.filter((r) => r.isGroup).map((r) => r.id));
  // A component whose group is gone shows at the top level rather than nowhere.
  const top = rows.filter((r) => r.groupId === null || !groupIds.has(r.groupId)).sort(byPosition);
  return top.flatMap((r) =>
    r.isGroup ? [r, ...rows.filter((c) => c.groupId === r.id).sort(byPosition)] : [r],
  );
}

export function componentView(
  row: StatusComponentRow,
  extra: { services: readonly string[]; status: ComponentStatus },
) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    group_id: row.groupId,
    is_group: row.isGroup,
    position: row.position,
    showcase: row.showcase,
    only_show_if_degraded: row.onlyShowIfDegraded,
    start_date: row.startDate,
    services: [...extra.services],
    status: extra.status,
    manual_status: row.manualStatus as ComponentStatus | null,
    manual_status_by: row.manualStatusBy,
    manual_status_at: row.manualStatusAt ? row.manualStatusAt.toISOString() : null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}
export type ComponentView = ReturnType<typeof componentView>;

/** Views of every component in display order, or of the one asked for. */
async function views(db: Db, now: Date): Promise<ComponentView[]> {
  const rows = displayOrder(await listStatusComponents(db));
  const [services, statuses] = [
    await listComponentServiceNames(db),
    await effectiveComponentStatuses(db, now, rows),
  ];
  return rows.map((r) =>
    componentView(r, { services: services.get(r.id) ?? [], status: statuses.get(r.id) ?? "operational" }),
  );
}

async function viewOf(ctx: AppContext, id: string): Promise<ComponentView> {
  const view = (await views(ctx.db, ctx.clock.now())).find((v) => v.id === id);
  if (!view) throw notFound(id);
  return view;
}

function notFound(ref: string): AppError {
  return new AppError(
    "NOT_FOUND",
    `The status page has no component "${ref}"; list them with GET /api/v1/status-page/components (foghorn status component list)`,
  );
}

function nameTaken(name: string, existing: StatusComponentRow): AppError {
  const what = existing.isGroup ? "group" : "component";
  return new AppError(
    "CONFLICT",
    `A ${what} named "${existing.name}" already exists (id ${existing.id}); component and group names are unique ignoring case, so pick another name or edit that one`,
    [
      {
        field: "name",
        message: `"${name}" is taken by ${what} ${existing.id} (names are unique ignoring case)`,
      },
    ],
  );
}

/** Every component and group, in display order, with its status now. */
export async function listComponents(ctx: AppContext) {
  return { components: await views(ctx.db, ctx.clock.now()) };
}

/** One component or group, by id or (ignoring case) name. */
export async function getComponent(ctx: AppContext, ref: string) {
  const row = await resolveComponent(ctx.db, ref);
  return viewOf(ctx, row.id);
}

async function resolveComponent(db: Db, ref: string): Promise<StatusComponentRow> {
  const row =
    (await findStatusComponent(db, ref.trim())) ?? (await findStatusComponentByName(db, ref.trim()));
  if (!row) throw notFound(ref);
  return row;
}

/** The service ids for these names; INVALID_INPUT naming every unknown one and how to create it. */
async function serviceIdsFor(db: Db, names: readonly string[]): Promise<string[]> {
  const found = await findServicesByName(db, names);
  const known = new Set(found.map((s) => s.name.toLowerCase()));
  const unknown = [...new Set(names.filter((n) => !known.has(n.toLowerCase())))];
  if (unknown.length) {
    const list = unknown.map((n) => `"${n}"`).join(", ");
    throw new AppError(
      "INVALID_INPUT",
      `No service named ${list}; create ${unknown.length > 1 ? "them" : "it"} first (foghorn service create ${unknown[0]}, or POST /api/v1/services) or pick one from foghorn service list`,
      unknown.map((n) => ({
        field: "services",
        message: `no service named "${n}"; create it with foghorn service create ${n}`,
      })),
    );
  }
  return found.map((s) => s.id);
}

/** Checks the group rules for a component that would end up with these values; every problem at once. */
async function checkShape(
  db: Db,
  self: { id: string | null; isGroup: boolean; groupId: string | null; hasServices: boolean },
): Promise<void> {
  const errors: FieldError[] = [];
  if (self.isGroup && self.groupId !== null)
    errors.push({
      field: "group_id",
      message: "a group cannot be in a group; give null (groups are shown at the top level)",
    });
  if (self.isGroup && self.hasServices)
    errors.push({
      field: "services",
      message:
        "a group stands for no services itself: its status is the worst of its components'; link the services to its components",
    });
  if (!self.isGroup && self.groupId !== null) {
    const group = await findStatusComponent(db, self.groupId);
    if (!group)
      errors.push({
        field: "group_id",
        message: `no group with id "${self.groupId}"; create it with is_group: true first`,
      });
    else if (!group.isGroup)
      errors.push({
        field: "group_id",
        message: `"${group.name}" (${group.id}) is a component, not a group; give the id of a group`,
      });
    else if (group.id === self.id)
      errors.push({ field: "group_id", message: "a component cannot be its own group" });
  }
  if (errors.length)
    throw new AppError(
      "INVALID_INPUT",
      `The request is invalid: ${errors.map((e) => `${e.field}: ${e.message}`).join("; ")}`,
      errors,
    );
}

/** Adds a component (or, with is_group, a group) to the status page. CONFLICT when its name is taken. */
export async function createComponent(ctx: AppContext, input: unknown) {
  const req = parseInput(CreateComponentInput, input);
  const now = ctx.clock.now();
  const isGroup = req.is_group ?? false;
  const groupId = req.group_id ?? null;
  const id = await withTransaction(ctx.db, async (tx) => {
    await checkShape(tx, { id: null, isGroup, groupId, hasServices: (req.services ?? []).length > 0 });
    const existing = await findStatusComponentByName(tx, req.name);
    if (existing) throw nameTaken(req.name, existing);
    const serviceIds = await serviceIdsFor(tx, req.services ?? []);
    const row = await insertStatusComponent(tx, {
      id: newPublicId(),
      name: req.name,
      description: req.description || null,
      groupId,
      isGroup,
      position: req.position ?? (await nextComponentPosition(tx, groupId)),
      showcase: req.showcase ?? true,
      onlyShowIfDegraded: req.only_show_if_degraded ?? false,
      startDate: req.start_date ?? null,
      createdAt: now,
      updatedAt: now,
    });
    if (!row) {
      const taken = await findStatusComponentByName(tx, req.name);
      if (taken) throw nameTaken(req.name, taken);
      throw new Error("inserting a status component conflicted on its id; try again");
    }
    await setComponentServices(tx, row.id, serviceIds);
    return row.id;
  });
  publishStatusPageChange(ctx.events, now);
  ctx.log.info({ component: req.name, group: isGroup, by: ctx.actor.name }, "status component created");
  return viewOf(ctx, id);
}

/** Changes a component or group: any of its fields, its group, its services. */
export async function updateComponent(ctx: AppContext, ref: string, input: unknown) {
  const req = parseInput(UpdateComponentInput, input);
  if (Object.keys(req).length === 0)
    throw new AppError(
      "INVALID_INPUT",
      `Nothing to change: give at least one of ${Object.keys(UpdateComponentInput.shape).join(", ")}`,
    );
  const now = ctx.clock.now();
  const id = await withTransaction(ctx.db, async (tx) => {
    const found = await resolveComponent(tx, ref);
    const current = await lockStatusComponent(tx, found.id);
    if (!current) throw notFound(ref);
    const isGroup = req.is_group ?? current.isGroup;
    const groupId = req.group_id === undefined ? current.groupId : req.group_id;
    const linked = (await listComponentServiceNames(tx, [current.id])).get(current.id) ?? [];
    const hasServices = req.services !== undefined ? req.services.length > 0 : linked.length > 0;
    await checkShape(tx, { id: current.id, isGroup, groupId, hasServices });
    if (current.isGroup && !isGroup && (await listStatusComponents(tx)).some((r) => r.groupId === current.id))
      throw new AppError(
        "INVALID_INPUT",
        `Group "${current.name}" still has components; move them out of it first`,
        [{ field: "is_group", message: "the group still has components; move them out first" }],
      );
    if (!current.isGroup && isGroup && current.manualStatus !== null)
      throw new AppError(
        "INVALID_INPUT",
        `"${current.name}" has a hand-set status; clear it before making it a group`,
        [{ field: "is_group", message: "clear its hand-set status first (PUT …/status with null)" }],
      );
    if (req.name !== undefined) {
      const other = await findStatusComponentByName(tx, req.name);
      if (other && other.id !== current.id) throw nameTaken(req.name, other);
    }
    const patch: Partial<StatusComponentRow> = {};
    if (req.name !== undefined) patch.name = req.name;
    if (req.description !== undefined) patch.description = req.description || null;
    if (req.is_group !== undefined) patch.isGroup = req.is_group;
    if (req.group_id !== undefined) patch.groupId = req.group_id;
    if (req.position !== undefined) patch.position = req.position;
    else if (groupId !== current.groupId) patch.position = await nextComponentPosition(tx, groupId);
    if (req.showcase !== undefined) patch.showcase = req.showcase;
    if (req.only_show_if_degraded !== undefined) patch.onlyShowIfDegraded = req.only_show_if_degraded;
    if (req.start_date !== undefined) patch.startDate = req.start_date;
    if (req.services !== undefined)
      await setComponentServices(tx, current.id, await serviceIdsFor(tx, req.services));
    await updateStatusComponent(tx, current.id, { ...patch, updatedAt: now });
    return current.id;
  });
  publishStatusPageChange(ctx.events, now);
  return viewOf(ctx, id);
}

/** Removes a component or group; a group's components move to the top level. */
export async function deleteComponent(ctx: AppContext, ref: string): Promise<void> {
  const now = ctx.clock.now();
  const row = await withTransaction(ctx.db, async (tx) => {
    const found = await resolveComponent(tx, ref);
    if (found.isGroup) await ungroupComponents(tx, found.id, now);
    await deleteStatusComponent(tx, found.id);
    return found;
  });
  publishStatusPageChange(ctx.events, now);
  ctx.log.info({ component: row.name, by: ctx.actor.name }, "status component deleted");
}

/**
 * Sets a component's status by hand (it wins over incidents and maintenance until cleared), or clears it
 * (null). Each change is appended to the component's log in the same transaction, for its uptime history.
 */
export async function setComponentStatus(ctx: AppContext, ref: string, input: unknown) {
  const req = parseInput(SetComponentStatusInput, input);
  const now = ctx.clock.now();
  const { id, changed } = await withTransaction(ctx.db, async (tx) => {
    const found = await resolveComponent(tx, ref);
    const current = await lockStatusComponent(tx, found.id);
    if (!current) throw notFound(ref);
    if (current.isGroup)
      throw new AppError(
        "INVALID_INPUT",
        `"${current.name}" is a group: its status is the worst of its components'; set the status of its components instead`,
        [{ field: "status", message: "a group's status comes from its components; set theirs" }],
      );
    if (current.manualStatus === req.status) return { id: current.id, changed: false };
    await updateStatusComponent(tx, current.id, {
      manualStatus: req.status,
      manualStatusBy: req.status === null ? null : ctx.actor.name,
      manualStatusAt: req.status === null ? null : now,
      updatedAt: now,
    });
    await insertComponentChange(tx, {
      componentId: current.id,
      manualStatus: req.status,
      changedBy: ctx.actor.name,
      at: now,
    });
    return { id: current.id, changed: true };
  });
  if (changed) {
    publishStatusPageChange(ctx.events, now);
    ctx.log.info({ component: id, status: req.status, by: ctx.actor.name }, "status component status set");
  }
  return viewOf(ctx, id);
}
