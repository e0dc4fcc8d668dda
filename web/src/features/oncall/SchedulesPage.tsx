import { listSchedules } from "../../api/oncall.ts";
import type { Schedule } from "../../api/oncall-types.ts";
import { useResource } from "../../api/resource.ts";
import { Link } from "../../router.tsx";
import { LoadError } from "../../ui/banner.tsx";
import { ListTable, PlainHeaders } from "../../ui/table.tsx";
import { useDocumentTitle } from "../../ui/title.ts";
import { OnCallPage, PersonLink, scheduleHref, WarningTag } from "./common.tsx";

// Every schedule with who is on call in it now and what keeps it from covering.

const COLUMNS = [
  { label: "Schedule", className: "col-name" },
  { label: "On call now", className: "col-oncall" },
  { label: "Time zone", className: "col-zone" },
  { label: "Layers", className: "col-layers" },
  { label: "Warnings", className: "col-warnings" },
];

export function SchedulesPage() {
  useDocumentTitle("Schedules");
  const list = useResource("schedules", (signal) => listSchedules(signal));
  const items = list.data?.items;
  return (
    <OnCallPage>
      <div className="page-head">
        <h1>Schedules</h1>
        <Link href="/schedules/new" className="btn btn-primary push-right">
          <span aria-hidden="true">+</span> New schedule
        </Link>
      </div>
      {list.error && !items ? <LoadError what="schedules" error={list.error} onRetry={list.reload} /> : null}
      <ListTable
        className="data-table schedule-table"
        caption="Schedules"
        header={<PlainHeaders columns={COLUMNS} />}
        columnCount={COLUMNS.length}
        items={items}
        error={list.error}
        loading={list.loading}
        skeletonRows={3}
        row={(s) => <ScheduleRow key={s.id} schedule={s} />}
        empty={
          <div className="empty">
            <p className="empty-title">No schedules yet.</p>
            <p className="muted">
              A schedule puts people on call in turn. Escalation policies page whoever is on call in it.
            </p>
            <Link href="/schedules/new" className="btn btn-secondary">
              Create the first schedule
            </Link>
          </div>
        }
      />
    </OnCallPage>
  );
}

function ScheduleRow({ schedule }: { schedule: Schedule }) {
  return (
    <tr className="data-row" data-name={schedule.name}>
      <td className="col-name">
        <Link href={scheduleHref(schedule.name)} className="row-link">
          {schedule.name}
        </Link>
        {schedule.description ? <div className="muted small">{schedule.description}</div> : null}
        {schedule.team ? <div className="muted small">Team {schedule.team}</div> : null}
      </td>
      <td className="col-oncall above-row-link">
        {schedule.on_call_now.length ? (
          <span className="people-inline">
            {schedule.on_call_now.map((u) => (
              <PersonLink key={u} username={u} />
            ))}
          </span>
        ) : (
          <span className="gap-text">Nobody on call</span>
        )}
      </td>
      <td className="col-zone">{schedule.time_zone}</td>
      <td className="col-layers num">{schedule.layers.length}</td>
      <td className="col-warnings">
        {schedule.warnings.length ? (
          <WarningTag warnings={schedule.warnings} />
        ) : (
          <span className="muted">—</span>
        )}
      </td>
    </tr>
  );
}
