import { useState } from "react";
import { ApiError, serverNow } from "../../api/client.ts";
import { changeStatus, getIncident, getTimeline } from "../../api/endpoints.ts";
import { useResource } from "../../api/resource.ts";
import { type Incident, type IncidentDetail, type IncidentStatus, OPEN_STATUSES } from "../../api/types.ts";
import { useLiveEvents } from "../../live/events.ts";
import { Link } from "../../router.tsx";
import { useAction } from "../../ui/action.ts";
import { SeverityBadge, StatusBadge } from "../../ui/badge.tsx";
import { ErrorNote } from "../../ui/banner.tsx";
import { DetailFallback } from "../../ui/detail-fallback.tsx";
import { Kbd, useShortcut } from "../../ui/shortcuts.tsx";
import { LiveDuration, RelativeTime } from "../../ui/time.tsx";
import { useDocumentTitle } from "../../ui/title.ts";
import { toast } from "../../ui/toast.tsx";
import { AlertsSection } from "../alerts/IncidentAlerts.tsx";
import { CustomFieldsPanel } from "../incident-types/CustomFieldsPanel.tsx";
import { PostmortemSection } from "../postmortems/PostmortemSummary.tsx";
import { RunbooksPanel } from "../runbooks/RunbooksPanel.tsx";
import { ActionItemsSection } from "./detail/ActionItems.tsx";
import { ChecklistSection } from "./detail/Checklist.tsx";
import { CommunicationSection } from "./detail/Communication.tsx";
import { EvidenceSection } from "./detail/Evidence.tsx";
import { PagingSection } from "./detail/Paging.tsx";
import { RolesPanel, ServicesPanel, SummaryPanel } from "./detail/Sidebar.tsx";
import { TimelineSection } from "./detail/Timeline.tsx";
import { WriteUpSection } from "./detail/WriteUp.tsx";

export interface DetailProps {
  incident: IncidentDetail;
  /** Refetch the incident and its timeline (coalesced). */
  refresh: () => void;
  /** Apply an incident the API answered with (keeps evidence, updates and action items). */
  apply: (incident: Incident) => void;
}

export function DetailPage({ id }: { id: string }) {
  const incident = useResource(id, async (signal) => ({
    detail: await getIncident(id, signal),
    fetchedAt: serverNow(),
  }));
  const timeline = useResource(id, (signal) => getTimeline(id, signal));
  const detail = incident.data?.detail;
  useDocumentTitle(detail ? `${detail.id} ${detail.title}` : id.toUpperCase());

  const refresh = () => {
    incident.reload();
    timeline.reload();
  };
  useLiveEvents((event) => {
    if (event.type === "reload") refresh();
    else if (event.id === detail?.id || event.id.toLowerCase() === id.toLowerCase()) refresh();
  });
  const apply = (changed: Incident) => {
    if (!detail) return;
    incident.set({ detail: { ...detail, ...changed }, fetchedAt: serverNow() });
    refresh();
  };

  if (!detail) {
    return (
      <DetailFallback
        name={id}
        back={{ href: "/incidents", label: "Incidents" }}
        error={incident.error}
        onRetry={incident.reload}
        notFound={{
          title: `No incident ${id.toUpperCase()}`,
          hint: "It may have been mistyped. Go back to the list to find it.",
          href: "/incidents",
          link: "All incidents",
        }}
      />
    );
  }

  const props: DetailProps = { incident: detail, refresh, apply };
  const open = OPEN_STATUSES.includes(detail.status);
  return (
    <main className="page page-detail" id="main">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href="/incidents">Incidents</Link>
        <span aria-hidden="true"> / </span>
        <span aria-current="page" className="mono">
          {detail.id}
        </span>
      </nav>
      <header className="detail-head">
        <div className="detail-meta">
          <span className="mono detail-id">{detail.id}</span>
          <SeverityBadge severity={detail.severity} long />
          <StatusBadge status={detail.status} />
          <span className="meta-item" title="Duration">
            <span className="sr-only">Duration </span>
            <ClockIcon />
            <LiveDuration
              seconds={detail.duration_seconds}
              fetchedAt={incident.data?.fetchedAt ?? serverNow()}
              running={open}
            />
          </span>
          <span className="meta-item muted">
            declared by {detail.created_by} <RelativeTime iso={detail.created_at} />
          </span>
        </div>
        <h1 className="detail-title">
          {detail.title}
          {detail.private ? (
            <>
              {" "}
              <span className="tag tag-warn" title="Seen only by its declarer, role holders and admins">
                Private
              </span>
            </>
          ) : null}
        </h1>
        {detail.description ? <p className="detail-description">{detail.description}</p> : null}
        <StatusActions {...props} />
      </header>

      <div className="detail-grid">
        <div className="detail-main">
          <AlertsSection {...props} />
          <PagingSection {...props} timeline={timeline.data} />
          <ChecklistSection {...props} />
          <TimelineSection {...props} timeline={timeline.data} timelineError={timeline.error} />
          <CommunicationSection {...props} />
          <EvidenceSection {...props} />
          <ActionItemsSection {...props} />
          <WriteUpSection {...props} />
          <PostmortemSection incident={detail} />
        </div>
        <aside className="detail-side" aria-label="Incident summary">
          <SummaryPanel {...props} fetchedAt={incident.data?.fetchedAt ?? serverNow()} />
          <CustomFieldsPanel {...props} />
          <RolesPanel {...props} />
          <ServicesPanel {...props} />
          <RunbooksPanel incident={detail} />
        </aside>
      </div>
    </main>
  );
}

function ClockIcon() {
  return (
    <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" className="icon">
      <circle cx="8" cy="8" r="6.25" fill="none" stroke="currentColor" strokeWidth="1.5" />
      <path d="M8 4.5V8l2.5 1.5" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
    </svg>
  );
}

const ACTION_LABELS: Record<IncidentStatus, string> = {
  triggered: "Triggered",
  acknowledged: "Acknowledge",
  investigating: "Investigating",
  mitigating: "Mitigating",
  resolved: "Resolve",
  postmortem: "Postmortem",
};

/** Buttons for exactly the allowed next statuses, with an optional note that goes with the change. */
function StatusActions({ incident, apply, refresh }: DetailProps) {
  const [note, setNote] = useState("");
  const allowed = incident.allowed_next_statuses;
  const action = useAction(
    async (status: IncidentStatus) => {
      try {
        const changed = await changeStatus(incident.id, status, note.trim() || undefined);
        setNote("");
        apply(changed);
        toast(`${incident.id} is ${status}`);
      } catch (error) {
        if (error instanceof ApiError && error.code === "INVALID_TRANSITION") refresh();
        throw error;
      }
    },
    ["status", "note"],
  );
  useShortcut("a", () => void action.run("acknowledged"), allowed.includes("acknowledged") && !action.busy);

  if (allowed.length === 0) {
    return <p className="muted status-final">Postmortem is the final status: no further changes.</p>;
  }
  const label = (s: IncidentStatus) =>
    incident.status === "resolved" && s === "investigating" ? "Reopen" : ACTION_LABELS[s];
  return (
    <div className="status-actions">
      <fieldset className="status-buttons" disabled={action.busy}>
        <legend className="sr-only">Change status</legend>
        {allowed.map((s, i) => (
          <button
            key={s}
            type="button"
            className={`btn ${
              s === "resolved" ? "btn-success" : i === 0 ? "btn-primary" : "btn-secondary"
            } status-btn-${s}`}
            onClick={() => void action.run(s)}
            aria-keyshortcuts={s === "acknowledged" ? "a" : undefined}
          >
            {label(s)}
            {s === "acknowledged" ? <Kbd>A</Kbd> : null}
          </button>
        ))}
      </fieldset>
      <div className="status-note">
        <label htmlFor="status-note" className="sr-only">
          Note for the status change (optional)
        </label>
        <input
          id="status-note"
          placeholder="Note for the status change (optional)"
          value={note}
          aria-invalid={action.fields.note ? true : undefined}
          aria-describedby={action.fields.note ? "status-note-error" : undefined}
          onChange={(e) => setNote(e.target.value)}
        />
        {action.fields.note ? (
          <div className="field-error" id="status-note-error">
            {action.fields.note}
          </div>
        ) : null}
      </div>
      {action.error || action.fields.status ? (
        <ErrorNote>{action.fields.status ?? action.error}</ErrorNote>
      ) : null}
    </div>
  );
}
