import { insertAuditEntries } from "#store/audit.ts";
import type { Db } from "#store/db.ts";
import type { Actor } from "../context.ts";

/** One audit entry as use cases and the HTTP layer describe it; `recordAudit` removes secrets. */
export interface AuditEntry {
  at: Date;
  actor: Actor;
  /** e.g. `service.update`, `session.sign_in`, `session.sign_in_failed`, `token.revoke`. */
  action: string;
  targetType?: string;
  targetId?: string;
  before?: unknown;
  after?: unknown;
  ip?: string;
  requestId?: string;
}

/** Keys whose values never reach the audit log (matched case-insensitively, anywhere in the document). */
const SECRET_KEY = /(password|secret|token|api[_-]?key|private[_-]?key|authorization|cookie|hmac|signing)/i;
export const AUDIT_REDACTED = "[redacted]";

/** A copy with every secret-looking key's value replaced (deep). */
export function redactForAudit(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactForAudit);
  if (value && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        SECRET_KEY.test(k) && v !== null && v !== undefined && v !== "" ? AUDIT_REDACTED : redactForAudit(v),
      ]),
    );
  }
  return value;
}

/** Appends audit entries (in the caller's transaction when `db` is one), secrets removed. */
export async function recordAudit(db: Db, ...entries: AuditEntry[]): Promise<void> {
  await insertAuditEntries(
    db,
    entries.map((e) => ({
      at: e.at,
      actorKind: e.actor.kind,
      actorName: e.actor.name,
      actorId: e.actor.userId ?? null,
      action: e.action,
      targetType: e.targetType ?? "",
      targetId: e.targetId ?? "",
      before: e.before === undefined ? null : redactForAudit(e.before),
      after: e.after === undefined ? null : redactForAudit(e.after),
      ip: e.ip ?? null,
      requestId: e.requestId ?? null,
    })),
  );
}
