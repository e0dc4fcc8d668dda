import { type FormEvent, useRef, useState } from "react";
import type { RenderedTemplate } from "../../../api/communication.ts";
import { postStatusUpdate } from "../../../api/endpoints.ts";
import { PUBLIC_STATUSES, type PublicStatus } from "../../../api/types.ts";
import { useAction } from "../../../ui/action.ts";
import { Tag } from "../../../ui/badge.tsx";
import { ErrorNote } from "../../../ui/banner.tsx";
import { CompactField } from "../../../ui/compact-field.tsx";
import { Field } from "../../../ui/field.tsx";
import { Section } from "../../../ui/section.tsx";
import { RelativeTime } from "../../../ui/time.tsx";
import { toast } from "../../../ui/toast.tsx";
import { IncidentPublicTitle } from "../../status-page/IncidentPublicTitle.tsx";
import type { DetailProps } from "../DetailPage.tsx";
import { TemplatePicker } from "./Templates.tsx";

// Status updates: internal ones for responders and stakeholders, external ones for the status page.

const DEFAULT_PUBLIC: Record<string, PublicStatus> = {
  mitigating: "identified",
  resolved: "resolved",
  postmortem: "resolved",
};

export function CommunicationSection({ incident, refresh, apply }: DetailProps) {
  const [message, setMessage] = useState("");
  const [visibility, setVisibility] = useState<"internal" | "external">("internal");
  const [status, setStatus] = useState<PublicStatus | "">("");
  const messageRef = useRef<HTMLTextAreaElement | null>(null);
  /** "Post as status update": the template's text goes into the form to review, edit and post. */
  const fillFromTemplate = (template: RenderedTemplate) => {
    setMessage(template.text);
    setVisibility(template.suggested_update.visibility);
    setStatus(template.suggested_update.status ?? "");
    post.clear();
    messageRef.current?.focus();
    messageRef.current?.scrollIntoView({ block: "nearest" });
    toast(`${template.title} is in the update form: review it, then post`);
  };
  const post = useAction(async () => {
    await postStatusUpdate(incident.id, {
      message: message.trim(),
      visibility,
      ...(status ? { status } : {}),
    });
    setMessage("");
    setStatus("");
    toast(`Posted ${visibility} update`);
    refresh();
  }, ["message", "visibility", "status"]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void post.run();
  };
  const updates = [...incident.status_updates].reverse();
  const autoStatus = DEFAULT_PUBLIC[incident.status] ?? "investigating";

  return (
    <Section
      id="communication"
      headingId="comms-h"
      title="Communication"
      count={incident.status_updates.length || ""}
    >
      <IncidentPublicTitle incident={incident} apply={apply} />
      <TemplatePicker incident={incident} onUse={fillFromTemplate} />
      <form className="update-form" onSubmit={submit} noValidate>
        <Field label="Status update" error={post.fields.message}>
          {(ids) => (
            <textarea
              {...ids}
              ref={messageRef}
              rows={message.includes("\n") ? 8 : 3}
              placeholder="What is happening, what is the impact, when is the next update?"
              value={message}
              onChange={(e) => setMessage(e.target.value)}
            />
          )}
        </Field>
        <div className="update-options">
          <fieldset className="segmented" aria-describedby={post.fields.visibility ? "vis-error" : undefined}>
            <legend className="sr-only">Visibility</legend>
            {(["internal", "external"] as const).map((v) => (
              <label key={v} className={visibility === v ? "on" : undefined}>
                <input
                  type="radio"
                  name="visibility"
                  value={v}
                  checked={visibility === v}
                  onChange={() => setVisibility(v)}
                />
                {v === "internal" ? "Internal" : "External (status page)"}
              </label>
            ))}
          </fieldset>
          {visibility === "external" ? (
            <CompactField label="Public status">
              {(id) => (
                <select
                  id={id}
                  value={status}
                  onChange={(e) => setStatus(e.target.value as PublicStatus | "")}
                >
                  <option value="">{autoStatus} (from incident)</option>
                  {PUBLIC_STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </select>
              )}
            </CompactField>
          ) : null}
          <button type="submit" className="btn btn-primary push-right" disabled={post.busy}>
            {post.busy ? "Posting…" : visibility === "external" ? "Publish update" : "Post update"}
          </button>
        </div>
        {post.fields.visibility ? (
          <div className="field-error" id="vis-error">
            {post.fields.visibility}
          </div>
        ) : null}
        {post.fields.status ? <div className="field-error">{post.fields.status}</div> : null}
        {post.error ? <ErrorNote>{post.error}</ErrorNote> : null}
      </form>
      {updates.length ? (
        <ul className="updates">
          {updates.map((u) => (
            <li key={u.id} className={`update update-${u.visibility}`}>
              <div className="update-head">
                <Tag tone={u.visibility === "external" ? "accent" : "muted"}>
                  {u.visibility === "external" ? "External" : "Internal"}
                </Tag>
                <span className="update-status">{u.status}</span>
                <span className="muted">
                  {u.created_by} · <RelativeTime iso={u.created_at} />
                </span>
              </div>
              <p className="note-text">{u.message}</p>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted empty-inline">No status updates yet.</p>
      )}
    </Section>
  );
}
