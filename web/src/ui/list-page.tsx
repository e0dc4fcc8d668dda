import { Link } from "../router.tsx";

// List pages keep their filters and page in the URL query (shareable, survive reload) and page with
// the API's opaque cursors: `after=<cursor>` is the page shown.

/**
 * Sets or removes query parameters. Any change other than the page goes back to the first page, and a
 * parameter at its default value is left out of the URL.
 */
export function withQueryParams(
  search: URLSearchParams,
  changes: Record<string, string | null>,
  defaults: Record<string, string>,
): URLSearchParams {
  const next = new URLSearchParams(search);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === "") next.delete(key);
    else next.set(key, value);
  }
  if (!("after" in changes)) next.delete("after");
  for (const [key, value] of Object.entries(defaults)) if (next.get(key) === value) next.delete(key);
  return next;
}

/** The filter part of the query (everything but the page), to key pagination state. */
function filterKey(search: URLSearchParams): string {
  const copy = new URLSearchParams(search);
  copy.delete("after");
  copy.sort();
  return copy.toString();
}

/** Which cursor led to which, learned while paging, so Previous works (also with the browser's back). */
const pages = new Map<string, { prev: string; page: number }>();

export interface Paging {
  /** 1 on the first page; null when the page was opened directly from a link to a later cursor. */
  pageNumber: number | null;
  /** The cursor of the page shown ("" on the first). */
  after: string;
  /** The cursor of the next page, when there is one. */
  next: string | null | undefined;
  goNext: () => void;
  goPrevious: () => void;
}

/**
 * Paging for one list (`scope` keeps lists apart): `update` applies query changes (see withQueryParams),
 * `next` is the cursor the API answered.
 */
export function cursorPaging(
  scope: string,
  search: URLSearchParams,
  next: string | null | undefined,
  update: (changes: Record<string, string | null>) => void,
): Paging {
  const after = search.get("after") ?? "";
  const fkey = `${scope}|${filterKey(search)}`;
  const pageInfo = after ? pages.get(`${fkey}|${after}`) : undefined;
  const pageNumber = after ? (pageInfo?.page ?? null) : 1;
  return {
    pageNumber,
    after,
    next,
    goNext: () => {
      if (!next) return;
      pages.set(`${fkey}|${next}`, { prev: after, page: (pageNumber ?? 1) + 1 });
      update({ after: next });
    },
    goPrevious: () => update({ after: pageInfo?.prev ?? null }),
  };
}

/** "Page 2 · 50 alerts shown" with Previous and Next. */
export function Pager({
  paging,
  count,
  noun,
  stale,
}: {
  paging: Paging;
  /** How many items the page has; undefined while the first page loads. */
  count: number | undefined;
  /** What one item is called: "alert". */
  noun: string;
  /** The list shows the previous query's items while the new ones load. */
  stale: boolean;
}) {
  const { pageNumber, next } = paging;
  return (
    <nav className="pager" aria-label="Pages">
      <span className="muted pager-info" aria-live="polite">
        {count !== undefined
          ? `${pageNumber ? `Page ${pageNumber} · ` : ""}${count} ${noun}${count === 1 ? "" : "s"}${
              next ? " shown" : ""
            }`
          : "Loading…"}
      </span>
      <div className="pager-buttons">
        <button
          type="button"
          className="btn btn-secondary"
          disabled={!paging.after}
          onClick={paging.goPrevious}
        >
          ← Previous
        </button>
        <button type="button" className="btn btn-secondary" disabled={!next || stale} onClick={paging.goNext}>
          Next →
        </button>
      </div>
    </nav>
  );
}

/** Under a list with no items: with filters set, a way to clear them; without, where items come from. */
export function EmptyList({
  title,
  filtered,
  onClear,
  href,
  link,
}: {
  title: string;
  filtered: boolean;
  onClear: () => void;
  href: string;
  link: string;
}) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {filtered ? (
        <button type="button" className="btn btn-secondary" onClick={onClear}>
          Clear filters
        </button>
      ) : (
        <Link href={href} className="btn btn-secondary">
          {link}
        </Link>
      )}
    </div>
  );
}
