import type { ReactNode } from "react";

// A card section of a detail page: its heading (with an optional count) and, on the right of it,
// tools or the button that opens the section's form.

export function Section({
  id,
  headingId,
  title,
  count,
  tools,
  children,
}: {
  /** The section's own id (an anchor), when it has one. */
  id?: string;
  headingId: string;
  title: ReactNode;
  /** Shown in a muted badge after the title; leave out for no badge. */
  count?: ReactNode;
  tools?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="card section" aria-labelledby={headingId} id={id}>
      <div className="section-head">
        <h2 id={headingId}>
          {title}
          {count !== undefined ? (
            <>
              {" "}
              <span className="count">{count}</span>
            </>
          ) : null}
        </h2>
        {tools}
      </div>
      {children}
    </section>
  );
}

/** The button at the right of a section's heading ("Add integration", "Edit settings"). */
export function SectionButton({ onClick, children }: { onClick: () => void; children: ReactNode }) {
  return (
    <button type="button" className="btn btn-secondary btn-sm push-right" onClick={onClick}>
      {children}
    </button>
  );
}
