import { type FormEvent, useState } from "react";
import { ApiError } from "../../api/client.ts";
import {
  type CustomField,
  createCustomField,
  deleteCustomField,
  type FieldKind,
  listCustomFields,
  updateCustomField,
} from "../../api/incident-types.ts";
import { useResource } from "../../api/resource.ts";
import { useAction } from "../../ui/action.ts";
import { ErrorNote, LoadError } from "../../ui/banner.tsx";
import { ConfirmDialog } from "../../ui/confirm.tsx";
import { Field, FormActions, textInput } from "../../ui/field.tsx";
import { useDocumentTitle } from "../../ui/title.ts";
import { toast } from "../../ui/toast.tsx";
import { refreshCustomFields } from "./reference.ts";
import { SettingsPage } from "./SettingsPage.tsx";

// Custom incident fields: text, number or select values incidents carry, set on declare and in the
// incident's sidebar, filterable in the incident list.

const KINDS: { kind: FieldKind; label: string }[] = [
  { kind: "text", label: "Text" },
  { kind: "number", label: "Number" },
  { kind: "select", label: "Select (one of a list)" },
];

const splitOptions = (text: string) =>
  text
    .split(/[,\n]/)
    .map((o) => o.trim())
    .filter(Boolean);

export function CustomFieldsPage() {
  useDocumentTitle("Custom fields");
  const list = useResource("custom-fields", (signal) => listCustomFields(signal));
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const changed = () => {
    list.reload();
    refreshCustomFields();
  };
  const items = list.data?.items;
  return (
    <SettingsPage>
      <div className="page-head">
        <h1>Custom fields</h1>
        {!creating ? (
          <button type="button" className="btn btn-primary push-right" onClick={() => setCreating(true)}>
            <span aria-hidden="true">+</span> New field
          </button>
        ) : null}
      </div>
      <p className="muted">
        Facts your incidents carry, such as a customer tier or orders lost. They are set when declaring and in
        an incident's sidebar, and the incident list filters on them.
      </p>
      {creating ? (
        <FieldForm
          onCancel={() => setCreating(false)}
          onSaved={() => {
            setCreating(false);
            changed();
          }}
        />
      ) : null}
      {list.error && !items ? (
        <LoadError what="custom fields" error={list.error} onRetry={list.reload} />
      ) : null}
      {items && items.length === 0 && !creating ? (
        <div className="empty">
          <p className="empty-title">No custom fields yet.</p>
          <button type="button" className="btn btn-secondary" onClick={() => setCreating(true)}>
            Define the first field
          </button>
        </div>
      ) : null}
      {items?.length ? (
        <ul className="card-list">
          {items.map((f) =>
            editing === f.key ? (
              <li key={f.key}>
                <FieldForm
                  field={f}
                  onCancel={() => setEditing(null)}
                  onSaved={() => {
                    setEditing(null);
                    changed();
                  }}
                />
              </li>
            ) : (
              <FieldCard key={f.key} field={f} onEdit={() => setEditing(f.key)} onDeleted={changed} />
            ),
          )}
        </ul>
      ) : null}
    </SettingsPage>
  );
}

function FieldCard({
  field,
  onEdit,
  onDeleted,
}: {
  field: CustomField;
  onEdit: () => void;
  onDeleted: () => void;
}) {
  const [asking, setAsking] = useState(false);
  const [inUse, setInUse] = useState<string | null>(null);
  const remove = useAction(async (force: boolean) => {
    try {
      const done = await deleteCustomField(field.key, force);
      toast(
        `Deleted field ${field.key}${done.values_removed ? ` and its value on ${done.values_removed} incident(s)` : ""}`,
      );
      setAsking(false);
      onDeleted();
    } catch (e) {
      // In use: say where, and offer to delete the values too.
      if (e instanceof ApiError && e.status === 409 && !force) {
        setInUse(e.message);
        return;
      }
      throw e;
    }
  });
  return (
    <li className="card" data-field={field.key}>
      <div className="rule-head">
        <h2 className="rule-name">{field.label}</h2>
        <code className="small">{field.key}</code>
        <span className="tag">{field.kind}</span>
        <span className="push-right" />
        <button type="button" className="btn btn-ghost btn-xs" onClick={onEdit}>
          Edit<span className="sr-only"> {field.label}</span>
        </button>
        <button
          type="button"
          className="btn btn-ghost btn-xs"
          onClick={() => {
            setInUse(null);
            remove.clear();
            setAsking(true);
          }}
        >
          Delete<span className="sr-only"> {field.label}</span>
        </button>
      </div>
      {field.description ? <p className="muted">{field.description}</p> : null}
      {field.options.length ? (
        <p className="chips">
          {field.options.map((o) => (
            <span key={o} className="chip">
              {o}
            </span>
          ))}
        </p>
      ) : null}
      <ConfirmDialog
        open={asking}
        title={`Delete field ${field.label}?`}
        confirmLabel={inUse ? "Delete field and its values" : "Delete field"}
        busy={remove.busy}
        error={remove.error}
        onClose={() => setAsking(false)}
        onConfirm={() => void remove.run(inUse !== null)}
      >
        {inUse ? (
          <p>
            {inUse.replace(/ Delete with force.*$/, "")} Deleting removes those values too; each incident's
            timeline records it.
          </p>
        ) : (
          <p>Incidents and incident types that use it will be named before anything is removed.</p>
        )}
      </ConfirmDialog>
    </li>
  );
}

function FieldForm({
  field,
  onCancel,
  onSaved,
}: {
  field?: CustomField;
  onCancel: () => void;
  onSaved: () => void;
}) {
  const [key, setKey] = useState(field?.key ?? "");
  const [label, setLabel] = useState(field?.label ?? "");
  const [kind, setKind] = useState<FieldKind>(field?.kind ?? "text");
  const [options, setOptions] = useState(field?.options.join(", ") ?? "");
  const [description, setDescription] = useState(field?.description ?? "");
  const save = useAction(async () => {
    const common = {
      label: label.trim(),
      description: description.trim(),
      ...(kind === "select" ? { options: splitOptions(options) } : {}),
    };
    if (field) {
      await updateCustomField(field.key, common);
      toast(`Saved field ${field.key}`);
    } else {
      const created = await createCustomField({ key: key.trim(), kind, ...common });
      toast(`Created field ${created.key}`);
    }
    onSaved();
  }, ["key", "label", "kind", "options", "description"]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save.run();
  };
  const f = save.fields;
  return (
    <form
      className="card section stack-form new-form"
      onSubmit={submit}
      noValidate
      aria-label={field ? `Edit field ${field.label}` : "New custom field"}
    >
      <h2>{field ? `Edit ${field.label}` : "New custom field"}</h2>
      {save.error ? <ErrorNote>{save.error}</ErrorNote> : null}
      <div className="form-row">
        <Field label="Label" error={f.label} className="field-grow">
          {textInput(
            label,
            (v) => {
              setLabel(v);
              if (!field)
                setKey(
                  v
                    .toLowerCase()
                    .replace(/[^a-z0-9]+/g, "_")
                    .replace(/^_+|_+$/g, "")
                    .slice(0, 40),
                );
            },
            { placeholder: "Customer tier", autoComplete: "off" },
          )}
        </Field>
        <Field
          label="Key"
          hint={
            field ? "Keys never change." : "Lower-case letters, digits and _; used in filters and the CLI."
          }
          error={f.key}
        >
          {textInput(key, setKey, {
            disabled: Boolean(field),
            placeholder: "customer_tier",
            autoComplete: "off",
          })}
        </Field>
        <Field label="Kind" hint={field ? "Kinds never change." : undefined} error={f.kind}>
          {(ids) => (
            <select
              {...ids}
              value={kind}
              disabled={Boolean(field)}
              onChange={(e) => setKind(e.target.value as FieldKind)}
            >
              {KINDS.map((k) => (
                <option key={k.kind} value={k.kind}>
                  {k.label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {kind === "select" ? (
        <Field
          label="Options"
          hint="Comma-separated, in display order, e.g. gold, silver, bronze."
          error={f.options}
        >
          {textInput(options, setOptions, { placeholder: "gold, silver, bronze" })}
        </Field>
      ) : null}
      <Field label="Description" hint="Optional: what the field means." error={f.description}>
        {textInput(description, setDescription)}
      </Field>
      <FormActions
        label={field ? "Save field" : "Create field"}
        busyLabel="Saving…"
        busy={save.busy}
        disabled={!label.trim() || !key.trim()}
        onCancel={onCancel}
      />
    </form>
  );
}
