import { type FormEvent, useEffect, useRef, useState } from "react";
import { createService, listServices } from "../../api/endpoints.ts";
import { useResource } from "../../api/resource.ts";
import type { OnAlertsResolved, ServiceSummary } from "../../api/types.ts";
import { useLiveEvents } from "../../live/events.ts";
import { Link, navigate } from "../../router.tsx";
import { useAction } from "../../ui/action.ts";
import { HealthBadge } from "../../ui/badge.tsx";
import { ErrorNote, LoadError } from "../../ui/banner.tsx";
import { Field, type FieldIds, FormActions } from "../../ui/field.tsx";
import { ListTable, PlainHeaders } from "../../ui/table.tsx";
import { RelativeTime } from "../../ui/time.tsx";
import { useDocumentTitle } from "../../ui/title.ts";
import { toast } from "../../ui/toast.tsx";
import { refreshServices } from "../incidents/reference-data.ts";
import { refreshServiceHealth } from "./service-health.ts";

// Every service with its health (derived on the server from health checks and open alerts), and a
// form to add one. A service's own page holds its integrations, checks and maintenance windows.

const COLUMNS = [
  { label: "Service", className: "col-name" },
  { label: "Health", className: "col-health" },
  { label: "Description", className: "col-desc" },
  { label: "Created", className: "col-created" },
];

export function ServicesPage() {
  useDocumentTitle("Services");
  const list = useResource("services", (signal) => listServices(signal));
  // Health follows alerts, and alerts announce themselves through the incidents they open.
  useLiveEvents(() => list.reload());
  const [creating, setCreating] = useState(false);
  const items = list.data?.items;

  return (
    <main className="page" id="main">
      <div className="page-head">
        <h1>Services</h1>
        {!creating ? (
          <button type="button" className="btn btn-primary push-right" onClick={() => setCreating(true)}>
            <span aria-hidden="true">+</span> New service
          </button>
        ) : null}
      </div>

      {creating ? <NewServiceForm onCancel={() => setCreating(false)} /> : null}

      {list.error && !items ? <LoadError what="services" error={list.error} onRetry={list.reload} /> : null}

      <ListTable
        className="data-table service-table"
        caption="Services and their health"
        header={<PlainHeaders columns={COLUMNS} />}
        columnCount={COLUMNS.length}
        items={items}
        error={list.error}
        loading={list.loading}
        skeletonRows={4}
        row={(s) => <ServiceRow key={s.id} service={s} />}
        empty={
          <div className="empty">
            <p className="empty-title">No services yet.</p>
            <p className="muted">
              A service is what alerts arrive for and incidents affect: add one, then connect its alert
              sources.
            </p>
            {!creating ? (
              <button type="button" className="btn btn-secondary" onClick={() => setCreating(true)}>
                Create the first service
              </button>
            ) : null}
          </div>
        }
      />
    </main>
  );
}

function ServiceRow({ service }: { service: ServiceSummary }) {
  return (
    <tr className="data-row" data-name={service.name}>
      <td className="col-name">
        <Link href={`/services/${encodeURIComponent(service.name)}`} className="row-link">
          {service.name}
        </Link>
      </td>
      <td className="col-health">
        <HealthBadge health={service.health} />
        {service.health.reasons.length ? (
          <span className="muted small health-reason" aria-hidden="true">
            {service.health.reasons[0]}
          </span>
        ) : null}
      </td>
      <td className="col-desc" title={service.description || undefined}>
        {service.description || <span className="muted">—</span>}
      </td>
      <td className="col-created">
        <RelativeTime iso={service.created_at} />
      </td>
    </tr>
  );
}

export const ON_RESOLVED_OPTIONS: { value: OnAlertsResolved | ""; label: string }[] = [
  { value: "", label: "Default" },
  { value: "mitigating", label: "Mark the incident mitigating" },
  { value: "resolved", label: "Resolve the incident" },
  { value: "none", label: "Leave the incident as it is" },
];

/** What happens to an incident once all the alerts that opened it resolved ("" is the default). */
export function OnResolvedSelect({
  ids,
  value,
  onChange,
}: {
  ids: FieldIds;
  value: OnAlertsResolved | "";
  onChange: (value: OnAlertsResolved | "") => void;
}) {
  return (
    <select {...ids} value={value} onChange={(e) => onChange(e.target.value as OnAlertsResolved | "")}>
      {ON_RESOLVED_OPTIONS.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

function NewServiceForm({ onCancel }: { onCancel: () => void }) {
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [onResolved, setOnResolved] = useState<OnAlertsResolved | "">("");
  const nameRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    nameRef.current?.focus();
  }, []);
  const create = useAction(async () => {
    const created = await createService({
      name: name.trim(),
      ...(description.trim() ? { description: description.trim() } : {}),
      ...(onResolved ? { on_alerts_resolved: onResolved } : {}),
    });
    refreshServices();
    refreshServiceHealth();
    toast(`Created service ${created.name}`);
    navigate(`/services/${encodeURIComponent(created.name)}`);
  }, ["name", "description", "on_alerts_resolved"]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void create.run();
  };
  const f = create.fields;
  return (
    <form className="card stack-form new-service-form" onSubmit={submit} noValidate aria-label="New service">
      <h2>New service</h2>
      {create.error ? <ErrorNote>{create.error}</ErrorNote> : null}
      <div className="form-row">
        <Field
          label="Name"
          hint="Lower case, as alerts and incidents name it (e.g. checkout)."
          error={f.name}
          className="field-grow"
        >
          {(ids) => (
            <input
              {...ids}
              ref={nameRef}
              name="name"
              autoCapitalize="none"
              autoComplete="off"
              spellCheck={false}
              required
              value={name}
              placeholder="checkout"
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </Field>
        <Field
          label="When all its alerts resolve"
          hint="What happens to the incident they opened."
          error={f.on_alerts_resolved}
          className="field-grow"
        >
          {(ids) => <OnResolvedSelect ids={ids} value={onResolved} onChange={setOnResolved} />}
        </Field>
      </div>
      <Field label="Description" hint="What it is and who owns it (optional)." error={f.description}>
        {(ids) => (
          <textarea {...ids} rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
        )}
      </Field>
      <FormActions
        label="Create service"
        busyLabel="Creating…"
        busy={create.busy}
        disabled={!name.trim()}
        onCancel={onCancel}
      />
    </form>
  );
}
