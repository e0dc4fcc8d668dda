import { errorMessage } from "../../api/client.ts";
import { listAlerts } from "../../api/endpoints.ts";
import { useResource } from "../../api/resource.ts";
import { ALERT_SEVERITIES, type Alert } from "../../api/types.ts";
import { useLiveEvents } from "../../live/events.ts";
import { Link, setQuery, useLocation } from "../../router.tsx";
import { AlertSeverityBadge, StatusBadge } from "../../ui/badge.tsx";
import { ErrorNote } from "../../ui/banner.tsx";
import { CompactField } from "../../ui/compact-field.tsx";
import { PlainHeader, SkeletonRows } from "../../ui/table.tsx";
import { RelativeTime } from "../../ui/time.tsx";
import { useDocumentTitle } from "../../ui/title.ts";
import { useServiceNames } from "../incidents/reference-data.ts";
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

/** Which cursor led to which, so Previous works (also with the browser's back). */
const pages = new Map<string, { prev: string; page: number }>();

function filterKey(search: URLSearchParams): string {
  const copy = new URLSearchParams(search);
  copy.delete("after");
  copy.sort();
  return copy.toString();
}

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
  const fkey = filterKey(search);
  const pageInfo = query.after ? pages.get(`${fkey}|${query.after}`) : undefined;
  const pageNumber = query.after ? (pageInfo?.page ?? null) : 1;
  const next = list.data?.next_cursor;
  const goNext = () => {
    if (!next) return;
    pages.set(`${fkey}|${next}`, { prev: query.after, page: (pageNumber ?? 1) + 1 });
    update({ after: next });
  };
  const goPrevious = () => update({ after: pageInfo?.prev ?? null });
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

      {list.error && !items ? (
        <ErrorNote>
          Could not load alerts: {errorMessage(list.error)}{" "}
          <button type="button" className="btn btn-link" onClick={list.reload}>
            Try again
          </button>
        </ErrorNote>
      ) : null}

      <div className={`table-wrap${list.stale ? " is-stale" : ""}`}>
        <table className="data-table alert-table" aria-busy={list.loading}>
          <caption className="sr-only">{describe(query)}</caption>
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <PlainHeader key={c.label} className={c.className}>
                  {c.label}
                </PlainHeader>
              ))}
            </tr>
          </thead>
          <tbody>
            {items ? (
              items.map((a) => <AlertRow key={a.id} alert={a} />)
            ) : list.error ? null : (
              <SkeletonRows rows={6} columns={COLUMNS.length} />
            )}
          </tbody>
        </table>
        {items && items.length === 0 ? (
          <div className="empty">
            <p className="empty-title">
              {hasAlertFilters(query) ? "No alerts match these filters." : "No open alerts. All quiet."}
            </p>
            {hasAlertFilters(query) ? (
              <button type="button" className="btn btn-secondary" onClick={clear}>
                Clear filters
              </button>
            ) : (
              <Link href="/services" className="btn btn-secondary">
                Connect alert sources
              </Link>
            )}
          </div>
        ) : null}
      </div>

      <nav className="pager" aria-label="Pages">
        <span className="muted pager-info" aria-live="polite">
          {items
            ? `${pageNumber ? `Page ${pageNumber} · ` : ""}${items.length} alert${items.length === 1 ? "" : "s"}${
                next ? " shown" : ""
              }`
            : "Loading…"}
        </span>
        <div className="pager-buttons">
          <button type="button" className="btn btn-secondary" disabled={!query.after} onClick={goPrevious}>
            ← Previous
          </button>
          <button type="button" className="btn btn-secondary" disabled={!next || list.stale} onClick={goNext}>
            Next →
          </button>
        </div>
      </nav>
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

function ServiceFilter({ value, onChange }: { value: string; onChange: (s: string) => void }) {
  const names = useServiceNames();
  return (
    <CompactField label="Service">
      {(id) => (
        <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">Any</option>
          {value && !names.includes(value) ? <option value={value}>{value}</option> : null}
          {names.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      )}
    </CompactField>
  );
}
