import { listNotifications } from "../../../api/oncall.ts";
import { useResource } from "../../../api/resource.ts";
import type { Timeline, TimelineEvent } from "../../../api/types.ts";
import { useLiveEvents } from "../../../live/events.ts";
import { Link } from "../../../router.tsx";
import { LoadError } from "../../../ui/banner.tsx";
import { Section } from "../../../ui/section.tsx";
import { RelativeTime } from "../../../ui/time.tsx";
import { PersonLink, policyHref } from "../../oncall/common.tsx";
import { NotificationStateBadge, RetryButton, reasonWord } from "../../paging/notifications.tsx";
import type { DetailProps } from "../DetailPage.tsx";

// Who this incident paged: where the escalation stands (from the timeline) and every message sent for
// it with its delivery state; dead letters can be retried here.

const ESCALATION_KINDS = new Set([
  "escalation.started",
  "escalation.escalated",
  "escalation.stopped",
  "escalation.exhausted",
  "escalation.skipped",
]);

const s = (v: unknown) => (typeof v === "string" ? v : v == null ? "" : String(v));

function EscalationState({ event }: { event: TimelineEvent | undefined }) {
  if (!event) return <p className="muted small">Paging has not started yet.</p>;
  const d = event.data;
  const policy = s(d.policy);
  const policyLink = policy ? (
    <>
      {" "}
      of <Link href={policyHref(policy)}>{policy}</Link>
    </>
  ) : null;
  switch (event.kind) {
    case "escalation.started":
    case "escalation.escalated":
      return (
        <p className="escalation-state is-active">
          <span className="tag tag-warn">Escalating</span> {s(d.label) || `level ${s(d.level)}`}
          {policyLink}, waiting for an acknowledgement
        </p>
      );
    case "escalation.stopped":
      return (
        <p className="escalation-state is-done">
          <span className="tag">Stopped</span> Paging stopped: {s(d.reason) || "acknowledged"}
          {policyLink}
        </p>
      );
    case "escalation.exhausted":
      return (
        <p className="escalation-state is-bad">
          <span className="tag tag-danger">Ended</span> {s(d.reason) || "Nobody else to page"}
        </p>
      );
    default:
      return (
        <p className="escalation-state is-bad">
          <span className="tag tag-danger">Nobody paged</span> {s(d.reason)}
        </p>
      );
  }
}

export function PagingSection({ incident, timeline }: DetailProps & { timeline: Timeline | undefined }) {
  const list = useResource(incident.id, (signal) => listNotifications({ incident: incident.id }, signal));
  useLiveEvents((event) => {
    if (event.type === "reload" || event.id === incident.id) list.reload();
  });
  const items = list.data?.items;
  const last = [...(timeline?.events ?? [])].reverse().find((e) => ESCALATION_KINDS.has(e.kind));
  const failed = items?.filter((n) => n.dead).length ?? 0;
  return (
    <Section
      id="paging"
      headingId="paging-h"
      title="Paging"
      count={items?.length || ""}
      tools={
        <div className="section-tools">
          {failed ? <span className="tag tag-danger">{failed} failed</span> : null}
          <Link href="/paging" className="small">
            All messages
          </Link>
        </div>
      }
    >
      <EscalationState event={last} />
      {list.error && !items ? (
        <LoadError what="the messages" error={list.error} onRetry={list.reload} />
      ) : null}
      {items?.length ? (
        <ul className="row-list page-list">
          {items.map((n) => (
            <li key={n.id} className={`row-item${n.dead ? " is-dead" : ""}`} data-state={n.state}>
              <div className="row-main">
                <div className="row-title">
                  <span className="muted small">{reasonWord(n.reason)} to</span>
                  <PersonLink username={n.to} />
                  <span className="muted small">via {n.via}</span>
                  <NotificationStateBadge state={n.state} />
                  <span className="muted small">
                    <RelativeTime iso={n.sent_at ?? n.created_at} />
                    {n.attempts > 1 ? ` · ${n.attempts} attempts` : ""}
                  </span>
                </div>
                {n.last_error ? <span className="check-error">{n.last_error}</span> : null}
              </div>
              {n.dead ? <RetryButton notification={n} onDone={list.reload} /> : null}
            </li>
          ))}
        </ul>
      ) : items ? (
        <p className="muted empty-inline">No messages sent for this incident.</p>
      ) : null}
    </Section>
  );
}
