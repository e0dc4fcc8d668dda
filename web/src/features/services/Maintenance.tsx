import { type FormEvent, useMemo, useState } from "react";
import { addMaintenance, deleteMaintenance } from "../../api/endpoints.ts";
import type { MaintenanceWindow } from "../../api/types.ts";
import { useAction } from "../../ui/action.ts";
import { ErrorNote } from "../../ui/banner.tsx";
import { ConfirmDialog, useConfirmedDelete } from "../../ui/confirm.tsx";
import { Field, FormActions, textInput } from "../../ui/field.tsx";
import { Section, SectionButton } from "../../ui/section.tsx";
import { formatExact, RelativeTime } from "../../ui/time.tsx";
import { toast } from "../../ui/toast.tsx";
import type { ServiceProps } from "./ServicePage.tsx";

// Planned work: alerts during a window are recorded but open no incident and page no one. Times are
// entered as wall-clock times in a chosen zone ("Saturday 02:00 Berlin time"); the server converts.

export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

function timeZones(current: string): string[] {
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf("timeZone");
  } catch {
    zones = [];
  }
  const all = new Set([...zones, "UTC", current]);
  return [...all].sort((a, b) => a.localeCompare(b));
}

/** "Thu 24 Dec, 22:00" in the window's own zone (falls back to the viewer's when the zone is unknown). */
function inZone(iso: string, timeZone: string): string {
  const options: Intl.DateTimeFormatOptions = {
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  };
  try {
    return new Intl.DateTimeFormat(undefined, { ...options, timeZone }).format(new Date(iso));
  } catch {
    return new Intl.DateTimeFormat(undefined, options).format(new Date(iso));
  }
}

export function MaintenanceSection({ service, refresh }: ServiceProps) {
  const [adding, setAdding] = useState(false);
  const deletion = useConfirmedDelete(
    (w: MaintenanceWindow) => deleteMaintenance(service.name, w.id),
    () => {
      toast("Maintenance window deleted");
      refresh();
    },
  );
  const windows = [...service.maintenance_windows].sort(
    (a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at),
  );
  return (
    <Section
      id="maintenance"
      headingId="maintenance-h"
      title="Maintenance windows"
      count={windows.length || ""}
      tools={
        !adding ? <SectionButton onClick={() => setAdding(true)}>Schedule maintenance</SectionButton> : null
      }
    >
      {adding ? (
        <AddWindowForm
          service={service.name}
          onCancel={() => setAdding(false)}
          onCreated={() => {
            setAdding(false);
            refresh();
          }}
        />
      ) : null}
      {windows.length ? (
        <ul className="row-list">
          {windows.map((w) => (
            <li key={w.id} className={`row-item window${w.active ? " is-active" : ""}`}>
              <div className="row-main">
                <div className="row-title">
                  {w.active ? (
                    <span className="tag tag-warn">In maintenance</span>
                  ) : (
                    <span className="tag">Scheduled</span>
                  )}
                  <span
                    className="window-span"
                    title={`${formatExact(w.starts_at)} – ${formatExact(w.ends_at)} (your time)`}
                  >
                    {inZone(w.starts_at, w.time_zone)} – {inZone(w.ends_at, w.time_zone)}
                  </span>
                  <span className="muted small">{w.time_zone}</span>
                </div>
                {w.reason ? <span className="window-reason">{w.reason}</span> : null}
                <span className="muted small row-meta">
                  {w.active ? (
                    <>
                      ends <RelativeTime iso={w.ends_at} />
                    </>
                  ) : (
                    <>
                      starts <RelativeTime iso={w.starts_at} />
                    </>
                  )}{" "}
                  · by {w.created_by}
                </span>
              </div>
              <button
                type="button"
                className="btn btn-ghost btn-xs"
                aria-label={`Delete the maintenance window starting ${inZone(w.starts_at, w.time_zone)}`}
                onClick={() => deletion.ask(w)}
              >
                Delete
              </button>
            </li>
          ))}
        </ul>
      ) : !adding ? (
        <p className="muted empty-inline">No maintenance planned.</p>
      ) : null}
      <ConfirmDialog {...deletion.dialog} title="Delete maintenance window?" confirmLabel="Delete window">
        <p>
          {deletion.target?.active
            ? "The window is on now: alerts for this service page people again from the moment it is deleted."
            : "Alerts during that time will page people as usual."}
        </p>
      </ConfirmDialog>
    </Section>
  );
}

function AddWindowForm({
  service,
  onCancel,
  onCreated,
}: {
  service: string;
  onCancel: () => void;
  onCreated: () => void;
}) {
  const zone = useMemo(browserTimeZone, []);
  const zones = useMemo(() => timeZones(zone), [zone]);
  const [start, setStart] = useState("");
  const [end, setEnd] = useState("");
  const [timeZone, setTimeZone] = useState(zone);
  const [reason, setReason] = useState("");
  const add = useAction(async () => {
    await addMaintenance(service, {
      starts_at: start,
      ends_at: end,
      time_zone: timeZone,
      ...(reason.trim() ? { reason: reason.trim() } : {}),
    });
    toast("Maintenance scheduled");
    onCreated();
  }, ["starts_at", "ends_at", "time_zone", "reason"]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void add.run();
  };
  const f = add.fields;
  return (
    <form className="inline-form window-form" onSubmit={submit} noValidate aria-label="Schedule maintenance">
      <Field label="Starts" error={f.starts_at} className="field-when">
        {textInput(start, setStart, { type: "datetime-local", required: true })}
      </Field>
      <Field label="Ends" error={f.ends_at} className="field-when">
        {textInput(end, setEnd, { type: "datetime-local", required: true, min: start || undefined })}
      </Field>
      <Field label="Time zone" error={f.time_zone} className="field-zone">
        {(ids) => (
          <select {...ids} value={timeZone} onChange={(e) => setTimeZone(e.target.value)}>
            {zones.map((z) => (
              <option key={z} value={z}>
                {z === zone ? `${z} (yours)` : z}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Reason" hint="Optional." error={f.reason} className="field-grow">
        {textInput(reason, setReason, { placeholder: "Database upgrade" })}
      </Field>
      <FormActions
        label="Schedule"
        busyLabel="Scheduling…"
        busy={add.busy}
        disabled={!start || !end}
        onCancel={onCancel}
      />
      {add.error ? <ErrorNote>{add.error}</ErrorNote> : null}
    </form>
  );
}
