import type { AlertListParams } from "../../api/endpoints.ts";
import { withQueryParams } from "../../ui/list-page.tsx";

// The alert list's filters live in the URL query (shareable, survive reload):
//   ?status=open|triggered|acknowledged|resolved|all  service=checkout  severity=critical  after=<cursor>
// No `status` means open alerts (triggered or acknowledged): what a responder opens the list for.

export const STATUS_FILTERS = [
  { value: "open", label: "Open" },
  { value: "triggered", label: "Triggered" },
  { value: "acknowledged", label: "Acknowledged" },
  { value: "resolved", label: "Resolved" },
  { value: "all", label: "Any" },
] as const;

export interface AlertQuery {
  status: string;
  service: string;
  severity: string;
  after: string;
}

export const PAGE_SIZE = 50;

export function readAlertQuery(search: URLSearchParams): AlertQuery {
  const status = search.get("status") ?? "open";
  return {
    status: STATUS_FILTERS.some((s) => s.value === status) ? status : "open",
    service: search.get("service") ?? "",
    severity: search.get("severity") ?? "",
    after: search.get("after") ?? "",
  };
}

export function alertApiParams(query: AlertQuery): AlertListParams {
  return {
    ...(query.status !== "all" ? { status: query.status } : {}),
    ...(query.service ? { service: query.service } : {}),
    ...(query.severity ? { severity: query.severity } : {}),
    limit: PAGE_SIZE,
    ...(query.after ? { cursor: query.after } : {}),
  };
}

/** Updates some parameters; any change other than the page goes back to the first page. */
export function withAlertParams(
  search: URLSearchParams,
  changes: Record<string, string | null>,
): URLSearchParams {
  return withQueryParams(search, changes, { status: "open" });
}

export function hasAlertFilters(query: AlertQuery): boolean {
  return Boolean(query.service || query.severity || query.status !== "open");
}
