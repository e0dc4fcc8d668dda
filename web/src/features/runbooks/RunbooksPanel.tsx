import { useResource } from "../../api/resource.ts";
import { getIncidentRunbooks } from "../../api/runbooks.ts";
import type { IncidentDetail } from "../../api/types.ts";
import { Link } from "../../router.tsx";
import { LoadError } from "../../ui/banner.tsx";
import { Markdown } from "../../ui/markdown.tsx";

// Beside the timeline: the runbook of each affected service, collapsed to its title until opened, with
// a link to the full page (history, edit).

export function RunbooksPanel({ incident }: { incident: IncidentDetail }) {
  const key = `${incident.id}:${incident.affected_services.join("\n")}`;
  const data = useResource(incident.affected_services.length ? key : null, (signal) =>
    getIncidentRunbooks(incident.id, signal),
  );
  const items = data.data?.items ?? [];
  return (
    <section className="card panel runbooks-panel" aria-labelledby="runbooks-h">
      <h2 id="runbooks-h">Runbooks</h2>
      {!incident.affected_services.length ? (
        <p className="muted">Add an affected service to see its runbook here.</p>
      ) : data.error && !data.data ? (
        <LoadError what="runbooks" error={data.error} onRetry={data.reload} />
      ) : !data.data ? (
        <span className="skeleton" aria-busy="true" />
      ) : (
        <ul className="runbook-panel-list">
          {items.map(({ service, runbook }) => {
            const href = `/services/${encodeURIComponent(service)}/runbook`;
            return (
              <li key={service}>
                {runbook ? (
                  <details className="runbook-details">
                    <summary>
                      <span className="runbook-summary-service">{service}</span>
                      <span className="muted small">
                        {" "}
                        · Runbook: {runbook.title} · v{runbook.version}
                      </span>
                    </summary>
                    <div className="runbook-panel-body">
                      <Markdown text={runbook.body} className="markdown-compact" />
                    </div>
                    <Link href={href} className="runbook-open">
                      Open the full runbook of {service}
                    </Link>
                  </details>
                ) : (
                  <span className="muted">
                    {service}: no runbook yet.{" "}
                    <Link href={href}>
                      Write one<span className="sr-only"> for {service}</span>
                    </Link>
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
