import { z } from "zod";
import { type AuditFilter, type AuditPosition, type AuditRow, listAuditEntries } from "#store/audit.ts";
import { isAdmin } from "../auth/authorize.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../validation.ts";

// Reading the audit log (admins): a filtered page newest first, or every matching entry for an export.

const INSTANT_HINT = "an ISO date (2026-11-01) or date and time with a zone (2026-11-01T09:00:00Z)";

/** A date (midnight UTC) or an ISO date-time with a zone. */
const instant = z
  .string()
  .trim()
  .refine((v) => parseInstant(v) !== undefined, { error: `must be ${INSTANT_HINT}` });

export function parseInstant(value: string): Date | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const d = new Date(`${value}T00:00:00.000Z`);
    return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value ? undefined : d;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/i.test(value))
    return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export const AUDIT_FORMATS = ["json", "csv", "jsonl"] as const;

export const ListAuditQuery = z
  .object({
    actor: z.string().trim().min(1).max(200).optional().describe("Who acted (username, ignoring case)"),
    action: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .describe("Actions starting with this, e.g. `service.` or `session.sign_in`"),
    target_type: z.string().trim().min(1).max(100).optional().describe("e.g. service, team, user"),
    target_id: z.string().trim().min(1).max(300).optional().describe("e.g. payments (with target_type)"),
    since: instant.optional().describe(`Entries at or after this instant: ${INSTANT_HINT}`),
    until: instant.optional().describe("Entries before this instant"),
    limit: z.coerce.number().int().min(1).max(200).default(50).describe("Page size, 1–200 (default 50)"),
    cursor: z.string().max(200).optional().describe("next_cursor of the previous page"),
    format: z
      .enum(AUDIT_FORMATS, { error: `must be one of ${AUDIT_FORMATS.join(", ")}` })
      .optional()
      .describe("csv or jsonl: every matching entry as a download (same as Accept: text/csv for csv)"),
  })
  .strict();
export type ListAuditQuery = z.input<typeof ListAuditQuery>;

/** An audit entry as the API shows it. */
export function auditEntryView(row: AuditRow) {
  return {
    id: String(row.id),
    at: row.at.toISOString(),
    actor: row.actorName,
    actor_kind: row.actorKind,
    actor_id: row.actorId,
    action: row.action,
    target_type: row.targetType,
    target_id: row.targetId,
    before: row.before ?? null,
    after: row.after ?? null,
    ip: row.ip,
    request_id: row.requestId,
  };
}
export type AuditEntryView = ReturnType<typeof auditEntryView>;

function encodeCursor(row: AuditRow): string {
  return Buffer.from(`${row.at.toISOString()}|${row.id}`).toString("base64url");
}

function decodeCursor(cursor: string): AuditPosition {
  const [at, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const date = new Date(at ?? "");
  const n = Number(id);
  if (Number.isNaN(date.getTime()) || !Number.isSafeInteger(n) || n < 0)
    throw new AppError("INVALID_INPUT", "cursor is not valid; start again without cursor", [
      { field: "cursor", message: "use the next_cursor value of the previous page" },
    ]);
  return { at: date, id: n };
}

/** The parsed query: its filter, page and format; 422 lists every bad parameter. */
export function readAuditQuery(input: unknown) {
  const q = parseInput(ListAuditQuery, input, "query");
  const since = q.since ? parseInstant(q.since) : undefined;
  const until = q.until ? parseInstant(q.until) : undefined;
  if (since && until && since >= until)
    throw new AppError("INVALID_INPUT", "since must be before until", [
      { field: "until", message: "must be after since" },
    ]);
  const filter: AuditFilter = {
    ...(q.actor ? { actor: q.actor } : {}),
    ...(q.action ? { actionPrefix: q.action } : {}),
    ...(q.target_type ? { targetType: q.target_type } : {}),
    ...(q.target_id ? { targetId: q.target_id } : {}),
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
  };
  return { filter, limit: q.limit, cursor: q.cursor, format: q.format };
}

/** The HTTP layer checks the access level; this keeps the rule for any other caller of the verbs. */
function requireAuditReader(ctx: AppContext): void {
  if (!isAdmin(ctx.actor)) throw new AppError("FORBIDDEN", "Only an admin may read the audit log");
}

/** A page of the audit log, newest first (admins). */
export async function listAudit(ctx: AppContext, input: unknown) {
  requireAuditReader(ctx);
  const q = readAuditQuery(input);
  const rows = await listAuditEntries(ctx.db, q.filter, {
    ...(q.cursor ? { before: decodeCursor(q.cursor) } : {}),
    limit: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map(auditEntryView),
    next_cursor: rows.length > q.limit && last ? encodeCursor(last) : null,
  };
}

/** Rows read per query while exporting: no transaction is held, so PGlite serves others between batches. */
const EXPORT_BATCH = 500;

/** Every entry matching the filter, newest first, read in batches (for CSV and JSON Lines exports). */
export async function* exportAudit(ctx: AppContext, filter: AuditFilter): AsyncGenerator<AuditEntryView> {
  requireAuditReader(ctx);
  let before: AuditPosition | undefined;
  for (;;) {
    const rows = await listAuditEntries(ctx.db, filter, {
      ...(before ? { before } : {}),
      limit: EXPORT_BATCH,
    });
    for (const row of rows) yield auditEntryView(row);
    const last = rows.at(-1);
    if (!last || rows.length < EXPORT_BATCH) return;
    before = { at: last.at, id: last.id };
  }
}

export const AUDIT_CSV_COLUMNS = [
  "id",
  "at",
  "actor",
  "actor_kind",
  "action",
  "target_type",
  "target_id",
  "ip",
  "request_id",
  "before",
  "after",
] as const;

// A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
const FORMULA_START = /^[=+\-@\t\r]/;

/** One RFC 4180 CSV cell: quoted where needed, a formula-leading text prefixed with '. */
export function csvCell(value: string | null): string {
  if (value === null) return "";
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The CSV header line (CRLF-terminated). */
export function auditCsvHeader(): string {
  return `${AUDIT_CSV_COLUMNS.join(",")}\r\n`;
}

/** One entry as a CSV line (CRLF-terminated); before and after are JSON text. */
export function auditCsvLine(e: AuditEntryView): string {
  const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
  const cells: (string | null)[] = [
    e.id,
    e.at,
    e.actor,
    e.actor_kind,
    e.action,
    e.target_type,
    e.target_id,
    e.ip,
    e.request_id,
    json(e.before),
    json(e.after),
  ];
  return `${cells.map(csvCell).join(",")}\r\n`;
}
