import type { SQL } from "drizzle-orm";

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
 */
export function textArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, "\\$&")}"`).join(",")}}`;
}
