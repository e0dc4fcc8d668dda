import { type FormEvent, useState } from "react";
import { ApiError } from "../../api/client.ts";
import {
  type ChecklistTask,
  createIncidentType,
  type IncidentType,
  keyedErrors,
  updateIncidentType,
} from "../../api/incident-types.ts";
import { SEVERITIES } from "../../api/types.ts";
import { useAction } from "../../ui/action.ts";
import { ErrorNote } from "../../ui/banner.tsx";
import { Field, FormActions, textInput } from "../../ui/field.tsx";
import { toast } from "../../ui/toast.tsx";
import { TokenInput, withPending } from "../../ui/token-input.tsx";
import { useServiceNames } from "../incidents/reference-data.ts";
import { FieldValueInput, toApiValue } from "./FieldValueInput.tsx";
import { useCustomFields } from "./reference.ts";

// Create or edit an incident type: default severity, services, role holders, checklist, field values.

const ROLES = [
  { role: "commander", label: "Commander" },
  { role: "communications_lead", label: "Comms lead" },
  { role: "scribe", label: "Scribe" },
  { role: "responder", label: "Responder" },
];

interface TaskDraft {
  key: string;
  title: string;
  due: string;
  details: string;
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63) || "task";

function toTasks(drafts: readonly TaskDraft[]): ChecklistTask[] {
  const used = new Set<string>();
  return drafts.map((t) => {
    let key = t.key || slug(t.title);
    for (let n = 2; used.has(key); n++) key = `${slug(t.title)}-${n}`;
    used.add(key);
    return {
      key,
      title: t.title.trim(),
      due_minute: Number(t.due),
      details: t.details
        .split("\n")
        .map((d) => d.trim())
        .filter(Boolean),
    };
  });
}

export function TypeForm({
  type,
  onCancel,
  onSaved,
}: {
  type?: IncidentType;
  onCancel: () => void;
  onSaved: (saved: IncidentType) => void;
}) {
  const fields = useCustomFields();
  const serviceNames = useServiceNames();
  const [name, setName] = useState(type?.name ?? "");
  const [description, setDescription] = useState(type?.description ?? "");
  const [severity, setSeverity] = useState(type?.severity ?? "");
  const [services, setServices] = useState<string[]>(type?.services ?? []);
  const [pendingService, setPendingService] = useState("");
  const [roles, setRoles] = useState(type?.roles.map((r) => ({ ...r })) ?? []);
  const [ownChecklist, setOwnChecklist] = useState(type ? type.checklist !== null : false);
  const [tasks, setTasks] = useState<TaskDraft[]>(
    (type?.checklist ?? []).map((t) => ({
      key: t.key,
      title: t.title,
      due: String(t.due_minute),
      details: t.details.join("\n"),
    })),
  );
  const [defaults, setDefaults] = useState<Record<string, string>>(
    Object.fromEntries(Object.entries(type?.field_defaults ?? {}).map(([k, v]) => [k, String(v)])),
  );
  const [defaultErrors, setDefaultErrors] = useState<Record<string, string>>({});
  const save = useAction(async () => {
    const fieldDefaults: Record<string, string | number> = {};
    for (const f of fields ?? []) {
      const v = toApiValue(f, defaults[f.key] ?? "");
      if (v !== null) fieldDefaults[f.key] = v;
    }
    const body = {
      name: name.trim(),
      description: description.trim(),
      severity: severity || null,
      services: withPending(services, pendingService),
      roles: roles.filter((r) => r.person.trim()).map((r) => ({ role: r.role, person: r.person.trim() })),
      checklist: ownChecklist ? toTasks(tasks) : null,
      field_defaults: fieldDefaults,
    };
    setDefaultErrors({});
    try {
      const saved = type ? await updateIncidentType(type.name, body) : await createIncidentType(body);
      toast(`${type ? "Saved" : "Created"} incident type ${saved.name}`);
      onSaved(saved);
    } catch (e) {
      if (e instanceof ApiError) setDefaultErrors(keyedErrors(e, "field_defaults"));
      throw e;
    }
  }, ["name", "description", "severity", "services", "roles", "checklist", "field_defaults"]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save.run();
  };
  const f = save.fields;
  const setTask = (i: number, patch: Partial<TaskDraft>) =>
    setTasks((ts) => ts.map((t, j) => (j === i ? { ...t, ...patch } : t)));
  return (
    <form
      className="card section stack-form new-form type-form"
      onSubmit={submit}
      noValidate
      aria-label={type ? `Edit incident type ${type.name}` : "New incident type"}
    >
      <h2>{type ? `Edit ${type.name}` : "New incident type"}</h2>
      {save.error ? <ErrorNote>{save.error}</ErrorNote> : null}
      <div className="form-row">
        <Field label="Name" error={f.name} className="field-grow">
          {textInput(name, setName, { placeholder: "Security breach", autoComplete: "off" })}
        </Field>
        <Field label="Default severity" error={f.severity}>
          {(ids) => (
            <select {...ids} value={severity} onChange={(e) => setSeverity(e.target.value)}>
              <option value="">None (declarer picks)</option>
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field label="Description" hint="Optional: when to use this type." error={f.description}>
        {textInput(description, setDescription)}
      </Field>
      <Field label="Default services" hint="Added to the services the declarer names." error={f.services}>
        {(ids) => (
          <TokenInput
            ids={ids}
            value={services}
            onChange={setServices}
            pending={pendingService}
            onPendingChange={setPendingService}
            suggestions={serviceNames}
            placeholder="auth, api"
            removeLabel="Remove service"
          />
        )}
      </Field>
      <fieldset className="type-roles">
        <legend>Role holders</legend>
        <p className="hint">The commander applies when the declarer names none.</p>
        {roles.map((r, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place
          <div key={i} className="form-row">
            <select
              aria-label={`Role ${i + 1}`}
              value={r.role}
              onChange={(e) =>
                setRoles((rs) =>
                  rs.map((x, j) => (j === i ? { ...x, role: e.target.value as typeof r.role } : x)),
                )
              }
            >
              {ROLES.map((o) => (
                <option key={o.role} value={o.role}>
                  {o.label}
                </option>
              ))}
            </select>
            <input
              aria-label={`Person for role ${i + 1}`}
              value={r.person}
              placeholder="alice"
              autoCapitalize="none"
              spellCheck={false}
              onChange={(e) =>
                setRoles((rs) => rs.map((x, j) => (j === i ? { ...x, person: e.target.value } : x)))
              }
            />
            <button
              type="button"
              className="btn btn-ghost btn-xs"
              onClick={() => setRoles((rs) => rs.filter((_, j) => j !== i))}
            >
              Remove<span className="sr-only"> role {i + 1}</span>
            </button>
          </div>
        ))}
        {f.roles ? <div className="field-error">{f.roles}</div> : null}
        <button
          type="button"
          className="btn btn-secondary btn-sm"
          onClick={() =>
            setRoles((rs) => [...rs, { role: rs.length ? "responder" : "commander", person: "" }])
          }
        >
          Add role holder
        </button>
      </fieldset>
      <fieldset className="type-checklist">
        <legend>Checklist</legend>
        <label className="check-label">
          <input type="checkbox" checked={ownChecklist} onChange={(e) => setOwnChecklist(e.target.checked)} />
          Use this type's own checklist instead of the built-in triage checklist
        </label>
        {ownChecklist ? (
          <>
            {tasks.length === 0 ? (
              <p className="muted small">No tasks: incidents of this type get no checklist.</p>
            ) : null}
            <ol className="task-editor">
              {tasks.map((t, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: tasks are edited in place, by position
                <li key={i} className="form-row">
                  <input
                    aria-label={`Task ${i + 1} title`}
                    className="field-grow"
                    value={t.title}
                    placeholder="Rotate exposed keys"
                    onChange={(e) => setTask(i, { title: e.target.value })}
                  />
                  <input
                    aria-label={`Task ${i + 1} due minute`}
                    type="number"
                    min={0}
                    size={4}
                    value={t.due}
                    onChange={(e) => setTask(i, { due: e.target.value })}
                  />
                  <span className="muted small">min</span>
                  <textarea
                    aria-label={`Task ${i + 1} steps, one per line`}
                    rows={2}
                    value={t.details}
                    placeholder="Steps, one per line"
                    onChange={(e) => setTask(i, { details: e.target.value })}
                  />
                  <button
                    type="button"
                    className="btn btn-ghost btn-xs"
                    onClick={() => setTasks((ts) => ts.filter((_, j) => j !== i))}
                  >
                    Remove<span className="sr-only"> task {i + 1}</span>
                  </button>
                </li>
              ))}
            </ol>
            {f.checklist ? <div className="field-error">{f.checklist}</div> : null}
            <button
              type="button"
              className="btn btn-secondary btn-sm"
              onClick={() =>
                setTasks((ts) => [
                  ...ts,
                  { key: "", title: "", due: String((ts.length + 1) * 5), details: "" },
                ])
              }
            >
              Add task
            </button>
          </>
        ) : null}
      </fieldset>
      {fields?.length ? (
        <fieldset className="type-defaults">
          <legend>Default field values</legend>
          <div className="form-row">
            {fields.map((cf) => (
              <Field key={cf.key} label={cf.label} error={defaultErrors[cf.key]}>
                {(ids) => (
                  <FieldValueInput
                    field={cf}
                    ids={ids}
                    value={defaults[cf.key] ?? ""}
                    onChange={(v) => setDefaults((d) => ({ ...d, [cf.key]: v }))}
                  />
                )}
              </Field>
            ))}
          </div>
        </fieldset>
      ) : null}
      <FormActions
        label={type ? "Save type" : "Create type"}
        busyLabel="Saving…"
        busy={save.busy}
        disabled={!name.trim()}
        onCancel={onCancel}
      />
    </form>
  );
}
