import { useState } from "react";
import { errorMessage } from "../../api/client.ts";
import { useResource } from "../../api/resource.ts";
import { deleteComponent, listComponents, setComponentStatus } from "../../api/status-page.ts";
import { COMPONENT_STATUSES, type ComponentStatus, type StatusComponent } from "../../api/types.ts";
import { Link } from "../../router.tsx";
import { LoadError } from "../../ui/banner.tsx";
import { ConfirmDialog, useConfirmedDelete } from "../../ui/confirm.tsx";
import { RelativeTime } from "../../ui/time.tsx";
import { useDocumentTitle } from "../../ui/title.ts";
import { toast } from "../../ui/toast.tsx";
import { ComponentForm } from "./ComponentForm.tsx";
import {
  ComponentStatusBadge,
  componentStatusLabel,
  StatusPageFrame,
  useStatusPageRefresh,
} from "./common.tsx";

// Components and groups: what the public sees, each with the status it shows now. A component follows
// the incidents on its linked services (and its maintenance) unless a status is set by hand here.

type Editing = { kind: "new-component" } | { kind: "new-group" } | { kind: "edit"; id: string } | null;

export function ComponentsPage() {
  useDocumentTitle("Status page components");
  const list = useResource("status-components", (signal) => listComponents(signal));
  useStatusPageRefresh(list.reload);
  const [editing, setEditing] = useState<Editing>(null);
  const all = list.data?.components;
  const groups = (all ?? []).filter((c) => c.is_group);
  const deletion = useConfirmedDelete(
    (c: StatusComponent) => deleteComponent(c.id),
    (c) => {
      toast(`Deleted ${c.is_group ? "group" : "component"} ${c.name}`);
      list.reload();
    },
  );
  const saved = () => {
    setEditing(null);
    list.reload();
  };
  // The server lists them in display order: each group followed by its components.
  const ordered = all ?? [];
  return (
    <StatusPageFrame>
      <div className="section-head status-admin-head">
        <p className="muted page-intro">
          Components are what the public sees: parts of your product ("API", "Checkout") in groups. An open
          incident on a linked service gives its component a status by the incident's severity (see Settings);
          a status set by hand wins until you set it back to automatic.
        </p>
        {editing === null ? (
          <div className="btn-row push-right">
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => setEditing({ kind: "new-component" })}
            >
              <span aria-hidden="true">+</span> New component
            </button>
            <button
              type="button"
              className="btn btn-secondary"
              onClick={() => setEditing({ kind: "new-group" })}
            >
              New group
            </button>
          </div>
        ) : null}
      </div>
      {editing?.kind === "new-component" || editing?.kind === "new-group" ? (
        <ComponentForm
          isGroup={editing.kind === "new-group"}
          groups={groups}
          nextPosition={(all ?? []).filter((c) => c.group_id === null).length}
          onCancel={() => setEditing(null)}
          onSaved={saved}
        />
      ) : null}
      {list.error && !all ? <LoadError what="components" error={list.error} onRetry={list.reload} /> : null}
      {all && all.length === 0 && editing === null ? (
        <div className="empty">
          <p className="empty-title">No components yet</p>
          <p className="muted">
            Components are what the public sees on the status page. Link each to the services it runs on, and
            incidents on those services show on the page by themselves.
          </p>
          <button
            type="button"
            className="btn btn-secondary"
            onClick={() => setEditing({ kind: "new-component" })}
          >
            Add the first component
          </button>
        </div>
      ) : null}
      {!all && !list.error ? (
        <div className="detail-skeleton" aria-busy="true">
          <span className="skeleton" />
          <span className="skeleton" />
          <span className="sr-only">Loading components…</span>
        </div>
      ) : null}
      {ordered.length ? (
        <ul className="card component-list" aria-label="Components">
          {ordered.map((c) =>
            editing?.kind === "edit" && editing.id === c.id ? (
              <li key={c.id} className={`component-edit${c.group_id ? " component-child" : ""}`}>
                <ComponentForm
                  component={c}
                  isGroup={c.is_group}
                  groups={groups.filter((g) => g.id !== c.id)}
                  nextPosition={c.position}
                  onCancel={() => setEditing(null)}
                  onSaved={saved}
                />
              </li>
            ) : (
              <ComponentRow
                key={c.id}
                component={c}
                members={c.is_group ? all?.filter((x) => x.group_id === c.id) : undefined}
                onEdit={() => setEditing({ kind: "edit", id: c.id })}
                onDelete={() => deletion.ask(c)}
                onChanged={list.reload}
              />
            ),
          )}
        </ul>
      ) : null}
      <ConfirmDialog
        {...deletion.dialog}
        title={`Delete ${deletion.target?.is_group ? "group" : "component"} ${deletion.target?.name ?? ""}?`}
        confirmLabel={deletion.target?.is_group ? "Delete group" : "Delete component"}
      >
        {deletion.target?.is_group ? (
          <p>The group goes from the public page; its components stay and move to the top level.</p>
        ) : (
          <p>It goes from the public page, with its uptime history. This cannot be undone.</p>
        )}
      </ConfirmDialog>
    </StatusPageFrame>
  );
}

function ComponentRow({
  component: c,
  members,
  onEdit,
  onDelete,
  onChanged,
}: {
  component: StatusComponent;
  members: StatusComponent[] | undefined;
  onEdit: () => void;
  onDelete: () => void;
  onChanged: () => void;
}) {
  return (
    <li
      className={`component-row${c.is_group ? " component-group" : ""}${c.group_id ? " component-child" : ""}`}
      data-component={c.name}
    >
      <div className="row-main">
        <div className="row-title">
          <span className="component-name">{c.name}</span>
          {c.is_group ? <span className="tag">Group · {members?.length ?? 0}</span> : null}
          <ComponentStatusBadge status={c.status} />
          {c.manual_status ? (
            <span
              className="tag tag-warn"
              title={c.manual_status_by ? `Set by ${c.manual_status_by}` : undefined}
            >
              Set by hand
            </span>
          ) : null}
          {!c.is_group && !c.showcase ? <span className="tag">No uptime bar</span> : null}
          {c.only_show_if_degraded ? <span className="tag">Shown only when degraded</span> : null}
        </div>
        {c.description ? <span className="muted small">{c.description}</span> : null}
        {!c.is_group ? (
          <span className="small component-services">
            {c.services.length ? (
              <>
                <span className="muted">Services: </span>
                <span className="chips">
                  {c.services.map((s) => (
                    <Link key={s} href={`/services/${encodeURIComponent(s)}`} className="chip">
                      {s}
                    </Link>
                  ))}
                </span>
              </>
            ) : (
              <span className="muted">
                No linked services: its status changes only by hand or maintenance.
              </span>
            )}
          </span>
        ) : null}
        {c.manual_status && c.manual_status_at ? (
          <span className="muted small">
            {componentStatusLabel(c.manual_status)} set by {c.manual_status_by ?? "someone"}{" "}
            <RelativeTime iso={c.manual_status_at} />
          </span>
        ) : null}
      </div>
      <div className="component-tools">
        {!c.is_group ? <StatusSelect component={c} onChanged={onChanged} /> : null}
        <button type="button" className="btn btn-ghost btn-xs" onClick={onEdit}>
          Edit<span className="sr-only"> {c.name}</span>
        </button>
        <button type="button" className="btn btn-ghost btn-xs" onClick={onDelete}>
          Delete<span className="sr-only"> {c.name}</span>
        </button>
      </div>
    </li>
  );
}

/** The hand-set status: "Automatic (from incidents)" or one of the five. Applies on change. */
function StatusSelect({ component, onChanged }: { component: StatusComponent; onChanged: () => void }) {
  const [busy, setBusy] = useState(false);
  const change = async (value: string) => {
    setBusy(true);
    try {
      const status = value ? (value as ComponentStatus) : null;
      await setComponentStatus(component.id, status);
      toast(
        status
          ? `${component.name} is ${componentStatusLabel(status)} (set by hand)`
          : `${component.name} follows its incidents again`,
      );
      onChanged();
    } catch (error) {
      toast(`Could not set the status of ${component.name}: ${errorMessage(error)}`, "error");
    } finally {
      setBusy(false);
    }
  };
  return (
    <select
      className="inline-select component-status-select"
      aria-label={`Status of ${component.name}`}
      value={component.manual_status ?? ""}
      disabled={busy}
      onChange={(e) => void change(e.target.value)}
    >
      <option value="">Automatic (from incidents)</option>
      {COMPONENT_STATUSES.map((s) => (
        <option key={s} value={s}>
          {componentStatusLabel(s)}
        </option>
      ))}
    </select>
  );
}
