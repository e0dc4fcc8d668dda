import { ApiError } from "../../api/client.ts";
import { getPostmortem, type Postmortem, type PostmortemStatus } from "../../api/postmortems.ts";
import { useResource } from "../../api/resource.ts";
import type { IncidentDetail } from "../../api/types.ts";
import { Link } from "../../router.tsx";
import { Tag } from "../../ui/badge.tsx";
import { Markdown } from "../../ui/markdown.tsx";
import { Section } from "../../ui/section.tsx";
import { formatExact } from "../../ui/time.tsx";

// The postmortem as the incident page shows it: status, due date, a link to write or read it, and once
// published the postmortem itself.

const LABELS: Record<PostmortemStatus, string> = {
  draft: "Draft",
  in_review: "In review",
  published: "Published",
};

export function PostmortemStatusBadge({ status }: { status: PostmortemStatus }) {
  return <Tag tone={status === "published" ? "accent" : "muted"}>Postmortem: {LABELS[status]}</Tag>;
}

const dueFormat = new Intl.DateTimeFormat(undefined, {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});

/** "Due Mar 4, 09:00", "Overdue since …", or the policy when there is no due date. */
export function postmortemDue(pm: Pick<Postmortem, "due_at" | "overdue" | "policy" | "status">): string {
  if (pm.status === "published") return "";
  if (pm.due_at) return `${pm.overdue ? "Overdue since" : "Due"} ${dueFormat.format(new Date(pm.due_at))}`;
  return pm.policy === "required"
    ? "Due 48 h after resolution"
    : pm.policy === "lightweight"
      ? "Lightweight review"
      : "";
}

export function PostmortemSection({ incident }: { incident: IncidentDetail }) {
  // Keyed by the incident's timeline length: any change on the incident (a publish, a new action item) re-reads it.
  const pm = useResource(`${incident.id}:${incident.timeline_length}`, async (signal) => {
    try {
      return await getPostmortem(incident.id, signal);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  });
  const href = `/incidents/${incident.id}/postmortem`;
  const data = pm.data;
  const resolved = incident.status === "resolved" || incident.status === "postmortem";
  return (
    <Section
      id="postmortem"
      headingId="postmortem-h"
      title="Postmortem"
      tools={
        data === undefined ? null : (
          <Link href={href} className="btn btn-secondary btn-sm push-right">
            {data === null
              ? "Write postmortem"
              : data.status === "published"
                ? "View postmortem"
                : "Edit postmortem"}
          </Link>
        )
      }
    >
      {data === undefined ? (
        <p className="muted empty-inline">{pm.error ? "Could not load the postmortem." : "Loading…"}</p>
      ) : data === null ? (
        <p className="muted empty-inline">
          Not started.{" "}
          {resolved
            ? "Write it while the details are fresh."
            : "Start it any time; it can be published once the incident is resolved."}
        </p>
      ) : (
        <>
          <p className="pm-summary-line">
            <PostmortemStatusBadge status={data.status} />{" "}
            {data.due_at && data.status !== "published" ? (
              <span className={data.overdue ? "overdue" : "muted"} title={formatExact(data.due_at)}>
                {postmortemDue(data)}
              </span>
            ) : null}{" "}
            <span className="muted">by {data.author}</span>
          </p>
          {data.status === "published" ? <Markdown text={data.markdown} className="pm-rendered" /> : null}
        </>
      )}
    </Section>
  );
}
