import { type FormEvent, useMemo, useState } from "react";
import { serverNow } from "../../api/client.ts";
import { addOverride, deleteOverride, listOverrides } from "../../api/oncall.ts";
import {
  OVERRIDE_KINDS,
  type OverrideKind,
  type Schedule,
  type ScheduleOverride,
} from "../../api/oncall-types.ts";
import { useResource } from "../../api/resource.ts";
import { useAction } from "../../ui/action.ts";
import { ErrorNote, LoadError } from "../../ui/banner.tsx";
import { ConfirmDialog, useConfirmedDelete } from "../../ui/confirm.tsx";
import { Field, type FieldIds, FormActions, textInput } from "../../ui/field.tsx";
import { Section, SectionButton } from "../../ui/section.tsx";
import { RelativeTime } from "../../ui/time.tsx";
import { toast } from "../../ui/toast.tsx";
import { PersonLink, useDirectory } from "./common.tsx";
import { addHoursInput, clockIn, fromLocalInput, nextHourInput, whenIn } from "./zone.ts";

// Overrides: "bob covers for alice on Saturday", "carol joins for the launch", "alice is off on Tuesday".
// Times are typed in the schedule's zone (the form says which) and sent as instants.

const KIND_LABELS: Record<OverrideKind, { label: string; hint: string }> = {
  replace: {
    label: "Cover for someone",
    hint: "One person takes another's place while that person is on call.",
  },
  add: { label: "Add someone", hint: "One more person is on call besides the rotation." },
  remove: { label: "Take someone off call", hint: "A person goes off call; the others stay." },
};

/** "bob covers for alice", "carol joins", "alice off call". */
function describeOverride(o: ScheduleOverride) {
  if (o.kind === "replace")
    return (
      <>
        {o.user ? <PersonLink username={o.user} /> : "?"} <span className="muted">covers for</span>{" "}
        {o.replaces ? <PersonLink username={o.replaces} /> : "whoever is on call"}
      </>
    );
  if (o.kind === "add")
    return (
      <>
        {o.user ? <PersonLink username={o.user} /> : "?"}{" "}
        <span className="muted">joins whoever is on call</span>
      </>
    );
  return (
    <>
      {o.replaces ? <PersonLink username={o.replaces} /> : "everyone"}{" "}
      <span className="muted">is off call</span>
    </>
  );
}

/** "Thu 3 Dec, 11:00 – 19:00" or "Thu 3 Dec, 11:00 – Fri 4 Dec, 09:00", in the zone. */
export function spanIn(start: string, end: string, zone: string): string {
  const sameDay = whenIn(start, zone).split(",")[0] === whenIn(end, zone).split(",")[0];
  return `${whenIn(start, zone)} – ${sameDay ? clockIn(end, zone) : whenIn(end, zone)}`;
}

export function OverridesSection({ schedule, onChanged }: { schedule: Schedule; onChanged: () => void }) {
  const [adding, setAdding] = useState(false);
  const list = useResource(schedule.name, (signal) => listOverrides(schedule.name, signal));
  const deletion = useConfirmedDelete(
    (o: ScheduleOverride) => deleteOverride(schedule.name, o.id),
    () => {
      toast("Override removed");
      list.reload();
      onChanged();
    },
  );
  const items = list.data?.items;
  const now = serverNow();
  const zone = schedule.time_zone;
  return (
    <Section
      id="overrides"
      headingId="overrides-h"
      title="Overrides"
      count={items?.length || ""}
      tools={!adding ? <SectionButton onClick={() => setAdding(true)}>Add override</SectionButton> : null}
    >
      {adding ? (
        <AddOverrideForm
          schedule={schedule}
          onCancel={() => setAdding(false)}
          onAdded={() => {
            setAdding(false);
            list.reload();
            onChanged();
          }}
        />
      ) : null}
      {list.error && !items ? <LoadError what="overrides" error={list.error} onRetry={list.reload} /> : null}
      {items?.length ? (
        <ul className="row-list override-list">
          {items.map((o) => {
            const active = Date.parse(o.start) <= now && Date.parse(o.end) > now;
            return (
              <li key={o.id} className={`row-item override${active ? " is-active" : ""}`}>
                <div className="row-main">
                  <div className="row-title">
                    {active ? <span className="tag tag-accent">Now</span> : null}
                    <span className="override-who">{describeOverride(o)}</span>
                  </div>
                  <span className="override-when">
                    {spanIn(o.start, o.end, zone)} <span className="muted small">({zone})</span>
                  </span>
                  {o.note ? <span className="override-note">{o.note}</span> : null}
                  <span className="muted small row-meta">
                    {active ? (
                      <>
                        ends <RelativeTime iso={o.end} />
                      </>
                    ) : (
                      <>
                        starts <RelativeTime iso={o.start} />
                      </>
                    )}{" "}
                    · by {o.created_by}
                  </span>
                </div>
                <button
                  type="button"
                  className="btn btn-ghost btn-xs"
                  aria-label={`Remove the override from ${whenIn(o.start, zone)}`}
                  onClick={() => deletion.ask(o)}
                >
                  Remove
                </button>
              </li>
            );
          })}
        </ul>
      ) : items && !adding ? (
        <p className="muted empty-inline">
          No overrides coming up. Add one when someone swaps a shift, covers for a colleague or is away.
        </p>
      ) : null}
      <ConfirmDialog {...deletion.dialog} title="Remove override?" confirmLabel="Remove override">
        <p>The schedule goes back to its rotation for that time.</p>
      </ConfirmDialog>
    </Section>
  );
}

function AddOverrideForm({
  schedule,
  onCancel,
  onAdded,
}: {
  schedule: Schedule;
  onCancel: () => void;
  onAdded: () => void;
}) {
  const zone = schedule.time_zone;
  const dir = useDirectory();
  const firstStart = useMemo(() => nextHourInput(serverNow(), zone), [zone]);
  const [kind, setKind] = useState<OverrideKind>("replace");
  const [user, setUser] = useState("");
  const [replaces, setReplaces] = useState(schedule.on_call_now[0] ?? "");
  const [start, setStart] = useState(firstStart);
  const [end, setEnd] = useState(() => addHoursInput(firstStart, 8));
  const [note, setNote] = useState("");
  const members = [...new Set(schedule.layers.flatMap((l) => l.members))];
  const people = [...new Set([...members, ...dir.users])];
  const add = useAction(async () => {
    await addOverride(schedule.name, {
      kind,
      ...(kind !== "remove" && user ? { user } : {}),
      ...(kind !== "add" && replaces ? { replaces } : {}),
      start: fromLocalInput(start, zone),
      end: fromLocalInput(end, zone),
      ...(note.trim() ? { note: note.trim() } : {}),
    });
    toast("Override added");
    onAdded();
  }, ["kind", "user", "replaces", "start", "end", "note"]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void add.run();
  };
  const f = add.fields;
  return (
    <form className="stack-form override-form" onSubmit={submit} noValidate aria-label="Add override">
      <fieldset className="override-kinds">
        <legend>What changes</legend>
        <div className="segmented">
          {OVERRIDE_KINDS.map((k) => (
            <label key={k} className={kind === k ? "on" : undefined}>
              <input
                type="radio"
                name="override-kind"
                value={k}
                checked={kind === k}
                onChange={() => setKind(k)}
              />
              {KIND_LABELS[k].label}
            </label>
          ))}
        </div>
        <div className="hint">{KIND_LABELS[kind].hint}</div>
        {f.kind ? <div className="field-error">{f.kind}</div> : null}
      </fieldset>
      <div className="form-row">
        {kind !== "remove" ? (
          <Field label="Who comes on call" error={f.user} className="field-grow">
            {(ids) => (
              <PersonSelect ids={ids} value={user} onChange={setUser} people={people} schedule={schedule} />
            )}
          </Field>
        ) : null}
        {kind !== "add" ? (
          <Field
            label={kind === "remove" ? "Who goes off call" : "Instead of"}
            error={f.replaces}
            className="field-grow"
          >
            {(ids) => (
              <PersonSelect
                ids={ids}
                value={replaces}
                onChange={setReplaces}
                people={people}
                schedule={schedule}
              />
            )}
          </Field>
        ) : null}
      </div>
      <div className="form-row">
        <Field label={`Starts (${zone})`} error={f.start} className="field-when">
          {textInput(start, setStart, { type: "datetime-local", required: true })}
        </Field>
        <Field label={`Ends (${zone})`} error={f.end} className="field-when">
          {textInput(end, setEnd, { type: "datetime-local", required: true, min: start || undefined })}
        </Field>
        <Field label="Note" hint="Optional: why, for the others." error={f.note} className="field-grow">
          {textInput(note, setNote, { placeholder: "Swapped with alice for the holidays" })}
        </Field>
      </div>
      {add.error ? <ErrorNote>{add.error}</ErrorNote> : null}
      <FormActions
        label="Add override"
        busyLabel="Adding…"
        busy={add.busy}
        disabled={!start || !end}
        onCancel={onCancel}
      />
    </form>
  );
}

function PersonSelect({
  ids,
  value,
  onChange,
  people,
  schedule,
}: {
  ids: FieldIds;
  value: string;
  onChange: (value: string) => void;
  people: string[];
  schedule: Schedule;
}) {
  return (
    <select {...ids} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">Pick a person…</option>
      {people.map((u) => (
        <option key={u} value={u}>
          {u}
          {schedule.on_call_now.includes(u) ? " (on call now)" : ""}
        </option>
      ))}
    </select>
  );
}
