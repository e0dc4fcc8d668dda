import type { ReactNode } from "react";
import { ApiError } from "../api/client.ts";
import { Link } from "../router.tsx";
import { LoadError } from "./banner.tsx";

// What a detail page (an incident, an alert, a service) shows until its record is there: a skeleton
// while it loads, "No such X" with a way back when the server answers 404, else the error with a retry.

export function DetailFallback({
  name,
  back,
  error,
  onRetry,
  notFound,
  skeletonLines = 2,
}: {
  /** How the page names what it loads: "INC-7", "checkout". */
  name: string;
  /** The breadcrumb: the list the record belongs to. */
  back: { href: string; label: string };
  error: unknown;
  onRetry: () => void;
  notFound: { title: ReactNode; hint?: string; href: string; link: string };
  /** Skeleton lines under the title. */
  skeletonLines?: number;
}) {
  const missing = error instanceof ApiError && error.status === 404;
  return (
    <main className="page" id="main">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href={back.href}>{back.label}</Link>
      </nav>
      {error ? (
        missing ? (
          <div className="empty">
            <h1 className="empty-title">{notFound.title}</h1>
            {notFound.hint ? <p className="muted">{notFound.hint}</p> : null}
            <Link href={notFound.href} className="btn btn-secondary">
              {notFound.link}
            </Link>
          </div>
        ) : (
          <LoadError what={name} error={error} onRetry={onRetry} />
        )
      ) : (
        <div className="detail-skeleton" aria-busy="true">
          <span className="skeleton skeleton-title" />
          {Array.from({ length: skeletonLines }, (_, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: static placeholders
            <span key={i} className="skeleton" />
          ))}
          <span className="sr-only">Loading {name}…</span>
        </div>
      )}
    </main>
  );
}
