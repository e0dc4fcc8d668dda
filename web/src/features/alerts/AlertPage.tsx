import { useState } from "react";
import { getAlert } from "../../api/endpoints.ts";
import { useResource } from "../../api/resource.ts";
import type { AlertDetail, AlertImage, AlertMember } from "../../api/types.ts";
import { useLiveEvents } from "../../live/events.ts";
import { Link } from "../../router.tsx";
import { AlertSeverityBadge, StatusBadge } from "../../ui/badge.tsx";
import { DetailFallback } from "../../ui/detail-fallback.tsx";
import { Section } from "../../ui/section.tsx";
import { formatExact, RelativeTime, Stamp } from "../../ui/time.tsx";
import { useDocumentTitle } from "../../ui/title.ts";
import { ServiceHealthBadge } from "./IncidentAlerts.tsx";

// One alert: what the sender said (summary, details, links, images), and for grouped sources
// (Alertmanager, Grafana) each member alert with its labels and annotations.

export function AlertPage({ id }: { id: string }) {
  const resource = useResource(id, (signal) => getAlert(id, signal));
  const alert = resource.data;
  useDocumentTitle(alert ? `${alert.id} ${alert.summary}` : id.toUpperCase());
  useLiveEvents((event) => {
    if (event.type === "reload" || !alert?.incident || event.id === alert.incident) resource.reload();
  });

  if (!alert) {
    return (
      <DetailFallback
        name={id}
        back={{ href: "/alerts", label: "Alerts" }}
        error={resource.error}
        onRetry={resource.reload}
        notFound={{ title: `No alert ${id.toUpperCase()}`, href: "/alerts?status=all", link: "All alerts" }}
        skeletonLines={1}
      />
    );
  }

  return (
    <main className="page page-alert" id="main">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href="/alerts">Alerts</Link>
        <span aria-hidden="true"> / </span>
        <span aria-current="page" className="mono">
          {alert.id}
        </span>
      </nav>
      <header className="detail-head">
        <div className="detail-meta">
          <span className="mono detail-id">{alert.id}</span>
          <StatusBadge status={alert.status} />
          <AlertSeverityBadge severity={alert.severity} />
          {alert.suppressed ? (
            <span className="tag tag-warn" title="Arrived during a maintenance window: it pages no one">
              maintenance
            </span>
          ) : null}
          <span className="meta-item muted">
            {alert.event_count} event{alert.event_count === 1 ? "" : "s"} · first{" "}
            <RelativeTime iso={alert.created_at} /> · last <RelativeTime iso={alert.last_event_at} />
          </span>
        </div>
        <h1 className="detail-title alert-summary">{alert.summary}</h1>
        <div className="alert-where">
          {alert.incident ? (
            <Link href={`/incidents/${alert.incident}`} className="btn btn-secondary btn-sm">
              Incident <span className="mono">{alert.incident}</span> →
            </Link>
          ) : (
            <span className="muted">
              {alert.suppressed ? "Suppressed by maintenance: no incident opened." : "No incident."}
            </span>
          )}
        </div>
      </header>

      <div className="detail-grid">
        <div className="detail-main">
          {alert.links.length || alert.images.length ? (
            <Section headingId="alert-links-h" title="Links">
              {alert.links.length ? (
                <ul className="link-list">
                  {alert.links.map((l) => (
                    <li key={l.href}>
                      <a href={l.href} target="_blank" rel="noreferrer noopener" className="ext-link">
                        {l.text || l.href}
                      </a>
                    </li>
                  ))}
                </ul>
              ) : null}
              {alert.images.length ? (
                <ul className="evidence-grid alert-images">
                  {alert.images.map((img) => (
                    <AlertImageCard key={img.src} image={img} />
                  ))}
                </ul>
              ) : null}
            </Section>
          ) : null}

          {alert.members.length ? <MembersSection alert={alert} /> : null}

          <Section headingId="alert-details-h" title="Details">
            <KeyValues values={alert.details} empty="The sender gave no details." />
          </Section>
        </div>
        <aside className="detail-side" aria-label="Alert summary">
          <section className="card panel" aria-labelledby="alert-facts-h">
            <h2 id="alert-facts-h">Summary</h2>
            <dl className="facts">
              <div>
                <dt>Service</dt>
                <dd>
                  <Link href={`/services/${encodeURIComponent(alert.service)}`}>{alert.service}</Link>
                  <ServiceHealthBadge name={alert.service} />
                </dd>
              </div>
              <div>
                <dt>Source</dt>
                <dd className="wrap-anywhere">{alert.source || <span className="muted">—</span>}</dd>
              </div>
              <div>
                <dt>From</dt>
                <dd>{alert.source_kind}</dd>
              </div>
              <div>
                <dt>Dedup key</dt>
                <dd className="mono small wrap-anywhere">{alert.dedup_key}</dd>
              </div>
              <Stamp label="Opened" iso={alert.created_at} />
              <Stamp label="Acknowledged" iso={alert.acknowledged_at} />
              <Stamp label="Resolved" iso={alert.resolved_at} />
              {alert.truncated_alerts > 0 ? (
                <div>
                  <dt>Left out</dt>
                  <dd>
                    {alert.truncated_alerts} member{alert.truncated_alerts === 1 ? "" : "s"} (truncated by the
                    sender)
                  </dd>
                </div>
              ) : null}
            </dl>
          </section>
        </aside>
      </div>
    </main>
  );
}

function AlertImageCard({ image }: { image: AlertImage }) {
  const [broken, setBroken] = useState(false);
  const href = image.href ?? image.src;
  return (
    <li className={`evidence${broken ? "" : " evidence-image"}`}>
      {broken ? null : (
        <a href={href} target="_blank" rel="noreferrer noopener" className="thumb">
          <img
            src={image.src}
            alt={image.alt || "Image attached to the alert"}
            loading="lazy"
            decoding="async"
            referrerPolicy="no-referrer"
            onError={() => setBroken(true)}
          />
        </a>
      )}
      <div className="evidence-body">
        <a href={href} target="_blank" rel="noreferrer noopener" className="evidence-link">
          {image.alt || image.src}
        </a>
      </div>
    </li>
  );
}

function isUrl(text: string): boolean {
  return /^https?:\/\/\S+$/i.test(text);
}

function Value({ value }: { value: unknown }) {
  if (typeof value === "string")
    return isUrl(value) ? (
      <a href={value} target="_blank" rel="noreferrer noopener" className="ext-link">
        {value}
      </a>
    ) : (
      <span className="kv-text">{value}</span>
    );
  if (value === null || value === undefined) return <span className="muted">—</span>;
  if (typeof value === "object") return <pre>{JSON.stringify(value, null, 2)}</pre>;
  return <span>{String(value)}</span>;
}

export function KeyValues({ values, empty }: { values: Record<string, unknown> | null; empty: string }) {
  const entries = Object.entries(values ?? {});
  if (!entries.length) return empty ? <p className="muted empty-inline">{empty}</p> : null;
  return (
    <dl className="kv">
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>
            <Value value={v} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

function MembersSection({ alert }: { alert: AlertDetail }) {
  const firing = alert.members.filter((m) => m.status === "firing").length;
  return (
    <Section
      headingId="members-h"
      title="Members"
      count={alert.members.length}
      tools={
        <span className="muted small push-right">
          {firing} firing · {alert.members.length - firing} resolved
        </span>
      }
    >
      <ul className="members">
        {alert.members.map((m) => (
          <Member key={m.fingerprint} member={m} />
        ))}
      </ul>
    </Section>
  );
}

function Member({ member: m }: { member: AlertMember }) {
  const labels = Object.entries(m.labels);
  return (
    <li className={`member member-${m.status}`}>
      <div className="member-head">
        <span className={`badge health ${m.status === "firing" ? "health-down" : "health-healthy"}`}>
          <span className="dot" aria-hidden="true" />
          {m.status === "firing" ? "Firing" : "Resolved"}
        </span>
        <span className="mono small muted" title="Fingerprint">
          {m.fingerprint}
        </span>
        <span className="muted small push-right">
          {m.starts_at ? (
            <>
              since <RelativeTime iso={m.starts_at} />
            </>
          ) : null}
          {m.ends_at ? <span title={formatExact(m.ends_at)}> · ended</span> : null}
        </span>
      </div>
      {m.annotations.summary ? <p className="member-summary">{m.annotations.summary}</p> : null}
      {labels.length ? (
        <ul className="chips labels" aria-label="Labels">
          {labels.map(([k, v]) => (
            <li key={k} className="chip label">
              <span className="label-key">{k}</span>=<span>{v}</span>
            </li>
          ))}
        </ul>
      ) : null}
      <KeyValues
        values={Object.fromEntries(Object.entries(m.annotations).filter(([k]) => k !== "summary"))}
        empty=""
      />
      {m.extra && Object.keys(m.extra).length ? <KeyValues values={m.extra} empty="" /> : null}
      {m.generator_url ? (
        <a href={m.generator_url} target="_blank" rel="noreferrer noopener" className="small ext-link">
          Open in the source
        </a>
      ) : null}
    </li>
  );
}
