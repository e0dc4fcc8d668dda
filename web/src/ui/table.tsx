import type { ReactNode } from "react";

// Sortable column headers: a button inside <th> with aria-sort on the header cell.

export type SortDirection = "ascending" | "descending";

export function SortHeader({
  label,
  active,
  direction,
  onSort,
  className,
}: {
  label: string;
  active: boolean;
  direction: SortDirection;
  onSort: () => void;
  className?: string;
}) {
  return (
    <th scope="col" aria-sort={active ? direction : "none"} className={className}>
      <button type="button" className="sort-btn" onClick={onSort}>
        {label}
        <span className="sort-icon" aria-hidden="true">
          {active ? (direction === "ascending" ? "▲" : "▼") : "↕"}
        </span>
      </button>
    </th>
  );
}

export function PlainHeader({ children, className }: { children: ReactNode; className?: string }) {
  return (
    <th scope="col" className={className}>
      {children}
    </th>
  );
}

/** Placeholder rows while the first page loads (keeps the layout from jumping). */
export function SkeletonRows({ rows, columns }: { rows: number; columns: number }) {
  return (
    <>
      {Array.from({ length: rows }, (_, r) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: static placeholders
        <tr key={r} className="skeleton-row">
          {Array.from({ length: columns }, (_, c) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: static placeholders
            <td key={c}>
              <span className="skeleton" />
            </td>
          ))}
        </tr>
      ))}
    </>
  );
}

export interface PlainColumn {
  label: string;
  className: string;
}

/** Headers that do not sort, one per column. */
export function PlainHeaders({ columns }: { columns: readonly PlainColumn[] }) {
  return (
    <>
      {columns.map((c) => (
        <PlainHeader key={c.label} className={c.className}>
          {c.label}
        </PlainHeader>
      ))}
    </>
  );
}

/**
 * A list page's table: skeleton rows until the first answer, no rows after a failed first load (the page
 * shows the error above), and `empty` under the table when the answer has no items.
 */
export function ListTable<T>({
  className,
  caption,
  captionId,
  header,
  columnCount,
  items,
  error,
  loading,
  stale = false,
  skeletonRows,
  row,
  empty,
}: {
  className: string;
  /** For screen readers: what the table lists. */
  caption: ReactNode;
  captionId?: string;
  /** The header cells. */
  header: ReactNode;
  columnCount: number;
  items: readonly T[] | undefined;
  error: unknown;
  loading: boolean;
  /** The rows belong to the previous filters while the new ones load. */
  stale?: boolean;
  skeletonRows: number;
  row: (item: T) => ReactNode;
  empty: ReactNode;
}) {
  return (
    <div className={`table-wrap${stale ? " is-stale" : ""}`}>
      <table className={className} aria-busy={loading}>
        <caption id={captionId} className="sr-only">
          {caption}
        </caption>
        <thead>
          <tr>{header}</tr>
        </thead>
        <tbody>
          {items ? (
            items.map((item) => row(item))
          ) : error ? null : (
            <SkeletonRows rows={skeletonRows} columns={columnCount} />
          )}
        </tbody>
      </table>
      {items && items.length === 0 ? empty : null}
    </div>
  );
}
