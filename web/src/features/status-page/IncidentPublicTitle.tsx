import { type FormEvent, useEffect, useState } from "react";
import { patchIncident } from "../../api/endpoints.ts";
import type { Incident } from "../../api/types.ts";
import { useAction } from "../../ui/action.ts";
import { ErrorNote } from "../../ui/banner.tsx";
import { Field } from "../../ui/field.tsx";
import { toast } from "../../ui/toast.tsx";

// On an incident, next to its status updates: the title the public status page shows (internal titles
// often name internals), and a reminder that an external update is what publishes the incident there.

export function IncidentPublicTitle({
  incident,
  apply,
}: {
  incident: Incident;
  apply: (incident: Incident) => void;
}) {
  const current = incident.public_title ?? "";
  const [value, setValue] = useState(current);
  useEffect(() => setValue(current), [current]);
  const save = useAction(async () => {
    const next = value.trim();
    const changed = await patchIncident(incident.id, { public_title: next || null });
    apply(changed);
    toast(next ? "Saved the public title" : "The status page shows the incident's title");
  }, ["public_title"]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save.run();
  };
  return (
    <form className="public-title-form" onSubmit={submit} noValidate>
      <Field
        label="Public title"
        error={save.fields.public_title}
        hint={
          <>
            What the{" "}
            <a href="/status" target="_blank" rel="noopener" className="in-text-link">
              status page
              <span className="sr-only"> (opens in a new tab)</span>
            </a>{" "}
            calls this incident; empty: its title. External updates publish the incident there and tell its
            subscribers.
          </>
        }
      >
        {(ids) => (
          <div className="input-with-action">
            <input
              {...ids}
              value={value}
              placeholder={incident.title}
              autoComplete="off"
              onChange={(e) => setValue(e.target.value)}
            />
            <button
              type="submit"
              className="btn btn-secondary"
              disabled={save.busy || value.trim() === current}
            >
              {save.busy ? "Saving…" : "Save"}
              <span className="sr-only"> public title</span>
            </button>
          </div>
        )}
      </Field>
      {save.error ? <ErrorNote>{save.error}</ErrorNote> : null}
    </form>
  );
}
