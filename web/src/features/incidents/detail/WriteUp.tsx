import { type FormEvent, useState } from "react";
import { patchIncident } from "../../../api/endpoints.ts";
import { useAction } from "../../../ui/action.ts";
import { ErrorNote } from "../../../ui/banner.tsx";
import { Field, FormActions } from "../../../ui/field.tsx";
import { Section, SectionButton } from "../../../ui/section.tsx";
import { toast } from "../../../ui/toast.tsx";
import type { DetailProps } from "../DetailPage.tsx";

// Impact, root cause and resolution: recorded as the incident is resolved; the postmortem starts here.

const FIELDS = [
  { key: "impact", label: "Impact", hint: "Who was affected and how." },
  { key: "root_cause", label: "Root cause", hint: "Why it happened (five whys welcome)." },
  { key: "resolution", label: "Resolution", hint: "What fixed it." },
] as const;

type Key = (typeof FIELDS)[number]["key"];

export function WriteUpSection({ incident, apply }: DetailProps) {
  const [editing, setEditing] = useState(false);
  const [values, setValues] = useState<Record<Key, string>>({ impact: "", root_cause: "", resolution: "" });
  const save = useAction(
    async () => {
      const patch: Partial<Record<Key, string>> = {};
      for (const f of FIELDS) if (values[f.key] !== incident[f.key]) patch[f.key] = values[f.key];
      if (Object.keys(patch).length) {
        apply(await patchIncident(incident.id, patch));
        toast("Write-up saved");
      }
      setEditing(false);
    },
    FIELDS.map((f) => f.key),
  );
  const start = () => {
    setValues({ impact: incident.impact, root_cause: incident.root_cause, resolution: incident.resolution });
    save.clear();
    setEditing(true);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save.run();
  };
  const empty = FIELDS.every((f) => !incident[f.key]);

  return (
    <Section
      id="write-up"
      headingId="writeup-h"
      title="Impact and root cause"
      tools={!editing ? <SectionButton onClick={start}>{empty ? "Write" : "Edit"}</SectionButton> : null}
    >
      {editing ? (
        <form onSubmit={submit} className="writeup-form" noValidate>
          {FIELDS.map((f) => (
            <Field key={f.key} label={f.label} hint={f.hint} error={save.fields[f.key]}>
              {(ids) => (
                <textarea
                  {...ids}
                  rows={3}
                  value={values[f.key]}
                  onChange={(e) => setValues((v) => ({ ...v, [f.key]: e.target.value }))}
                />
              )}
            </Field>
          ))}
          {save.error ? <ErrorNote>{save.error}</ErrorNote> : null}
          <FormActions label="Save" busyLabel="Saving…" busy={save.busy} onCancel={() => setEditing(false)} />
        </form>
      ) : empty ? (
        <p className="muted empty-inline">
          Not written yet. Record impact, root cause and resolution as you learn them.
        </p>
      ) : (
        <dl className="writeup">
          {FIELDS.filter((f) => incident[f.key]).map((f) => (
            <div key={f.key}>
              <dt>{f.label}</dt>
              <dd className="note-text">{incident[f.key]}</dd>
            </div>
          ))}
        </dl>
      )}
    </Section>
  );
}
