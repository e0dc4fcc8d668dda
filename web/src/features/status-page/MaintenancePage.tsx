import { type FormEvent, useMemo, useState } from "react";
import { serverNow } from "../../api/client.ts";
import { useResource } from "../../api/resource.ts";
import {
  cancelMaintenance,
  createMaintenance,
  getStatusSettings,
  listMaintenances,
  type MaintenanceInput,
  postMaintenanceUpdate,
  updateMaintenance,
} from "../../api/status-page.ts";
import type { MaintenanceStatus, StatusMaintenance } from "../../api/types.ts";
import { useAction } from "../../ui/action.ts";
import { ErrorNote, LoadError } from "../../ui/banner.tsx";
import { ConfirmDialog, useConfirmedDelete } from "../../ui/confirm.tsx";
import { Field, FormActions, textInput } from "../../ui/field.tsx";
import { Section } from "../../ui/section.tsx";
import { formatExact, RelativeTime } from "../../ui/time.tsx";
import { useDocumentTitle } from "../../ui/title.ts";
import { toast } from "../../ui/toast.tsx";
import {
  addHoursInput,
  browserZone,
  nextHourInput,
  timeZoneList,
  toLocalInput,
  whenIn,
  zoneLabel,
} from "../oncall/zone.ts";
import {
  ComponentPicker,
  MaintenanceStatusBadge,
  maintenanceStatusLabel,
  StatusPageFrame,
  useStatusPageRefresh,
} from "./common.tsx";

// Scheduled maintenance on the public page: scheduled → in progress → completed by its times (or by hand
// with an update), its components under maintenance while it runs, subscribers reminded 60 min before.

const ACTIVE: readonly MaintenanceStatus[] = ["in_progress", "verifying"];
const UPDATE_STATUSES = ["in_progress", "verifying", "completed"] as const;
type UpdateStatus = (typeof UPDATE_STATUSES)[number];

export function MaintenancePage() {
  useDocumentTitle("Status page maintenance");
  const settings = useResource("status-settings", (signal) => getStatusSettings(signal));
  const list = useResource("status-maintenances", async (signal) => {
    const [active, upcoming, past] = await Promise.all([
      listMaintenances("active", signal),
      listMaintenances("upcoming", signal),
      listMaintenances("past", signal),
    ]);
    return {
      active: active.maintenances,
      upcoming: upcoming.maintenances,
      past: past.maintenances,
    };
  });
  useStatusPageRefresh(list.reload);
  const [scheduling, setScheduling] = useState(false);
  const zone = settings.data?.time_zone ?? "UTC";
  // The server's order: active and upcoming soonest first, past newest first.
  const { active = [], upcoming = [], past = [] } = list.data ?? {};
  const all = list.data ? [...active, ...upcoming, ...past] : undefined;
  const cancellation = useConfirmedDelete(
    (m: StatusMaintenance) => cancelMaintenance(m.id),
    (m) => {
      toast(`Cancelled ${m.title}`);
      list.reload();
    },
  );
  const cardProps = { zone, onChanged: list.reload, onCancel: cancellation.ask };
  return (
    <StatusPageFrame>
      <div className="section-head status-admin-head">
        <p className="muted page-intro">
          Planned work the public should know about. It shows as scheduled, turns in progress at its start
          (its components show <em>Under Maintenance</em>) and completes at its end; post an update to say
          more or to move it along by hand. Subscribers can be reminded 60 minutes before it starts.
        </p>
        {!scheduling ? (
          <button type="button" className="btn btn-primary push-right" onClick={() => setScheduling(true)}>
            <span aria-hidden="true">+</span> Schedule maintenance
          </button>
        ) : null}
      </div>
      {scheduling ? (
        <MaintenanceForm
          zone={zone}
          onCancel={() => setScheduling(false)}
          onSaved={() => {
            setScheduling(false);
            list.reload();
          }}
        />
      ) : null}
      {list.error && !all ? <LoadError what="maintenance" error={list.error} onRetry={list.reload} /> : null}
      {all && all.length === 0 && !scheduling ? (
        <div className="empty">
          <p className="empty-title">No maintenance scheduled</p>
          <p className="muted">
            Schedule planned work here so the public sees it coming, instead of an outage they did not expect.
          </p>
          <button type="button" className="btn btn-secondary" onClick={() => setScheduling(true)}>
            Schedule maintenance
          </button>
        </div>
      ) : null}
      {all && all.length > 0 ? (
        <>
          <MaintenanceList
            id="maintenance-active"
            title="In progress"
            items={active}
            empty="Nothing in progress."
            {...cardProps}
          />
          <MaintenanceList
            id="maintenance-upcoming"
            title="Upcoming"
            items={upcoming}
            empty="Nothing scheduled."
            {...cardProps}
          />
          <MaintenanceList id="maintenance-past" title="Past" items={past} empty="None yet." {...cardProps} />
        </>
      ) : null}
      <ConfirmDialog
        {...cancellation.dialog}
        title={`Cancel ${cancellation.target?.title ?? "the maintenance"}?`}
        confirmLabel="Cancel maintenance"
      >
        <p>
          It comes off the public page and subscribers get no reminder for it.
          {cancellation.target && ACTIVE.includes(cancellation.target.status)
            ? " Its components stop showing Under Maintenance now."
            : ""}
        </p>
      </ConfirmDialog>
    </StatusPageFrame>
  );
}

function MaintenanceList({
  id,
  title,
  items,
  empty,
  zone,
  onChanged,
  onCancel,
}: {
  id: string;
  title: string;
  items: StatusMaintenance[];
  empty: string;
  zone: string;
  onChanged: () => void;
  onCancel: (m: StatusMaintenance) => void;
}) {
  return (
    <Section id={id} headingId={`${id}-h`} title={title} count={items.length || ""}>
      {items.length ? (
        <ul className="row-list maintenance-list">
          {items.map((m) => (
            <MaintenanceItem
              key={m.id}
              m={m}
              zone={zone}
              onChanged={onChanged}
              onCancel={() => onCancel(m)}
            />
          ))}
        </ul>
      ) : (
        <p className="muted empty-inline">{empty}</p>
      )}
    </Section>
  );
}

function MaintenanceItem({
  m,
  zone,
  onChanged,
  onCancel,
}: {
  m: StatusMaintenance;
  zone: string;
  onChanged: () => void;
  onCancel: () => void;
}) {
  const [mode, setMode] = useState<"view" | "update" | "edit">("view");
  const done = m.status === "completed";
  if (mode === "edit") {
    return (
      <li className="row-item maintenance-item">
        <MaintenanceForm
          zone={zone}
          maintenance={m}
          onCancel={() => setMode("view")}
          onSaved={() => {
            setMode("view");
            onChanged();
          }}
        />
      </li>
    );
  }
  return (
    <li className="row-item maintenance-item" data-maintenance={m.title}>
      <div className="row-main">
        <div className="row-title">
          <span className="maintenance-title">{m.title}</span>
          <MaintenanceStatusBadge status={m.status} />
          {m.remind_prior && m.status === "scheduled" ? (
            <span className="tag" title="Subscribers are reminded 60 minutes before it starts">
              {m.reminded_at ? "Reminder sent" : "Reminder 60 min before"}
            </span>
          ) : null}
        </div>
        <span
          className="small"
          title={`${formatExact(m.scheduled_for)} – ${formatExact(m.scheduled_until)} (your time)`}
        >
          <span className="window-span">
            {whenIn(m.scheduled_for, zone)} – {whenIn(m.scheduled_until, zone)}
          </span>{" "}
          <span className="muted">{zoneLabel(zone, Date.parse(m.scheduled_for))}</span>
        </span>
        <span className="muted small">
          {m.status === "scheduled" ? (
            <>
              starts <RelativeTime iso={m.scheduled_for} />
            </>
          ) : done ? (
            <>
              ended <RelativeTime iso={m.scheduled_until} />
            </>
          ) : (
            <>
              ends <RelativeTime iso={m.scheduled_until} />
            </>
          )}{" "}
          · by {m.created_by}
        </span>
        {m.components.length ? (
          <span className="chips">
            {m.components.map((c) => (
              <span key={c.id} className="chip">
                {c.name}
              </span>
            ))}
          </span>
        ) : (
          <span className="muted small">No components named.</span>
        )}
        {m.body ? <p className="note-text">{m.body}</p> : null}
        {m.updates.length ? (
          <ul className="updates maintenance-updates" aria-label={`Updates on ${m.title}`}>
            {m.updates.map((u) => (
              <li key={u.id} className="update">
                <div className="update-head">
                  <span className="update-status">{maintenanceStatusLabel(u.status)}</span>
                  <span className="muted">
                    {u.created_by} · <RelativeTime iso={u.created_at} />
                  </span>
                </div>
                <p className="note-text">{u.body}</p>
              </li>
            ))}
          </ul>
        ) : null}
        {mode === "update" ? (
          <UpdateForm
            m={m}
            onCancel={() => setMode("view")}
            onPosted={() => {
              setMode("view");
              onChanged();
            }}
          />
        ) : null}
      </div>
      {mode === "view" ? (
        <div className="component-tools">
          <button type="button" className="btn btn-secondary btn-xs" onClick={() => setMode("update")}>
            Post update<span className="sr-only"> on {m.title}</span>
          </button>
          {!done ? (
            <>
              <button type="button" className="btn btn-ghost btn-xs" onClick={() => setMode("edit")}>
                Edit<span className="sr-only"> {m.title}</span>
              </button>
              <button type="button" className="btn btn-ghost btn-xs" onClick={onCancel}>
                Cancel<span className="sr-only"> {m.title}</span>
              </button>
            </>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

function UpdateForm({
  m,
  onCancel,
  onPosted,
}: {
  m: StatusMaintenance;
  onCancel: () => void;
  onPosted: () => void;
}) {
  const [body, setBody] = useState("");
  const [status, setStatus] = useState<UpdateStatus | "">("");
  const post = useAction(async () => {
    await postMaintenanceUpdate(m.id, { body: body.trim(), ...(status ? { status } : {}) });
    toast(`Posted an update on ${m.title}`);
    onPosted();
  }, ["body", "status"]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void post.run();
  };
  return (
    <form
      className="stack-form maintenance-update-form"
      onSubmit={submit}
      noValidate
      aria-label={`Update on ${m.title}`}
    >
      {post.error ? <ErrorNote>{post.error}</ErrorNote> : null}
      <Field
        label="Update"
        error={post.fields.body}
        hint="Public: shown on the page and sent to subscribers."
      >
        {(ids) => (
          <textarea
            {...ids}
            rows={3}
            value={body}
            placeholder="The upgrade is taking longer than planned; we expect to finish by 23:30."
            onChange={(e) => setBody(e.target.value)}
          />
        )}
      </Field>
      <Field label="Status" error={post.fields.status}>
        {(ids) => (
          <select {...ids} value={status} onChange={(e) => setStatus(e.target.value as UpdateStatus | "")}>
            <option value="">Unchanged ({maintenanceStatusLabel(m.status)})</option>
            {UPDATE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {maintenanceStatusLabel(s)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <FormActions
        label="Post update"
        busyLabel="Posting…"
        busy={post.busy}
        disabled={!body.trim()}
        onCancel={onCancel}
      />
    </form>
  );
}

function MaintenanceForm({
  zone: pageZone,
  maintenance,
  onCancel,
  onSaved,
}: {
  /** The page's time zone: the default for times entered here. */
  zone: string;
  maintenance?: StatusMaintenance;
  onCancel: () => void;
  onSaved: () => void;
}) {
  const mine = useMemo(browserZone, []);
  const [timeZone, setTimeZone] = useState(pageZone);
  const zones = useMemo(() => timeZoneList(pageZone, mine), [pageZone, mine]);
  const firstStart = useMemo(() => nextHourInput(serverNow(), pageZone), [pageZone]);
  const [title, setTitle] = useState(maintenance?.title ?? "");
  const [body, setBody] = useState(maintenance?.body ?? "");
  const [start, setStart] = useState(
    maintenance ? toLocalInput(maintenance.scheduled_for, pageZone) : firstStart,
  );
  const [end, setEnd] = useState(
    maintenance ? toLocalInput(maintenance.scheduled_until, pageZone) : addHoursInput(firstStart, 2),
  );
  const [componentIds, setComponentIds] = useState<string[]>(maintenance?.component_ids ?? []);
  const [remind, setRemind] = useState(maintenance?.remind_prior ?? true);
  const [notify, setNotify] = useState(true);
  const save = useAction(async () => {
    const input: MaintenanceInput = {
      title: title.trim(),
      body: body.trim(),
      scheduled_for: start,
      scheduled_until: end,
      time_zone: timeZone,
      component_ids: componentIds,
      remind_prior: remind,
    };
    if (maintenance) await updateMaintenance(maintenance.id, input);
    else await createMaintenance({ ...input, notify });
    toast(maintenance ? `Saved ${input.title}` : `Scheduled ${input.title}`);
    onSaved();
  }, ["title", "body", "scheduled_for", "scheduled_until", "time_zone", "component_ids", "remind_prior"]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save.run();
  };
  const f = save.fields;
  const label = maintenance ? `Edit ${maintenance.title}` : "Schedule maintenance";
  return (
    <form
      className="card section stack-form new-form maintenance-form"
      onSubmit={submit}
      noValidate
      aria-label={label}
    >
      <h2>{label}</h2>
      {save.error ? <ErrorNote>{save.error}</ErrorNote> : null}
      <Field label="Title" error={f.title}>
        {textInput(title, setTitle, { placeholder: "Database upgrade", autoComplete: "off", required: true })}
      </Field>
      <Field label="Description" hint="Public: what will happen and what users will notice." error={f.body}>
        {(ids) => (
          <textarea
            {...ids}
            rows={3}
            value={body}
            placeholder="Checkout may be unavailable for up to 10 minutes while we switch databases."
            onChange={(e) => setBody(e.target.value)}
          />
        )}
      </Field>
      <div className="form-row">
        <Field label="Starts" error={f.scheduled_for} className="field-when">
          {textInput(start, setStart, { type: "datetime-local", required: true })}
        </Field>
        <Field label="Ends" error={f.scheduled_until} className="field-when">
          {textInput(end, setEnd, { type: "datetime-local", required: true, min: start || undefined })}
        </Field>
        <Field label="Time zone" error={f.time_zone} className="field-zone" hint="The times are read in it.">
          {(ids) => (
            <select {...ids} value={timeZone} onChange={(e) => setTimeZone(e.target.value)}>
              {zones.map((z) => (
                <option key={z} value={z}>
                  {z === pageZone ? `${z} (the page's)` : z === mine ? `${z} (yours)` : z}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <ComponentPicker
        legend="Affected components"
        hint="They show Under Maintenance while it is in progress."
        value={componentIds}
        onChange={setComponentIds}
        error={f.component_ids}
      />
      <div className="check-rows">
        <label className="check-label">
          <input type="checkbox" checked={remind} onChange={(e) => setRemind(e.target.checked)} />
          Remind subscribers 60 minutes before it starts
        </label>
        {!maintenance ? (
          <label className="check-label">
            <input type="checkbox" checked={notify} onChange={(e) => setNotify(e.target.checked)} />
            Tell subscribers now that it is scheduled
          </label>
        ) : null}
      </div>
      <FormActions
        label={maintenance ? "Save maintenance" : "Schedule"}
        busyLabel="Saving…"
        busy={save.busy}
        disabled={!title.trim() || !start || !end}
        onCancel={onCancel}
      />
    </form>
  );
}
