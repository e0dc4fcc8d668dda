import { type FormEvent, useState } from "react";
import { createPolicy, getPolicy, updatePolicy } from "../../api/oncall.ts";
import type { EscalationPolicy, PolicyInput } from "../../api/oncall-types.ts";
import { useResource } from "../../api/resource.ts";
import { Link, navigate } from "../../router.tsx";
import { ErrorNote } from "../../ui/banner.tsx";
import { DetailFallback } from "../../ui/detail-fallback.tsx";
import { Field, FormActions, textInput } from "../../ui/field.tsx";
import { useDocumentTitle } from "../../ui/title.ts";
import { toast } from "../../ui/toast.tsx";
import { OnCallPage, policyHref, useDirectory } from "./common.tsx";
import { focusFirstError, newKey, placeByPrefix, useSubmit } from "./submit.ts";
import { type TargetDraft, TargetsEditor, targetDrafts } from "./TargetsEditor.tsx";

// Create or edit an escalation policy: levels in order, each with its targets, how long it waits for an
// acknowledgement (empty: the incident severity's ack target) and round robin; how often it repeats.

interface LevelDraft {
  key: number;
  delay: string;
  round_robin: boolean;
  targets: TargetDraft[];
}

const KNOWN = /^(name|description|repeat|levels(\.\d+(\.(delay_minutes|round_robin|targets(\.\d+)?))?)?)$/;
const byPrefix = placeByPrefix(["levels", "targets"]);
const place = (path: string) => {
  // "levels.0.targets.1.name" shows on target row 1 of level 0.
  const key = byPrefix(path).replace(/^(levels\.\d+\.targets\.\d+)\..*$/, "$1");
  return KNOWN.test(key) ? key : null;
};

const emptyLevel = (): LevelDraft => ({ key: newKey(), delay: "", round_robin: false, targets: [] });

export function NewPolicyPage() {
  useDocumentTitle("New escalation policy");
  return (
    <OnCallPage>
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href="/escalation-policies">Escalation policies</Link>
      </nav>
      <h1 className="form-title">New escalation policy</h1>
      <PolicyEditor />
    </OnCallPage>
  );
}

export function EditPolicyPage({ name }: { name: string }) {
  const resource = useResource(name, (signal) => getPolicy(name, signal));
  useDocumentTitle(`Edit ${name}`);
  const policy = resource.data;
  if (!policy)
    return (
      <DetailFallback
        name={name}
        back={{ href: "/escalation-policies", label: "Escalation policies" }}
        error={resource.error}
        onRetry={resource.reload}
        notFound={{
          title: `No escalation policy “${name}”`,
          href: "/escalation-policies",
          link: "All policies",
        }}
      />
    );
  return (
    <OnCallPage>
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href="/escalation-policies">Escalation policies</Link>
        <span aria-hidden="true"> / </span>
        <Link href={policyHref(policy.name)}>{policy.name}</Link>
      </nav>
      <h1 className="form-title">Edit {policy.name}</h1>
      <PolicyEditor key={policy.updated_at} initial={policy} />
    </OnCallPage>
  );
}

function PolicyEditor({ initial }: { initial?: EscalationPolicy }) {
  const dir = useDirectory();
  const [name, setName] = useState(initial?.name ?? "");
  const [description, setDescription] = useState(initial?.description ?? "");
  const [repeat, setRepeat] = useState(String(initial?.repeat ?? 0));
  const [levels, setLevels] = useState<LevelDraft[]>(() =>
    initial?.levels.length
      ? initial.levels.map((l) => ({
          key: newKey(),
          delay: l.delay_minutes === null ? "" : String(l.delay_minutes),
          round_robin: l.round_robin,
          targets: targetDrafts(l.targets),
        }))
      : [emptyLevel()],
  );
  const save = useSubmit(async () => {
    const body: PolicyInput = {
      name: name.trim(),
      description: description.trim(),
      repeat: repeat.trim() === "" ? 0 : Number(repeat),
      levels: levels.map((l) => ({
        delay_minutes: l.delay.trim() === "" ? null : Number(l.delay),
        round_robin: l.round_robin,
        targets: l.targets.map((t) => ({ type: t.type, name: t.name })),
      })),
    };
    const saved = initial ? await updatePolicy(initial.name, body) : await createPolicy(body);
    toast(initial ? `Saved ${saved.name}` : `Created policy ${saved.name}`);
    navigate(policyHref(saved.name));
  }, place);
  const f = save.fields;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    void save.run().then((ok) => {
      if (!ok) focusFirstError(form);
    });
  };
  const setLevel = (i: number, patch: Partial<LevelDraft>) =>
    setLevels((ls) => ls.map((l, j) => (j === i ? { ...l, ...patch } : l)));
  const move = (i: number, by: -1 | 1) =>
    setLevels((ls) => {
      const next = [...ls];
      const [l] = next.splice(i, 1);
      if (l) next.splice(i + by, 0, l);
      return next;
    });
  return (
    <form className="stack-form policy-form" onSubmit={submit} noValidate aria-label="Escalation policy">
      {save.error ? <ErrorNote>{save.error}</ErrorNote> : null}
      <div className="card section stack-form">
        <div className="form-row">
          <Field label="Name" hint="e.g. Checkout" error={f.name} className="field-grow">
            {textInput(name, setName, { required: true, autoComplete: "off" })}
          </Field>
          <Field
            label="Repeat"
            hint="How many more times the whole policy runs after its last level (0–9)."
            error={f.repeat}
            className="field-number"
          >
            {textInput(repeat, setRepeat, { type: "number", min: 0, max: 9, step: 1, inputMode: "numeric" })}
          </Field>
        </div>
        <Field label="Description" hint="Optional." error={f.description}>
          {(ids) => (
            <textarea
              {...ids}
              rows={2}
              value={description}
              onChange={(e) => setDescription(e.target.value)}
            />
          )}
        </Field>
      </div>
      <div className="layers-head">
        <h2>Levels</h2>
        <p className="muted small">
          Level 1 is paged at once. Each level waits for an acknowledgement before the next is paged; paging
          stops as soon as someone acknowledges.
        </p>
        {f.levels ? <div className="field-error">{f.levels}</div> : null}
      </div>
      <ol className="level-editors">
        {levels.map((level, i) => (
          <li key={level.key} className="card layer-editor">
            <div className="layer-editor-head">
              <h3>Level {i + 1}</h3>
              <div className="push-right btn-row">
                <button
                  type="button"
                  className="btn btn-ghost btn-xs"
                  disabled={i === 0}
                  onClick={() => move(i, -1)}
                  aria-label={`Move level ${i + 1} up`}
                >
                  ↑
                </button>
                <button
                  type="button"
                  className="btn btn-ghost btn-xs"
                  disabled={i === levels.length - 1}
                  onClick={() => move(i, 1)}
                  aria-label={`Move level ${i + 1} down`}
                >
                  ↓
                </button>
                <button
                  type="button"
                  className="btn btn-ghost btn-xs"
                  onClick={() => setLevels((ls) => ls.filter((_, j) => j !== i))}
                >
                  Remove level
                </button>
              </div>
            </div>
            {f[`levels.${i}`] ? <div className="field-error">{f[`levels.${i}`]}</div> : null}
            <TargetsEditor
              targets={level.targets}
              onChange={(targets) => setLevel(i, { targets })}
              dir={dir}
              errors={f}
              prefix={`levels.${i}.targets`}
              label={`level ${i + 1}`}
            />
            <div className="form-row">
              <Field
                label="Wait for an acknowledgement (minutes)"
                hint="Empty: the incident severity's ack target (SEV1 5 min, SEV2 15 min…)."
                error={f[`levels.${i}.delay_minutes`]}
                className="field-delay"
              >
                {textInput(level.delay, (delay) => setLevel(i, { delay }), {
                  type: "number",
                  min: 1,
                  max: 1440,
                  step: 1,
                  inputMode: "numeric",
                  placeholder: "severity's ack target",
                })}
              </Field>
              <label className="check-label level-rr">
                <input
                  type="checkbox"
                  checked={level.round_robin}
                  onChange={(e) => setLevel(i, { round_robin: e.target.checked })}
                />
                Round robin: page one of its people per incident, in turn
              </label>
              {f[`levels.${i}.round_robin`] ? (
                <div className="field-error">{f[`levels.${i}.round_robin`]}</div>
              ) : null}
            </div>
          </li>
        ))}
      </ol>
      <div>
        <button
          type="button"
          className="btn btn-secondary"
          onClick={() => setLevels((ls) => [...ls, emptyLevel()])}
        >
          <span aria-hidden="true">+</span> Add level
        </button>
      </div>
      <FormActions
        label={initial ? "Save policy" : "Create policy"}
        busyLabel="Saving…"
        busy={save.busy}
        onCancel={() => navigate(initial ? policyHref(initial.name) : "/escalation-policies")}
      />
    </form>
  );
}
