import { type FormEvent, useMemo, useState } from "react";
import { serverNow } from "../../api/client.ts";
import { createSchedule, getSchedule, replaceSchedule } from "../../api/oncall.ts";
import type { Schedule, ScheduleInput } from "../../api/oncall-types.ts";
import { useResource } from "../../api/resource.ts";
import { Link, navigate } from "../../router.tsx";
import { ErrorNote } from "../../ui/banner.tsx";
import { DetailFallback } from "../../ui/detail-fallback.tsx";
import { Field, FormActions, textInput } from "../../ui/field.tsx";
import { useDocumentTitle } from "../../ui/title.ts";
import { toast } from "../../ui/toast.tsx";
import { OnCallPage, scheduleHref, useDirectory } from "./common.tsx";
import { type LayerDraft, LayerEditor, layerBody, layerDraft } from "./LayerEditor.tsx";
import { focusFirstError, newKey, placeByPrefix, useSubmit } from "./submit.ts";
import { browserZone, timeZoneList, toLocalInput } from "./zone.ts";

// Create or edit a schedule: name, zone, and its layers (ScheduleInput on the server). The whole schedule
// is sent at once (POST or PUT); every problem the server finds comes back at once, each beside its input.

const KNOWN =
  /^(name|description|time_zone|layers(\.\d+(\.(name|start|members|rotation(\.(kind|handoff_time|handoff_weekday|shift_minutes))?|restrictions(\.\d+(\.(days|start|end))?)?))?)?)$/;
const byPrefix = placeByPrefix(["layers", "rotation", "restrictions"]);
const place = (path: string) => {
  const key = byPrefix(path);
  return KNOWN.test(key) ? key : null;
};

function emptyLayer(index: number, zone: string): LayerDraft {
  return {
    key: newKey(),
    name: index === 0 ? "Primary" : `Layer ${index + 1}`,
    kind: "weekly",
    handoff_time: "09:00",
    handoff_weekday: "mon",
    shift_hours: "",
    start: `${toLocalInput(serverNow(), zone).slice(0, 10)}T09:00`,
    members: [],
    restrictions: [],
  };
}

export function NewSchedulePage() {
  useDocumentTitle("New schedule");
  return (
    <OnCallPage>
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href="/schedules">Schedules</Link>
      </nav>
      <h1 className="form-title">New schedule</h1>
      <ScheduleEditor />
    </OnCallPage>
  );
}

export function EditSchedulePage({ name }: { name: string }) {
  const resource = useResource(name, (signal) => getSchedule(name, signal));
  useDocumentTitle(`Edit ${name}`);
  const schedule = resource.data;
  if (!schedule)
    return (
      <DetailFallback
        name={name}
        back={{ href: "/schedules", label: "Schedules" }}
        error={resource.error}
        onRetry={resource.reload}
        notFound={{ title: `No schedule “${name}”`, href: "/schedules", link: "All schedules" }}
      />
    );
  return (
    <OnCallPage>
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href="/schedules">Schedules</Link>
        <span aria-hidden="true"> / </span>
        <Link href={scheduleHref(schedule.name)}>{schedule.name}</Link>
      </nav>
      <h1 className="form-title">Edit {schedule.name}</h1>
      <ScheduleEditor key={schedule.updated_at} initial={schedule} />
    </OnCallPage>
  );
}

function ScheduleEditor({ initial }: { initial?: Schedule }) {
  const dir = useDirectory();
  const defaultZone = useMemo(browserZone, []);
  const [name, setName] = useState(initial?.name ?? "");
  const [description, setDescription] = useState(initial?.description ?? "");
  const [zone, setZone] = useState(initial?.time_zone ?? defaultZone);
  const [layers, setLayers] = useState<LayerDraft[]>(() =>
    initial ? initial.layers.map(layerDraft) : [emptyLayer(0, defaultZone)],
  );
  const zones = useMemo(() => timeZoneList(zone, defaultZone), [zone, defaultZone]);
  const save = useSubmit(async () => {
    const body: ScheduleInput = {
      name: name.trim(),
      description: description.trim(),
      time_zone: zone,
      layers: layers.map(layerBody),
    };
    const saved = initial ? await replaceSchedule(initial.name, body) : await createSchedule(body);
    toast(initial ? `Saved ${saved.name}` : `Created schedule ${saved.name}`);
    navigate(scheduleHref(saved.name));
  }, place);
  const f = save.fields;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    void save.run().then((ok) => {
      if (!ok) focusFirstError(form);
    });
  };
  const move = (i: number, by: -1 | 1) =>
    setLayers((ls) => {
      const next = [...ls];
      const [l] = next.splice(i, 1);
      if (l) next.splice(i + by, 0, l);
      return next;
    });
  return (
    <form className="stack-form schedule-form" onSubmit={submit} noValidate aria-label="Schedule">
      {save.error ? <ErrorNote>{save.error}</ErrorNote> : null}
      <div className="card section stack-form">
        <div className="form-row">
          <Field label="Name" hint="e.g. payments-primary" error={f.name} className="field-grow">
            {textInput(name, setName, { required: true, autoComplete: "off", spellCheck: false })}
          </Field>
          <Field
            label="Time zone"
            hint="Hand-offs happen at this zone's wall-clock times, across DST."
            error={f.time_zone}
            className="field-zone"
          >
            {(ids) => (
              <select {...ids} value={zone} onChange={(e) => setZone(e.target.value)}>
                {zones.map((z) => (
                  <option key={z} value={z}>
                    {z === defaultZone ? `${z} (yours)` : z}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <Field label="Description" hint="Optional: who this schedule is for." error={f.description}>
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
        <h2>Layers</h2>
        <p className="muted small">
          Each layer rotates its members. Later layers win where they have someone on call; earlier ones fill
          the gaps (e.g. a business-hours layer over a 24/7 one).
        </p>
        {f.layers ? <div className="field-error">{f.layers}</div> : null}
      </div>
      {layers.map((layer, i) => (
        <LayerEditor
          key={layer.key}
          index={i}
          count={layers.length}
          layer={layer}
          zone={zone}
          people={dir.users}
          errors={f}
          onChange={(l) => setLayers((ls) => ls.map((x, j) => (j === i ? l : x)))}
          onMove={(by) => move(i, by)}
          onRemove={() => setLayers((ls) => ls.filter((_, j) => j !== i))}
        />
      ))}
      <div>
        <button
          type="button"
          className="btn btn-secondary"
          onClick={() => setLayers((ls) => [...ls, emptyLayer(ls.length, zone)])}
        >
          <span aria-hidden="true">+</span> Add layer
        </button>
      </div>
      <FormActions
        label={initial ? "Save schedule" : "Create schedule"}
        busyLabel="Saving…"
        busy={save.busy}
        onCancel={() => navigate(initial ? scheduleHref(initial.name) : "/schedules")}
      />
    </form>
  );
}
