import { type FormEvent, useEffect, useState } from "react";
import { createTeam, deleteTeam, listTeams, removeTeamMember, setTeamMember } from "../../api/oncall.ts";
import { TEAM_ROLES, type Team, type TeamRole } from "../../api/oncall-types.ts";
import { useResource } from "../../api/resource.ts";
import { useLocation } from "../../router.tsx";
import { useAction } from "../../ui/action.ts";
import { ErrorNote, LoadError } from "../../ui/banner.tsx";
import { ConfirmDialog, useConfirmedDelete } from "../../ui/confirm.tsx";
import { Field, FormActions, textInput } from "../../ui/field.tsx";
import { useDocumentTitle } from "../../ui/title.ts";
import { toast } from "../../ui/toast.tsx";
import { TokenInput, withPending } from "../../ui/token-input.tsx";
import { OnCallPage, PersonLink, useDirectory, Warnings } from "./common.tsx";

// Teams: people a policy level or a rule can page at once; the manager is who "the manager" means.

export function TeamsPage() {
  useDocumentTitle("Teams");
  const list = useResource("teams", (signal) => listTeams(signal));
  const dir = useDirectory();
  const [creating, setCreating] = useState(false);
  const items = list.data?.items;
  const deletion = useConfirmedDelete(
    (t: Team) => deleteTeam(t.name),
    (t) => {
      toast(`Deleted team ${t.name}`);
      list.reload();
    },
  );
  // Links to /teams#team-<name> scroll to the team once the list is there.
  const { href } = useLocation();
  useEffect(() => {
    void href;
    if (!items || !window.location.hash) return;
    document.getElementById(decodeURIComponent(window.location.hash.slice(1)))?.scrollIntoView();
  }, [items, href]);
  return (
    <OnCallPage>
      <div className="page-head">
        <h1>Teams</h1>
        {!creating ? (
          <button type="button" className="btn btn-primary push-right" onClick={() => setCreating(true)}>
            <span aria-hidden="true">+</span> New team
          </button>
        ) : null}
      </div>
      {creating ? (
        <NewTeamForm
          users={dir.users}
          onCancel={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            list.reload();
          }}
        />
      ) : null}
      {list.error && !items ? <LoadError what="teams" error={list.error} onRetry={list.reload} /> : null}
      {items && items.length === 0 && !creating ? (
        <div className="empty">
          <p className="empty-title">No teams yet.</p>
          <p className="muted">A team lets a policy level or a rule page several people at once.</p>
          <button type="button" className="btn btn-secondary" onClick={() => setCreating(true)}>
            Create the first team
          </button>
        </div>
      ) : null}
      {items?.length ? (
        <ul className="card-list">
          {items.map((t) => (
            <TeamCard
              key={t.id}
              team={t}
              users={dir.users}
              onChanged={list.reload}
              onDelete={() => deletion.ask(t)}
            />
          ))}
        </ul>
      ) : null}
      <ConfirmDialog
        {...deletion.dialog}
        title={`Delete team ${deletion.target?.name ?? ""}?`}
        confirmLabel="Delete team"
      >
        <p>Its members stay; policies and rules that page the team must be changed first.</p>
      </ConfirmDialog>
    </OnCallPage>
  );
}

function TeamCard({
  team,
  users,
  onChanged,
  onDelete,
}: {
  team: Team;
  users: string[];
  onChanged: () => void;
  onDelete: () => void;
}) {
  const [pick, setPick] = useState("");
  const [role, setRole] = useState<TeamRole>("member");
  const add = useAction(async () => {
    await setTeamMember(team.name, pick, role);
    toast(`${pick} joined ${team.name}`);
    setPick("");
    onChanged();
  });
  const remove = useAction(async (username: string) => {
    await removeTeamMember(team.name, username);
    toast(`${username} left ${team.name}`);
    onChanged();
  });
  const candidates = users.filter((u) => !team.members.some((m) => m.username === u));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (pick) void add.run();
  };
  return (
    <li className="card team-card" id={`team-${team.name}`} data-name={team.name}>
      <div className="rule-head">
        <h2 className="rule-name">{team.name}</h2>
        <span className="muted small">
          {team.members.length} member{team.members.length === 1 ? "" : "s"}
        </span>
        <button type="button" className="btn btn-ghost btn-xs push-right" onClick={onDelete}>
          Delete team
        </button>
      </div>
      {team.description ? <p className="muted">{team.description}</p> : null}
      <Warnings warnings={team.warnings} />
      {team.members.length ? (
        <ul className="row-list team-members">
          {team.members.map((m) => (
            <li key={m.username} className="row-item">
              <div className="row-main">
                <div className="row-title">
                  <PersonLink username={m.username} />
                  {m.display_name ? <span className="muted small">{m.display_name}</span> : null}
                  {m.role === "manager" ? <span className="tag tag-accent">manager</span> : null}
                </div>
              </div>
              <button
                type="button"
                className="btn btn-ghost btn-xs"
                disabled={remove.busy}
                onClick={() => void remove.run(m.username)}
                aria-label={`Remove ${m.username} from ${team.name}`}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <form className="add-member" onSubmit={submit} aria-label={`Add a member to ${team.name}`}>
        <select
          aria-label={`Person to add to ${team.name}`}
          value={pick}
          onChange={(e) => setPick(e.target.value)}
        >
          <option value="">Add a person…</option>
          {candidates.map((u) => (
            <option key={u} value={u}>
              {u}
            </option>
          ))}
        </select>
        <select
          aria-label="Role in the team"
          value={role}
          onChange={(e) => setRole(e.target.value as TeamRole)}
        >
          {TEAM_ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <button type="submit" className="btn btn-secondary btn-sm" disabled={!pick || add.busy}>
          Add
        </button>
      </form>
      {add.error || remove.error ? <ErrorNote>{add.error ?? remove.error}</ErrorNote> : null}
    </li>
  );
}

function NewTeamForm({
  users,
  onCancel,
  onCreated,
}: {
  users: string[];
  onCancel: () => void;
  onCreated: () => void;
}) {
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [members, setMembers] = useState<string[]>([]);
  const [pending, setPending] = useState("");
  const create = useAction(async () => {
    const team = await createTeam({
      name: name.trim(),
      ...(description.trim() ? { description: description.trim() } : {}),
      members: withPending(members, pending).map((username) => ({ username })),
    });
    toast(`Created team ${team.name}`);
    onCreated();
  }, ["name", "description", "members"]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void create.run();
  };
  const f = create.fields;
  return (
    <form className="card section stack-form new-form" onSubmit={submit} noValidate aria-label="New team">
      <h2>New team</h2>
      {create.error ? <ErrorNote>{create.error}</ErrorNote> : null}
      <div className="form-row">
        <Field label="Name" error={f.name} className="field-grow">
          {textInput(name, setName, { placeholder: "payments", autoComplete: "off" })}
        </Field>
        <Field label="Description" hint="Optional." error={f.description} className="field-grow">
          {textInput(description, setDescription)}
        </Field>
      </div>
      <Field label="Members" hint="Type or pick usernames; Enter adds one." error={f.members}>
        {(ids) => (
          <TokenInput
            ids={ids}
            value={members}
            onChange={setMembers}
            suggestions={users}
            pending={pending}
            onPendingChange={setPending}
            removeLabel="Remove member"
          />
        )}
      </Field>
      <FormActions
        label="Create team"
        busyLabel="Creating…"
        busy={create.busy}
        disabled={!name.trim()}
        onCancel={onCancel}
      />
    </form>
  );
}
