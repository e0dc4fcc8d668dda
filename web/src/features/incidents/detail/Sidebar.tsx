import { type FormEvent, useState } from "react";
import { assignRole, patchIncident } from "../../../api/endpoints.ts";
import { OPEN_STATUSES, type Role, SEVERITIES, type Severity } from "../../../api/types.ts";
import { Link } from "../../../router.tsx";
import { useAction } from "../../../ui/action.ts";
import { severityWord } from "../../../ui/badge.tsx";
import { Person } from "../../../ui/person.tsx";
import { formatExact, formatSpan, LiveDuration, Stamp, useNow } from "../../../ui/time.tsx";
import { toast } from "../../../ui/toast.tsx";
import { TokenInput, withPending } from "../../../ui/token-input.tsx";
import { ServiceHealthBadge } from "../../alerts/IncidentAlerts.tsx";
import { CheckServices } from "../../runbooks/CheckServices.tsx";
import type { DetailProps } from "../DetailPage.tsx";
import { refreshServices, useServiceNames } from "../reference-data.ts";

// The right-hand column: summary with SLA clocks, roles, affected services.

export function SummaryPanel({ incident, apply, fetchedAt }: DetailProps & { fetchedAt: number }) {
  const open = OPEN_STATUSES.includes(incident.status);
  const severity = useAction(
    async (value: Severity) => {
      apply(await patchIncident(incident.id, { severity: value }));
      toast(`Severity is now ${value}`);
    },
    ["severity"],
  );
  return (
    <section className="card panel" aria-labelledby="summary-h">
      <h2 id="summary-h">Summary</h2>
      <SlaClocks incident={incident} />
      <dl className="facts">
        <div>
          <dt>Severity</dt>
          <dd>
            <label className="sr-only" htmlFor="severity-select">
              Severity
            </label>
            <select
              id="severity-select"
              className="inline-select"
              value={incident.severity}
              disabled={severity.busy}
              onChange={(e) => void severity.run(e.target.value as Severity)}
            >
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {s} · {severityWord(s)}
                </option>
              ))}
            </select>
            {severity.fields.severity || severity.error ? (
              <span className="field-error">{severity.fields.severity ?? severity.error}</span>
            ) : null}
          </dd>
        </div>
        <div>
          <dt>Commander</dt>
          <dd>
            {incident.roles.commander ? (
              <Person name={incident.roles.commander} />
            ) : (
              <span className="muted">Unassigned</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>
            <LiveDuration seconds={incident.duration_seconds} fetchedAt={fetchedAt} running={open} />
          </dd>
        </div>
        <Stamp label="Declared" iso={incident.created_at} />
        <Stamp label="Acknowledged" iso={incident.acknowledged_at} />
        <Stamp label="Mitigated" iso={incident.mitigated_at} />
        <Stamp label="Resolved" iso={incident.resolved_at} />
        {incident.closed_at ? <Stamp label="Closed" iso={incident.closed_at} /> : null}
        {incident.tags.length ? (
          <div>
            <dt>Tags</dt>
            <dd className="chips">
              {incident.tags.map((t) => (
                <span key={t} className="chip">
                  {t}
                </span>
              ))}
            </dd>
          </div>
        ) : null}
        {incident.related_alerts.length ? (
          <div>
            <dt>Alerts</dt>
            <dd className="mono small">{incident.related_alerts.join(", ")}</dd>
          </div>
        ) : null}
      </dl>
    </section>
  );
}

/** "Ack due in 3 min" / "Acknowledged after 2 min"; "Next update due in 12 min" / "Update overdue". */
function SlaClocks({ incident }: Pick<DetailProps, "incident">) {
  const now = useNow();
  const sla = incident.sla;
  const created = Date.parse(incident.created_at);
  const ackDue = Date.parse(sla.ack_due_at);
  let ack: { text: string; tone: "ok" | "warn" | "bad"; title: string };
  if (incident.acknowledged_at) {
    const after = (Date.parse(incident.acknowledged_at) - created) / 1000;
    const late = Date.parse(incident.acknowledged_at) > ackDue;
    ack = {
      text: `Acknowledged after ${formatSpan(after)}`,
      tone: late ? "warn" : "ok",
      title: `Target ${formatSpan(sla.ack_within_minutes * 60)}${late ? " (missed)" : " (met)"}`,
    };
  } else if (now < ackDue) {
    const left = (ackDue - now) / 1000;
    ack = {
      text: `Ack due in ${formatSpan(left)}`,
      tone: left < 120 ? "warn" : "ok",
      title: `Due ${formatExact(sla.ack_due_at)}`,
    };
  } else {
    ack = {
      text: `Ack overdue by ${formatSpan((now - ackDue) / 1000)}`,
      tone: "bad",
      title: `Was due ${formatExact(sla.ack_due_at)}`,
    };
  }

  let update: { text: string; tone: "ok" | "warn" | "bad" | "muted"; title: string };
  if (!sla.next_update_due_at) {
    update = { text: "No status updates due", tone: "muted", title: "The incident is resolved" };
  } else {
    const due = Date.parse(sla.next_update_due_at);
    update =
      now < due
        ? {
            text: `Next update due in ${formatSpan((due - now) / 1000)}`,
            tone: due - now < 120_000 ? "warn" : "ok",
            title: `Due ${formatExact(sla.next_update_due_at)}; every ${formatSpan(sla.update_every_minutes * 60)}`,
          }
        : {
            text: `Update overdue by ${formatSpan((now - due) / 1000)}`,
            tone: "bad",
            title: `Was due ${formatExact(sla.next_update_due_at)}; every ${formatSpan(sla.update_every_minutes * 60)}`,
          };
  }
  return (
    <ul className="sla" aria-label="SLA clocks">
      <li className={`sla-${ack.tone}`} title={ack.title}>
        <span className="sla-dot" aria-hidden="true" />
        {ack.text}
        <span className="sla-target">target {formatSpan(sla.ack_within_minutes * 60)}</span>
      </li>
      <li className={`sla-${update.tone}`} title={update.title}>
        <span className="sla-dot" aria-hidden="true" />
        {update.text}
        <span className="sla-target">every {formatSpan(sla.update_every_minutes * 60)}</span>
      </li>
    </ul>
  );
}

const SINGLE_ROLES: { role: Role; label: string; key: "commander" | "communications_lead" | "scribe" }[] = [
  { role: "commander", label: "Commander", key: "commander" },
  { role: "communications_lead", label: "Comms lead", key: "communications_lead" },
  { role: "scribe", label: "Scribe", key: "scribe" },
];

export function RolesPanel({ incident, apply }: DetailProps) {
  const [responder, setResponder] = useState("");
  const addResponder = useAction(async () => {
    apply(await assignRole(incident.id, "responder", responder.trim()));
    setResponder("");
  }, ["person", "role"]);
  const remove = useAction(async (role: Role, person: string) => {
    apply(await assignRole(incident.id, role, person, true));
  });
  return (
    <section className="card panel" aria-labelledby="roles-h">
      <h2 id="roles-h">Roles</h2>
      <ul className="roles">
        {SINGLE_ROLES.map((r) => (
          <RoleRow
            key={r.role}
            label={r.label}
            role={r.role}
            holder={incident.roles[r.key]}
            incidentId={incident.id}
            apply={apply}
            onRemove={(person) => void remove.run(r.role, person)}
          />
        ))}
        <li className="role-row role-responders">
          <span className="role-label">Responders</span>
          <div className="role-value">
            {incident.roles.responders.length ? (
              <ul className="responders">
                {incident.roles.responders.map((p) => (
                  <li key={p}>
                    <Person name={p} />
                    <button
                      type="button"
                      className="btn btn-ghost btn-icon btn-xs"
                      aria-label={`Remove responder ${p}`}
                      onClick={() => void remove.run("responder", p)}
                    >
                      ×
                    </button>
                  </li>
                ))}
              </ul>
            ) : (
              <span className="muted">None yet</span>
            )}
            <form
              className="mini-form"
              onSubmit={(e: FormEvent) => {
                e.preventDefault();
                if (responder.trim()) void addResponder.run();
              }}
            >
              <label htmlFor="add-responder" className="sr-only">
                Add a responder
              </label>
              <input
                id="add-responder"
                placeholder="Add responder"
                autoCapitalize="none"
                spellCheck={false}
                value={responder}
                aria-invalid={addResponder.fields.person ? true : undefined}
                onChange={(e) => setResponder(e.target.value)}
              />
              <button type="submit" className="btn btn-secondary btn-sm" disabled={addResponder.busy}>
                Add
              </button>
            </form>
            {addResponder.fields.person || addResponder.error ? (
              <span className="field-error">{addResponder.fields.person ?? addResponder.error}</span>
            ) : null}
          </div>
        </li>
      </ul>
      {remove.error ? <span className="field-error">{remove.error}</span> : null}
    </section>
  );
}

function RoleRow({
  label,
  role,
  holder,
  incidentId,
  apply,
  onRemove,
}: {
  label: string;
  role: Role;
  holder: string | null;
  incidentId: string;
  apply: DetailProps["apply"];
  onRemove: (person: string) => void;
}) {
  const [editing, setEditing] = useState(false);
  const [person, setPerson] = useState("");
  const assign = useAction(async () => {
    apply(await assignRole(incidentId, role, person.trim()));
    setEditing(false);
    toast(`${person.trim()} is ${label.toLowerCase()}`);
  }, ["person"]);
  const inputId = `role-${role}`;
  return (
    <li className="role-row">
      <span className="role-label" id={`${inputId}-label`}>
        {label}
      </span>
      <div className="role-value">
        {editing ? (
          <form
            className="mini-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (person.trim()) void assign.run();
            }}
          >
            <label htmlFor={inputId} className="sr-only">
              {label}
            </label>
            <input
              id={inputId}
              value={person}
              placeholder="handle"
              autoCapitalize="none"
              spellCheck={false}
              // biome-ignore lint/a11y/noAutofocus: the field the user just asked to edit
              autoFocus
              aria-invalid={assign.fields.person ? true : undefined}
              onChange={(e) => setPerson(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Escape") setEditing(false);
              }}
            />
            <button type="submit" className="btn btn-primary btn-sm" disabled={assign.busy}>
              Assign
            </button>
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </form>
        ) : (
          <>
            {holder ? <Person name={holder} /> : <span className="muted">—</span>}
            <span className="role-buttons">
              <button
                type="button"
                className="btn btn-ghost btn-xs"
                aria-label={holder ? `Change ${label.toLowerCase()}` : `Assign ${label.toLowerCase()}`}
                onClick={() => {
                  setPerson(holder ?? "");
                  setEditing(true);
                }}
              >
                {holder ? "Change" : "Assign"}
              </button>
              {holder ? (
                <button
                  type="button"
                  className="btn btn-ghost btn-icon btn-xs"
                  aria-label={`Remove ${holder} as ${label.toLowerCase()}`}
                  onClick={() => onRemove(holder)}
                >
                  ×
                </button>
              ) : null}
            </span>
          </>
        )}
        {assign.fields.person || assign.error ? (
          <span className="field-error">{assign.fields.person ?? assign.error}</span>
        ) : null}
      </div>
    </li>
  );
}

export function ServicesPanel({ incident, apply, refresh }: DetailProps) {
  const names = useServiceNames();
  const [adding, setAdding] = useState<string[]>([]);
  const [pending, setPending] = useState("");
  const add = useAction(async () => {
    const services = withPending(adding, pending);
    if (!services.length) return;
    apply(await patchIncident(incident.id, { add_services: services }));
    setAdding([]);
    setPending("");
    refreshServices();
  }, ["add_services"]);
  const remove = useAction(async (name: string) => {
    apply(await patchIncident(incident.id, { remove_services: [name] }));
  });
  return (
    <section className="card panel" aria-labelledby="services-h">
      <h2 id="services-h">Affected services</h2>
      {incident.affected_services.length ? (
        <ul className="service-list">
          {incident.affected_services.map((s) => (
            <li key={s}>
              <span className="service-health">
                <Link href={`/services/${encodeURIComponent(s)}`} className="service-name">
                  {s}
                </Link>
                <ServiceHealthBadge name={s} />
              </span>
              <button
                type="button"
                className="btn btn-ghost btn-icon btn-xs"
                aria-label={`Remove service ${s}`}
                onClick={() => void remove.run(s)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No services named.</p>
      )}
      <CheckServices incident={incident} refresh={refresh} />
      <form
        className="mini-form"
        onSubmit={(e) => {
          e.preventDefault();
          void add.run();
        }}
      >
        <label htmlFor="add-service" className="sr-only">
          Add affected services
        </label>
        <TokenInput
          ids={{ id: "add-service" }}
          value={adding}
          onChange={setAdding}
          pending={pending}
          onPendingChange={setPending}
          suggestions={names.filter((n) => !incident.affected_services.includes(n))}
          placeholder="Add service"
          removeLabel="Do not add"
        />
        <button
          type="submit"
          className="btn btn-secondary btn-sm"
          disabled={add.busy || (!adding.length && !pending.trim())}
        >
          Add
        </button>
      </form>
      {add.fields.add_services || add.error || remove.error ? (
        <span className="field-error">{add.fields.add_services ?? add.error ?? remove.error}</span>
      ) : null}
    </section>
  );
}
