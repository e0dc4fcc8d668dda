import { randomUUID } from "node:crypto";
import { and, asc, desc, eq, inArray, isNull, lte, or, sql } from "drizzle-orm";
import type { Db } from "./db.ts";
import {
  incidentServices,
  incidents,
  services,
  statusComponentChanges,
  statusComponentServices,
  statusComponents,
  statusMaintenances,
  statusMaintenanceUpdates,
  statusPageSettings,
} from "./schema/index.ts";

// The status page's configuration: its settings (one row), its components and groups with the services
// they stand for and the log of hand-set statuses, and scheduled maintenance with its updates.

export type StatusSettingsRow = typeof statusPageSettings.$inferSelect;
export type StatusComponentRow = typeof statusComponents.$inferSelect;
export type StatusComponentInsert = typeof statusComponents.$inferInsert;
export type StatusMaintenanceRow = typeof statusMaintenances.$inferSelect;
export type StatusMaintenanceInsert = typeof statusMaintenances.$inferInsert;
export type StatusMaintenanceUpdateRow = typeof statusMaintenanceUpdates.$inferSelect;

// PostgreSQL text cannot hold U+0000; no stored id or name contains one, so such a ref matches nothing.
const storable = (text: string) => !text.includes("\u0000");

// ---------------------------------------------------------------------------------------------------
// Settings

/** The page's settings (the migration inserts the one row, id 1). */
export async function getStatusSettings(db: Db): Promise<StatusSettingsRow> {
  const [row] = await db.select().from(statusPageSettings).where(eq(statusPageSettings.id, 1));
  if (!row) throw new Error("status_page_settings has no row 1: the 0009 migration did not run");
  return row;
}

/** The settings row under a row lock (inside the caller's transaction). */
export async function lockStatusSettings(db: Db): Promise<StatusSettingsRow> {
  const [row] = await db.select().from(statusPageSettings).where(eq(statusPageSettings.id, 1)).for("update");
  if (!row) throw new Error("status_page_settings has no row 1: the 0009 migration did not run");
  return row;
}

export async function updateStatusSettings(
  db: Db,
  patch: Partial<Omit<StatusSettingsRow, "id">>,
): Promise<StatusSettingsRow> {
  const [row] = await db
    .update(statusPageSettings)
    .set(patch)
    .where(eq(statusPageSettings.id, 1))
    .returning();
  if (!row) throw new Error("status_page_settings has no row 1: the 0009 migration did not run");
  return row;
}

// ---------------------------------------------------------------------------------------------------
// Components and groups

/** Every component and group (any order; the app puts them in display order). */
export async function listStatusComponents(db: Db): Promise<StatusComponentRow[]> {
  return db
    .select()
    .from(statusComponents)
    .orderBy(asc(statusComponents.position), asc(sql`lower(${statusComponents.name}) collate "C"`));
}

export async function findStatusComponent(db: Db, id: string): Promise<StatusComponentRow | undefined> {
  if (!storable(id)) return undefined;
  const [row] = await db.select().from(statusComponents).where(eq(statusComponents.id, id));
  return row;
}

/** The component under a row lock (inside the caller's transaction). */
export async function lockStatusComponent(db: Db, id: string): Promise<StatusComponentRow | undefined> {
  if (!storable(id)) return undefined;
  const [row] = await db.select().from(statusComponents).where(eq(statusComponents.id, id)).for("update");
  return row;
}

/** The component with this name, ignoring case. */
export async function findStatusComponentByName(
  db: Db,
  name: string,
): Promise<StatusComponentRow | undefined> {
  if (!storable(name)) return undefined;
  const [row] = await db
    .select()
    .from(statusComponents)
    .where(sql`lower(${statusComponents.name}) = ${name.toLowerCase()}`);
  return row;
}

export async function findStatusComponentsByIds(
  db: Db,
  ids: readonly string[],
): Promise<StatusComponentRow[]> {
  const wanted = [...new Set(ids.filter(storable))];
  if (wanted.length === 0) return [];
  return db.select().from(statusComponents).where(inArray(statusComponents.id, wanted));
}

/** Inserts a component; undefined when its name is taken (ignoring case) or, improbably, its id. */
export async function insertStatusComponent(
  db: Db,
  row: StatusComponentInsert,
): Promise<StatusComponentRow | undefined> {
  const [inserted] = await db.insert(statusComponents).values(row).onConflictDoNothing().returning();
  return inserted;
}

export async function updateStatusComponent(
  db: Db,
  id: string,
  patch: Partial<Omit<StatusComponentInsert, "id">>,
): Promise<StatusComponentRow> {
  const [row] = await db.update(statusComponents).set(patch).where(eq(statusComponents.id, id)).returning();
  if (!row) throw new Error(`status component ${id} vanished during update`);
  return row;
}

export async function deleteStatusComponent(db: Db, id: string): Promise<void> {
  await db.delete(statusComponents).where(eq(statusComponents.id, id));
}

/** The next free position among a group's components (groupId null: the top level). */
export async function nextComponentPosition(db: Db, groupId: string | null): Promise<number> {
  const [row] = await db
    .select({ max: sql<number | null>`max(${statusComponents.position})` })
    .from(statusComponents)
    .where(groupId === null ? isNull(statusComponents.groupId) : eq(statusComponents.groupId, groupId));
  const max = row?.max;
  return max === null || max === undefined ? 0 : Number(max) + 1;
}

/**
 * Moves a group's components to the top level, after the components already there, keeping their order
 * (a group is being deleted).
 */
export async function ungroupComponents(db: Db, groupId: string, now: Date): Promise<void> {
  const children = await db
    .select()
    .from(statusComponents)
    .where(eq(statusComponents.groupId, groupId))
    .orderBy(asc(statusComponents.position), asc(sql`lower(${statusComponents.name}) collate "C"`));
  let position = await nextComponentPosition(db, null);
  for (const child of children) {
    await db
      .update(statusComponents)
      .set({ groupId: null, position: position++, updatedAt: now })
      .where(eq(statusComponents.id, child.id));
  }
}

/** The names of the services each component stands for, by component id (names sorted ignoring case). */
export async function listComponentServiceNames(
  db: Db,
  componentIds?: readonly string[],
): Promise<Map<string, string[]>> {
  if (componentIds && componentIds.length === 0) return new Map();
  const rows = await db
    .select({ componentId: statusComponentServices.componentId, name: services.name })
    .from(statusComponentServices)
    .innerJoin(services, eq(services.id, statusComponentServices.serviceId))
    .where(componentIds ? inArray(statusComponentServices.componentId, [...componentIds]) : undefined)
    .orderBy(asc(sql`lower(${services.name}) collate "C"`));
  const byComponent = new Map<string, string[]>();
  for (const r of rows) byComponent.set(r.componentId, [...(byComponent.get(r.componentId) ?? []), r.name]);
  return byComponent;
}

/** Makes `serviceIds` exactly the services a component stands for. */
export async function setComponentServices(
  db: Db,
  componentId: string,
  serviceIds: readonly string[],
): Promise<void> {
  await db.delete(statusComponentServices).where(eq(statusComponentServices.componentId, componentId));
  const unique = [...new Set(serviceIds)];
  if (unique.length)
    await db.insert(statusComponentServices).values(unique.map((serviceId) => ({ componentId, serviceId })));
}

/** Appends a change of a component's hand-set status (null: cleared) to its log. */
export async function insertComponentChange(
  db: Db,
  row: { componentId: string; manualStatus: string | null; changedBy: string; at: Date },
): Promise<void> {
  await db.insert(statusComponentChanges).values({ id: randomUUID(), ...row });
}

/** A component's hand-set status changes, oldest first. */
export async function listComponentChanges(db: Db, componentId: string) {
  return db
    .select()
    .from(statusComponentChanges)
    .where(eq(statusComponentChanges.componentId, componentId))
    .orderBy(asc(statusComponentChanges.at), asc(statusComponentChanges.id));
}

/**
 * The severities of the open incidents on each component's services, by component id (one entry per
 * incident and component, even when the incident touches several of its services).
 */
export async function openIncidentSeveritiesByComponent(
  db: Db,
  openStatuses: readonly string[],
  componentIds?: readonly string[],
): Promise<Map<string, string[]>> {
  if (componentIds && componentIds.length === 0) return new Map();
  const rows = await db
    .selectDistinct({
      componentId: statusComponentServices.componentId,
      incidentId: incidents.id,
      severity: incidents.severity,
    })
    .from(statusComponentServices)
    .innerJoin(incidentServices, eq(incidentServices.serviceId, statusComponentServices.serviceId))
    .innerJoin(incidents, eq(incidents.id, incidentServices.incidentId))
    .where(
      and(
        inArray(incidents.status, [...openStatuses]),
        eq(incidents.private, false), // private incidents never change a public component's status
        componentIds ? inArray(statusComponentServices.componentId, [...componentIds]) : undefined,
      ),
    );
  const byComponent = new Map<string, string[]>();
  for (const r of rows)
    byComponent.set(r.componentId, [...(byComponent.get(r.componentId) ?? []), r.severity]);
  return byComponent;
}

// ---------------------------------------------------------------------------------------------------
// Scheduled maintenance

export async function insertMaintenance(db: Db, row: StatusMaintenanceInsert): Promise<StatusMaintenanceRow> {
  const [inserted] = await db.insert(statusMaintenances).values(row).returning();
  if (!inserted) throw new Error("insert into status_maintenances returned nothing");
  return inserted;
}

export async function findMaintenance(db: Db, id: string): Promise<StatusMaintenanceRow | undefined> {
  if (!storable(id)) return undefined;
  const [row] = await db.select().from(statusMaintenances).where(eq(statusMaintenances.id, id));
  return row;
}

/** The maintenance under a row lock (inside the caller's transaction). */
export async function lockMaintenance(db: Db, id: string): Promise<StatusMaintenanceRow | undefined> {
  if (!storable(id)) return undefined;
  const [row] = await db.select().from(statusMaintenances).where(eq(statusMaintenances.id, id)).for("update");
  return row;
}

export async function updateMaintenance(
  db: Db,
  id: string,
  patch: Partial<Omit<StatusMaintenanceInsert, "id">>,
): Promise<StatusMaintenanceRow> {
  const [row] = await db
    .update(statusMaintenances)
    .set(patch)
    .where(eq(statusMaintenances.id, id))
    .returning();
  if (!row) throw new Error(`maintenance ${id} vanished during update`);
  return row;
}

export async function deleteMaintenance(db: Db, id: string): Promise<boolean> {
  if (!storable(id)) return false;
  const rows = await db
    .delete(statusMaintenances)
    .where(eq(statusMaintenances.id, id))
    .returning({ id: statusMaintenances.id });
  return rows.length > 0;
}

/** Every maintenance, latest scheduled start first. */
export async function listMaintenances(db: Db): Promise<StatusMaintenanceRow[]> {
  return db
    .select()
    .from(statusMaintenances)
    .orderBy(desc(statusMaintenances.scheduledFor), desc(statusMaintenances.createdAt));
}

/**
 * The maintenances that may be in progress at `now`: set in progress or verifying by hand, or inside their
 * times and not completed by hand. (The caller decides with maintenanceStatusAt.)
 */
export async function listMaintenancesMaybeActive(db: Db, now: Date): Promise<StatusMaintenanceRow[]> {
  return db
    .select()
    .from(statusMaintenances)
    .where(
      or(
        inArray(statusMaintenances.manualStatus, ["in_progress", "verifying"]),
        and(
          isNull(statusMaintenances.manualStatus),
          lte(statusMaintenances.scheduledFor, now),
          sql`${statusMaintenances.scheduledUntil} > ${now.toISOString()}::timestamptz`,
        ),
      ),
    );
}

export async function insertMaintenanceUpdate(db: Db, row: StatusMaintenanceUpdateRow): Promise<void> {
  await db.insert(statusMaintenanceUpdates).values(row);
}

/** The updates of these maintenances, newest first, by maintenance id. */
export async function listMaintenanceUpdates(
  db: Db,
  maintenanceIds: readonly string[],
): Promise<Map<string, StatusMaintenanceUpdateRow[]>> {
  const byMaintenance = new Map<string, StatusMaintenanceUpdateRow[]>();
  if (maintenanceIds.length === 0) return byMaintenance;
  const rows = await db
    .select()
    .from(statusMaintenanceUpdates)
    .where(inArray(statusMaintenanceUpdates.maintenanceId, [...new Set(maintenanceIds)]))
    .orderBy(desc(statusMaintenanceUpdates.createdAt), desc(statusMaintenanceUpdates.id));
  for (const r of rows)
    byMaintenance.set(r.maintenanceId, [...(byMaintenance.get(r.maintenanceId) ?? []), r]);
  return byMaintenance;
}
