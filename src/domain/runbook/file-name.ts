/**
 * The import rule of seed 001: a runbook lives at docs/runbooks/<service>-runbook.md, so the file name names
 * the service. Anything else found in an import folder is reported and skipped, with the reason.
 */

const RUNBOOK_FILE = /^(.*)-runbook\.md$/i;
/** The service-name rule of the incident API (letters, digits, space and . _ - :), at most 100 characters. */
const SERVICE_NAME = /^[\w][\w .:-]*$/u;

export type RunbookFileName = { ok: true; service: string } | { ok: false; reason: string };

/** `checkout-runbook.md` → service "checkout"; the directory part of a path is ignored. */
export function serviceFromFileName(fileName: string): RunbookFileName {
  const base = fileName.split(/[\\/]/).pop() ?? "";
  const m = RUNBOOK_FILE.exec(base);
  if (!m) return { ok: false, reason: "not a runbook: the name must be <service>-runbook.md" };
  const service = (m[1] ?? "").trim();
  if (!service) return { ok: false, reason: "no service name before -runbook.md" };
  if (service.length > 100) return { ok: false, reason: "the service name is longer than 100 characters" };
  if (!SERVICE_NAME.test(service))
    return {
      ok: false,
      reason: `"${service}" is not a valid service name (letters, digits, space and . _ - : only)`,
    };
  return { ok: true, service };
}

/** The file name a service's runbook is exported and imported as. */
export function runbookFileName(service: string): string {
  return `${service}-runbook.md`;
}
