import { useState } from "react";
import { errorMessage } from "../../../api/client.ts";
import {
  BUILTIN_TEMPLATES,
  listTemplates,
  type RenderedTemplate,
  TEMPLATE_NAMES,
} from "../../../api/communication.ts";
import { useResource } from "../../../api/resource.ts";
import type { IncidentDetail } from "../../../api/types.ts";
import { Tag } from "../../../ui/badge.tsx";
import { ErrorNote } from "../../../ui/banner.tsx";
import { CompactField } from "../../../ui/compact-field.tsx";
import { CopyButton } from "../../../ui/copy.tsx";

// The communication templates (docs/communication.md), rendered by the server from the incident's live
// data: pick one, read it, copy it, or put it into the status-update form to edit and post.

export function TemplatePicker({
  incident,
  onUse,
}: {
  incident: IncidentDetail;
  /** Fill the status-update form with this text, status and visibility. */
  onUse: (template: RenderedTemplate) => void;
}) {
  const [name, setName] = useState("");
  // The key changes with every change to the incident, so the texts follow it live.
  const key = name ? `${incident.id}@${incident.timeline_length}:${incident.updated_at}` : null;
  const templates = useResource(key, (signal) => listTemplates(incident.id, signal), { keepPrevious: true });
  const list = templates.data?.templates ?? [];
  const chosen = list.find((t) => t.name === name);

  return (
    <div className="tpl-picker">
      <div className="tpl-bar">
        <CompactField label="Template">
          {(id) => (
            <select id={id} value={name} onChange={(e) => setName(e.target.value)}>
              <option value="">Choose a template…</option>
              {TEMPLATE_CHOICES.map((t) => (
                <option key={t.name} value={t.name}>
                  {t.label}
                </option>
              ))}
            </select>
          )}
        </CompactField>
        {chosen ? (
          <>
            {chosen.audience === "external" ? (
              <Tag tone="accent">Status page</Tag>
            ) : (
              <Tag tone="muted">Internal</Tag>
            )}
            {chosen.intended_for ? <Tag tone="warn">For {chosen.intended_for}</Tag> : null}
            <span className="push-right tpl-actions">
              <CopyButton value={chosen.text} label={`Copy the ${chosen.title} text`} />
              <button type="button" className="btn btn-secondary btn-xs" onClick={() => onUse(chosen)}>
                Post as status update
              </button>
            </span>
          </>
        ) : null}
      </div>
      {name && templates.error && !templates.data ? (
        <ErrorNote>Could not render the templates: {errorMessage(templates.error)}</ErrorNote>
      ) : null}
      {chosen ? (
        <>
          <p className="hint tpl-desc">
            {chosen.description}
            {chosen.customized ? " Text set by this installation." : ""} Times in {templates.data?.time_zone}.
          </p>
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable preview must be reachable by keyboard */}
          <section className="tpl-preview" aria-label={`${chosen.title} preview`} tabIndex={0}>
            <pre>{chosen.text}</pre>
          </section>
        </>
      ) : name && !templates.error ? (
        <p className="muted empty-inline">Rendering…</p>
      ) : null}
    </div>
  );
}

/** The picker's choices, known before the texts load (the server renders them in this order). */
const TEMPLATE_CHOICES = TEMPLATE_NAMES.map((name) => {
  const t = BUILTIN_TEMPLATES[name];
  return { name, label: t.intendedFor ? `${t.title} (${t.intendedFor})` : t.title };
});
