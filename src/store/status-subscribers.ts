import { and, asc, eq, isNotNull, isNull, sql } from "drizzle-orm";
import type { Db } from "./db.ts";
import { executeRows, textArray } from "./rows.ts";
import {
  incidentServices,
  statusComponentServices,
  statusComponents,
  statusSubscribers,
} from "./schema/index.ts";
import { seal, sealNullable, sealsTarget, unseal, unsealNullable } from "./secret-box.ts";

// The status page's subscribers (email, webhook, Slack): who hears about incidents and maintenance.

export type StatusSubscriberRow = typeof statusSubscribers.$inferSelect;
export type StatusSubscriberInsert = typeof statusSubscribers.$inferInsert;

/** pending: email not confirmed yet; active: receives notifications; disabled: stopped after failures. */
export type SubscriberState = "pending" | "active" | "disabled";

// PostgreSQL text cannot hold U+0000; no stored value contains one, so such a ref matches nothing.
const storable = (text: string) => !text.includes("\u0000");
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Webhook and Slack URLs and every signing secret are stored sealed (secret-box.ts); rows leave opened.
function opened<T extends StatusSubscriberRow | undefined>(row: T): T {
  if (!row) return row;
  return {
    ...row,
    target: sealsTarget(row.kind) ? unseal(row.target) : row.target,
    secret: unsealNullable(row.secret) ?? null,
  };
}
function sealed<T extends Partial<StatusSubscriberInsert>>(row: T, kind: string | undefined): T {
  const out = { ...row };
  if (out.target !== undefined && kind !== undefined && sealsTarget(kind)) out.target = seal(out.target);
  if (out.secret !== undefined) out.secret = sealNullable(out.secret);
  return out;
}

export async function insertSubscriber(db: Db, row: StatusSubscriberInsert): Promise<StatusSubscriberRow> {
  const [inserted] = await db.insert(statusSubscribers).values(sealed(row, row.kind)).returning();
  if (!inserted) throw new Error("insert into status_subscribers returned nothing");
  return opened(inserted);
}

/** Inserts a subscriber; undefined when one of that kind already has the target (ignoring case). */
export async function insertSubscriberIfNew(
  db: Db,
  row: StatusSubscriberInsert,
): Promise<StatusSubscriberRow | undefined> {
  // A sealed URL is unique ignoring case like any target, which its ciphertext cannot show: compared here.
  if (sealsTarget(row.kind) && (await sealedTargetId(db, row.kind, row.target))) return undefined;
  const [inserted] = await db
    .insert(statusSubscribers)
    .values(sealed(row, row.kind))
    .onConflictDoNothing()
    .returning();
  return opened(inserted);
}

export async function findSubscriber(db: Db, id: string): Promise<StatusSubscriberRow | undefined> {
  if (!UUID.test(id)) return undefined;
  const [row] = await db.select().from(statusSubscribers).where(eq(statusSubscribers.id, id));
  return opened(row);
}

/** The subscriber under a row lock (inside the caller's transaction). */
export async function lockSubscriber(db: Db, id: string): Promise<StatusSubscriberRow | undefined> {
  if (!UUID.test(id)) return undefined;
  const [row] = await db.select().from(statusSubscribers).where(eq(statusSubscribers.id, id)).for("update");
  return opened(row);
}

/** The subscriber of this kind with this target (ignoring case), under a row lock. */
export async function lockSubscriberByTarget(
  db: Db,
  kind: string,
  target: string,
): Promise<StatusSubscriberRow | undefined> {
  if (!storable(target)) return undefined;
  if (sealsTarget(kind)) {
    const id = await sealedTargetId(db, kind, target);
    return id ? lockSubscriber(db, id) : undefined;
  }
  const [row] = await db
    .select()
    .from(statusSubscribers)
    .where(
      and(
        eq(statusSubscribers.kind, kind),
        sql`lower(${statusSubscribers.target}) = ${target.toLowerCase()}`,
      ),
    )
    .for("update");
  return opened(row);
}

/** The id of the subscriber of a sealed kind (webhook, Slack) whose URL is `target`, ignoring case. */
async function sealedTargetId(db: Db, kind: string, target: string): Promise<string | undefined> {
  const exact = seal(target);
  const rows = await db
    .select({ id: statusSubscribers.id, target: statusSubscribers.target })
    .from(statusSubscribers)
    .where(eq(statusSubscribers.kind, kind));
  const wanted = target.toLowerCase();
  return (rows.find((r) => r.target === exact) ?? rows.find((r) => unseal(r.target).toLowerCase() === wanted))
    ?.id;
}

/** The subscriber whose confirmation token has this sha256, under a row lock. */
export async function lockSubscriberByConfirmHash(
  db: Db,
  hash: string,
): Promise<StatusSubscriberRow | undefined> {
  const [row] = await db
    .select()
    .from(statusSubscribers)
    .where(eq(statusSubscribers.confirmTokenHash, hash))
    .for("update");
  return opened(row);
}

/** The subscriber whose unsubscribe token has this sha256. */
export async function findSubscriberByUnsubscribeHash(
  db: Db,
  hash: string,
): Promise<StatusSubscriberRow | undefined> {
  const [row] = await db
    .select()
    .from(statusSubscribers)
    .where(eq(statusSubscribers.unsubscribeTokenHash, hash));
  return opened(row);
}

export async function updateSubscriber(
  db: Db,
  id: string,
  patch: Partial<Omit<StatusSubscriberInsert, "id">>,
): Promise<StatusSubscriberRow> {
  const [row] = await db
    .update(statusSubscribers)
    .set(sealed(patch, patch.kind))
    .where(eq(statusSubscribers.id, id))
    .returning();
  if (!row) throw new Error(`status subscriber ${id} vanished during update`);
  return opened(row);
}

export async function deleteSubscriber(db: Db, id: string): Promise<boolean> {
  if (!UUID.test(id)) return false;
  const rows = await db
    .delete(statusSubscribers)
    .where(eq(statusSubscribers.id, id))
    .returning({ id: statusSubscribers.id });
  return rows.length > 0;
}

/** Subscribers, oldest first, optionally of one kind and in one state. */
export async function listSubscribers(
  db: Db,
  filter: { kind?: string | undefined; state?: SubscriberState | undefined } = {},
): Promise<StatusSubscriberRow[]> {
  const state =
    filter.state === "disabled"
      ? isNotNull(statusSubscribers.disabledAt)
      : filter.state === "pending"
        ? and(isNull(statusSubscribers.disabledAt), isNull(statusSubscribers.confirmedAt))
        : filter.state === "active"
          ? and(isNull(statusSubscribers.disabledAt), isNotNull(statusSubscribers.confirmedAt))
          : undefined;
  const rows = await db
    .select()
    .from(statusSubscribers)
    .where(and(filter.kind ? eq(statusSubscribers.kind, filter.kind) : undefined, state))
    .orderBy(asc(statusSubscribers.createdAt), asc(statusSubscribers.id));
  return rows.map(opened);
}

/**
 * The ids of the active subscribers (confirmed, not disabled) who hear about something touching
 * `componentIds`: those subscribed to everything (no component ids) and those whose ids intersect.
 */
export async function matchingActiveSubscriberIds(
  db: Db,
  componentIds: readonly string[],
): Promise<string[]> {
  const rows = await executeRows(
    db,
    sql`select id from status_subscribers
        where confirmed_at is not null and disabled_at is null
          and (cardinality(component_ids) = 0 or component_ids && ${textArray(componentIds)}::text[])
        order by created_at, id`,
  );
  return rows.map((r) => String(r.id));
}

/** Components with their group: id → group id (null at the top level); groups included. */
export async function componentGroups(
  db: Db,
): Promise<Map<string, { groupId: string | null; name: string }>> {
  const rows = await db
    .select({ id: statusComponents.id, groupId: statusComponents.groupId, name: statusComponents.name })
    .from(statusComponents);
  return new Map(rows.map((r) => [r.id, { groupId: r.groupId, name: r.name }]));
}

/** The components standing for an incident's services (status_component_services). */
export async function incidentComponentIds(db: Db, incidentId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ id: statusComponentServices.componentId })
    .from(statusComponentServices)
    .innerJoin(incidentServices, eq(incidentServices.serviceId, statusComponentServices.serviceId))
    .where(eq(incidentServices.incidentId, incidentId));
  return rows.map((r) => r.id);
}
