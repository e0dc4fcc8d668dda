import { insertAuditEntries } from "#store/audit.ts";
import type { Db } from "#store/db.ts";
import type { Actor } from "../context.ts";
import { maskSecrets } from "./mask.ts";

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

/**
 * A copy with every secret-looking key's value replaced (deep). A boolean under such a key stays: it says
 * whether a secret is set (`hmac_secret_set: true`), which is worth auditing and is no secret.
 */
export function redactForAudit(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactForAudit);
  if (value && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        SECRET_KEY.test(k) && v !== null && v !== undefined && v !== "" && typeof v !== "boolean"
          ? AUDIT_REDACTED
          : redactForAudit(v),
      ]),
    );
  }
  return value;
}

/** What the audit log stores of a record: secret-looking keys redacted, routing keys and URL keys masked. */
export function auditSafe(value: unknown): unknown {
  return maskSecrets(redactForAudit(value));
}

/**
 * Appends audit entries (in the caller's transaction when `db` is one), secrets removed (auditSafe): also
 * `targetId`, in case a path carried a key.
 */
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
      targetId: e.targetId ? String(maskSecrets(e.targetId)) : "",
      before: e.before === undefined ? null : auditSafe(e.before),
      after: e.after === undefined ? null : auditSafe(e.after),
      ip: e.ip ?? null,
      requestId: e.requestId ?? null,
    })),
  );
}
