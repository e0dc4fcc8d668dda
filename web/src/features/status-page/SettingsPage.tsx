import { type FormEvent, useEffect, useMemo, useState } from "react";
import { ApiError } from "../../api/client.ts";
import { useResource } from "../../api/resource.ts";
import { getStatusSettings, patchStatusSettings, type SettingsInput } from "../../api/status-page.ts";
import {
  COMPONENT_STATUSES,
  type ComponentStatus,
  SEVERITIES,
  type StatusPageSettings,
} from "../../api/types.ts";
import { useStatusPageEvents } from "../../live/events.ts";
import { useAction } from "../../ui/action.ts";
import { ErrorNote, LoadError } from "../../ui/banner.tsx";
import { Field, textInput } from "../../ui/field.tsx";
import { useDocumentTitle } from "../../ui/title.ts";
import { toast } from "../../ui/toast.tsx";
import { useSeverityPolicy } from "../incidents/reference-data.ts";
import { timeZoneList } from "../oncall/zone.ts";
import { nestedErrors } from "../services/form-errors.ts";
import { componentStatusLabel, StatusPageFrame } from "./common.tsx";

// The page's settings: name, where it is, how it looks, what it shows, and which status an incident's
// severity gives the components of its services.

const PLACED = [
  "name",
  "url",
  "logo_url",
  "brand_color",
  "time_zone",
  "custom_domain",
  "footer_links",
  "show_responders",
  "component_status_by_severity",
];

export function SettingsPage() {
  useDocumentTitle("Status page settings");
  const settings = useResource("status-settings", (signal) => getStatusSettings(signal));
  return (
    <StatusPageFrame>
      {settings.error && !settings.data ? (
        <LoadError what="the status page settings" error={settings.error} onRetry={settings.reload} />
      ) : null}
      {settings.data ? (
        <SettingsForm settings={settings.data} onSaved={settings.set} reload={settings.reload} />
      ) : !settings.error ? (
        <div className="detail-skeleton" aria-busy="true">
          <span className="skeleton skeleton-title" />
          <span className="skeleton" />
          <span className="sr-only">Loading the settings…</span>
        </div>
      ) : null}
    </StatusPageFrame>
  );
}

interface Draft {
  name: string;
  url: string;
  logo_url: string;
  brand_color: string;
  time_zone: string;
  custom_domain: string;
  footer_links: { label: string; url: string }[];
  show_responders: boolean;
  component_status_by_severity: Record<string, ComponentStatus>;
}

function toDraft(s: StatusPageSettings): Draft {
  return {
    name: s.name,
    url: s.url ?? "",
    logo_url: s.logo_url ?? "",
    brand_color: s.brand_color,
    time_zone: s.time_zone,
    custom_domain: s.custom_domain ?? "",
    footer_links: s.footer_links.map((l) => ({ ...l })),
    show_responders: s.show_responders,
    component_status_by_severity: { ...s.component_status_by_severity },
  };
}

function SettingsForm({
  settings,
  onSaved,
  reload,
}: {
  settings: StatusPageSettings;
  onSaved: (s: StatusPageSettings) => void;
  reload: () => void;
}) {
  const [draft, setDraft] = useState<Draft>(() => toDraft(settings));
  const [dirty, setDirty] = useState(false);
  // Someone else saved (live event) while this form is untouched: show theirs.
  useEffect(() => {
    if (!dirty) setDraft(toDraft(settings));
  }, [settings, dirty]);
  useStatusPageEvents(() => {
    if (!dirty) reload();
  });
  const zones = useMemo(() => timeZoneList(settings.time_zone), [settings.time_zone]);
  const policy = useSeverityPolicy();
  const [linkErrors, setLinkErrors] = useState<Record<string, string>>({});
  const [severityErrors, setSeverityErrors] = useState<Record<string, string>>({});
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setDirty(true);
  };
  const save = useAction(async () => {
    const input: SettingsInput = {
      name: draft.name.trim(),
      url: draft.url.trim() || null,
      logo_url: draft.logo_url.trim() || null,
      brand_color: draft.brand_color,
      time_zone: draft.time_zone,
      custom_domain: draft.custom_domain.trim() || null,
      footer_links: draft.footer_links
        .map((l) => ({ label: l.label.trim(), url: l.url.trim() }))
        .filter((l) => l.label || l.url),
      show_responders: draft.show_responders,
      component_status_by_severity: draft.component_status_by_severity,
    };
    setLinkErrors({});
    setSeverityErrors({});
    try {
      const saved = await patchStatusSettings(input);
      setDirty(false);
      setDraft(toDraft(saved));
      onSaved(saved);
      toast("Saved the status page settings");
    } catch (e) {
      if (e instanceof ApiError) {
        setLinkErrors(nestedErrors(e, "footer_links"));
        setSeverityErrors(nestedErrors(e, "component_status_by_severity"));
      }
      throw e;
    }
  }, PLACED);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save.run();
  };
  const f = save.fields;
  const setLink = (i: number, patch: Partial<{ label: string; url: string }>) =>
    set(
      "footer_links",
      draft.footer_links.map((l, j) => (j === i ? { ...l, ...patch } : l)),
    );
  return (
    <form
      className="stack-form status-settings-form"
      onSubmit={submit}
      noValidate
      aria-label="Status page settings"
    >
      {save.error ? <ErrorNote>{save.error}</ErrorNote> : null}
      <section className="card section stack-form" aria-labelledby="sp-page-h">
        <h2 id="sp-page-h">Page</h2>
        <Field
          label="Page name"
          hint="The page's title and heading: usually your company or product."
          error={f.name}
        >
          {textInput(draft.name, (v) => set("name", v), { autoComplete: "off", required: true })}
        </Field>
        <div className="form-row">
          <Field
            label="Public URL"
            className="field-grow"
            hint={
              <>
                Where people reach the page, used in emails and feeds; empty: derived from the server's public
                URL. Now: <span className="mono">{settings.effective_url}</span>
              </>
            }
            error={f.url}
          >
            {textInput(draft.url, (v) => set("url", v), {
              type: "url",
              placeholder: "https://status.example.com",
              spellCheck: false,
            })}
          </Field>
          <Field
            label="Custom domain"
            className="field-grow"
            hint="A host name only (no https://, no port). Point it at Foghorn and / on it serves the page."
            error={f.custom_domain}
          >
            {textInput(draft.custom_domain, (v) => set("custom_domain", v), {
              placeholder: "status.example.com",
              spellCheck: false,
              autoCapitalize: "none",
            })}
          </Field>
        </div>
        <Field
          label="Time zone"
          hint="Times on the page are shown in it, and uptime days begin at its midnight."
          error={f.time_zone}
        >
          {(ids) => (
            <select {...ids} value={draft.time_zone} onChange={(e) => set("time_zone", e.target.value)}>
              {zones.map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
          )}
        </Field>
      </section>

      <section className="card section stack-form" aria-labelledby="sp-look-h">
        <h2 id="sp-look-h">Look</h2>
        <div className="form-row">
          <Field
            label="Logo URL"
            className="field-grow"
            hint="Optional: an image shown instead of the page name."
            error={f.logo_url}
          >
            {textInput(draft.logo_url, (v) => set("logo_url", v), {
              type: "url",
              placeholder: "https://example.com/logo.svg",
              spellCheck: false,
            })}
          </Field>
          <Field
            label="Brand colour"
            hint={<span className="mono">{draft.brand_color}</span>}
            error={f.brand_color}
          >
            {(ids) => (
              <input
                {...ids}
                type="color"
                className="color-input"
                value={draft.brand_color}
                onChange={(e) => set("brand_color", e.target.value)}
              />
            )}
          </Field>
        </div>
        <fieldset className="footer-links">
          <legend className="picker-legend">Footer links</legend>
          {draft.footer_links.length === 0 ? (
            <p className="muted small">None: the footer shows only the page's name and feeds.</p>
          ) : null}
          {draft.footer_links.map((l, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place
            <div key={i} className="form-row footer-link-row">
              <input
                className="footer-link-input"
                aria-label={`Link ${i + 1} label`}
                placeholder="Support"
                value={l.label}
                aria-invalid={linkErrors[String(i)] ? true : undefined}
                onChange={(e) => setLink(i, { label: e.target.value })}
              />
              <input
                className="footer-link-input"
                aria-label={`Link ${i + 1} URL`}
                type="url"
                placeholder="https://example.com/support"
                spellCheck={false}
                value={l.url}
                aria-invalid={linkErrors[String(i)] ? true : undefined}
                onChange={(e) => setLink(i, { url: e.target.value })}
              />
              <button
                type="button"
                className="btn btn-ghost btn-xs"
                onClick={() =>
                  set(
                    "footer_links",
                    draft.footer_links.filter((_, j) => j !== i),
                  )
                }
              >
                Remove<span className="sr-only"> link {i + 1}</span>
              </button>
              {linkErrors[String(i)] ? (
                <div className="field-error footer-link-error">{linkErrors[String(i)]}</div>
              ) : null}
            </div>
          ))}
          {f.footer_links && Object.keys(linkErrors).every((k) => k === "") ? (
            <div className="field-error">{f.footer_links}</div>
          ) : null}
          <button
            type="button"
            className="btn btn-secondary btn-sm footer-add"
            onClick={() => set("footer_links", [...draft.footer_links, { label: "", url: "" }])}
          >
            Add link
          </button>
        </fieldset>
      </section>

      <section className="card section stack-form" aria-labelledby="sp-incidents-h">
        <h2 id="sp-incidents-h">Incidents on the page</h2>
        <p className="muted small">
          An incident shows on the page once it has an external status update. While it is open, the
          components linked to its services take the status its severity gives here (unless one is set by
          hand).
        </p>
        <table className="severity-status-table">
          <caption className="sr-only">Component status by incident severity</caption>
          <thead>
            <tr>
              <th scope="col" className="sev-cell">
                Severity
              </th>
              <th scope="col" className="sev-cell">
                Components show
              </th>
            </tr>
          </thead>
          <tbody>
            {SEVERITIES.map((sev) => {
              const level = policy.find((p) => p.severity === sev);
              const error = severityErrors[sev];
              return (
                <tr key={sev}>
                  <th scope="row" className="sev-cell">
                    {sev}
                    {level ? <span className="muted small"> · {level.label}</span> : null}
                  </th>
                  <td className="sev-cell">
                    <select
                      className="inline-select sev-status-select"
                      aria-label={`Component status for ${sev} incidents`}
                      aria-invalid={error ? true : undefined}
                      value={draft.component_status_by_severity[sev] ?? "operational"}
                      onChange={(e) =>
                        set("component_status_by_severity", {
                          ...draft.component_status_by_severity,
                          [sev]: e.target.value as ComponentStatus,
                        })
                      }
                    >
                      {COMPONENT_STATUSES.map((s) => (
                        <option key={s} value={s}>
                          {componentStatusLabel(s)}
                        </option>
                      ))}
                    </select>
                    {error ? <div className="field-error">{error}</div> : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {f.component_status_by_severity && Object.keys(severityErrors).every((k) => k === "") ? (
          <div className="field-error">{f.component_status_by_severity}</div>
        ) : null}
        <label className="check-label">
          <input
            type="checkbox"
            checked={draft.show_responders}
            onChange={(e) => set("show_responders", e.target.checked)}
          />
          Show the names of an incident's responders on the public page
        </label>
        {f.show_responders ? <div className="field-error">{f.show_responders}</div> : null}
      </section>

      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={save.busy || !draft.name.trim()}>
          {save.busy ? "Saving…" : "Save settings"}
        </button>
        <button
          type="button"
          className="btn btn-ghost"
          disabled={!dirty || save.busy}
          onClick={() => {
            setDraft(toDraft(settings));
            setDirty(false);
            save.clear();
          }}
        >
          Discard changes
        </button>
      </div>
    </form>
  );
}
