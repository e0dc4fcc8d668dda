import { Fragment, useState } from "react";
import { request } from "../../api/client.ts";
import { useResource } from "../../api/resource.ts";
import { setQuery, useLocation } from "../../router.tsx";
import { LoadError } from "../../ui/banner.tsx";
import { CompactField } from "../../ui/compact-field.tsx";
import { cursorPaging, EmptyList, Pager, withQueryParams } from "../../ui/list-page.tsx";
import { ListTable, PlainHeaders } from "../../ui/table.tsx";
import { formatExact, RelativeTime } from "../../ui/time.tsx";
import { useDocumentTitle } from "../../ui/title.ts";
import { useUser } from "../auth/session.tsx";

// The audit log (admins): configuration changes and sign-ins, newest first; filters in the URL, cursor
// paging, each row expands to what changed (before → after); "Download CSV" exports every matching entry.

interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  actor_kind: string;
  action: string;
  target_type: string;
  target_id: string;
  before: unknown;
  after: unknown;
  ip: string | null;
  request_id: string | null;
}
interface AuditPage {
  items: AuditEntry[];
  next_cursor: string | null;
}

const FILTERS = ["actor", "action", "target_type", "target_id", "since", "until"] as const;

const COLUMNS = [
  { label: "Time", className: "col-audit-time" },
  { label: "Actor", className: "col-audit-actor" },
  { label: "Action", className: "col-audit-action" },
  { label: "Target", className: "col-audit-target" },
  { label: "Changes", className: "col-audit-diff" },
];

function filterParams(search: URLSearchParams): URLSearchParams {
  const params = new URLSearchParams();
  for (const f of FILTERS) {
    const v = search.get(f);
    if (v) params.set(f, v);
  }
  return params;
}

export function AuditPage() {
  const user = useUser();
  const { search } = useLocation();
  useDocumentTitle("Audit log");
  const filters = filterParams(search);
  const params = new URLSearchParams(filters);
  const after = search.get("after");
  if (after) params.set("cursor", after);
  const key = params.toString();
  const admin = !user.role || user.role === "admin";
  const list = useResource(
    admin ? key : null,
    (signal) => request<AuditPage>(`/api/v1/audit${key ? `?${key}` : ""}`, { signal }),
    { keepPrevious: true },
  );
  const update = (changes: Record<string, string | null>) => setQuery(withQueryParams(search, changes, {}));
  const paging = cursorPaging("audit", search, list.data?.next_cursor, update);
  const filtered = filters.toString() !== "";
  const clear = () => update(Object.fromEntries(FILTERS.map((f) => [f, null])));
  const csv = new URLSearchParams(filters);
  csv.set("format", "csv");

  if (!admin)
    return (
      <main className="page" id="main">
        <h1>Audit log</h1>
        <p className="muted">
          Only admins can read the audit log. Ask an admin if you need to know who changed what.
        </p>
      </main>
    );

  return (
    <main className="page page-list" id="main">
      <div className="page-head">
        <h1>Audit log</h1>
        <a className="btn btn-secondary" href={`/api/v1/audit?${csv.toString()}`} download>
          Download CSV
        </a>
      </div>
      <p className="muted small">
        Every configuration change with who made it and the record before and after, and every sign-in.
        Secrets are never stored; entries cannot be changed or deleted.
      </p>

      <search className="toolbar" aria-label="Filter the audit log">
        <TextFilter
          label="Actor"
          name="actor"
          value={search.get("actor")}
          placeholder="username"
          onChange={update}
        />
        <TextFilter
          label="Action"
          name="action"
          value={search.get("action")}
          placeholder="service."
          onChange={update}
        />
        <TextFilter
          label="Target type"
          name="target_type"
          value={search.get("target_type")}
          placeholder="service"
          onChange={update}
        />
        <TextFilter
          label="Target"
          name="target_id"
          value={search.get("target_id")}
          placeholder="payments"
          onChange={update}
        />
        <CompactField label="Since">
          {(id) => (
            <input
              id={id}
              type="date"
              value={search.get("since") ?? ""}
              onChange={(e) => update({ since: e.target.value || null })}
            />
          )}
        </CompactField>
        <CompactField label="Until">
          {(id) => (
            <input
              id={id}
              type="date"
              value={search.get("until") ?? ""}
              onChange={(e) => update({ until: e.target.value || null })}
            />
          )}
        </CompactField>
        {filtered ? (
          <button type="button" className="btn btn-ghost" onClick={clear}>
            Clear filters
          </button>
        ) : null}
      </search>

      {list.error && !list.data ? (
        <LoadError what="the audit log" error={list.error} onRetry={list.reload} />
      ) : null}

      <ListTable
        className="data-table audit-table"
        caption="Audit log entries, newest first"
        header={<PlainHeaders columns={COLUMNS} />}
        columnCount={COLUMNS.length}
        items={list.data?.items}
        error={list.error}
        loading={list.loading}
        stale={list.stale}
        skeletonRows={8}
        row={(e) => <AuditRow key={e.id} entry={e} />}
        empty={
          <EmptyList
            title={filtered ? "No audit entries match these filters." : "Nothing recorded yet."}
            filtered={filtered}
            onClear={clear}
            href="/services"
            link="Configure a service"
          />
        }
      />
      <Pager paging={paging} count={list.data?.items.length} noun="entry" stale={list.stale} />
    </main>
  );
}

/** A text filter applied on Enter or when the field is left (not on every key). */
function TextFilter({
  label,
  name,
  value,
  placeholder,
  onChange,
}: {
  label: string;
  name: string;
  value: string | null;
  placeholder: string;
  onChange: (changes: Record<string, string | null>) => void;
}) {
  const [draft, setDraft] = useState(value ?? "");
  const apply = () => {
    if (draft.trim() !== (value ?? "")) onChange({ [name]: draft.trim() || null });
  };
  return (
    <CompactField label={label}>
      {(id) => (
        <input
          id={id}
          type="search"
          value={draft}
          placeholder={placeholder}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={apply}
          onKeyDown={(e) => {
            if (e.key === "Enter") apply();
          }}
        />
      )}
    </CompactField>
  );
}

function AuditRow({ entry: e }: { entry: AuditEntry }) {
  const [open, setOpen] = useState(false);
  const changes = diffEntries(e.before, e.after);
  const detailId = `audit-${e.id}`;
  return (
    <Fragment>
      <tr className="data-row audit-row" data-id={e.id}>
        <td className="col-audit-time" title={formatExact(e.at)}>
          <RelativeTime iso={e.at} />
        </td>
        <td className="col-audit-actor">
          {e.actor}
          {e.actor_kind === "system" ? <span className="tag row-tag">system</span> : null}
        </td>
        <td className="col-audit-action mono">{e.action}</td>
        <td className="col-audit-target">{e.target_type ? `${e.target_type} ${e.target_id}`.trim() : "—"}</td>
        <td className="col-audit-diff">
          {changes.length || e.ip || e.request_id ? (
            <button
              type="button"
              className="btn btn-ghost btn-sm"
              aria-expanded={open}
              aria-controls={detailId}
              onClick={() => setOpen(!open)}
            >
              {open
                ? "Hide"
                : changes.length
                  ? `${changes.length} change${changes.length === 1 ? "" : "s"}`
                  : "Details"}
            </button>
          ) : (
            <span className="muted">—</span>
          )}
        </td>
      </tr>
      {open ? (
        <tr className="audit-detail" id={detailId}>
          <td colSpan={COLUMNS.length}>
            {changes.length ? (
              <table className="audit-diff">
                <caption className="sr-only">What changed</caption>
                <thead>
                  <tr>
                    <th scope="col">Field</th>
                    <th scope="col">Before</th>
                    <th scope="col">After</th>
                  </tr>
                </thead>
                <tbody>
                  {changes.map((c) => (
                    <tr key={c.path}>
                      <th scope="row" className="mono">
                        {c.path}
                      </th>
                      <td className="audit-before mono">{show(c.before)}</td>
                      <td className="audit-after mono">{show(c.after)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
            <p className="muted small">
              {e.ip ? `From ${e.ip}` : null}
              {e.request_id ? ` · request ${e.request_id}` : null}
            </p>
          </td>
        </tr>
      ) : null}
    </Fragment>
  );
}

function show(value: unknown): string {
  if (value === undefined) return "—";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The fields that differ between before and after, as dotted paths (arrays compared whole). */
export function diffEntries(
  before: unknown,
  after: unknown,
  path = "",
): { path: string; before: unknown; after: unknown }[] {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => diffEntries(before[k], after[k], path ? `${path}.${k}` : k));
  }
  if (isObject(before) && after == null) return diffEntries(before, {}, path);
  if (isObject(after) && before == null) return diffEntries({}, after, path);
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path: path || "(value)", before, after }];
}
