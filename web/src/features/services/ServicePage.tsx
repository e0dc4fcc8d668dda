import { type FormEvent, useState } from "react";
import { getService, patchService } from "../../api/endpoints.ts";
import { listTeams } from "../../api/oncall.ts";
import { useResource } from "../../api/resource.ts";
import {
  ALERT_SEVERITIES,
  type AlertSeverity,
  DEFAULT_SEVERITY_MAP,
  type OnAlertsResolved,
  SEVERITIES,
  type ServiceDetail,
  type Severity,
} from "../../api/types.ts";
import { useLiveEvents } from "../../live/events.ts";
import { Link } from "../../router.tsx";
import { useAction } from "../../ui/action.ts";
import { HealthBadge } from "../../ui/badge.tsx";
import { ErrorNote } from "../../ui/banner.tsx";
import { DetailFallback } from "../../ui/detail-fallback.tsx";
import { Field, FormActions } from "../../ui/field.tsx";
import { Section, SectionButton } from "../../ui/section.tsx";
import { RelativeTime } from "../../ui/time.tsx";
import { useDocumentTitle } from "../../ui/title.ts";
import { toast } from "../../ui/toast.tsx";
import { teamHref } from "../oncall/common.tsx";
import { ServiceEscalationSection } from "../oncall/ServiceEscalation.tsx";
import { ChangeList } from "./ChangeList.tsx";
import { HealthChecksSection } from "./HealthChecks.tsx";
import { IntegrationsSection } from "./Integrations.tsx";
import { MaintenanceSection } from "./Maintenance.tsx";
import { ON_RESOLVED_OPTIONS, OnResolvedSelect } from "./ServicesPage.tsx";

export interface ServiceProps {
  service: ServiceDetail;
  /** Refetch the service (coalesced). */
  refresh: () => void;
}

export function ServicePage({ name }: { name: string }) {
  const resource = useResource(name, (signal) => getService(name, signal));
  const service = resource.data;
  useDocumentTitle(service ? `${service.name} · Services` : name);
  useLiveEvents(() => resource.reload());

  if (!service) {
    return (
      <DetailFallback
        name={name}
        back={{ href: "/services", label: "Services" }}
        error={resource.error}
        onRetry={resource.reload}
        notFound={{
          title: `No service “${name}”`,
          hint: "It may have been mistyped or not created yet.",
          href: "/services",
          link: "All services",
        }}
      />
    );
  }

  const props: ServiceProps = { service, refresh: resource.reload };
  const encoded = encodeURIComponent(service.name);
  return (
    <main className="page page-service" id="main">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href="/services">Services</Link>
        <span aria-hidden="true"> / </span>
        <span aria-current="page">{service.name}</span>
      </nav>
      <header className="detail-head service-head">
        <div className="detail-meta">
          <HealthBadge health={service.health} />
          <span className="meta-item muted">
            created <RelativeTime iso={service.created_at} />
          </span>
          <Link href={`/alerts?service=${encoded}`} className="meta-item">
            Open alerts
          </Link>
          <Link href={`/incidents?service=${encoded}`} className="meta-item">
            Open incidents
          </Link>
          <Link href={`/services/${encoded}/runbook`} className="meta-item">
            Runbook
          </Link>
          <a href="#paging" className="meta-item">
            {service.escalation_policy ? `Pages by ${service.escalation_policy}` : "Pages nobody"}
          </a>
        </div>
        <h1 className="detail-title">{service.name}</h1>
        {service.description ? <p className="detail-description">{service.description}</p> : null}
        {service.health.reasons.length ? (
          <div className={`health-reasons health-reasons-${service.health.status}`}>
            <h2 className="sr-only">Why it is {service.health.status}</h2>
            <ul>
              {service.health.reasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          </div>
        ) : null}
      </header>
      <div className="service-sections">
        <ServiceEscalationSection {...props} />
        <IntegrationsSection {...props} />
        <HealthChecksSection {...props} />
        <MaintenanceSection {...props} />
        <Section headingId="changes-h" title="Recent changes" count={service.change_events.length || ""}>
          <ChangeList
            changes={service.change_events}
            empty="No change events yet. Deploys and config changes sent as PagerDuty change events appear here."
          />
        </Section>
        <SettingsSection {...props} />
      </div>
    </main>
  );
}

/** Description, owning team, what resolved alerts do to their incident, and alert → incident severity. */
function SettingsSection({ service, refresh }: ServiceProps) {
  const [editing, setEditing] = useState(false);
  const [description, setDescription] = useState(service.description);
  const [team, setTeam] = useState(service.team ?? "");
  const teams = useResource(editing ? "teams" : null, (signal) => listTeams(signal));
  const teamNames = (teams.data?.items ?? []).map((t) => t.name).sort();
  const [onResolved, setOnResolved] = useState<OnAlertsResolved | "">(service.on_alerts_resolved ?? "");
  const [map, setMap] = useState<Partial<Record<AlertSeverity, Severity>>>(service.severity_map ?? {});
  const save = useAction(async () => {
    const custom = Object.keys(map).length > 0;
    await patchService(service.name, {
      description: description.trim(),
      team: team || null,
      on_alerts_resolved: onResolved || null,
      severity_map: custom ? map : null,
    });
    setEditing(false);
    toast("Settings saved");
    refresh();
  }, ["description", "team", "on_alerts_resolved", "severity_map"]);

  const start = () => {
    setDescription(service.description);
    setTeam(service.team ?? "");
    setOnResolved(service.on_alerts_resolved ?? "");
    setMap(service.severity_map ?? {});
    save.clear();
    setEditing(true);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save.run();
  };
  const resolvedLabel =
    ON_RESOLVED_OPTIONS.find((o) => o.value === (service.on_alerts_resolved ?? ""))?.label ?? "Default";
  return (
    <Section
      headingId="settings-h"
      title="Settings"
      tools={!editing ? <SectionButton onClick={start}>Edit settings</SectionButton> : null}
    >
      {editing ? (
        <form className="stack-form" onSubmit={submit} noValidate>
          {save.error ? <ErrorNote>{save.error}</ErrorNote> : null}
          <Field label="Description" error={save.fields.description}>
            {(ids) => (
              <textarea
                {...ids}
                rows={2}
                value={description}
                onChange={(e) => setDescription(e.target.value)}
              />
            )}
          </Field>
          <Field
            label="Team"
            hint="The team that owns the service: Insights' team filter counts its incidents and alerts."
            error={save.fields.team}
          >
            {(ids) => (
              <select {...ids} value={team} onChange={(e) => setTeam(e.target.value)}>
                <option value="">No team</option>
                {team && !teamNames.includes(team) ? <option value={team}>{team}</option> : null}
                {teamNames.map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="When all its alerts resolve" error={save.fields.on_alerts_resolved}>
            {(ids) => <OnResolvedSelect ids={ids} value={onResolved} onChange={setOnResolved} />}
          </Field>
          <fieldset className="severity-map">
            <legend>Incident severity for each alert severity</legend>
            <div className="form-row">
              {ALERT_SEVERITIES.map((a) => (
                <Field key={a} label={a} className="field-map">
                  {(ids) => (
                    <select
                      {...ids}
                      value={map[a] ?? ""}
                      onChange={(e) => {
                        const value = e.target.value as Severity | "";
                        setMap((m) => {
                          const next = { ...m };
                          if (value) next[a] = value;
                          else delete next[a];
                          return next;
                        });
                      }}
                    >
                      <option value="">Default ({DEFAULT_SEVERITY_MAP[a]})</option>
                      {SEVERITIES.map((s) => (
                        <option key={s} value={s}>
                          {s}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
              ))}
            </div>
            {save.fields.severity_map ? <div className="field-error">{save.fields.severity_map}</div> : null}
          </fieldset>
          <FormActions
            label="Save settings"
            busyLabel="Saving…"
            busy={save.busy}
            onCancel={() => setEditing(false)}
          />
        </form>
      ) : (
        <dl className="facts settings-facts">
          <div>
            <dt>Team</dt>
            <dd>
              {service.team ? (
                <Link href={teamHref(service.team)}>{service.team}</Link>
              ) : (
                <span className="muted">None</span>
              )}
            </dd>
          </div>
          <div>
            <dt>Resolved alerts</dt>
            <dd>{resolvedLabel}</dd>
          </div>
          <div>
            <dt>Severity map</dt>
            <dd className="chips">
              {ALERT_SEVERITIES.map((a) => (
                <span key={a} className="chip">
                  {a} → {service.severity_map?.[a] ?? DEFAULT_SEVERITY_MAP[a]}
                </span>
              ))}
            </dd>
          </div>
        </dl>
      )}
    </Section>
  );
}
