import { type FormEvent, useMemo, useState } from "react";
import { createPerson, listPeople } from "../../api/oncall.ts";
import { type PersonSummary, USER_ROLES } from "../../api/oncall-types.ts";
import { useResource } from "../../api/resource.ts";
import { Link, navigate } from "../../router.tsx";
import { useAction } from "../../ui/action.ts";
import { ErrorNote, LoadError } from "../../ui/banner.tsx";
import { Field, FormActions, textInput } from "../../ui/field.tsx";
import { Person } from "../../ui/person.tsx";
import { ListTable, PlainHeaders } from "../../ui/table.tsx";
import { useDocumentTitle } from "../../ui/title.ts";
import { toast } from "../../ui/toast.tsx";
import { useUser } from "../auth/session.tsx";
import { OnCallPage, personHref, WarningTag } from "./common.tsx";
import { browserZone, timeZoneList } from "./zone.ts";

// Everyone who can be paged, with their time zone and what keeps them from being reached.

const COLUMNS = [
  { label: "Person", className: "col-name" },
  { label: "Role", className: "col-role" },
  { label: "Time zone", className: "col-zone" },
  { label: "Contact methods", className: "col-methods" },
  { label: "Warnings", className: "col-warnings" },
];

export function PeoplePage() {
  useDocumentTitle("People");
  const user = useUser();
  const list = useResource("people", (signal) => listPeople(signal));
  const [creating, setCreating] = useState(false);
  const items = list.data?.items;
  return (
    <OnCallPage>
      <div className="page-head">
        <h1>People</h1>
        <Link href="/profile" className="btn btn-secondary push-right">
          My profile
        </Link>
        {user.role === "admin" && !creating ? (
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            <span aria-hidden="true">+</span> New person
          </button>
        ) : null}
      </div>
      {creating ? <NewPersonForm onCancel={() => setCreating(false)} /> : null}
      {list.error && !items ? <LoadError what="people" error={list.error} onRetry={list.reload} /> : null}
      <ListTable
        className="data-table people-table"
        caption="People"
        header={<PlainHeaders columns={COLUMNS} />}
        columnCount={COLUMNS.length}
        items={items}
        error={list.error}
        loading={list.loading}
        skeletonRows={3}
        row={(p) => <PersonRow key={p.id} person={p} />}
        empty={<p className="muted empty-inline">Nobody yet.</p>}
      />
    </OnCallPage>
  );
}

function PersonRow({ person }: { person: PersonSummary }) {
  return (
    <tr className="data-row" data-name={person.username}>
      <td className="col-name">
        <Link href={personHref(person.username)} className="row-link">
          <Person name={person.username} />
        </Link>
        {person.display_name ? <span className="muted small"> {person.display_name}</span> : null}
      </td>
      <td className="col-role">{person.role}</td>
      <td className="col-zone">{person.time_zone}</td>
      <td className="col-methods num">{person.contact_methods || <span className="gap-text">none</span>}</td>
      <td className="col-warnings">
        {person.warnings.length ? (
          <WarningTag warnings={person.warnings} />
        ) : (
          <span className="muted">—</span>
        )}
      </td>
    </tr>
  );
}

function NewPersonForm({ onCancel }: { onCancel: () => void }) {
  const zone = useMemo(browserZone, []);
  const zones = useMemo(() => timeZoneList(zone), [zone]);
  const [username, setUsername] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [timeZone, setTimeZone] = useState(zone);
  const [role, setRole] = useState<string>("responder");
  const create = useAction(async () => {
    const person = await createPerson({
      username: username.trim(),
      ...(displayName.trim() ? { display_name: displayName.trim() } : {}),
      time_zone: timeZone,
      role,
    });
    toast(`Added ${person.username}: now add how to reach them`);
    navigate(personHref(person.username));
  }, ["username", "display_name", "time_zone", "role"]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void create.run();
  };
  const f = create.fields;
  return (
    <form className="card section stack-form new-form" onSubmit={submit} noValidate aria-label="New person">
      <h2>New person</h2>
      {create.error ? <ErrorNote>{create.error}</ErrorNote> : null}
      <div className="form-row">
        <Field label="Username" error={f.username} className="field-grow">
          {textInput(username, setUsername, {
            autoCapitalize: "none",
            autoComplete: "off",
            spellCheck: false,
          })}
        </Field>
        <Field label="Display name" hint="Optional." error={f.display_name} className="field-grow">
          {textInput(displayName, setDisplayName)}
        </Field>
        <Field label="Time zone" error={f.time_zone} className="field-zone">
          {(ids) => (
            <select {...ids} value={timeZone} onChange={(e) => setTimeZone(e.target.value)}>
              {zones.map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Role" error={f.role} className="field-kind">
          {(ids) => (
            <select {...ids} value={role} onChange={(e) => setRole(e.target.value)}>
              {USER_ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <FormActions
        label="Add person"
        busyLabel="Adding…"
        busy={create.busy}
        disabled={!username.trim()}
        onCancel={onCancel}
      />
    </form>
  );
}
