import { useState } from "react";
import { deleteSchedule, getSchedule, getScheduleOnCall, rotateCalendarUrl } from "../../api/oncall.ts";
import type { LayerBody, Schedule } from "../../api/oncall-types.ts";
import { useResource } from "../../api/resource.ts";
import { Link, navigate } from "../../router.tsx";
import { useAction } from "../../ui/action.ts";
import { ConfirmDialog, useConfirmedDelete } from "../../ui/confirm.tsx";
import { CopyValue } from "../../ui/copy.tsx";
import { DetailFallback } from "../../ui/detail-fallback.tsx";
import { Section } from "../../ui/section.tsx";
import { RelativeTime } from "../../ui/time.tsx";
import { useDocumentTitle } from "../../ui/title.ts";
import { toast } from "../../ui/toast.tsx";
import { OnCallPage, PersonLink, scheduleHref, Warnings } from "./common.tsx";
import { OverridesSection } from "./Overrides.tsx";
import { ScheduleCalendar } from "./ScheduleCalendar.tsx";
import { minutesWords, whenIn, zoneLabel } from "./zone.ts";

// One schedule: its warnings first, who is on call now, the next 14 days, overrides, its layers in
// words, and the calendar feed URL.

export function SchedulePage({ name }: { name: string }) {
  const resource = useResource(name, (signal) => getSchedule(name, signal));
  const [version, setVersion] = useState(0);
  const schedule = resource.data;
  useDocumentTitle(schedule ? `${schedule.name} · Schedules` : name);
  if (!schedule)
    return (
      <DetailFallback
        name={name}
        back={{ href: "/schedules", label: "Schedules" }}
        error={resource.error}
        onRetry={resource.reload}
        notFound={{
          title: `No schedule “${name}”`,
          hint: "It may have been renamed or deleted.",
          href: "/schedules",
          link: "All schedules",
        }}
      />
    );
  const changed = () => {
    resource.reload();
    setVersion((v) => v + 1);
  };
  return (
    <OnCallPage className="page-schedule">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href="/schedules">Schedules</Link>
        <span aria-hidden="true"> / </span>
        <span aria-current="page">{schedule.name}</span>
      </nav>
      <header className="detail-head schedule-head">
        <div className="detail-meta">
          <span className="tag" title="The schedule's time zone: hand-offs happen at its wall-clock times">
            {zoneLabel(schedule.time_zone, Date.now())}
          </span>
          <span className="meta-item muted">
            changed <RelativeTime iso={schedule.updated_at} />
          </span>
        </div>
        <div className="head-row">
          <h1 className="detail-title">{schedule.name}</h1>
          <div className="head-actions">
            <Link href={`${scheduleHref(schedule.name)}/edit`} className="btn btn-secondary">
              Edit schedule
            </Link>
            <DeleteSchedule schedule={schedule} />
          </div>
        </div>
        {schedule.description ? <p className="detail-description">{schedule.description}</p> : null}
        {schedule.team ? <p className="muted">Owned by team {schedule.team}</p> : null}
      </header>
      <Warnings warnings={schedule.warnings} />
      <div className="schedule-sections">
        <OnCallNowSection schedule={schedule} version={version} />
        <ScheduleCalendar schedule={schedule} version={version} />
        <OverridesSection schedule={schedule} onChanged={changed} />
        <LayersSection schedule={schedule} />
        <FeedSection schedule={schedule} onRotated={resource.reload} />
      </div>
    </OnCallPage>
  );
}

function OnCallNowSection({ schedule, version }: { schedule: Schedule; version: number }) {
  const now = useResource(`${schedule.name}|${version}|${schedule.updated_at}`, (signal) =>
    getScheduleOnCall(schedule.name, signal),
  );
  const data = now.data;
  const people = data?.on_call ?? schedule.on_call_now.map((u) => ({ username: u, layer: null, source: "" }));
  return (
    <Section headingId="now-h" title="On call now">
      {people.length === 0 ? (
        <p className="gap-text now-nobody">Nobody is on call right now.</p>
      ) : (
        <ul className="oncall-people">
          {people.map((p) => (
            <li key={`${p.username}-${p.layer ?? p.source}`}>
              <PersonLink username={p.username} />
              {p.source === "override" ? (
                <span className="tag tag-accent">override</span>
              ) : p.layer ? (
                <span className="muted small"> · {p.layer}</span>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {data?.until ? (
        <p className="small oncall-until">
          <span className="muted">Next hand-off </span>
          {whenIn(data.until, schedule.time_zone)} <span className="muted">({schedule.time_zone})</span>,{" "}
          <RelativeTime iso={data.until} />
        </p>
      ) : null}
    </Section>
  );
}

const WEEKDAYS: Record<string, string> = {
  mon: "Monday",
  tue: "Tuesday",
  wed: "Wednesday",
  thu: "Thursday",
  fri: "Friday",
  sat: "Saturday",
  sun: "Sunday",
};
const weekdayName = (d: string | number | undefined) =>
  d === undefined ? undefined : typeof d === "number" ? Object.values(WEEKDAYS)[d - 1] : (WEEKDAYS[d] ?? d);

/** "Hands off every Monday at 09:00", "every 12 h from 08:00". */
export function rotationWords(layer: LayerBody): string {
  const r = layer.rotation;
  if (r.kind === "daily") return `Hands off every day at ${r.handoff_time}`;
  if (r.kind === "weekly")
    return `Hands off every ${weekdayName(r.handoff_weekday) ?? "week (on the start's weekday)"} at ${r.handoff_time}`;
  return `Hands off every ${r.shift_minutes ? minutesWords(r.shift_minutes) : "?"}, counted from ${r.handoff_time} on the start date`;
}

function LayersSection({ schedule }: { schedule: Schedule }) {
  const layers = schedule.layers;
  return (
    <Section headingId="layers-h" title="Layers" count={layers.length || ""}>
      {layers.length === 0 ? (
        <p className="muted empty-inline">No layers: nobody is ever on call. Edit the schedule to add one.</p>
      ) : (
        <>
          <p className="muted small section-note">
            Later layers win where they have someone on call; lower ones fill the gaps.
          </p>
          <ol className="row-list layer-list">
            {layers.map((l, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: layers have no id and this list is read-only
              <li key={`${l.name}-${i}`} className="row-item">
                <div className="row-main">
                  <div className="row-title">
                    <span className="layer-name">{l.name}</span>
                    <span className="muted small">layer {i + 1}</span>
                  </div>
                  <span>
                    {rotationWords(l)} ({schedule.time_zone}), from {l.start.replace("T", " ")}
                  </span>
                  <span className="layer-members">
                    {l.members.length ? (
                      l.members.map((m, j) => (
                        // biome-ignore lint/suspicious/noArrayIndexKey: a member may appear twice in the order
                        <span key={`${m}-${j}`} className="layer-member">
                          {j > 0 ? (
                            <span className="muted" aria-hidden="true">
                              →{" "}
                            </span>
                          ) : null}
                          <PersonLink username={m} />
                        </span>
                      ))
                    ) : (
                      <span className="gap-text">No members</span>
                    )}
                  </span>
                  {l.restrictions?.length ? (
                    <span className="muted small">
                      Only{" "}
                      {l.restrictions
                        .map(
                          (w) =>
                            `${w.days.map((d) => WEEKDAYS[d]?.slice(0, 3) ?? d).join(", ")} ${w.start}–${w.end}`,
                        )
                        .join("; ")}
                    </span>
                  ) : null}
                </div>
              </li>
            ))}
          </ol>
        </>
      )}
    </Section>
  );
}

function FeedSection({ schedule, onRotated }: { schedule: Schedule; onRotated: () => void }) {
  const [confirm, setConfirm] = useState(false);
  const rotate = useAction(async () => {
    await rotateCalendarUrl(schedule.name);
    setConfirm(false);
    toast("The calendar feed has a new URL");
    onRotated();
  });
  return (
    <Section headingId="feed-h" title="Calendar feed">
      <p className="muted small section-note">
        Subscribe to this URL in Google Calendar, Outlook or Apple Calendar to see the shifts there. Anyone
        with the URL can read the schedule.
      </p>
      <CopyValue label="iCal URL" value={schedule.calendar_url} copyLabel="Copy the calendar feed URL" />
      <button type="button" className="btn btn-ghost btn-sm feed-new" onClick={() => setConfirm(true)}>
        Make a new URL
      </button>
      <ConfirmDialog
        open={confirm}
        title="Make a new calendar URL?"
        confirmLabel="Make a new URL"
        error={rotate.error}
        onConfirm={() => void rotate.run()}
        onClose={() => setConfirm(false)}
      >
        <p>The current URL stops working: calendars subscribed to it must subscribe again.</p>
      </ConfirmDialog>
    </Section>
  );
}

function DeleteSchedule({ schedule }: { schedule: Schedule }) {
  const deletion = useConfirmedDelete(
    (s: Schedule) => deleteSchedule(s.name),
    (s) => {
      toast(`Deleted schedule ${s.name}`);
      navigate("/schedules");
    },
  );
  return (
    <>
      <button type="button" className="btn btn-ghost" onClick={() => deletion.ask(schedule)}>
        Delete
      </button>
      <ConfirmDialog {...deletion.dialog} title={`Delete ${schedule.name}?`} confirmLabel="Delete schedule">
        <p>
          The schedule and its overrides are deleted. Escalation policies that page it must be changed first.
        </p>
      </ConfirmDialog>
    </>
  );
}
