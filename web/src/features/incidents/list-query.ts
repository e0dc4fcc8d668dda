import type { ListParams } from "../../api/endpoints.ts";
import { SORT_KEYS, type SortKey } from "../../api/types.ts";
import { withQueryParams } from "../../ui/list-page.tsx";
import { readFieldFilters } from "../incident-types/ListFilters.tsx";

// The list's filters and sort live in the URL query (shareable, survive reload):
//   ?view=open|closed|all  status=<one status>  severity=SEV1,SEV2  service=api  assignee=bob  q=text
//   type=<incident type>  field.<key>=<value>  sort=-created_at  after=<cursor>
// No `view` means open incidents: that is what a responder opens the list for.

export type View = "open" | "closed" | "all";

export interface ListQuery {
  view: View;
  status: string;
  severity: string[];
  service: string;
  assignee: string;
  q: string;
  type: string;
  /** Custom field filters by key (`field.<key>` in the URL and the API). */
  fields: Record<string, string>;
  sort: SortKey;
  descending: boolean;
  after: string;
}

export const DEFAULT_SORT = "-created_at";
export const PAGE_SIZE = 50;

export function readListQuery(search: URLSearchParams): ListQuery {
  const viewParam = search.get("view");
  const view: View = viewParam === "closed" || viewParam === "all" ? viewParam : "open";
  const sortParam = search.get("sort") ?? DEFAULT_SORT;
  const key = sortParam.replace(/^-/, "");
  const valid = (SORT_KEYS as readonly string[]).includes(key);
  return {
    view,
    status: search.get("status") ?? "",
    severity: (search.get("severity") ?? "").split(",").filter(Boolean),
    service: search.get("service") ?? "",
    assignee: search.get("assignee") ?? "",
    q: search.get("q") ?? "",
    type: search.get("type") ?? "",
    fields: readFieldFilters(search),
    sort: (valid ? key : "created_at") as SortKey,
    descending: valid ? sortParam.startsWith("-") : true,
    after: search.get("after") ?? "",
  };
}

/** The API parameters for a list query. */
export function apiParams(query: ListQuery): ListParams {
  const status = query.status || (query.view === "all" ? "" : query.view);
  return {
    sort: `${query.descending ? "-" : ""}${query.sort}`,
    ...(status ? { status } : {}),
    ...(query.severity.length ? { severity: query.severity.join(",") } : {}),
    ...(query.service ? { service: query.service } : {}),
    ...(query.assignee ? { assignee: query.assignee } : {}),
    ...(query.q ? { q: query.q } : {}),
    ...(query.type ? { type: query.type } : {}),
    ...Object.fromEntries(Object.entries(query.fields).map(([k, v]) => [`field.${k}`, v])),
    limit: PAGE_SIZE,
    ...(query.after ? { cursor: query.after } : {}),
  };
}

/** Updates some query parameters; any change other than the page resets to the first page. */
export function withParams(search: URLSearchParams, changes: Record<string, string | null>): URLSearchParams {
  return withQueryParams(search, changes, { sort: DEFAULT_SORT, view: "open" });
}

export function hasFilters(query: ListQuery): boolean {
  return Boolean(
    query.status ||
      query.severity.length ||
      query.service ||
      query.assignee ||
      query.q ||
      query.type ||
      Object.keys(query.fields).length,
  );
}
