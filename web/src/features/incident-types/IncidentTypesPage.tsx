import { useState } from "react";
import { deleteIncidentType, type IncidentType, listIncidentTypes } from "../../api/incident-types.ts";
import { useResource } from "../../api/resource.ts";
import { LoadError } from "../../ui/banner.tsx";
import { ConfirmDialog, useConfirmedDelete } from "../../ui/confirm.tsx";
import { useDocumentTitle } from "../../ui/title.ts";
import { toast } from "../../ui/toast.tsx";
import { refreshIncidentTypes } from "./reference.ts";
import { SettingsPage } from "./SettingsPage.tsx";
import { TypeForm } from "./TypeForm.tsx";

// Incident types: named defaults applied when an incident is declared with the type.

export function IncidentTypesPage() {
  useDocumentTitle("Incident types");
  const list = useResource("incident-types", (signal) => listIncidentTypes(signal));
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const changed = () => {
    list.reload();
    refreshIncidentTypes();
  };
  const deletion = useConfirmedDelete(
    (t: IncidentType) => deleteIncidentType(t.name),
    (t) => {
      toast(`Deleted incident type ${t.name}`);
      changed();
    },
  );
  const items = list.data?.items;
  return (
    <SettingsPage>
      <div className="page-head">
        <h1>Incident types</h1>
        {!creating ? (
          <button type="button" className="btn btn-primary push-right" onClick={() => setCreating(true)}>
            <span aria-hidden="true">+</span> New type
          </button>
        ) : null}
      </div>
      <p className="muted">
        Declaring an incident with a type fills in what the declarer leaves out: severity, services, role
        holders, the checklist and custom field values. What the declarer sets always wins.
      </p>
      {creating ? (
        <TypeForm
          onCancel={() => setCreating(false)}
          onSaved={() => {
            setCreating(false);
            changed();
          }}
        />
      ) : null}
      {list.error && !items ? (
        <LoadError what="incident types" error={list.error} onRetry={list.reload} />
      ) : null}
      {items && items.length === 0 && !creating ? (
        <div className="empty">
          <p className="empty-title">No incident types yet.</p>
          <button type="button" className="btn btn-secondary" onClick={() => setCreating(true)}>
            Create the first type
          </button>
        </div>
      ) : null}
      {items?.length ? (
        <ul className="card-list">
          {items.map((t) =>
            editing === t.id ? (
              <li key={t.id}>
                <TypeForm
                  type={t}
                  onCancel={() => setEditing(null)}
                  onSaved={() => {
                    setEditing(null);
                    changed();
                  }}
                />
              </li>
            ) : (
              <TypeCard
                key={t.id}
                type={t}
                onEdit={() => setEditing(t.id)}
                onDelete={() => deletion.ask(t)}
              />
            ),
          )}
        </ul>
      ) : null}
      <ConfirmDialog
        {...deletion.dialog}
        title={`Delete incident type ${deletion.target?.name ?? ""}?`}
        confirmLabel="Delete type"
      >
        <p>
          Incidents declared with it keep their values, checklist and roles; they show no type afterwards.
        </p>
      </ConfirmDialog>
    </SettingsPage>
  );
}

function TypeCard({
  type,
  onEdit,
  onDelete,
}: {
  type: IncidentType;
  onEdit: () => void;
  onDelete: () => void;
}) {
  const defaults = Object.entries(type.field_defaults);
  return (
    <li className="card" data-type={type.name}>
      <div className="rule-head">
        <h2 className="rule-name">{type.name}</h2>
        {type.severity ? (
          <span className={`tag sev-tag sev-${type.severity.toLowerCase()}`}>{type.severity}</span>
        ) : null}
        <span className="push-right" />
        <button type="button" className="btn btn-ghost btn-xs" onClick={onEdit}>
          Edit<span className="sr-only"> {type.name}</span>
        </button>
        <button type="button" className="btn btn-ghost btn-xs" onClick={onDelete}>
          Delete<span className="sr-only"> {type.name}</span>
        </button>
      </div>
      {type.description ? <p className="muted">{type.description}</p> : null}
      <dl className="facts">
        <div>
          <dt>Services</dt>
          <dd>{type.services.join(", ") || <span className="muted">—</span>}</dd>
        </div>
        <div>
          <dt>Roles</dt>
          <dd>
            {type.roles.map((r) => `${r.role.replace("_", " ")}: ${r.person}`).join(", ") || (
              <span className="muted">—</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Checklist</dt>
          <dd>
            {type.checklist === null
              ? "Built-in triage checklist"
              : type.checklist.length
                ? type.checklist.map((t) => `${t.title} (${t.due_minute} min)`).join("; ")
                : "None"}
          </dd>
        </div>
        {defaults.length ? (
          <div>
            <dt>Fields</dt>
            <dd>{defaults.map(([k, v]) => `${k}: ${v}`).join(", ")}</dd>
          </div>
        ) : null}
      </dl>
    </li>
  );
}
