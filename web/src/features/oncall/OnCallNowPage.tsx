import { useEffect } from "react";
import { getEveryoneOnCall, getScheduleShifts, listSchedules } from "../../api/oncall.ts";
import type { ScheduleOnCall } from "../../api/oncall-types.ts";
import { useResource } from "../../api/resource.ts";
import { Link } from "../../router.tsx";
import { LoadError } from "../../ui/banner.tsx";
import { RelativeTime } from "../../ui/time.tsx";
import { useDocumentTitle } from "../../ui/title.ts";
import { useUser } from "../auth/session.tsx";
import { OnCallPage, PersonLink, scheduleHref, WarningTag } from "./common.tsx";
import { DAY, whenIn, zoneLabel } from "./zone.ts";

// Who is on call right now in every schedule, until when, and who comes next.

/** A hand-off can happen any minute: refetch once a minute while the page is open. */
const REFRESH_MS = 60_000;

export function OnCallNowPage() {
  useDocumentTitle("On call now");
  const user = useUser();
  const now = useResource("on-call", (signal) => getEveryoneOnCall(signal));
  const schedules = useResource("schedules", (signal) => listSchedules(signal));
  const { reload } = now;
  useEffect(() => {
    const t = window.setInterval(reload, REFRESH_MS);
    return () => window.clearInterval(t);
  }, [reload]);

  const items = now.data?.items;
  const warnings = new Map((schedules.data?.items ?? []).map((s) => [s.name, s.warnings]));
  const mine = (items ?? []).filter((s) => s.on_call.some((p) => p.username === user.username));

  return (
    <OnCallPage>
      <div className="page-head">
        <h1>On call now</h1>
        <Link href="/schedules/new" className="btn btn-secondary push-right">
          <span aria-hidden="true">+</span> New schedule
        </Link>
      </div>
      {mine.length ? (
        <p className="you-on-call" role="status">
          You are on call in {mine.map((s) => s.schedule).join(", ")}.
        </p>
      ) : null}
      {now.error && !items ? <LoadError what="who is on call" error={now.error} onRetry={reload} /> : null}
      {!items && !now.error ? (
        <div className="oncall-grid" aria-busy="true">
          <div className="card oncall-card skeleton-card">
            <span className="skeleton" />
          </div>
        </div>
      ) : null}
      {items && items.length === 0 ? (
        <div className="empty">
          <p className="empty-title">No schedules yet.</p>
          <p className="muted">
            A schedule says who is on call when: rotations of people, handing off at set times.
          </p>
          <Link href="/schedules/new" className="btn btn-secondary">
            Create the first schedule
          </Link>
        </div>
      ) : null}
      {items?.length ? (
        <ul className="oncall-grid" aria-label="Schedules">
          {items.map((s) => (
            <ScheduleNowCard key={s.schedule} item={s} warnings={warnings.get(s.schedule) ?? []} />
          ))}
        </ul>
      ) : null}
    </OnCallPage>
  );
}

function ScheduleNowCard({ item, warnings }: { item: ScheduleOnCall; warnings: string[] }) {
  const nobody = item.on_call.length === 0;
  return (
    <li className={`card oncall-card${nobody ? " is-gap" : ""}`} data-schedule={item.schedule}>
      <div className="oncall-card-head">
        <h2>
          <Link href={scheduleHref(item.schedule)}>{item.schedule}</Link>
        </h2>
        <WarningTag warnings={warnings} />
      </div>
      {nobody ? (
        <p className="gap-text">Nobody on call</p>
      ) : (
        <ul className="oncall-people">
          {item.on_call.map((p) => (
            <li key={`${p.username}-${p.layer ?? "override"}`}>
              <PersonLink username={p.username} />
              {p.display_name ? <span className="muted small"> {p.display_name}</span> : null}
              <span className="muted small">
                {" "}
                · {p.source === "override" ? <span className="tag tag-accent">override</span> : p.layer}
              </span>
            </li>
          ))}
        </ul>
      )}
      <NextHandoff item={item} />
    </li>
  );
}

/** "Until Wed 2 Dec, 09:00 (Europe/Berlin), in 7 h · then bob". */
function NextHandoff({ item }: { item: ScheduleOnCall }) {
  const until = item.until;
  const next = useResource(until ? `${item.schedule}|${until}` : null, async (signal) => {
    if (!until) return null;
    const from = until;
    const to = new Date(Date.parse(until) + DAY).toISOString();
    const shifts = await getScheduleShifts(item.schedule, { from, to }, signal);
    return shifts.shifts[0]?.users ?? null;
  });
  if (!until) return <p className="muted small oncall-until">No hand-off in the next 90 days.</p>;
  const then = next.data;
  return (
    <p className="oncall-until small">
      <span className="muted">Next hand-off </span>
      <span title={zoneLabel(item.time_zone, Date.parse(until))}>
        {whenIn(until, item.time_zone)} <span className="muted">({item.time_zone})</span>
      </span>
      , <RelativeTime iso={until} />
      {then ? (
        <>
          {" "}
          <span className="muted">· then</span>{" "}
          {then.length ? then.join(", ") : <span className="gap-text">nobody on call</span>}
        </>
      ) : null}
    </p>
  );
}
