import { errorMessage } from "../../../api/client.ts";
import { type ChecklistTask, getChecklist, setChecklistTask } from "../../../api/communication.ts";
import { useResource } from "../../../api/resource.ts";
import { OPEN_STATUSES } from "../../../api/types.ts";
import { useAction } from "../../../ui/action.ts";
import { Tag } from "../../../ui/badge.tsx";
import { ErrorNote } from "../../../ui/banner.tsx";
import { Section } from "../../../ui/section.tsx";
import { formatClock, formatExact, useNow } from "../../../ui/time.tsx";
import { toast } from "../../../ui/toast.tsx";
import type { DetailProps } from "../DetailPage.tsx";

// The triage checklist (seed 001's five-minute workflow, or the incident type's own): each task is due a
// minute after declaration; ticking one puts it on the timeline.

export function ChecklistSection({ incident, refresh }: DetailProps) {
  // Reloaded whenever the incident's timeline grows (a tick by anyone is a timeline event).
  const checklist = useResource(
    `${incident.id}@${incident.timeline_length}`,
    (signal) => getChecklist(incident.id, signal),
    { keepPrevious: true },
  );
  const now = useNow();
  const open = OPEN_STATUSES.includes(incident.status);
  const toggle = useAction(async (task: ChecklistTask) => {
    const next = await setChecklistTask(incident.id, task.key, !task.done);
    checklist.set(next);
    toast(task.done ? `Reopened: ${task.title}` : `Done: ${task.title}`);
    refresh();
  });
  const data = checklist.data;
  // The server says what was overdue when it answered; while open, the clock keeps moving here.
  const overdue = (t: ChecklistTask) => t.overdue || (open && !t.done && now > Date.parse(t.due_at));

  return (
    <Section
      id="checklist"
      headingId="checklist-h"
      title="Checklist"
      count={data ? `${data.done}/${data.total}` : ""}
    >
      {checklist.error && !data ? (
        <ErrorNote>Could not load the checklist: {errorMessage(checklist.error)}</ErrorNote>
      ) : null}
      {data && data.tasks.length === 0 ? (
        <p className="muted empty-inline">This incident has no checklist.</p>
      ) : null}
      {data ? (
        <ul className="checklist" aria-describedby="checklist-h">
          {data.tasks.map((t) => {
            const late = overdue(t);
            const id = `task-${t.key}`;
            return (
              <li key={t.key} className={`task${t.done ? " task-done" : ""}${late ? " task-overdue" : ""}`}>
                <input
                  id={id}
                  type="checkbox"
                  checked={t.done}
                  disabled={toggle.busy}
                  aria-describedby={`${id}-meta`}
                  onChange={() => void toggle.run(t)}
                />
                <div className="task-body">
                  <label htmlFor={id} className="task-title">
                    {t.title}
                  </label>
                  <div className="task-meta" id={`${id}-meta`}>
                    <span title={formatExact(t.due_at)}>
                      minute {t.due_minute} · due by {formatClock(t.due_at)}
                    </span>
                    {t.done && t.done_at ? (
                      <span title={formatExact(t.done_at)}>
                        {" "}
                        · done by <strong>{t.done_by}</strong> at {formatClock(t.done_at)}
                      </span>
                    ) : late ? (
                      <>
                        {" "}
                        <Tag tone="warn">Overdue</Tag>
                      </>
                    ) : null}
                  </div>
                  {t.details.length ? (
                    <ul className="task-details">
                      {t.details.map((d) => (
                        <li key={d}>{d}</li>
                      ))}
                    </ul>
                  ) : null}
                </div>
              </li>
            );
          })}
        </ul>
      ) : null}
      {toggle.error ? <ErrorNote>{toggle.error}</ErrorNote> : null}
    </Section>
  );
}
