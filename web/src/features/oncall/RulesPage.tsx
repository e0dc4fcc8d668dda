import { type FormEvent, useState } from "react";
import { createRule, deleteRule, listRules, updateRule } from "../../api/oncall.ts";
import type { EscalationRule } from "../../api/oncall-types.ts";
import { useResource } from "../../api/resource.ts";
import { SEVERITIES } from "../../api/types.ts";
import { ErrorNote, LoadError } from "../../ui/banner.tsx";
import { ConfirmDialog, useConfirmedDelete } from "../../ui/confirm.tsx";
import { Field, FormActions, textInput } from "../../ui/field.tsx";
import { useDocumentTitle } from "../../ui/title.ts";
import { toast } from "../../ui/toast.tsx";
import { OnCallPage, TargetChip, useDirectory, Warnings } from "./common.tsx";
import { placeByPrefix, useSubmit } from "./submit.ts";
import { type TargetDraft, TargetsEditor } from "./TargetsEditor.tsx";

// Escalation rules: "SEV1 unresolved for 30 min → the engineering managers", "tag data-breach → legal".
// They fire once per open incident that matches, on top of the services' escalation policies.

export function RulesPage() {
  useDocumentTitle("Escalation rules");
  const list = useResource("rules", (signal) => listRules(signal));
  const [creating, setCreating] = useState(false);
  const items = list.data?.items;
  const deletion = useConfirmedDelete(
    (r: EscalationRule) => deleteRule(r.name),
    (r) => {
      toast(`Deleted rule ${r.name}`);
      list.reload();
    },
  );
  return (
    <OnCallPage>
      <div className="page-head">
        <h1>Escalation rules</h1>
        {!creating ? (
          <button type="button" className="btn btn-primary push-right" onClick={() => setCreating(true)}>
            <span aria-hidden="true">+</span> New rule
          </button>
        ) : null}
      </div>
      <p className="muted page-intro">
        A rule notifies more people when an open incident matches it: a severity, a tag, or being unresolved
        for a while. Each rule fires once per incident.
      </p>
      {creating ? (
        <NewRuleForm
          onCancel={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            list.reload();
          }}
        />
      ) : null}
      {list.error && !items ? (
        <LoadError what="escalation rules" error={list.error} onRetry={list.reload} />
      ) : null}
      {items && items.length === 0 && !creating ? (
        <div className="empty">
          <p className="empty-title">No escalation rules.</p>
          <p className="muted">Incidents page only through their services' escalation policies.</p>
          <button type="button" className="btn btn-secondary" onClick={() => setCreating(true)}>
            Create a rule
          </button>
        </div>
      ) : null}
      {items?.length ? (
        <ul className="card-list">
          {items.map((r) => (
            <RuleCard key={r.id} rule={r} onChanged={list.reload} onDelete={() => deletion.ask(r)} />
          ))}
        </ul>
      ) : null}
      <ConfirmDialog
        {...deletion.dialog}
        title={`Delete rule ${deletion.target?.name ?? ""}?`}
        confirmLabel="Delete rule"
      >
        <p>Incidents that match it no longer notify its targets.</p>
      </ConfirmDialog>
    </OnCallPage>
  );
}

function RuleCard({
  rule,
  onChanged,
  onDelete,
}: {
  rule: EscalationRule;
  onChanged: () => void;
  onDelete: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const toggle = async (enabled: boolean) => {
    setBusy(true);
    setError(null);
    try {
      await updateRule(rule.name, { enabled });
      toast(enabled ? `Rule ${rule.name} is on` : `Rule ${rule.name} is paused`);
      onChanged();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <li className={`card rule-card${rule.enabled ? "" : " is-paused"}`} data-name={rule.name}>
      <div className="rule-head">
        <h2 className="rule-name">{rule.name}</h2>
        {rule.enabled ? null : <span className="tag">paused</span>}
        <label className="check-label push-right">
          <input
            type="checkbox"
            checked={rule.enabled}
            disabled={busy}
            onChange={(e) => void toggle(e.target.checked)}
          />
          Enabled
        </label>
        <button type="button" className="btn btn-ghost btn-xs" onClick={onDelete}>
          Delete
        </button>
      </div>
      <p className="rule-condition">
        <span className="muted">When </span>
        <strong>{rule.condition}</strong>
        <span className="muted"> → notify </span>
        <span className="chips">
          {rule.targets.map((t) => (
            <TargetChip key={`${t.type}:${t.id}`} target={t} />
          ))}
        </span>
      </p>
      <Warnings warnings={rule.warnings} />
      {error ? <ErrorNote>{error}</ErrorNote> : null}
    </li>
  );
}

const KNOWN = /^(name|severities|tags|unresolved_minutes|enabled|targets(\.\d+)?)$/;
const byPrefix = placeByPrefix(["targets"]);
const place = (path: string) => {
  const key = byPrefix(path).replace(/^(targets\.\d+)\..*$/, "$1");
  return KNOWN.test(key) ? key : null;
};

function NewRuleForm({ onCancel, onCreated }: { onCancel: () => void; onCreated: () => void }) {
  const dir = useDirectory();
  const [name, setName] = useState("");
  const [severities, setSeverities] = useState<string[]>([]);
  const [tags, setTags] = useState("");
  const [minutes, setMinutes] = useState("");
  const [targets, setTargets] = useState<TargetDraft[]>([]);
  const create = useSubmit(async () => {
    const tagList = tags
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean);
    const rule = await createRule({
      name: name.trim(),
      severities,
      tags: tagList,
      unresolved_minutes: minutes.trim() === "" ? null : Number(minutes),
      targets: targets.map((t) => ({ type: t.type, name: t.name })),
    });
    toast(`Created rule ${rule.name}`);
    onCreated();
  }, place);
  const f = create.fields;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void create.run();
  };
  return (
    <form
      className="card section stack-form rule-form new-form"
      onSubmit={submit}
      noValidate
      aria-label="New escalation rule"
    >
      <h2>New escalation rule</h2>
      {create.error ? <ErrorNote>{create.error}</ErrorNote> : null}
      <div className="form-row">
        <Field label="Name" error={f.name} className="field-grow">
          {textInput(name, setName, { placeholder: "sev1-managers", autoComplete: "off" })}
        </Field>
        <Field
          label="Unresolved for (minutes)"
          hint="Empty: as soon as the incident matches."
          error={f.unresolved_minutes}
          className="field-number"
        >
          {textInput(minutes, setMinutes, { type: "number", min: 1, step: 1, inputMode: "numeric" })}
        </Field>
        <Field
          label="Tags"
          hint="Comma-separated; any of them matches. Empty: any tags."
          error={f.tags}
          className="field-grow"
        >
          {textInput(tags, setTags, { placeholder: "data-breach, security" })}
        </Field>
      </div>
      <fieldset className={`severity-checks${f.severities ? " has-error" : ""}`}>
        <legend>Severities (none checked: any)</legend>
        <div className="chips">
          {SEVERITIES.map((s) => (
            <label key={s} className={`day-toggle${severities.includes(s) ? " on" : ""}`}>
              <input
                type="checkbox"
                checked={severities.includes(s)}
                onChange={(e) =>
                  setSeverities((list) =>
                    e.target.checked
                      ? SEVERITIES.filter((x) => x === s || list.includes(x))
                      : list.filter((x) => x !== s),
                  )
                }
              />
              {s}
            </label>
          ))}
        </div>
        {f.severities ? <div className="field-error">{f.severities}</div> : null}
      </fieldset>
      <TargetsEditor
        targets={targets}
        onChange={setTargets}
        dir={dir}
        errors={f}
        prefix="targets"
        label="the rule"
      />
      <FormActions label="Create rule" busyLabel="Creating…" busy={create.busy} onCancel={onCancel} />
    </form>
  );
}
