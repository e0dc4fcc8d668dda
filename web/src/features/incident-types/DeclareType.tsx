import type { CustomField, IncidentType } from "../../api/incident-types.ts";
import { Field } from "../../ui/field.tsx";
import { FieldValueInput, toApiValue } from "./FieldValueInput.tsx";
import { useCustomFields, useIncidentTypes } from "./reference.ts";

// The declare form's incident type and custom fields: picking a type fills in its severity, services and
// field defaults (what the person already chose stays); the server applies roles and the checklist.

export interface TypedDraft {
  type: string;
  severity: string;
  services: string[];
  fields: Record<string, string>;
}

/** The draft after picking `type`: its severity (when it has one), its services added, empty fields filled. */
export function applyTypeToDraft<D extends TypedDraft>(
  draft: D,
  type: IncidentType | undefined,
  name: string,
): D {
  if (!type) return { ...draft, type: name };
  const have = new Set(draft.services.map((s) => s.toLowerCase()));
  const fields = { ...draft.fields };
  for (const [key, value] of Object.entries(type.field_defaults))
    if (!fields[key]) fields[key] = String(value);
  return {
    ...draft,
    type: type.name,
    severity: type.severity ?? draft.severity,
    services: [...draft.services, ...type.services.filter((s) => !have.has(s.toLowerCase()))],
    fields,
  };
}

/** The request's type and custom_fields (non-empty values only). */
export function typedRequest(draft: TypedDraft, fields: readonly CustomField[] | null) {
  const values: Record<string, string | number> = {};
  for (const f of fields ?? []) {
    const v = toApiValue(f, draft.fields[f.key] ?? "");
    if (v !== null) values[f.key] = v;
  }
  return {
    ...(draft.type ? { type: draft.type } : {}),
    ...(Object.keys(values).length ? { custom_fields: values } : {}),
  };
}

function roleText(t: IncidentType): string {
  const label = (r: string) => r.replace("_", " ");
  return t.roles.map((r) => `${label(r.role)} ${r.person}`).join(", ");
}

export function TypePicker({
  value,
  onPick,
  error,
}: {
  value: string;
  onPick: (type: IncidentType | undefined, name: string) => void;
  error?: string | undefined;
}) {
  const types = useIncidentTypes();
  if (!types?.length && !value) return null;
  const picked = types?.find((t) => t.name === value);
  const hint = picked
    ? [
        picked.severity ? `${picked.severity} by default` : "no default severity",
        picked.roles.length ? `assigns ${roleText(picked)}` : null,
        picked.checklist === null
          ? "triage checklist"
          : `its own checklist (${picked.checklist.length} task${picked.checklist.length === 1 ? "" : "s"})`,
      ]
        .filter(Boolean)
        .join(" · ")
    : "Optional: a type fills in severity, services, roles, checklist and fields. What you set wins.";
  return (
    <Field label="Incident type" hint={hint} error={error}>
      {(ids) => (
        <select
          {...ids}
          name="type"
          value={value}
          onChange={(e) =>
            onPick(
              types?.find((t) => t.name === e.target.value),
              e.target.value,
            )
          }
        >
          <option value="">None</option>
          {value && !picked ? <option value={value}>{value}</option> : null}
          {types?.map((t) => (
            <option key={t.id} value={t.name}>
              {t.name}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function CustomFieldInputs({
  values,
  onChange,
  errors,
}: {
  values: Record<string, string>;
  onChange: (key: string, value: string) => void;
  errors: Record<string, string>;
}) {
  const fields = useCustomFields();
  if (!fields?.length) return null;
  return (
    <fieldset className="custom-fields-inputs">
      <legend>Custom fields</legend>
      <div className="form-row">
        {fields.map((f) => (
          <Field key={f.key} label={f.label} hint={f.description || undefined} error={errors[f.key]}>
            {(ids) => (
              <FieldValueInput
                field={f}
                value={values[f.key] ?? ""}
                onChange={(v) => onChange(f.key, v)}
                ids={ids}
              />
            )}
          </Field>
        ))}
      </div>
    </fieldset>
  );
}

export { useCustomFields };
