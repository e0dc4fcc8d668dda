import { type SQL, sql } from "drizzle-orm";
import type { Db } from "./db.ts";
import { executeRows, toInt, toStringArray } from "./rows.ts";

/** Columns the incident list sorts on (seed 002: all but Affected Services). */
export const INCIDENT_SORT_KEYS = [
  "id",
  "title",
  "severity",
  "status",
  "assignee",
  "duration",
  "created_at",
] as const;
export type IncidentSortKey = (typeof INCIDENT_SORT_KEYS)[number];

export interface IncidentListQuery {
  sort: IncidentSortKey;
  descending: boolean;
  statuses?: readonly string[];
  severities?: readonly string[];
  serviceIds?: readonly string[];
  assignee?: string;
  createdAfter?: Date;
  createdBefore?: Date;
  text?: string;
  /** Declared with this incident type. */
  typeId?: string;
  /** Custom field values: every entry must hold, each by any of its values (jsonb containment, GIN-served). */
  fieldValues?: readonly { key: string; values: readonly (string | number)[] }[];
  /** Leave out private incidents this user (a username) may not see; undefined: show every incident. */
  visibleTo?: string;
  /** Leave out every private incident (lists that leave Foghorn: the weekly digest). */
  publicOnly?: boolean;
  limit: number;
  /** Keyset position: the previous page's last sort value and incident number. */
  after?: { value: string | number; number: number };
  now: Date;
}

export interface IncidentListRow {
  id: string;
  number: number;
  title: string;
  severity: string;
  status: string;
  commander: string | null;
  createdAt: Date;
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
  services: string[];
  private: boolean;
  sortValue: string | number;
}

function sortExpression(key: IncidentSortKey, now: Date): SQL {
  switch (key) {
    case "id":
      return sql`i.number`;
    case "title":
      return sql`lower(i.title) collate "C"`;
    case "severity":
      return sql`i.severity`;
    case "status":
      return sql`array_position(array['triggered','acknowledged','investigating','mitigating','resolved','postmortem']::text[], i.status)`;
    case "assignee":
      return sql`coalesce(i.commander, '') collate "C"`;
    case "duration":
      return sql`extract(epoch from (coalesce(i.resolved_at, ${now.toISOString()}::timestamptz) - i.created_at))::float8`;
    case "created_at":
      return sql`i.created_at`;
  }
}

function cursorValue(key: IncidentSortKey, value: string | number): SQL {
  if (key === "created_at") return sql`${String(value)}::timestamptz`;
  if (key === "id" || key === "status") return sql`${Number(value)}::int`;
  if (key === "duration") return sql`${Number(value)}::float8`;
  return sql`${String(value)}::text`;
}

// Timestamps travel as epoch milliseconds (float8): both drivers hand back a plain number, where pg's
// timestamptz text would need parsing per cell (14–17 % of the list's Node CPU on PostgreSQL, bench/).
const epochMs = (column: SQL) => sql`(extract(epoch from ${column}) * 1000)::float8`;
const fromEpochMs = (value: unknown): Date | null =>
  value === null || value === undefined ? null : new Date(Math.round(Number(value)));

/**
 * Custom field filters as `custom_fields @> '{…}'` so the GIN index (jsonb_path_ops) serves them: every
 * single-valued filter in one containment, each multi-valued one as an OR of containments. jsonb compares
 * numbers numerically, so 12 matches a stored 12.0.
 */
function customFieldConditions(filters: NonNullable<IncidentListQuery["fieldValues"]>): SQL[] {
  const single: Record<string, string | number> = {};
  const conditions: SQL[] = [];
  const contains = (value: Record<string, unknown>) =>
    sql`i.custom_fields @> ${JSON.stringify(value)}::jsonb`;
  for (const { key, values } of filters) {
    const [only] = values;
    if (values.length === 1 && only !== undefined) single[key] = only;
    else if (values.length > 1)
      conditions.push(
        sql`(${sql.join(
          values.map((v) => contains({ [key]: v })),
          sql` or `,
        )})`,
      );
  }
  if (Object.keys(single).length) conditions.unshift(contains(single));
  return conditions;
}

/**
 * The incidents (table alias `alias`) `username` may see: public ones, and private ones they declared,
 * command or hold a role on. Public incidents pass on the first term, so the list's indexes still serve.
 */
export function incidentVisibleSql(alias: SQL, username: string): SQL {
  return sql`(not ${alias}.private or ${alias}.created_by = ${username} or ${alias}.commander = ${username}
    or exists (select 1 from incident_roles vr where vr.incident_id = ${alias}.id and vr.person = ${username}))`;
}

/** One page of incidents, keyset-paginated on (sort value, number); one statement. */
export async function listIncidentPage(db: Db, q: IncidentListQuery): Promise<IncidentListRow[]> {
  const sortExpr = sortExpression(q.sort, q.now);
  const where: SQL[] = [];
  if (q.statuses?.length)
    where.push(
      sql`i.status in (${sql.join(
        q.statuses.map((s) => sql`${s}`),
        sql`, `,
      )})`,
    );
  if (q.severities?.length)
    where.push(
      sql`i.severity in (${sql.join(
        q.severities.map((s) => sql`${s}`),
        sql`, `,
      )})`,
    );
  if (q.serviceIds?.length) {
    const ids = sql.join(
      q.serviceIds.map((s) => sql`${s}::uuid`),
      sql`, `,
    );
    where.push(
      sql`exists (select 1 from incident_services x where x.incident_id = i.id and x.service_id in (${ids}))`,
    );
  }
  if (q.assignee !== undefined) where.push(sql`i.commander = ${q.assignee}`);
  if (q.createdAfter) where.push(sql`i.created_at >= ${q.createdAfter.toISOString()}::timestamptz`);
  if (q.createdBefore) where.push(sql`i.created_at < ${q.createdBefore.toISOString()}::timestamptz`);
  if (q.text) where.push(sql`i.title ilike ${`%${q.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`);
  if (q.typeId) where.push(sql`i.type_id = ${q.typeId}::uuid`);
  if (q.fieldValues?.length) where.push(...customFieldConditions(q.fieldValues));
  if (q.visibleTo !== undefined) where.push(incidentVisibleSql(sql`i`, q.visibleTo));
  if (q.publicOnly) where.push(sql`not i.private`);
  if (q.after) {
    const op = q.descending ? sql`<` : sql`>`;
    where.push(
      sql`(${sortExpr}, i.number) ${op} (${cursorValue(q.sort, q.after.value)}, ${q.after.number}::int)`,
    );
  }
  const dir = q.descending ? sql`desc` : sql`asc`;
  const whereSql = where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``;
  const rows = await executeRows(
    db,
    sql`
    select i.id, i.number, i.title, i.severity, i.status, i.commander,
           ${epochMs(sql`i.created_at`)} as created_ms, ${epochMs(sql`i.acknowledged_at`)} as acknowledged_ms,
           ${epochMs(sql`i.resolved_at`)} as resolved_ms, ${q.sort === "created_at" ? sql`null` : sortExpr} as sort_value,
           i.service_names as services, i.private
    from incidents i
    ${whereSql}
    order by ${sortExpr} ${dir}, i.number ${dir}
    limit ${q.limit}`,
  );
  return rows.map((row) => {
    const createdAt = fromEpochMs(row.created_ms) ?? new Date(0);
    const rawSort = row.sort_value;
    const sortValue =
      q.sort === "created_at"
        ? createdAt.toISOString()
        : typeof rawSort === "number" || typeof rawSort === "string"
          ? q.sort === "id" || q.sort === "status" || q.sort === "duration"
            ? Number(rawSort)
            : rawSort
          : "";
    return {
      id: String(row.id),
      number: toInt(row.number),
      title: String(row.title),
      severity: String(row.severity),
      status: String(row.status),
      commander: row.commander === null ? null : String(row.commander),
      createdAt,
      acknowledgedAt: fromEpochMs(row.acknowledged_ms),
      resolvedAt: fromEpochMs(row.resolved_ms),
      services: toStringArray(row.services),
      private: row.private === true,
      sortValue,
    };
  });
}
