import type { ChecklistTask } from "./checklist.ts";
import type { FieldValue } from "./custom-fields.ts";
import { type IncidentRole, isSingleHolderRole } from "./roles.ts";
import type { Severity } from "./severity.ts";

// Incident types ("Security breach", "Database"): defaults an incident is declared with. The rule is that
// whatever the declarer says wins, and the type fills in the rest.

export interface RoleHolder {
  role: IncidentRole;
  person: string;
}

/** An incident type's defaults. */
export interface TypeDefaults {
  severity: Severity | null;
  services: readonly string[];
  roles: readonly RoleHolder[];
  /** null: the built-in triage checklist; an array replaces it (empty: no checklist). */
  checklist: readonly ChecklistTask[] | null;
  fieldDefaults: Readonly<Record<string, FieldValue>>;
}

/** What the declarer asked for (already validated). */
export interface DeclareRequest {
  severity?: Severity;
  services: readonly string[];
  assignee?: string;
  customFields: Readonly<Record<string, FieldValue>>;
}

export interface DeclareWithDefaults {
  /** undefined when neither the request nor the type gives one (the declare is refused). */
  severity: Severity | undefined;
  /** The request's services, then the type's, each once (names compared ignoring case). */
  services: string[];
  /** Who gets which role: the commander first. */
  roles: RoleHolder[];
  checklist: ChecklistTask[] | null;
  customFields: Record<string, FieldValue>;
}

/** Services named once each, ignoring case; the first spelling wins. */
export function unionServices(first: readonly string[], second: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const name of [...first, ...second]) {
    const folded = name.toLowerCase();
    if (seen.has(folded)) continue;
    seen.add(folded);
    out.push(name);
  }
  return out;
}

/**
 * Applies a type's defaults to a declare request. Explicit values win: the request's severity over the
 * type's, given custom field values over the defaults, the request's assignee as commander over the type's
 * commander. Services are the union. The type's other role holders are assigned as listed.
 */
export function applyTypeDefaults(type: TypeDefaults | null, req: DeclareRequest): DeclareWithDefaults {
  const typeRoles = type?.roles ?? [];
  const roles: RoleHolder[] = [];
  if (req.assignee) roles.push({ role: "commander", person: req.assignee });
  for (const holder of typeRoles) {
    if (holder.role === "commander" && req.assignee) continue;
    const taken = roles.some((r) =>
      isSingleHolderRole(holder.role)
        ? r.role === holder.role
        : r.role === holder.role && r.person === holder.person,
    );
    if (!taken) roles.push({ ...holder });
  }
  roles.sort((a, b) => Number(b.role === "commander") - Number(a.role === "commander"));
  return {
    severity: req.severity ?? type?.severity ?? undefined,
    services: unionServices(req.services, type?.services ?? []),
    roles,
    checklist: type?.checklist ? type.checklist.map((t) => ({ ...t, details: [...t.details] })) : null,
    customFields: { ...(type?.fieldDefaults ?? {}), ...req.customFields },
  };
}

/** Problems with a type's role list: a single-holder role (commander, communications lead, scribe) once. */
export function checkTypeRoles(roles: readonly RoleHolder[]): { index: number; message: string }[] {
  const problems: { index: number; message: string }[] = [];
  const seen = new Set<string>();
  roles.forEach((holder, index) => {
    const key = isSingleHolderRole(holder.role)
      ? holder.role
      : `${holder.role}:${holder.person.toLowerCase()}`;
    if (seen.has(key))
      problems.push({
        index,
        message: isSingleHolderRole(holder.role)
          ? `${holder.role} has one holder: give it once`
          : `${holder.person} is listed twice as ${holder.role}`,
      });
    seen.add(key);
  });
  return problems;
}
