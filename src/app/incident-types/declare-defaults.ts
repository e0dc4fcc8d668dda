import type { ChecklistTask } from "#domain/incident/checklist.ts";
import { checkFieldValues, type FieldValue, sortKeys } from "#domain/incident/custom-fields.ts";
import { applyTypeDefaults, type RoleHolder } from "#domain/incident/incident-type.ts";
import type { Severity } from "#domain/incident/severity.ts";
import type { AppContext } from "../context.ts";
import type { AppError, FieldError } from "../errors.ts";
import { toSeverity } from "../incidents/schemas.ts";
import { storedChecklist, storedRoles } from "./incident-types.ts";
import { fieldDefinitions, invalidInput, loadType, storedValues, valueErrors } from "./internal.ts";

/** The parts of a declare request an incident type can fill in. */
export interface TypedDeclareRequest {
  type?: string | undefined;
  severity?: string | undefined;
  affected_services: string[];
  assignee?: string | undefined;
  custom_fields?: Record<string, string | number> | undefined;
}

export interface ResolvedDeclare {
  severity: Severity;
  services: string[];
  /** Every role to assign, the commander first. */
  roles: RoleHolder[];
  checklist: ChecklistTask[] | null;
  customFields: Record<string, FieldValue>;
  type: { id: string; name: string } | null;
}

/**
 * The declare request with its type's defaults applied (explicit values win) and its custom field values
 * checked. Without a type or custom fields it reads nothing (the declare hot path stays one statement).
 */
export async function resolveDeclare(ctx: AppContext, req: TypedDeclareRequest): Promise<ResolvedDeclare> {
  const scheme = ctx.policy.priorityScheme;
  const given = req.custom_fields ?? {};
  if (req.type === undefined && Object.keys(given).length === 0) {
    if (req.severity === undefined) throw severityRequired("is required");
    return {
      severity: toSeverity(req.severity, scheme),
      services: req.affected_services,
      roles: req.assignee ? [{ role: "commander", person: req.assignee }] : [],
      checklist: null,
      customFields: {},
      type: null,
    };
  }
  const errors: FieldError[] = [];
  const row = req.type === undefined ? undefined : await loadType(ctx.db, req.type, "type");
  const fields = await fieldDefinitions(ctx.db);
  const checked = checkFieldValues(fields, given);
  errors.push(...valueErrors(checked.problems, "custom_fields"));
  const severity = req.severity === undefined ? undefined : toSeverity(req.severity, scheme);
  const applied = applyTypeDefaults(
    row
      ? {
          severity: row.severity ? toSeverity(row.severity, scheme) : null,
          services: row.services,
          roles: storedRoles(row.roles),
          checklist: storedChecklist(row.checklist),
          // A default for a field deleted since is dropped (deleting a field removes it from types too).
          fieldDefaults: pickDefined(storedValues(row.fieldDefaults), new Set(fields.map((f) => f.key))),
        }
      : null,
    {
      ...(severity ? { severity } : {}),
      services: req.affected_services,
      ...(req.assignee ? { assignee: req.assignee } : {}),
      customFields: Object.fromEntries(
        Object.entries(checked.values).filter((e): e is [string, FieldValue] => e[1] !== null),
      ),
    },
  );
  if (applied.severity === undefined)
    errors.push({
      field: "severity",
      message: row ? `is required: incident type "${row.name}" gives no default severity` : "is required",
    });
  if (errors.length || applied.severity === undefined) throw invalidInput(errors);
  return {
    severity: applied.severity,
    services: applied.services,
    roles: applied.roles,
    checklist: applied.checklist,
    customFields: sortKeys(applied.customFields),
    type: row ? { id: row.id, name: row.name } : null,
  };
}

function pickDefined(
  values: Record<string, FieldValue>,
  keys: ReadonlySet<string>,
): Record<string, FieldValue> {
  return Object.fromEntries(Object.entries(values).filter(([k]) => keys.has(k)));
}

function severityRequired(message: string): AppError {
  return invalidInput([{ field: "severity", message }]);
}
