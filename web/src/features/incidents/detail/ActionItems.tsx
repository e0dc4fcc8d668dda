import { type FormEvent, useEffect, useState } from "react";
import {
  completeActionItem,
  createActionItem,
  fileActionItems,
  getBacklogStatus,
  updateActionItem,
} from "../../../api/endpoints.ts";
import { useResource } from "../../../api/resource.ts";
import {
  ACTION_ITEM_PRIORITIES,
  type ActionItem,
  type ActionItemPriority,
  type BacklogStatus,
  type FileItemsResult,
} from "../../../api/types.ts";
import { useAction } from "../../../ui/action.ts";
import { Tag } from "../../../ui/badge.tsx";
import { ErrorNote } from "../../../ui/banner.tsx";
import { Field } from "../../../ui/field.tsx";
import { Person } from "../../../ui/person.tsx";
import { Section } from "../../../ui/section.tsx";
import { formatExact } from "../../../ui/time.tsx";
import { toast } from "../../../ui/toast.tsx";
import type { DetailProps } from "../DetailPage.tsx";

// Follow-ups found during the incident: add, assign an owner, complete, file to GitHub.

/** "Filed 3 issues in acme/api" after a File to GitHub click. */
function filedToast(result: FileItemsResult): string {
  const filed = result.items.filter((i) => i.result === "filed" || i.result === "existing").length;
  return filed
    ? `Filed ${filed} issue${filed === 1 ? "" : "s"} in ${result.repository}`
    : "Nothing new to file: every item is on GitHub already";
}

const dueFormat = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });

/** A date input's "2026-06-01" as the end of that day in the viewer's time zone. */
function endOfDay(date: string): string {
  return new Date(`${date}T23:59:59`).toISOString();
}

export function ActionItemsSection({ incident, refresh }: DetailProps) {
  const [title, setTitle] = useState("");
  const [owner, setOwner] = useState("");
  const [priority, setPriority] = useState<ActionItemPriority>("medium");
  const [due, setDue] = useState("");
  const add = useAction(async () => {
    await createActionItem(incident.id, {
      title: title.trim(),
      priority,
      ...(owner.trim() ? { owner: owner.trim() } : {}),
      ...(due ? { due_at: endOfDay(due) } : {}),
    });
    setTitle("");
    setOwner("");
    setDue("");
    setPriority("medium");
    refresh();
  }, ["title", "owner", "priority", "due_at"]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void add.run();
  };
  const items = incident.action_items;
  const open = items.filter((i) => i.status !== "done").length;
  const backlog = useResource("backlog", (signal) => getBacklogStatus(signal)).data;
  const unfiled = items.filter((i) => i.status !== "done" && !i.issue).length;
  const fileAll = useAction(async () => {
    toast(filedToast(await fileActionItems(incident.id)));
    refresh();
  });

  return (
    <Section
      id="action-items"
      headingId="actions-h"
      title="Action items"
      count={items.length ? `${open} open of ${items.length}` : ""}
    >
      {items.length ? (
        <ul className="action-items">
          {items.map((item) => (
            <ActionItemRow
              key={item.id}
              item={item}
              incidentId={incident.id}
              refresh={refresh}
              backlog={backlog}
            />
          ))}
        </ul>
      ) : (
        <p className="muted empty-inline">No action items yet.</p>
      )}
      {items.length && backlog ? (
        <div className="form-actions file-to-github">
          <button
            type="button"
            className="btn btn-secondary btn-sm"
            disabled={!backlog.github.configured || fileAll.busy || unfiled === 0}
            title={
              backlog.github.hint ??
              `File every open item not filed yet as an issue in ${backlog.github.repository}`
            }
            onClick={() => void fileAll.run()}
          >
            {fileAll.busy ? "Filing…" : unfiled ? `File ${unfiled} to GitHub` : "All filed to GitHub"}
          </button>
          {backlog.github.hint ? <span className="muted">{backlog.github.hint}</span> : null}
          {fileAll.error ? <ErrorNote>{fileAll.error}</ErrorNote> : null}
        </div>
      ) : null}
      <form className="inline-form action-form" onSubmit={submit} noValidate>
        <Field label="New action item" error={add.fields.title} className="field-grow">
          {(ids) => (
            <input
              {...ids}
              placeholder="Alert on connection pool usage above 80%"
              value={title}
              onChange={(e) => setTitle(e.target.value)}
            />
          )}
        </Field>
        <Field label="Owner" error={add.fields.owner} className="field-owner">
          {(ids) => (
            <input
              {...ids}
              placeholder="handle"
              autoCapitalize="none"
              spellCheck={false}
              value={owner}
              onChange={(e) => setOwner(e.target.value)}
            />
          )}
        </Field>
        <Field label="Priority" error={add.fields.priority} className="field-priority">
          {(ids) => (
            <select
              {...ids}
              value={priority}
              onChange={(e) => setPriority(e.target.value as ActionItemPriority)}
            >
              {ACTION_ITEM_PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Due" error={add.fields.due_at} className="field-due">
          {(ids) => <input {...ids} type="date" value={due} onChange={(e) => setDue(e.target.value)} />}
        </Field>
        <div className="form-actions">
          <button type="submit" className="btn btn-secondary" disabled={add.busy || !title.trim()}>
            {add.busy ? "Adding…" : "Add"}
          </button>
        </div>
        {add.error ? <ErrorNote>{add.error}</ErrorNote> : null}
      </form>
    </Section>
  );
}

function ActionItemRow({
  item,
  incidentId,
  refresh,
  backlog,
}: {
  item: ActionItem;
  incidentId: string;
  refresh: () => void;
  backlog: BacklogStatus | undefined;
}) {
  const fileOne = useAction(async () => {
    toast(filedToast(await fileActionItems(incidentId, [item.id])));
    refresh();
  });
  const [editing, setEditing] = useState(false);
  const [owner, setOwner] = useState(item.owner ?? "");
  const done = item.status === "done";
  // Show the click at once; the server's answer (via refresh) settles it.
  const [optimistic, setOptimistic] = useState<boolean | null>(null);
  useEffect(() => {
    void done;
    setOptimistic(null);
  }, [done]);
  const toggle = useAction(async () => {
    setOptimistic(!done);
    try {
      if (done) await updateActionItem(incidentId, item.id, { status: "open" });
      else {
        await completeActionItem(incidentId, item.id);
        toast(`Completed “${item.title}”`);
      }
    } catch (error) {
      setOptimistic(null);
      throw error;
    }
    refresh();
  });
  const checked = optimistic ?? done;
  const assign = useAction(async () => {
    await updateActionItem(incidentId, item.id, { owner: owner.trim() || null });
    setEditing(false);
    refresh();
  }, ["owner"]);

  return (
    <li className={`action-item${checked ? " done" : ""}`}>
      <input
        type="checkbox"
        className="check"
        checked={checked}
        disabled={toggle.busy}
        aria-label={checked ? `Reopen “${item.title}”` : `Complete “${item.title}”`}
        onChange={() => void toggle.run()}
      />
      <div className="action-main">
        <span className="action-title">{item.title}</span>
        <span className="action-meta">
          <Tag tone={item.priority === "high" ? "warn" : "muted"}>{item.priority}</Tag>
          {item.due_at ? (
            <span className={item.overdue ? "overdue" : "muted"} title={formatExact(item.due_at)}>
              {item.overdue ? "overdue · " : "due "}
              {dueFormat.format(new Date(item.due_at))}
            </span>
          ) : null}
          {item.issue ? (
            <a
              className="issue-link"
              href={item.issue.url}
              target="_blank"
              rel="noreferrer"
              title={`GitHub issue ${item.issue.repository}#${item.issue.number}`}
            >
              #{item.issue.number}
            </a>
          ) : backlog?.github.configured && !done ? (
            <button
              type="button"
              className="btn btn-ghost btn-sm"
              disabled={fileOne.busy}
              aria-label={`File “${item.title}” to GitHub`}
              onClick={() => void fileOne.run()}
            >
              {fileOne.busy ? "Filing…" : "File to GitHub"}
            </button>
          ) : null}
        </span>
        {toggle.error ? <span className="field-error">{toggle.error}</span> : null}
        {fileOne.error ? <span className="field-error">{fileOne.error}</span> : null}
      </div>
      <div className="action-owner">
        {editing ? (
          <form
            className="owner-form"
            onSubmit={(e) => {
              e.preventDefault();
              void assign.run();
            }}
          >
            <label className="sr-only" htmlFor={`owner-${item.id}`}>
              Owner of “{item.title}”
            </label>
            <input
              id={`owner-${item.id}`}
              value={owner}
              placeholder="handle"
              size={10}
              autoCapitalize="none"
              // biome-ignore lint/a11y/noAutofocus: the field the user just asked to edit
              autoFocus
              aria-invalid={assign.fields.owner ? true : undefined}
              onChange={(e) => setOwner(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Escape") setEditing(false);
              }}
            />
            <button type="submit" className="btn btn-primary btn-sm" disabled={assign.busy}>
              Save
            </button>
            {assign.fields.owner || assign.error ? (
              <span className="field-error">{assign.fields.owner ?? assign.error}</span>
            ) : null}
          </form>
        ) : (
          <button
            type="button"
            className="btn btn-ghost btn-sm owner-btn"
            onClick={() => {
              setOwner(item.owner ?? "");
              setEditing(true);
            }}
            aria-label={
              item.owner ? `Owner ${item.owner}; change owner of “${item.title}”` : `Assign “${item.title}”`
            }
          >
            {item.owner ? <Person name={item.owner} /> : <span className="muted">Assign</span>}
          </button>
        )}
      </div>
    </li>
  );
}
