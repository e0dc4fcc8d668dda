import { type FormEvent, useState } from "react";
import { patchIncident } from "../../api/endpoints.ts";
import { keyedErrors } from "../../api/incident-types.ts";
import { useAction } from "../../ui/action.ts";
import { ErrorNote } from "../../ui/banner.tsx";
import { Field } from "../../ui/field.tsx";
import { toast } from "../../ui/toast.tsx";
import type { DetailProps } from "../incidents/DetailPage.tsx";
import { FieldValueInput, toApiValue } from "./FieldValueInput.tsx";
import { useCustomFields } from "./reference.ts";

// The incident's type and custom field values in the sidebar; "Edit" changes the values (each change is an
// incident.updated timeline event; a cleared value is removed).

export function CustomFieldsPanel({ incident, apply }: Pick<DetailProps, "incident" | "apply">) {
  const fields = useCustomFields();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const values = incident.custom_fields ?? {};
  const save = useAction(async () => {
    const changes: Record<string, string | number | null> = {};
    for (const f of fields ?? []) {
      const next = toApiValue(f, draft[f.key] ?? "");
      const now = values[f.key] ?? null;
      if (next !== now) changes[f.key] = next;
    }
    setErrors({});
    if (Object.keys(changes).length) {
      try {
        apply(await patchIncident(incident.id, { custom_fields: changes }));
      } catch (e) {
        setErrors(keyedErrors(e, "custom_fields"));
        throw e;
      }
      toast("Custom fields saved");
    }
    setEditing(false);
  }, ["custom_fields"]);
  const known = new Set((fields ?? []).map((f) => f.key));
  const orphans = Object.keys(values).filter((k) => !known.has(k));
  if (!incident.type && !fields?.length && orphans.length === 0) return null;
  const startEdit = () => {
    setDraft(
      Object.fromEntries(
        (fields ?? []).map((f) => [f.key, values[f.key] === undefined ? "" : String(values[f.key])]),
      ),
    );
    setErrors({});
    save.clear();
    setEditing(true);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save.run();
  };
  return (
    <section className="card panel" aria-labelledby="custom-fields-h">
      <div className="section-head">
        <h2 id="custom-fields-h">Details</h2>
        {fields?.length && !editing ? (
          <button type="button" className="btn btn-ghost btn-xs push-right" onClick={startEdit}>
            Edit<span className="sr-only"> custom fields</span>
          </button>
        ) : null}
      </div>
      {editing ? (
        <form className="stack-form" onSubmit={submit} noValidate aria-label="Custom fields">
          {save.error && Object.keys(errors).length === 0 ? <ErrorNote>{save.error}</ErrorNote> : null}
          {fields?.map((f) => (
            <Field key={f.key} label={f.label} error={errors[f.key]}>
              {(ids) => (
                <FieldValueInput
                  field={f}
                  ids={ids}
                  value={draft[f.key] ?? ""}
                  onChange={(v) => setDraft((d) => ({ ...d, [f.key]: v }))}
                />
              )}
            </Field>
          ))}
          <div className="form-actions">
            <button type="submit" className="btn btn-primary btn-sm" disabled={save.busy}>
              {save.busy ? "Saving…" : "Save"}
            </button>
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <dl className="facts">
          <div>
            <dt>Type</dt>
            <dd>{incident.type ?? <span className="muted">None</span>}</dd>
          </div>
          {fields?.map((f) => (
            <div key={f.key}>
              <dt>{f.label}</dt>
              <dd data-field={f.key}>
                {values[f.key] === undefined ? <span className="muted">—</span> : String(values[f.key])}
              </dd>
            </div>
          ))}
          {orphans.map((k) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{String(values[k])}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}
