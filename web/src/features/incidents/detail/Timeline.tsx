import { type FormEvent, type ReactNode, useState } from "react";
import { errorMessage } from "../../../api/client.ts";
import { addNote } from "../../../api/endpoints.ts";
import type { IncidentStatus, Severity, Timeline, TimelineEvent } from "../../../api/types.ts";
import { Link } from "../../../router.tsx";
import { useAction } from "../../../ui/action.ts";
import { SeverityBadge, StatusBadge } from "../../../ui/badge.tsx";
import { ErrorNote } from "../../../ui/banner.tsx";
import { CompactField } from "../../../ui/compact-field.tsx";
import { Section } from "../../../ui/section.tsx";
import { RelativeTime } from "../../../ui/time.tsx";
import type { DetailProps } from "../DetailPage.tsx";
import { describePaging, PAGING_KINDS } from "./timeline-paging.tsx";

// The append-only timeline: newest or oldest first, filtered by kind, a note box on top.

const FILTERS: { value: string; label: string; kinds: string[] }[] = [
  { value: "", label: "Everything", kinds: [] },
  { value: "notes", label: "Notes", kinds: ["note.added"] },
  { value: "status", label: "Status changes", kinds: ["incident.status_changed", "incident.declared"] },
  { value: "updates", label: "Status updates", kinds: ["status_update.posted"] },
  { value: "evidence", label: "Evidence", kinds: ["evidence.added"] },
  { value: "roles", label: "Roles", kinds: ["role.assigned", "role.removed"] },
  { value: "services", label: "Services", kinds: ["service.added", "service.removed"] },
  {
    value: "actions",
    label: "Action items",
    kinds: ["action_item.created", "action_item.updated", "action_item.completed", "action_item.filed"],
  },
  { value: "edits", label: "Edits", kinds: ["incident.updated"] },
  {
    value: "alerts",
    label: "Alerts",
    kinds: ["alert.attached", "alert.acknowledged", "alert.changed", "alert.resolved"],
  },
  { value: "paging", label: "Paging", kinds: PAGING_KINDS },
  { value: "checklist", label: "Checklist", kinds: ["task.completed", "task.reopened"] },
  { value: "postmortem", label: "Postmortem", kinds: ["postmortem.created", "postmortem.status_changed"] },
];

const ORDER_KEY = "foghorn.timeline-order";

export function TimelineSection({
  incident,
  refresh,
  timeline,
  timelineError,
}: DetailProps & { timeline: Timeline | undefined; timelineError: unknown }) {
  const [newestFirst, setNewestFirst] = useState(() => localStorage.getItem(ORDER_KEY) !== "oldest");
  const [filter, setFilter] = useState("");
  const [note, setNote] = useState("");
  const post = useAction(async () => {
    await addNote(incident.id, note.trim());
    setNote("");
    refresh();
  }, ["text"]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (note.trim()) void post.run();
  };
  const setOrder = (newest: boolean) => {
    setNewestFirst(newest);
    localStorage.setItem(ORDER_KEY, newest ? "newest" : "oldest");
  };

  const kinds = FILTERS.find((f) => f.value === filter)?.kinds ?? [];
  const events = (timeline?.events ?? []).filter((e) => kinds.length === 0 || kinds.includes(e.kind));
  const ordered = newestFirst ? [...events].reverse() : events;

  return (
    <Section
      id="timeline"
      headingId="timeline-h"
      title="Timeline"
      count={timeline?.events.length ?? ""}
      tools={
        <div className="section-tools">
          <CompactField label="Show">
            {(id) => (
              <select id={id} value={filter} onChange={(e) => setFilter(e.target.value)}>
                {FILTERS.map((f) => (
                  <option key={f.value} value={f.value}>
                    {f.label}
                  </option>
                ))}
              </select>
            )}
          </CompactField>
          <CompactField label="Order">
            {(id) => (
              <select
                id={id}
                value={newestFirst ? "newest" : "oldest"}
                onChange={(e) => setOrder(e.target.value === "newest")}
              >
                <option value="newest">Newest first</option>
                <option value="oldest">Oldest first</option>
              </select>
            )}
          </CompactField>
        </div>
      }
    >
      <form className="note-form" onSubmit={submit}>
        <label htmlFor="note-text" className="sr-only">
          Add a note to the timeline
        </label>
        <textarea
          id="note-text"
          rows={2}
          placeholder="Add a note: what you see, what you tried…"
          value={note}
          aria-invalid={post.fields.text ? true : undefined}
          aria-describedby={post.fields.text ? "note-error" : undefined}
          onChange={(e) => setNote(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) {
              e.preventDefault();
              if (note.trim()) void post.run();
            }
          }}
        />
        <div className="note-actions">
          <span className="hint">Ctrl+Enter to add</span>
          <button type="submit" className="btn btn-primary" disabled={post.busy || !note.trim()}>
            {post.busy ? "Adding…" : "Add note"}
          </button>
        </div>
        {post.fields.text ? (
          <div className="field-error" id="note-error">
            {post.fields.text}
          </div>
        ) : null}
        {post.error ? <ErrorNote>{post.error}</ErrorNote> : null}
      </form>

      {timelineError && !timeline ? (
        <ErrorNote>Could not load the timeline: {errorMessage(timelineError)}</ErrorNote>
      ) : null}
      {timeline && ordered.length === 0 ? (
        <p className="muted empty-inline">Nothing of this kind yet.</p>
      ) : null}
      <ol className="timeline" aria-label={`Timeline, ${newestFirst ? "newest" : "oldest"} first`}>
        {ordered.map((event) => (
          <TimelineItem key={event.seq} event={event} />
        ))}
      </ol>
    </Section>
  );
}

const str = (v: unknown): string => (typeof v === "string" ? v : v == null ? "" : JSON.stringify(v));
const roleName = (r: unknown) => str(r).replace("_", " ");

function describe(event: TimelineEvent): { icon: string; text: ReactNode; body?: ReactNode } {
  const d = event.data;
  switch (event.kind) {
    case "incident.declared":
      return {
        icon: "declare",
        text: (
          <>
            declared the incident <SeverityBadge severity={str(d.severity) as Severity} />
            {d.type ? <span className="muted"> as {str(d.type)}</span> : null}
          </>
        ),
        body:
          Array.isArray(d.affected_services) && d.affected_services.length ? (
            <span className="muted">Services: {d.affected_services.map(str).join(", ")}</span>
          ) : undefined,
      };
    case "incident.status_changed":
      return {
        icon: "status",
        text: (
          <>
            changed status to <StatusBadge status={str(d.to) as IncidentStatus} />
            {d.from ? <span className="muted"> from {str(d.from)}</span> : null}
          </>
        ),
      };
    case "incident.updated": {
      const changes = (d.changes ?? {}) as Record<string, unknown>;
      return {
        icon: "edit",
        text: (
          <>
            updated{" "}
            {Object.keys(changes)
              .map((k) => k.replace("_", " "))
              .join(", ") || "the incident"}
          </>
        ),
        body: (
          <dl className="changes">
            {Object.entries(changes).map(([k, v]) => (
              <div key={k}>
                <dt>{k.replace("_", " ")}</dt>
                <dd>{describeChange(v)}</dd>
              </div>
            ))}
          </dl>
        ),
      };
    }
    case "note.added":
      return { icon: "note", text: "added a note", body: <p className="note-text">{str(d.text)}</p> };
    case "evidence.added":
      return {
        icon: "evidence",
        text: <>added {str(d.kind)} evidence</>,
        body: (
          <a href={str(d.url)} target="_blank" rel="noreferrer noopener" className="ext-link">
            {str(d.caption) || str(d.url)}
          </a>
        ),
      };
    case "status_update.posted":
      return {
        icon: d.visibility === "external" ? "external" : "update",
        text: (
          <>
            posted an <strong>{str(d.visibility)}</strong> update
            <span className="muted"> ({str(d.status)})</span>
          </>
        ),
        body: <p className="note-text">{str(d.message)}</p>,
      };
    case "role.assigned":
      return {
        icon: "role",
        text: (
          <>
            made <strong>{str(d.person)}</strong> {roleName(d.role)}
            {d.replaced ? <span className="muted"> (was {str(d.replaced)})</span> : null}
          </>
        ),
      };
    case "role.removed":
      return {
        icon: "role",
        text: (
          <>
            removed <strong>{str(d.person)}</strong> as {roleName(d.role)}
          </>
        ),
      };
    case "service.added":
      return {
        icon: "service",
        text: (
          <>
            added service <strong>{str(d.service)}</strong>
          </>
        ),
      };
    case "service.removed":
      return {
        icon: "service",
        text: (
          <>
            removed service <strong>{str(d.service)}</strong>
          </>
        ),
      };
    case "action_item.created":
      return {
        icon: "action",
        text: (
          <>
            added action item <strong>{str(d.title)}</strong>
            {d.owner ? <span className="muted"> for {str(d.owner)}</span> : null}
          </>
        ),
      };
    case "action_item.completed":
      return {
        icon: "done",
        text: (
          <>
            completed <strong>{str(d.title)}</strong>
            {d.via === "github" ? (
              <span className="muted">
                {" "}
                (issue {str(d.issue)} closed on GitHub{d.by ? ` by ${str(d.by)}` : ""})
              </span>
            ) : null}
          </>
        ),
      };
    case "action_item.filed":
      return {
        icon: "action",
        text: (
          <>
            filed <strong>{str(d.title)}</strong> as{" "}
            <a href={str(d.url)} target="_blank" rel="noreferrer">
              {str(d.repository)}#{str(d.number)}
            </a>
          </>
        ),
      };
    case "action_item.updated":
      return {
        icon: "action",
        text: (
          <>
            updated action item <strong>{str(d.title)}</strong>
            {"owner" in d ? <span className="muted"> (owner: {str(d.owner) || "none"})</span> : null}
          </>
        ),
      };
    case "alert.attached":
      return {
        icon: "alert",
        text: (
          <>
            alert <AlertRef id={d.alert} />{" "}
            {d.severity ? <span className="muted">({str(d.severity)})</span> : null} attached
          </>
        ),
        body: d.summary ? <span className="muted">{str(d.summary)}</span> : undefined,
      };
    case "alert.acknowledged":
      return {
        icon: "status",
        text: (
          <>
            alert <AlertRef id={d.alert} /> acknowledged by its sender
          </>
        ),
      };
    case "alert.changed":
      return {
        icon: "alert",
        text: (
          <>
            alert <AlertRef id={d.alert} /> changed
            {d.firing !== undefined ? (
              <span className="muted">
                {" "}
                ({count(d.firing)} firing, {count(d.resolved)} resolved)
              </span>
            ) : null}
          </>
        ),
      };
    case "alert.resolved":
      return {
        icon: "done",
        text: (
          <>
            alert <AlertRef id={d.alert} /> resolved
          </>
        ),
        body: d.summary ? <span className="muted">{str(d.summary)}</span> : undefined,
      };
    case "task.completed":
      return {
        icon: "done",
        text: (
          <>
            ticked <strong>{str(d.title)}</strong> <span className="muted">(checklist)</span>
          </>
        ),
      };
    case "task.reopened":
      return {
        icon: "action",
        text: (
          <>
            reopened <strong>{str(d.title)}</strong> <span className="muted">(checklist)</span>
          </>
        ),
      };
    default:
      return event.kind.startsWith("postmortem.")
        ? describePostmortem(event)
        : { icon: "edit", text: event.kind };
  }
}

/** Postmortem events, whatever their verb: "started the postmortem", "moved the postmortem draft → in review". */
function describePostmortem(event: TimelineEvent): { icon: string; text: ReactNode } {
  const d = event.data;
  if (event.kind === "postmortem.created") return { icon: "edit", text: "started the postmortem" };
  if (d.from !== undefined || d.to !== undefined)
    return {
      icon: d.to === "published" ? "done" : "edit",
      text: (
        <>
          moved the postmortem{" "}
          <span className="muted">
            {str(d.from).replace("_", " ") || "—"} → {str(d.to).replace("_", " ") || "—"}
          </span>
        </>
      ),
    };
  return { icon: "edit", text: <>postmortem: {event.kind.slice("postmortem.".length).replace("_", " ")}</> };
}

/** A member count (a number, or a list of members). */
const count = (v: unknown): number => (Array.isArray(v) ? v.length : typeof v === "number" ? v : 0);

function AlertRef({ id }: { id: unknown }) {
  const ref = str(id);
  return ref ? (
    <Link href={`/alerts/${ref}`} className="mono">
      {ref}
    </Link>
  ) : (
    <span>?</span>
  );
}

function describeChange(v: unknown): string {
  if (v && typeof v === "object" && "from" in v && "to" in v) {
    const c = v as { from: unknown; to: unknown };
    return `${str(c.from) || "—"} → ${str(c.to) || "—"}`;
  }
  return str(v);
}

function TimelineItem({ event }: { event: TimelineEvent }) {
  // Paging events are Foghorn's own doing: they read as sentences without an actor.
  const paging = describePaging(event);
  const { icon, text, body } = paging ?? describe(event);
  return (
    <li className={`tl-item tl-${icon}`} data-kind={event.kind}>
      <span className="tl-dot" aria-hidden="true" />
      <div className="tl-content">
        <div className="tl-line">
          <span className="tl-what">
            {paging ? null : (
              <>
                <strong className="tl-actor">{event.actor}</strong>{" "}
              </>
            )}
            <span className="tl-text">{text}</span>
          </span>
          <RelativeTime iso={event.at} className="tl-time" />
        </div>
        {body ? <div className="tl-body">{body}</div> : null}
      </div>
    </li>
  );
}
