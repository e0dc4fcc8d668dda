import { type CSSProperties, useMemo, useState } from "react";
import { serverNow } from "../../api/client.ts";
import { getScheduleShifts } from "../../api/oncall.ts";
import type { Schedule, ScheduleShifts } from "../../api/oncall-types.ts";
import { useResource } from "../../api/resource.ts";
import { LoadError } from "../../ui/banner.tsx";
import { Section } from "../../ui/section.tsx";
import { useNow } from "../../ui/time.tsx";
import { clockIn, DAY, dayIn, instantOfNaive, localMidnightNaive, whenIn, zoneLabel } from "./zone.ts";

// The next 14 days of a schedule, one row per local day: who is on call (overrides applied) as a bar
// across the day, gaps marked "Nobody on call", optionally each layer's own shifts under it, and the
// hand-offs as a list. Days are the schedule zone's days (23 or 25 hours across DST).

const DAYS = 14;

interface Segment {
  start: number;
  end: number;
  users: string[];
}

interface DayRow {
  start: number;
  end: number;
  label: string;
}

function hue(name: string): number {
  let h = 0;
  for (const ch of name) h = (h * 31 + (ch.codePointAt(0) ?? 0)) % 360;
  return h;
}

/** The parts of `segments` inside [start, end). */
function clip(segments: readonly Segment[], start: number, end: number): Segment[] {
  return segments
    .filter((s) => s.end > start && s.start < end)
    .map((s) => ({ start: Math.max(s.start, start), end: Math.min(s.end, end), users: s.users }));
}

export function ScheduleCalendar({ schedule, version }: { schedule: Schedule; version: number }) {
  const zone = schedule.time_zone;
  const [showLayers, setShowLayers] = useState(false);
  // The days are fixed when the page opens (or the zone changes): a calendar that re-keys every midnight
  // while someone reads it would jump.
  const days = useMemo<DayRow[]>(() => {
    const first = localMidnightNaive(serverNow(), zone);
    return Array.from({ length: DAYS }, (_, i) => {
      const start = instantOfNaive(first + i * DAY, zone);
      const end = instantOfNaive(first + (i + 1) * DAY, zone);
      return { start, end, label: dayIn(start + DAY / 2, zone) };
    });
  }, [zone]);
  const from = days[0]?.start ?? 0;
  const to = days[days.length - 1]?.end ?? 0;
  const shifts = useResource(
    `${schedule.name}|${from}|${to}|${version}`,
    (signal) =>
      getScheduleShifts(
        schedule.name,
        { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
        signal,
      ),
    { keepPrevious: true },
  );
  const data = shifts.data;
  const final = useMemo(
    () =>
      (data?.shifts ?? []).map((s) => ({
        start: Date.parse(s.start),
        end: Date.parse(s.end),
        users: s.users,
      })),
    [data],
  );
  const gaps = final.filter((s) => s.users.length === 0 && s.end > serverNow());

  return (
    <Section
      id="calendar"
      headingId="calendar-h"
      title="Next 14 days"
      tools={
        <div className="section-tools">
          {gaps.length ? (
            <span className="tag tag-danger">
              {gaps.length === 1 ? "1 gap" : `${gaps.length} gaps`} with nobody on call
            </span>
          ) : null}
          <span className="muted small cal-zone">Times in {zoneLabel(zone, from)}</span>
          {schedule.layers.length > 1 ? (
            <label className="check-label">
              <input type="checkbox" checked={showLayers} onChange={(e) => setShowLayers(e.target.checked)} />
              Show layers
            </label>
          ) : null}
        </div>
      }
    >
      {shifts.error && !data ? (
        <LoadError what="the shifts" error={shifts.error} onRetry={shifts.reload} />
      ) : null}
      <div className={`cal${shifts.stale ? " is-stale" : ""}`} aria-busy={!data}>
        <div className="cal-hours" aria-hidden="true">
          <span />
          <div className="cal-hour-marks">
            {["00:00", "06:00", "12:00", "18:00"].map((h, i) => (
              <span key={h} style={{ left: `${i * 25}%` }}>
                {h}
              </span>
            ))}
          </div>
        </div>
        <ol className="cal-days" aria-label={`Who is on call each day, times in ${zone}`}>
          {days.map((day, i) => (
            <CalendarDay
              key={day.start}
              day={day}
              today={i === 0}
              zone={zone}
              final={final}
              layers={showLayers ? (data?.layers ?? []) : []}
              loaded={data !== undefined}
            />
          ))}
        </ol>
      </div>
      {data ? <Handoffs shifts={data} zone={zone} /> : null}
    </Section>
  );
}

function CalendarDay({
  day,
  today,
  zone,
  final,
  layers,
  loaded,
}: {
  day: DayRow;
  today: boolean;
  zone: string;
  final: Segment[];
  layers: ScheduleShifts["layers"];
  loaded: boolean;
}) {
  const segments = clip(final, day.start, day.end);
  return (
    <li className={`cal-day${today ? " is-today" : ""}`}>
      <div className="cal-date">
        <span className="cal-date-label">{day.label}</span>
        {today ? <span className="tag tag-accent">Today</span> : null}
      </div>
      <div className="cal-rows">
        <Track day={day} zone={zone} segments={segments} today={today} loaded={loaded} />
        {layers.map((layer) => (
          <div key={layer.name} className="cal-layer">
            <span className="cal-layer-name">{layer.name}</span>
            <Track
              day={day}
              zone={zone}
              thin
              segments={clip(
                layer.shifts.map((s) => ({
                  start: Date.parse(s.start),
                  end: Date.parse(s.end),
                  users: [s.user],
                })),
                day.start,
                day.end,
              )}
              today={false}
              loaded
              emptyLabel="—"
            />
          </div>
        ))}
      </div>
    </li>
  );
}

function Track({
  day,
  zone,
  segments,
  today,
  loaded,
  thin = false,
  emptyLabel = "Nobody on call",
}: {
  day: DayRow;
  zone: string;
  segments: Segment[];
  today: boolean;
  loaded: boolean;
  thin?: boolean;
  emptyLabel?: string;
}) {
  const length = day.end - day.start;
  const pos = (t: number) => `${((t - day.start) / length) * 100}%`;
  const time = (t: number) => (t >= day.end ? "24:00" : clockIn(t, zone));
  if (!loaded) return <div className="cal-track skeleton" />;
  return (
    <ul className={`cal-track${thin ? " cal-track-thin" : ""}`}>
      {segments.map((s) => {
        const who = s.users.join(", ");
        const gap = s.users.length === 0;
        const label = gap ? emptyLabel : who;
        const range = `${time(s.start)}–${time(s.end)}`;
        const style = {
          left: pos(s.start),
          width: `${((s.end - s.start) / length) * 100}%`,
          ...(gap ? {} : { "--hue": hue(s.users[0] ?? "") }),
        } as CSSProperties;
        return (
          <li
            key={s.start}
            className={`cal-seg${gap ? " cal-gap" : ""}`}
            style={style}
            title={`${label} · ${whenIn(s.start, zone)} – ${time(s.end)} (${zone})`}
          >
            <span className="cal-seg-label">{label}</span>
            <span className="sr-only"> {range}</span>
          </li>
        );
      })}
      {today ? <NowLine day={day} /> : null}
    </ul>
  );
}

function NowLine({ day }: { day: DayRow }) {
  const now = useNow();
  if (now < day.start || now >= day.end) return null;
  const at = `${((now - day.start) / (day.end - day.start)) * 100}%`;
  return (
    <li className="cal-past" style={{ width: at }} aria-hidden="true">
      <span className="cal-now" />
    </li>
  );
}

/** Every change of who is on call in the range: "Wed 2 Dec, 09:00 — alice → bob". */
function Handoffs({ shifts, zone }: { shifts: ScheduleShifts; zone: string }) {
  const [all, setAll] = useState(false);
  const now = serverNow();
  const changes = shifts.shifts
    .map((s, i) => ({ at: s.start, from: shifts.shifts[i - 1]?.users, to: s.users }))
    .filter((c): c is { at: string; from: string[]; to: string[] } => c.from !== undefined)
    .filter((c) => Date.parse(c.at) >= now);
  if (changes.length === 0)
    return <p className="muted small handoff-none">No hand-offs from now to the end of these 14 days.</p>;
  const shown = all ? changes : changes.slice(0, 8);
  const names = (users: string[]) =>
    users.length ? users.join(", ") : <span className="gap-text">nobody on call</span>;
  return (
    <div className="handoffs">
      <h3 className="subhead">Hand-offs</h3>
      <ol className="handoff-list">
        {shown.map((c) => (
          <li key={c.at}>
            <time dateTime={c.at} className="handoff-when">
              {whenIn(c.at, zone)}
            </time>
            <span className="handoff-who">
              {names(c.from)} <span aria-hidden="true">→</span>
              <span className="sr-only"> hands off to </span> {names(c.to)}
            </span>
          </li>
        ))}
      </ol>
      {changes.length > shown.length ? (
        <button type="button" className="btn btn-link" onClick={() => setAll(true)}>
          Show all {changes.length} hand-offs
        </button>
      ) : null}
    </div>
  );
}
