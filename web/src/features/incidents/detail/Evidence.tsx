import { type FormEvent, useState } from "react";
import { addEvidence } from "../../../api/endpoints.ts";
import { EVIDENCE_KINDS, type Evidence, type EvidenceKind } from "../../../api/types.ts";
import { useAction } from "../../../ui/action.ts";
import { ErrorNote } from "../../../ui/banner.tsx";
import { Field, FormActions, textInput } from "../../../ui/field.tsx";
import { Section, SectionButton } from "../../../ui/section.tsx";
import { RelativeTime } from "../../../ui/time.tsx";
import { toast } from "../../../ui/toast.tsx";
import type { DetailProps } from "../DetailPage.tsx";

// Linked metrics, logs, traces, dashboards and screenshots; images show as thumbnails.

export function EvidenceSection({ incident, refresh }: DetailProps) {
  const [kind, setKind] = useState<EvidenceKind>("link");
  const [url, setUrl] = useState("");
  const [caption, setCaption] = useState("");
  const [adding, setAdding] = useState(false);
  const add = useAction(async () => {
    await addEvidence(incident.id, { kind, url: url.trim(), caption: caption.trim() });
    setUrl("");
    setCaption("");
    setAdding(false);
    toast("Evidence added");
    refresh();
  }, ["kind", "url", "caption"]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void add.run();
  };

  return (
    <Section
      id="evidence"
      headingId="evidence-h"
      title="Evidence"
      count={incident.evidence.length || ""}
      tools={!adding ? <SectionButton onClick={() => setAdding(true)}>Add evidence</SectionButton> : null}
    >
      {adding ? (
        <form className="inline-form evidence-form" onSubmit={submit} noValidate>
          <Field label="Kind" error={add.fields.kind} className="field-kind">
            {(ids) => (
              <select {...ids} value={kind} onChange={(e) => setKind(e.target.value as EvidenceKind)}>
                {/* health_check evidence is written by "Check affected services", with the probe's result. */}
                {EVIDENCE_KINDS.filter((k) => k !== "health_check").map((k) => (
                  <option key={k} value={k}>
                    {k}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="URL" error={add.fields.url} className="field-grow">
            {textInput(url, setUrl, {
              type: "url",
              inputMode: "url",
              placeholder: "https://grafana.example.com/d/…",
            })}
          </Field>
          <Field label="Caption" error={add.fields.caption} className="field-grow">
            {textInput(caption, setCaption, { placeholder: "p95 latency since the deploy" })}
          </Field>
          <FormActions
            label="Add"
            busyLabel="Adding…"
            busy={add.busy}
            onCancel={() => {
              setAdding(false);
              add.clear();
            }}
          />
          {add.error ? <ErrorNote>{add.error}</ErrorNote> : null}
        </form>
      ) : null}
      {incident.evidence.length ? (
        <ul className="evidence-grid">
          {[...incident.evidence].reverse().map((e) => (
            <EvidenceCard key={e.id} evidence={e} />
          ))}
        </ul>
      ) : (
        <p className="muted empty-inline">No evidence linked yet.</p>
      )}
    </Section>
  );
}

function host(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function EvidenceCard({ evidence: e }: { evidence: Evidence }) {
  const [broken, setBroken] = useState(false);
  return (
    <li className={`evidence${e.is_image && !broken ? " evidence-image" : ""}`}>
      {e.is_image && !broken ? (
        <a href={e.url} target="_blank" rel="noreferrer noopener" className="thumb">
          <img
            src={e.url}
            alt={e.caption || `Screenshot from ${host(e.url)}`}
            loading="lazy"
            decoding="async"
            referrerPolicy="no-referrer"
            onError={() => setBroken(true)}
          />
        </a>
      ) : null}
      <div className="evidence-body">
        <span className={`kind kind-${e.kind}`}>{e.kind}</span>
        <a href={e.url} target="_blank" rel="noreferrer noopener" className="evidence-link">
          {e.caption || host(e.url)}
        </a>
        <span className="muted evidence-meta">
          {host(e.url)} · {e.added_by} · <RelativeTime iso={e.added_at} />
        </span>
      </div>
    </li>
  );
}
