import { getIncidentAlerts } from "../../api/endpoints.ts";
import { useResource } from "../../api/resource.ts";
import type { Alert } from "../../api/types.ts";
import { useLiveEvents } from "../../live/events.ts";
import { Link } from "../../router.tsx";
import { AlertSeverityBadge, HealthBadge, StatusBadge } from "../../ui/badge.tsx";
import { LoadError } from "../../ui/banner.tsx";
import { Section } from "../../ui/section.tsx";
import { RelativeTime } from "../../ui/time.tsx";
import type { DetailProps } from "../incidents/DetailPage.tsx";
import { ChangeList } from "../services/ChangeList.tsx";
import { useServiceHealth } from "../services/service-health.ts";

// On an incident's page: the alerts attached to it and the changes (deploys, config) to its services
// around the time it started. Hidden for incidents with neither (declared by hand, nothing deployed).

export function AlertsSection({ incident }: DetailProps) {
  const id = incident.id;
  const resource = useResource(id, (signal) => getIncidentAlerts(id, signal));
  useLiveEvents((event) => {
    if (event.type === "reload" || event.id.toLowerCase() === id.toLowerCase()) resource.reload();
  });
  const data = resource.data;
  if (!data) {
    return resource.error ? (
      <LoadError what={`the alerts of ${id}`} error={resource.error} onRetry={resource.reload} />
    ) : null;
  }
  if (!data.items.length && !data.change_events.length) return null;
  const open = data.items.filter((a) => a.status !== "resolved").length;
  return (
    <Section
      id="alerts"
      headingId="alerts-h"
      title="Alerts"
      count={data.items.length || ""}
      tools={
        data.items.length ? (
          <span className="muted small push-right">{open ? `${open} open` : "all resolved"}</span>
        ) : null
      }
    >
      {data.items.length ? (
        <ul className="alert-list">
          {data.items.map((a) => (
            <AlertItem key={a.id} alert={a} />
          ))}
        </ul>
      ) : (
        <p className="muted empty-inline">No alerts attached.</p>
      )}
      <h3 className="subhead">Recent changes</h3>
      <p className="hint">
        Deploys and config changes to the affected services from an hour before the incident until an hour
        after it resolved.
      </p>
      <ChangeList changes={data.change_events} empty="No changes recorded around that time." showService />
    </Section>
  );
}

function AlertItem({ alert: a }: { alert: Alert }) {
  return (
    <li className={`alert-item alert-${a.status}`} data-id={a.id}>
      <div className="alert-item-head">
        <StatusBadge status={a.status} />
        <AlertSeverityBadge severity={a.severity} />
        <Link href={`/alerts/${a.id}`} className="alert-item-summary">
          {a.summary}
        </Link>
      </div>
      <span className="muted small alert-item-meta">
        <span className="mono">{a.id}</span> · {a.service}
        {a.source ? <> · {a.source}</> : null} · {a.event_count} event{a.event_count === 1 ? "" : "s"} · last{" "}
        <RelativeTime iso={a.last_event_at} />
        {a.suppressed ? <> · suppressed (maintenance)</> : null}
      </span>
    </li>
  );
}

/** A service's health badge, from the shared services list (nothing until it is known). */
export function ServiceHealthBadge({ name }: { name: string }) {
  const services = useServiceHealth();
  const service = services?.get(name.toLowerCase());
  return service ? <HealthBadge health={service.health} /> : null;
}
