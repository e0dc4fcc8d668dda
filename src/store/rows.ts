import { type Column, getTableColumns, getTableName, type SQL, sql, type Table } from "drizzle-orm";

/** Normalises driver differences in raw query results (STACK.md gotcha 5: bigint is a number in PGlite, a string in pg). */
export function toInt(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "string" || typeof value === "bigint") return Number(value);
  return 0;
}

/** Timestamps from raw queries: PGlite returns Date, drizzle's pg driver returns the text form. */
export function toDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (typeof value === "string") {
    // pg's text form "2026-11-23 04:40:21.123+00" is not ISO; make it so.
    const iso = value.includes("T") ? value : value.replace(" ", "T").replace(/([+-]\d\d)$/, "$1:00");
    return new Date(iso);
  }
  return null;
}

export function toStringArray(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return [];
}

/**
 * Runs a raw statement and returns its rows. Both drivers answer `{ rows }`; drizzle types the result of
 * execute() on the shared PgDatabase as unknown, so the shape is asserted here once.
 */
export async function executeRows(
  db: { execute(query: SQL): PromiseLike<unknown> },
  query: SQL,
): Promise<Record<string, unknown>[]> {
  const result = (await db.execute(query)) as { rows?: Record<string, unknown>[] };
  return result.rows ?? [];
}

/**
 * A PostgreSQL array literal for any strings (`{"a","b \"c\""}`), to bind as ONE parameter and cast
 * (`${textArray(xs)}::text[]`). drizzle's sql template would spread a JS array into `($1, $2, …)`, and an
 * array bound whole lets the planner see its length: `unnest($1::uuid[], $2::text[])` is estimated at its
 * real row count where `jsonb_to_recordset` is guessed at 100 rows, which made the alert key lookups and
 * the batch updates (`update … from jsonb_to_recordset(…) x where t.id = x.id`) scan the whole table instead
 * of probing its index. Those updates keep their JSON rows and add `t.id = any(${textArray(ids)}::uuid[])`.
 * A null becomes the array's NULL element.
 */
export function textArray(values: readonly (string | null)[]): string {
  return `{${values.map((v) => (v === null ? "NULL" : `"${v.replace(/[\\"]/g, "\\$&")}"`)).join(",")}}`;
}

/** A table's insert from JSON, per set of defined columns: the text around the parameter, and key → column. */
interface JsonInsert {
  before: string;
  after: string;
  columns: [key: string, name: string][];
}
const insertTexts = new WeakMap<Table, Map<string, JsonInsert>>();

/**
 * Inserts many rows of a drizzle table from ONE JSON parameter (`insert … select … from
 * jsonb_to_recordset($1)`): one statement text whatever the number of rows, so PGlite prepares it once
 * (store/pglite-prepared.ts) where a multi-row VALUES is a new text, parsed and planned, for every row
 * count; and no per-value parameter building, which for ~30 columns a row was drizzle's biggest cost in
 * the alert ingest profile (bench/README.md). The columns, their SQL types and names come from the table's
 * definition; a column every row leaves undefined gets its database default. Every row must define the
 * same columns. `tail` is appended as given: sql`returning id`, an `on conflict` clause.
 */
export async function insertJsonRows<T extends Table>(
  db: { execute(query: SQL): PromiseLike<unknown> },
  table: T,
  rows: readonly T["$inferInsert"][],
  tail?: SQL,
): Promise<Record<string, unknown>[]> {
  const first = rows[0];
  if (!first) return [];
  const defined = Object.keys(first).filter((k) => (first as Record<string, unknown>)[k] !== undefined);
  const shape = defined.join(",");
  let texts = insertTexts.get(table);
  if (!texts) {
    texts = new Map();
    insertTexts.set(table, texts);
  }
  let text = texts.get(shape);
  if (!text) {
    const all = getTableColumns(table) as Record<string, Column>;
    const columns: [string, string][] = [];
    const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
    const picks: string[] = [];
    const types: string[] = [];
    for (const key of defined) {
      const column = all[key];
      if (!column) throw new Error(`insertJsonRows: ${getTableName(table)} has no column ${key}`);
      columns.push([key, column.name]);
      const type = column.getSQLType();
      types.push(`${quote(column.name)} ${type}`);
      // A JSON null is the jsonb value null in jsonb_to_recordset; the column wants SQL NULL.
      picks.push(
        type === "jsonb" || type === "json"
          ? `nullif(x.${quote(column.name)}, 'null'::${type})`
          : `x.${quote(column.name)}`,
      );
    }
    text = {
      before: `insert into ${quote(getTableName(table))} (${columns.map(([, n]) => quote(n)).join(", ")}) select ${picks.join(", ")} from jsonb_to_recordset(`,
      after: `::jsonb) as x(${types.join(", ")})`,
      columns,
    };
    texts.set(shape, text);
  }
  const input = rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (const [key, name] of text.columns) {
      const value = (row as Record<string, unknown>)[key];
      if (value === undefined) throw new Error(`insertJsonRows: every row must define ${key}`);
      out[name] = value;
    }
    return out;
  });
  return executeRows(
    db,
    sql`${sql.raw(text.before)}${JSON.stringify(input)}${sql.raw(text.after)}${tail ? sql` ${tail}` : sql``}`,
  );
}
