import { type RefObject, useEffect, useRef, useState } from "react";
import { serverNow } from "../../api/client.ts";
import { listIncidents } from "../../api/endpoints.ts";
import { useResource } from "../../api/resource.ts";
import {
  INCIDENT_STATUSES,
  type IncidentListItem,
  OPEN_STATUSES,
  SEVERITIES,
  type SortKey,
} from "../../api/types.ts";
import { useLiveEvents } from "../../live/events.ts";
import { Link, setQuery, useLocation } from "../../router.tsx";
import { SeverityBadge, StatusBadge, statusLabel } from "../../ui/badge.tsx";
import { LoadError } from "../../ui/banner.tsx";
import { CompactField } from "../../ui/compact-field.tsx";
import { cursorPaging, EmptyList, Pager } from "../../ui/list-page.tsx";
import { Person } from "../../ui/person.tsx";
import { Kbd } from "../../ui/shortcuts.tsx";
import { ListTable, PlainHeader, SortHeader } from "../../ui/table.tsx";
import { LiveDuration, RelativeTime } from "../../ui/time.tsx";
import { useDocumentTitle } from "../../ui/title.ts";
import { clearTypeFilters, TypeAndFieldFilters } from "../incident-types/ListFilters.tsx";
import { apiParams, hasFilters, type ListQuery, readListQuery, type View, withParams } from "./list-query.ts";
import { ServiceFilter } from "./ServiceFilter.tsx";

interface Column {
  key: SortKey | null;
  label: string;
  className: string;
  /** The direction a first click sorts in. */
  firstDescending?: boolean;
}

const COLUMNS: Column[] = [
  { key: "id", label: "ID", className: "col-id", firstDescending: true },
  { key: "title", label: "Title", className: "col-title" },
  { key: "severity", label: "Severity", className: "col-sev" },
  { key: "status", label: "Status", className: "col-status" },
  { key: "assignee", label: "Assignee", className: "col-assignee" },
  { key: "duration", label: "Duration", className: "col-duration", firstDescending: true },
  { key: null, label: "Affected services", className: "col-services" },
  { key: "created_at", label: "Created", className: "col-created", firstDescending: true },
];

const SORT_OPTIONS: { value: string; label: string }[] = [
  { value: "-created_at", label: "Newest first" },
  { value: "created_at", label: "Oldest first" },
  { value: "severity", label: "Most severe first" },
  { value: "status", label: "Status (lifecycle)" },
  { value: "-duration", label: "Longest running" },
  { value: "title", label: "Title A–Z" },
  { value: "assignee", label: "Assignee A–Z" },
  { value: "-id", label: "ID, highest first" },
];

export function ListPage() {
  const location = useLocation();
  const search = location.search;
  const query = readListQuery(search);
  const params = apiParams(query);
  const key = JSON.stringify(params);
  const list = useResource(
    key,
    async (signal) => ({ page: await listIncidents(params, signal), fetchedAt: serverNow() }),
    { keepPrevious: true },
  );
  useLiveEvents(() => list.reload());
  useDocumentTitle(query.view === "open" && !hasFilters(query) ? "Open incidents" : "Incidents");

  const update = (changes: Record<string, string | null>, replace = false) =>
    setQuery(withParams(search, changes), { replace });

  const sortBy = (column: Column) => {
    if (!column.key) return;
    const descending = query.sort === column.key ? !query.descending : Boolean(column.firstDescending);
    update({ sort: `${descending ? "-" : ""}${column.key}` });
  };

  const paging = cursorPaging("incidents", search, list.data?.page.next_cursor, update);
  const clear = () =>
    update({
      status: null,
      severity: null,
      service: null,
      assignee: null,
      q: null,
      ...clearTypeFilters(query.fields),
    });

  const searchRef = useRef<HTMLInputElement>(null);

  const items = list.data?.page.items;
  const [filtersOpen, setFiltersOpen] = useState(false);
  const activeFilters =
    (query.status ? 1 : 0) +
    query.severity.length +
    (query.service ? 1 : 0) +
    (query.assignee ? 1 : 0) +
    (query.type ? 1 : 0) +
    Object.keys(query.fields).length;

  return (
    <main className="page page-list" id="main">
      <div className="page-head">
        <h1>Incidents</h1>
        <ViewSwitch
          view={query.status ? null : query.view}
          onChange={(v) => update({ view: v, status: null })}
        />
      </div>

      <search className="toolbar" aria-label="Filter incidents">
        <DebouncedSearch inputRef={searchRef} value={query.q} onCommit={(q) => update({ q }, true)} />
        <button
          type="button"
          className="btn btn-secondary filters-toggle"
          aria-expanded={filtersOpen}
          aria-controls="list-filters"
          onClick={() => setFiltersOpen((o) => !o)}
        >
          Filters{activeFilters ? ` (${activeFilters})` : ""}
        </button>
        <div id="list-filters" className={`filters${filtersOpen ? " open" : ""}`}>
          <SeverityFilter selected={query.severity} onChange={(sev) => update({ severity: sev.join(",") })} />
          <CompactField label="Status">
            {(id) => (
              <select id={id} value={query.status} onChange={(e) => update({ status: e.target.value })}>
                <option value="">Any</option>
                {INCIDENT_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {statusLabel(s)}
                  </option>
                ))}
              </select>
            )}
          </CompactField>
          <ServiceFilter value={query.service} onChange={(service) => update({ service })} />
          <DebouncedText
            label="Assignee"
            placeholder="anyone"
            value={query.assignee}
            onCommit={(assignee) => update({ assignee }, true)}
          />
          <TypeAndFieldFilters type={query.type} fields={query.fields} update={update} />
          <CompactField label="Sort" className="sort-select">
            {(id) => (
              <select
                id={id}
                value={`${query.descending ? "-" : ""}${query.sort}`}
                onChange={(e) => update({ sort: e.target.value })}
              >
                {SORT_OPTIONS.some(
                  (o) => o.value === `${query.descending ? "-" : ""}${query.sort}`,
                ) ? null : (
                  <option value={`${query.descending ? "-" : ""}${query.sort}`}>
                    {query.sort} {query.descending ? "↓" : "↑"}
                  </option>
                )}
                {SORT_OPTIONS.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            )}
          </CompactField>
          {hasFilters(query) ? (
            <button type="button" className="btn btn-ghost" onClick={clear}>
              Clear filters
            </button>
          ) : null}
        </div>
      </search>

      {list.error && !items ? <LoadError what="incidents" error={list.error} onRetry={list.reload} /> : null}

      <ListTable
        className="incident-table"
        caption={`${describe(query)}${
          query.sort
            ? `, sorted by ${query.sort.replace("_", " ")} ${query.descending ? "descending" : "ascending"}`
            : ""
        }`}
        captionId="list-caption"
        header={COLUMNS.map((c) =>
          c.key ? (
            <SortHeader
              key={c.label}
              label={c.label}
              className={c.className}
              active={query.sort === c.key}
              direction={query.descending ? "descending" : "ascending"}
              onSort={() => sortBy(c)}
            />
          ) : (
            <PlainHeader key={c.label} className={c.className}>
              {c.label}
            </PlainHeader>
          ),
        )}
        columnCount={COLUMNS.length}
        items={items}
        error={list.error}
        loading={list.loading}
        stale={list.stale}
        skeletonRows={8}
        row={(item) => (
          <IncidentRow key={item.id} item={item} fetchedAt={list.data?.fetchedAt ?? serverNow()} />
        )}
        empty={
          <EmptyList
            title={
              hasFilters(query)
                ? "No incidents match these filters."
                : query.view === "open"
                  ? "No open incidents. All quiet."
                  : "No incidents yet."
            }
            filtered={hasFilters(query)}
            onClear={clear}
            href="/declare"
            link="Declare an incident"
          />
        }
      />

      <Pager paging={paging} count={items?.length} noun="incident" stale={list.stale} />
      <p className="muted shortcut-hint">
        <Kbd>/</Kbd> search · <Kbd>d</Kbd> declare · <Kbd>?</Kbd> all shortcuts
      </p>
    </main>
  );
}

function describe(query: ListQuery): string {
  if (query.status) return `Incidents with status ${query.status}`;
  return query.view === "open"
    ? "Open incidents"
    : query.view === "closed"
      ? "Closed incidents"
      : "All incidents";
}

function IncidentRow({ item, fetchedAt }: { item: IncidentListItem; fetchedAt: number }) {
  const open = OPEN_STATUSES.includes(item.status);
  const shown = item.affected_services.slice(0, 3);
  const more = item.affected_services.length - shown.length;
  return (
    <tr className={`incident-row${open ? " is-open" : ""}`} data-id={item.id}>
      <td className="col-id mono">{item.id}</td>
      <td className="col-title">
        <Link href={`/incidents/${item.id}`} className="row-link" title={item.title}>
          {item.title}
          {item.private ? (
            <>
              {" "}
              <span className="tag tag-warn" title="Seen only by its declarer, role holders and admins">
                Private
              </span>
            </>
          ) : null}
        </Link>
      </td>
      <td className="col-sev">
        <SeverityBadge severity={item.severity} />
      </td>
      <td className="col-status">
        <StatusBadge status={item.status} />
      </td>
      <td className="col-assignee">
        {item.assignee ? <Person name={item.assignee} /> : <span className="muted">Unassigned</span>}
      </td>
      <td className="col-duration">
        <LiveDuration seconds={item.duration_seconds} fetchedAt={fetchedAt} running={open} />
      </td>
      <td className="col-services">
        <span className="chips">
          {shown.map((s) => (
            <span key={s} className="chip">
              {s}
            </span>
          ))}
          {more > 0 ? (
            <span className="chip chip-more" title={item.affected_services.join(", ")}>
              +{more}
            </span>
          ) : null}
        </span>
      </td>
      <td className="col-created">
        <RelativeTime iso={item.created_at} />
      </td>
    </tr>
  );
}

function ViewSwitch({ view, onChange }: { view: View | null; onChange: (view: View) => void }) {
  const views: { value: View; label: string }[] = [
    { value: "open", label: "Open" },
    { value: "closed", label: "Closed" },
    { value: "all", label: "All" },
  ];
  return (
    <fieldset className="segmented">
      <legend className="sr-only">Show</legend>
      {views.map((v) => (
        <label key={v.value} className={view === v.value ? "on" : undefined}>
          <input
            type="radio"
            name="view"
            value={v.value}
            checked={view === v.value}
            onChange={() => onChange(v.value)}
          />
          {v.label}
        </label>
      ))}
    </fieldset>
  );
}

function SeverityFilter({ selected, onChange }: { selected: string[]; onChange: (s: string[]) => void }) {
  return (
    <fieldset className="sev-filter">
      <legend>Severity</legend>
      {SEVERITIES.map((s) => {
        const on = selected.includes(s);
        return (
          <label key={s} className={`sev-toggle${on ? " on" : ""}`}>
            <input
              type="checkbox"
              checked={on}
              onChange={() => onChange(on ? selected.filter((x) => x !== s) : [...selected, s])}
            />
            {s}
          </label>
        );
      })}
    </fieldset>
  );
}

/** A text input whose value goes to the URL 250 ms after typing stops. */
function useDebounced(value: string, onCommit: (v: string) => void) {
  const [text, setText] = useState(value);
  const timer = useRef<number | undefined>(undefined);
  const commit = useRef(onCommit);
  commit.current = onCommit;
  useEffect(() => {
    if (timer.current === undefined) setText(value);
  }, [value]);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  const change = (v: string) => {
    setText(v);
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => {
      timer.current = undefined;
      commit.current(v.trim());
    }, 250);
  };
  return [text, change] as const;
}

function DebouncedSearch({
  value,
  onCommit,
  inputRef,
}: {
  value: string;
  onCommit: (v: string) => void;
  inputRef: RefObject<HTMLInputElement | null>;
}) {
  const [text, change] = useDebounced(value, onCommit);
  return (
    <div className="search">
      <label htmlFor="incident-search" className="sr-only">
        Search incident titles
      </label>
      <svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true" className="search-icon">
        <circle cx="8.5" cy="8.5" r="5.5" fill="none" stroke="currentColor" strokeWidth="1.8" />
        <path d="m13 13 4.5 4.5" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
      </svg>
      <input
        ref={inputRef}
        id="incident-search"
        type="search"
        placeholder="Search titles"
        autoComplete="off"
        value={text}
        onChange={(e) => change(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape") (e.target as HTMLInputElement).blur();
        }}
      />
      <Kbd>/</Kbd>
    </div>
  );
}

function DebouncedText({
  label,
  placeholder,
  value,
  onCommit,
}: {
  label: string;
  placeholder: string;
  value: string;
  onCommit: (v: string) => void;
}) {
  const [text, change] = useDebounced(value, onCommit);
  return (
    <CompactField label={label}>
      {(id) => (
        <input
          id={id}
          type="text"
          size={10}
          placeholder={placeholder}
          autoCapitalize="none"
          spellCheck={false}
          value={text}
          onChange={(e) => change(e.target.value)}
        />
      )}
    </CompactField>
  );
}
