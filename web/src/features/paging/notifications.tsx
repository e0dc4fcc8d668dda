import { useState } from "react";
import { errorMessage } from "../../api/client.ts";
import { retryNotification } from "../../api/oncall.ts";
import type { Notification, NotificationState } from "../../api/oncall-types.ts";
import { Link } from "../../router.tsx";
import { RelativeTime } from "../../ui/time.tsx";
import { toast } from "../../ui/toast.tsx";
import { PersonLink } from "../oncall/common.tsx";

// Messages Foghorn sent (or is sending): their state in words and colour, and Retry for dead letters.
// Shared by the Paging page and the incident's Paging section.

const STATE_LABELS: Record<NotificationState, string> = {
  pending: "Pending",
  sending: "Sending",
  sent: "Sent",
  failed: "Failed",
  cancelled: "Cancelled",
};

export function NotificationStateBadge({ state }: { state: NotificationState }) {
  return (
    <span className={`badge nstate nstate-${state}`}>
      <span className="dot" aria-hidden="true" />
      {STATE_LABELS[state] ?? state}
    </span>
  );
}

const REASONS: Record<string, string> = {
  page: "Page",
  escalation_rule: "Escalation rule",
  reminder: "Reminder",
  handoff: "Hand-off notice",
  test: "Test",
};

export const reasonWord = (reason: string) => REASONS[reason] ?? reason;

/** Retry for a dead letter; `onDone` refetches the list. */
export function RetryButton({ notification, onDone }: { notification: Notification; onDone: () => void }) {
  const [busy, setBusy] = useState(false);
  const retry = async () => {
    setBusy(true);
    try {
      await retryNotification(notification.id);
      toast(`Sending again to ${notification.to} via ${notification.via}`);
      onDone();
    } catch (e) {
      toast(`Could not retry: ${errorMessage(e)}`, "error");
    } finally {
      setBusy(false);
    }
  };
  return (
    <button
      type="button"
      className="btn btn-secondary btn-xs"
      disabled={busy}
      onClick={() => void retry()}
      aria-label={`Retry the ${reasonWord(notification.reason).toLowerCase()} to ${notification.to} via ${notification.via}`}
    >
      {busy ? "Retrying…" : "Retry"}
    </button>
  );
}

/** One message as a row of the Paging page's table. */
export function NotificationRow({
  n,
  onChanged,
  showIncident = true,
}: {
  n: Notification;
  onChanged: () => void;
  showIncident?: boolean;
}) {
  return (
    <tr className={`data-row nrow${n.dead ? " is-dead" : ""}`} data-state={n.state}>
      <td className="col-when">
        <RelativeTime iso={n.sent_at ?? n.created_at} />
      </td>
      {showIncident ? (
        <td className="col-incident">
          {n.incident_id ? (
            <Link href={`/incidents/${n.incident_id}`} className="mono">
              {n.incident_id}
            </Link>
          ) : (
            <span className="muted">—</span>
          )}
        </td>
      ) : null}
      <td className="col-to">
        <PersonLink username={n.to} />
      </td>
      <td className="col-via">
        <span className="via">{n.via}</span>
        <div className="muted small mono wrap-anywhere">{n.address}</div>
      </td>
      <td className="col-reason">{reasonWord(n.reason)}</td>
      <td className="col-nsummary">
        <span className="wrap-anywhere">{n.summary}</span>
        {n.last_error ? <div className="check-error">{n.last_error}</div> : null}
      </td>
      <td className="col-nstate">
        <NotificationStateBadge state={n.state} />
        {n.attempts > 1 ? <div className="muted small">{n.attempts} attempts</div> : null}
      </td>
      <td className="col-actions">{n.dead ? <RetryButton notification={n} onDone={onChanged} /> : null}</td>
    </tr>
  );
}

export const NOTIFICATION_COLUMNS = [
  { label: "When", className: "col-when" },
  { label: "Incident", className: "col-incident" },
  { label: "To", className: "col-to" },
  { label: "Via", className: "col-via" },
  { label: "Why", className: "col-reason" },
  { label: "Message", className: "col-nsummary" },
  { label: "State", className: "col-nstate" },
  { label: "Actions", className: "col-actions" },
];
