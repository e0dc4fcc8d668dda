import type { ReactNode } from "react";
import type { TimelineEvent } from "../../../api/types.ts";
import { Link } from "../../../router.tsx";
import { personHref, policyHref } from "../../oncall/common.tsx";

// The paging engine's timeline events in words (src/app/oncall/paging.ts, deliver.ts, sweep.ts write
// them): "Paged alice (level 1, policy Checkout)", "Escalated to level 2 — not acknowledged within 5m",
// "Page to alice via sms failed: …". They are Foghorn's own doing, so they read without an actor.

export const PAGING_KINDS = [
  "escalation.started",
  "escalation.escalated",
  "escalation.stopped",
  "escalation.exhausted",
  "escalation.skipped",
  "escalation.rule_fired",
  "page.sent",
  "page.failed",
  "reminder.sent",
];

export interface Described {
  icon: string;
  text: ReactNode;
  body?: ReactNode;
}

const str = (v: unknown): string => (typeof v === "string" ? v : v == null ? "" : String(v));
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(str).filter(Boolean) : []);

function People({ names }: { names: string[] }) {
  return (
    <>
      {names.map((n, i) => (
        <span key={n}>
          {i > 0 ? (i === names.length - 1 ? " and " : ", ") : null}
          <Link href={personHref(n)} className="tl-person">
            {n}
          </Link>
        </span>
      ))}
    </>
  );
}

function PolicyRef({ name }: { name: string }) {
  return name ? <Link href={policyHref(name)}>{name}</Link> : <>?</>;
}

/** "Not reachable: bob (no contact method)" and the targets that resolved to nobody. */
function Problems({ data }: { data: Record<string, unknown> }) {
  const unreachable = list(data.unreachable);
  const empty = list(data.empty);
  if (!unreachable.length && !empty.length) return null;
  return (
    <ul className="tl-problems">
      {unreachable.length ? (
        <li>
          Could not page <People names={unreachable} />: no contact method
        </li>
      ) : null}
      {empty.map((e) => (
        <li key={e}>{e}</li>
      ))}
    </ul>
  );
}

const REASON_WORDS: Record<string, string> = {
  page: "Page",
  escalation_rule: "Escalation-rule notice",
  reminder: "Reminder",
  handoff: "Hand-off notice",
  test: "Test message",
};

/** The words for a paging event, or null when the kind is not one of them. */
export function describePaging(event: TimelineEvent): Described | null {
  const d = event.data;
  switch (event.kind) {
    case "escalation.started": {
      const paged = list(d.paged);
      const where = (
        <span className="muted">
          {" "}
          ({str(d.label) || `level ${str(d.level)}`}, policy <PolicyRef name={str(d.policy)} />)
        </span>
      );
      return {
        icon: paged.length ? "page" : "page-failed",
        text: paged.length ? (
          <>
            Paged <People names={paged} />
            {where}
          </>
        ) : (
          <>Paging started but reached nobody{where}</>
        ),
        body: <Problems data={d} />,
      };
    }
    case "escalation.escalated": {
      const paged = list(d.paged);
      return {
        icon: "escalate",
        text: (
          <>
            Escalated to {str(d.label) || `level ${str(d.level)}`}
            {d.reason ? <span className="muted"> — {str(d.reason)}</span> : null}
          </>
        ),
        body: (
          <>
            <span>
              {paged.length ? (
                <>
                  Paged <People names={paged} />
                </>
              ) : (
                <span className="tl-bad">Nobody could be paged</span>
              )}
              <span className="muted">
                {" "}
                (policy <PolicyRef name={str(d.policy)} />)
              </span>
            </span>
            <Problems data={d} />
          </>
        ),
      };
    }
    case "escalation.stopped": {
      const cancelled = Number(d.cancelled_pages ?? 0);
      return {
        icon: "page-stop",
        text: (
          <>
            Paging stopped: incident {str(d.reason) || "acknowledged"}
            {cancelled ? (
              <span className="muted">
                {" "}
                ({cancelled} unsent page{cancelled === 1 ? "" : "s"} cancelled)
              </span>
            ) : null}
          </>
        ),
      };
    }
    case "escalation.exhausted":
      return {
        icon: "page-failed",
        text: (
          <>
            Escalation ended<span className="muted"> — {str(d.reason) || "nobody else to page"}</span>
          </>
        ),
      };
    case "escalation.skipped": {
      const reason = str(d.reason) || "nobody was paged";
      return { icon: "page-failed", text: <>{reason.charAt(0).toUpperCase() + reason.slice(1)}</> };
    }
    case "escalation.rule_fired": {
      const notified = list(d.notified);
      return {
        icon: "escalate",
        text: (
          <>
            Escalation rule <strong>{str(d.rule)}</strong> fired
            {d.condition ? <span className="muted"> ({str(d.condition)})</span> : null}
          </>
        ),
        body: (
          <>
            {notified.length ? (
              <span>
                Notified <People names={notified} />
              </span>
            ) : (
              <span className="tl-bad">Nobody could be notified</span>
            )}
            <Problems data={d} />
          </>
        ),
      };
    }
    case "page.sent":
      return {
        icon: "page-sent",
        text: (
          <>
            {REASON_WORDS[str(d.reason)] ?? "Message"} delivered to <People names={[str(d.to)]} /> via{" "}
            {str(d.via)}
          </>
        ),
      };
    case "page.failed":
      return {
        icon: "page-failed",
        text: (
          <>
            {REASON_WORDS[str(d.reason)] ?? "Message"} to <People names={[str(d.to)]} /> via {str(d.via)}{" "}
            <span className="tl-bad">failed</span>: {str(d.error) || "unknown error"}
          </>
        ),
        body: d.attempts ? (
          <span className="muted">
            Gave up after {str(d.attempts)} attempt{Number(d.attempts) === 1 ? "" : "s"}; retry it under
            Paging.
          </span>
        ) : undefined,
      };
    case "reminder.sent":
      return {
        icon: "reminder",
        text: (
          <>
            Reminded <People names={[str(d.to)]} /> to post a status update
            {d.last_update_ago ? (
              <span className="muted"> (last update {str(d.last_update_ago)} ago)</span>
            ) : null}
          </>
        ),
        body: d.unreachable ? (
          <span className="tl-bad">{str(d.to)} has no contact method: the reminder reached nobody</span>
        ) : undefined,
      };
    default:
      return null;
  }
}
