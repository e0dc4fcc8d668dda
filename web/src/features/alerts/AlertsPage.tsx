import { listAlerts } from "../../api/endpoints.ts";
import { useResource } from "../../api/resource.ts";
import { ALERT_SEVERITIES, type Alert } from "../../api/types.ts";
import { useLiveEvents } from "../../live/events.ts";
import { Link, setQuery, useLocation } from "../../router.tsx";
import { AlertSeverityBadge, StatusBadge } from "../../ui/badge.tsx";
import { LoadError } from "../../ui/banner.tsx";
import { CompactField } from "../../ui/compact-field.tsx";
import { cursorPaging, EmptyList, Pager } from "../../ui/list-page.tsx";
import { ListTable, PlainHeaders } from "../../ui/table.tsx";
import { RelativeTime } from "../../ui/time.tsx";
import { useDocumentTitle } from "../../ui/title.ts";
import { ServiceFilter } from "../incidents/ServiceFilter.tsx";
import {
  type AlertQuery,
  alertApiParams,
  hasAlertFilters,
  readAlertQuery,
  STATUS_FILTERS,
  withAlertParams,
} from "./alert-query.ts";

// Every alert the integrations delivered, open ones first by default; filters in the URL, cursor
// paging, refreshed live (alerts that open or join incidents announce themselves on the event feed).

const COLUMNS = [
  { label: "ID", className: "col-aid" },
  { label: "Summary", className: "col-summary" },
  { label: "Status", className: "col-astatus" },
  { label: "Severity", className: "col-asev" },
  { label: "Service", className: "col-service" },
  { label: "Events", className: "col-events" },
  { label: "Incident", className: "col-incident" },
  { label: "Last event", className: "col-last" },
];

export function AlertsPage() {
  const { search } = useLocation();
  const query = readAlertQuery(search);
  const params = alertApiParams(query);
  const list = useResource(JSON.stringify(params), (signal) => listAlerts(params, signal), {
    keepPrevious: true,
  });
  useLiveEvents(() => list.reload());
  useDocumentTitle(query.status === "open" && !hasAlertFilters(query) ? "Open alerts" : "Alerts");

  const update = (changes: Record<string, string | null>) => setQuery(withAlertParams(search, changes));
  const paging = cursorPaging("alerts", search, list.data?.next_cursor, update);
  const clear = () => update({ status: null, service: null, severity: null });
  const items = list.data?.items;

  return (
    <main className="page page-list" id="main">
      <div className="page-head">
        <h1>Alerts</h1>
      </div>

      <search className="toolbar" aria-label="Filter alerts">
        <CompactField label="Status">
          {(id) => (
            <select id={id} value={query.status} onChange={(e) => update({ status: e.target.value })}>
              {STATUS_FILTERS.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          )}
        </CompactField>
        <ServiceFilter value={query.service} onChange={(service) => update({ service })} />
        <CompactField label="Severity">
          {(id) => (
            <select id={id} value={query.severity} onChange={(e) => update({ severity: e.target.value })}>
              <option value="">Any</option>
              {ALERT_SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          )}
        </CompactField>
        {hasAlertFilters(query) ? (
          <button type="button" className="btn btn-ghost" onClick={clear}>
            Clear filters
          </button>
        ) : null}
      </search>

      {list.error && !items ? <LoadError what="alerts" error={list.error} onRetry={list.reload} /> : null}

      <ListTable
        className="data-table alert-table"
        caption={describe(query)}
        header={<PlainHeaders columns={COLUMNS} />}
        columnCount={COLUMNS.length}
        items={items}
        error={list.error}
        loading={list.loading}
        stale={list.stale}
        skeletonRows={6}
        row={(a) => <AlertRow key={a.id} alert={a} />}
        empty={
          <EmptyList
            title={hasAlertFilters(query) ? "No alerts match these filters." : "No open alerts. All quiet."}
            filtered={hasAlertFilters(query)}
            onClear={clear}
            href="/services"
            link="Connect alert sources"
          />
        }
      />

      <Pager paging={paging} count={items?.length} noun="alert" stale={list.stale} />
    </main>
  );
}

function describe(query: AlertQuery): string {
  const status = STATUS_FILTERS.find((s) => s.value === query.status)?.label ?? "Open";
  const parts = [query.status === "all" ? "All alerts" : `${status} alerts`];
  if (query.service) parts.push(`for ${query.service}`);
  if (query.severity) parts.push(`with severity ${query.severity}`);
  return parts.join(" ");
}

function AlertRow({ alert: a }: { alert: Alert }) {
  const open = a.status !== "resolved";
  return (
    <tr className={`data-row alert-row${open ? " is-open" : ""}`} data-id={a.id}>
      <td className="col-aid mono">{a.id}</td>
      <td className="col-summary">
        <Link href={`/alerts/${a.id}`} className="row-link" title={a.summary}>
          {a.summary}
        </Link>
        {a.suppressed ? <span className="tag tag-warn row-tag">maintenance</span> : null}
      </td>
      <td className="col-astatus">
        <StatusBadge status={a.status} />
      </td>
      <td className="col-asev">
        <AlertSeverityBadge severity={a.severity} />
      </td>
      <td className="col-service">
        <span className="chip">{a.service}</span>
      </td>
      <td className="col-events num">
        {a.event_count}
        <span className="sr-only"> event{a.event_count === 1 ? "" : "s"}</span>
      </td>
      <td className="col-incident">
        {a.incident ? (
          <Link href={`/incidents/${a.incident}`} className="above-row-link mono">
            {a.incident}
          </Link>
        ) : (
          <span className="muted">{a.suppressed ? "suppressed" : "—"}</span>
        )}
      </td>
      <td className="col-last">
        <RelativeTime iso={a.last_event_at} />
      </td>
    </tr>
  );
}
