import { asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "./db.ts";
import { executeRows, toInt } from "./rows.ts";
import { customFields, incidents, incidentTypes } from "./schema/index.ts";

// Custom incident fields and incident types: definitions, and the few questions asked of the incidents
// that use them (how many carry a value; which to update when a field goes).

export type CustomFieldRow = typeof customFields.$inferSelect;
export type CustomFieldInsert = typeof customFields.$inferInsert;
export type IncidentTypeRow = typeof incidentTypes.$inferSelect;
export type IncidentTypeInsert = typeof incidentTypes.$inferInsert;

// PostgreSQL text cannot hold U+0000; no stored key or name contains one, so such a ref matches nothing.
const storable = (text: string) => !text.includes("\u0000");

/** Every custom field, by position then key. */
export async function listCustomFields(db: Db): Promise<CustomFieldRow[]> {
  return db.select().from(customFields).orderBy(asc(customFields.position), asc(customFields.key));
}

export async function findCustomFieldByKey(db: Db, key: string): Promise<CustomFieldRow | undefined> {
  if (!storable(key)) return undefined;
  const [row] = await db.select().from(customFields).where(eq(customFields.key, key));
  return row;
}

/** Inserts a field; undefined when the key is taken. */
export async function insertCustomField(db: Db, row: CustomFieldInsert): Promise<CustomFieldRow | undefined> {
  const [inserted] = await db.insert(customFields).values(row).onConflictDoNothing().returning();
  return inserted;
}

export async function updateCustomField(
  db: Db,
  id: string,
  patch: Partial<CustomFieldInsert>,
): Promise<CustomFieldRow> {
  const [row] = await db.update(customFields).set(patch).where(eq(customFields.id, id)).returning();
  if (!row) throw new Error(`custom field ${id} vanished during update`);
  return row;
}

export async function deleteCustomField(db: Db, id: string): Promise<void> {
  await db.delete(customFields).where(eq(customFields.id, id));
}

/** How many incidents carry a value for `key` (or, with `value`, exactly that value). */
export async function countIncidentsWithField(db: Db, key: string, value?: string | number): Promise<number> {
  const condition =
    value === undefined
      ? sql`${incidents.customFields} ? ${key}`
      : sql`${incidents.customFields} @> ${JSON.stringify({ [key]: value })}::jsonb`;
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(incidents).where(condition);
  return toInt(row?.n ?? 0);
}

/** Ids of the incidents that carry a value for `key`, with that value. */
export async function findIncidentsWithField(
  db: Db,
  key: string,
): Promise<{ id: string; value: string | number }[]> {
  const rows = await executeRows(
    db,
    sql`select id, custom_fields -> ${key} as value from incidents where custom_fields ? ${key} order by id`,
  );
  return rows.map((r) => ({ id: String(r.id), value: r.value as string | number }));
}

/** Removes `key` from the given incidents' values (their timeline events are the caller's). */
export async function removeIncidentFieldValue(db: Db, ids: readonly string[], key: string): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(incidents)
    .set({ customFields: sql`${incidents.customFields} - ${key}` })
    .where(inArray(incidents.id, [...ids]));
}

/** Removes `key` from every incident type's field defaults. */
export async function removeTypeFieldDefault(db: Db, key: string, at: Date): Promise<void> {
  await db
    .update(incidentTypes)
    .set({ fieldDefaults: sql`${incidentTypes.fieldDefaults} - ${key}`, updatedAt: at })
    .where(sql`${incidentTypes.fieldDefaults} ? ${key}`);
}

/** Names of the incident types whose defaults give `key` a value (or that value). */
export async function findTypesUsingField(db: Db, key: string, value?: string | number): Promise<string[]> {
  const condition =
    value === undefined
      ? sql`${incidentTypes.fieldDefaults} ? ${key}`
      : sql`${incidentTypes.fieldDefaults} @> ${JSON.stringify({ [key]: value })}::jsonb`;
  const rows = await db
    .select({ name: incidentTypes.name })
    .from(incidentTypes)
    .where(condition)
    .orderBy(asc(incidentTypes.name));
  return rows.map((r) => r.name);
}

/** Every incident type, by name (ignoring case). */
export async function listIncidentTypes(db: Db): Promise<IncidentTypeRow[]> {
  return db.select().from(incidentTypes).orderBy(sql`lower(${incidentTypes.name}) collate "C"`);
}

/** A type by name, ignoring case. */
export async function findIncidentTypeByName(db: Db, name: string): Promise<IncidentTypeRow | undefined> {
  if (!storable(name)) return undefined;
  const [row] = await db
    .select()
    .from(incidentTypes)
    .where(sql`lower(${incidentTypes.name}) = lower(${name})`);
  return row;
}

export async function findIncidentTypeById(db: Db, id: string): Promise<IncidentTypeRow | undefined> {
  const [row] = await db.select().from(incidentTypes).where(eq(incidentTypes.id, id));
  return row;
}

/** Inserts a type; undefined when its name is taken (ignoring case). */
export async function insertIncidentType(
  db: Db,
  row: IncidentTypeInsert,
): Promise<IncidentTypeRow | undefined> {
  const [inserted] = await db.insert(incidentTypes).values(row).onConflictDoNothing().returning();
  return inserted;
}

export async function updateIncidentType(
  db: Db,
  id: string,
  patch: Partial<IncidentTypeInsert>,
): Promise<IncidentTypeRow> {
  const [row] = await db.update(incidentTypes).set(patch).where(eq(incidentTypes.id, id)).returning();
  if (!row) throw new Error(`incident type ${id} vanished during update`);
  return row;
}

export async function deleteIncidentType(db: Db, id: string): Promise<void> {
  await db.delete(incidentTypes).where(eq(incidentTypes.id, id));
}

/** How many incidents were declared with the type. */
export async function countIncidentsOfType(db: Db, id: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(incidents)
    .where(eq(incidents.typeId, id));
  return toInt(row?.n ?? 0);
}
