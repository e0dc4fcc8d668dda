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
