import type { ChangeEvent } from "../../api/types.ts";
import { Link } from "../../router.tsx";
import { RelativeTime } from "../../ui/time.tsx";

// Deploys and config changes (PagerDuty change events), newest first: on a service's page and, for the
// affected services, near an incident.

export function ChangeList({
  changes,
  empty,
  showService = false,
}: {
  changes: ChangeEvent[];
  empty: string;
  showService?: boolean;
}) {
  if (!changes.length) return <p className="muted empty-inline">{empty}</p>;
  const sorted = [...changes].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  return (
    <ul className="change-list">
      {sorted.map((c) => (
        <li key={c.id} className="change">
          <span className="change-dot" aria-hidden="true" />
          <div className="change-body">
            <span className="change-summary">{c.summary}</span>
            <span className="muted change-meta">
              {showService ? (
                <>
                  <Link href={`/services/${encodeURIComponent(c.service)}`}>{c.service}</Link> ·{" "}
                </>
              ) : null}
              {c.source ? <>{c.source} · </> : null}
              <RelativeTime iso={c.at} />
            </span>
            {c.links.length ? (
              <span className="change-links">
                {c.links.map((l) => (
                  <a
                    key={l.href}
                    href={l.href}
                    target="_blank"
                    rel="noreferrer noopener"
                    className="ext-link"
                  >
                    {l.text || l.href}
                  </a>
                ))}
              </span>
            ) : null}
          </div>
        </li>
      ))}
    </ul>
  );
}
