import { type FormEvent, useEffect, useRef, useState } from "react";
import { declareIncident } from "../../api/endpoints.ts";
import { keyedErrors } from "../../api/incident-types.ts";
import type { Severity } from "../../api/types.ts";
import { Link, navigate } from "../../router.tsx";
import { useAction } from "../../ui/action.ts";
import { ErrorNote } from "../../ui/banner.tsx";
import { Field } from "../../ui/field.tsx";
import { useDocumentTitle } from "../../ui/title.ts";
import { toast } from "../../ui/toast.tsx";
import { TokenInput, withPending } from "../../ui/token-input.tsx";
import { useUser } from "../auth/session.tsx";
import {
  applyTypeToDraft,
  CustomFieldInputs,
  TypePicker,
  typedRequest,
  useCustomFields,
} from "../incident-types/DeclareType.tsx";
import { minutesText, refreshServices, useServiceNames, useSeverityPolicy } from "./reference-data.ts";

// Declare an incident: what is wrong, how bad (with the policy's meaning of each level), where, who
// leads. The draft is kept in sessionStorage, so a failed submit or a stray navigation loses nothing.

interface Draft {
  title: string;
  description: string;
  severity: Severity | "";
  services: string[];
  pendingService: string;
  assignee: string;
  /** Incident type name ("" none) and custom field values as typed. */
  type: string;
  fields: Record<string, string>;
  /** Private: only the declarer, role holders and admins see it. */
  private?: boolean;
}

const DRAFT_KEY = "foghorn.declare-draft";
const EMPTY: Draft = {
  title: "",
  description: "",
  severity: "",
  services: [],
  pendingService: "",
  assignee: "",
  type: "",
  fields: {},
};
const PLACED = ["title", "description", "severity", "affected_services", "assignee", "type", "custom_fields"];

function loadDraft(): Draft {
  try {
    const raw = sessionStorage.getItem(DRAFT_KEY);
    if (raw) return { ...EMPTY, ...(JSON.parse(raw) as Partial<Draft>) };
  } catch {
    // ignore a broken draft
  }
  return EMPTY;
}

export function DeclarePage() {
  useDocumentTitle("Declare an incident");
  const user = useUser();
  const levels = useSeverityPolicy();
  const serviceNames = useServiceNames();
  const [draft, setDraft] = useState<Draft>(loadDraft);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const titleRef = useRef<HTMLInputElement>(null);
  const customFields = useCustomFields();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  useEffect(() => {
    titleRef.current?.focus();
  }, []);
  useEffect(() => {
    try {
      if (JSON.stringify(draft) === JSON.stringify(EMPTY)) sessionStorage.removeItem(DRAFT_KEY);
      else sessionStorage.setItem(DRAFT_KEY, JSON.stringify(draft));
    } catch {
      // storage may be unavailable (private mode); the form state still holds the draft
    }
  }, [draft]);

  const declare = useAction(async () => {
    setFieldErrors({});
    const incident = await declareIncident({
      title: draft.title.trim(),
      description: draft.description,
      // With a type the server applies its default severity; without one it says severity is required.
      ...(draft.severity || !draft.type ? { severity: draft.severity } : {}),
      affected_services: withPending(draft.services, draft.pendingService),
      ...(draft.assignee.trim() ? { assignee: draft.assignee.trim() } : {}),
      ...typedRequest(draft, customFields),
      ...(draft.private ? { private: true } : {}),
    }).catch((e: unknown) => {
      setFieldErrors(keyedErrors(e, "custom_fields"));
      throw e;
    });
    sessionStorage.removeItem(DRAFT_KEY);
    refreshServices();
    toast(`Declared ${incident.id}`);
    navigate(`/incidents/${incident.id}`);
  }, PLACED);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void declare.run().then((ok) => {
      if (!ok) {
        // Move focus to the first field with an error so keyboard and screen-reader users land on it.
        window.requestAnimationFrame(() => {
          const bad = document.querySelector<HTMLElement>(".declare-form [aria-invalid='true']");
          bad?.focus();
        });
      }
    });
  };

  const f = declare.fields;
  return (
    <main className="page page-narrow" id="main">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href="/incidents">Incidents</Link>
        <span aria-hidden="true"> / </span>
        <span aria-current="page">Declare</span>
      </nav>
      <h1>Declare an incident</h1>
      <form className="declare-form card" onSubmit={submit} noValidate>
        {declare.error ? <ErrorNote>{declare.error}</ErrorNote> : null}
        <Field label="Title" hint="What users see, in a few words." error={f.title}>
          {(ids) => (
            <input
              {...ids}
              ref={titleRef}
              name="title"
              maxLength={200}
              required
              value={draft.title}
              placeholder="Checkout returns 500 for card payments"
              onChange={(e) => set("title", e.target.value)}
            />
          )}
        </Field>
        <Field
          label="Description"
          hint="Symptoms, first signal, anything already known."
          error={f.description}
        >
          {(ids) => (
            <textarea
              {...ids}
              name="description"
              rows={4}
              value={draft.description}
              onChange={(e) => set("description", e.target.value)}
            />
          )}
        </Field>

        <TypePicker
          value={draft.type}
          error={f.type}
          onPick={(type, name) => setDraft((d) => applyTypeToDraft(d, type, name))}
        />

        <fieldset
          className={`severity-picker${f.severity ? " has-error" : ""}`}
          aria-describedby={f.severity ? "severity-error" : undefined}
        >
          <legend>Severity</legend>
          <div className="severity-options">
            {levels.map((level) => (
              <label
                key={level.severity}
                className={`severity-option sev-${level.severity.toLowerCase()}${
                  draft.severity === level.severity ? " selected" : ""
                }`}
              >
                <input
                  type="radio"
                  name="severity"
                  value={level.severity}
                  checked={draft.severity === level.severity}
                  onChange={() => set("severity", level.severity)}
                />
                <span className="severity-head">
                  <span className="severity-name">{level.severity}</span>
                  <span className="severity-label">{level.label}</span>
                </span>
                <span className="severity-meaning">{level.meaning}</span>
                <span className="severity-policy">
                  ack within {minutesText(level.ack_within_minutes)} · updates{" "}
                  {level.update_every_minutes === 1440
                    ? "daily"
                    : `every ${minutesText(level.update_every_minutes)}`}
                  <br />
                  {level.who_is_told}
                </span>
              </label>
            ))}
          </div>
          {f.severity ? (
            <div className="field-error" id="severity-error">
              {f.severity}
            </div>
          ) : null}
        </fieldset>

        <Field
          label="Affected services"
          hint="Pick a known service or type a new name and press Enter."
          error={f.affected_services}
        >
          {(ids) => (
            <TokenInput
              ids={ids}
              value={draft.services}
              onChange={(v) => set("services", v)}
              pending={draft.pendingService}
              onPendingChange={(t) => set("pendingService", t)}
              suggestions={serviceNames}
              placeholder="checkout, payments"
              removeLabel="Remove service"
            />
          )}
        </Field>

        <Field label="Commander" hint="Who leads the response (a handle, e.g. alice)." error={f.assignee}>
          {(ids) => (
            <div className="input-with-action">
              <input
                {...ids}
                name="assignee"
                autoCapitalize="none"
                spellCheck={false}
                value={draft.assignee}
                placeholder="unassigned"
                onChange={(e) => set("assignee", e.target.value)}
              />
              {user.username && draft.assignee !== user.username ? (
                <button
                  type="button"
                  className="btn btn-secondary"
                  onClick={() => set("assignee", user.username)}
                >
                  Assign to me
                </button>
              ) : null}
            </div>
          )}
        </Field>

        <CustomFieldInputs
          values={draft.fields}
          errors={fieldErrors}
          onChange={(key, value) => setDraft((d) => ({ ...d, fields: { ...d.fields, [key]: value } }))}
        />

        <label className="checkbox-field">
          <input
            type="checkbox"
            name="private"
            checked={draft.private === true}
            onChange={(e) => set("private", e.target.checked)}
          />{" "}
          Private: only me, the people I give a role and admins see it (left out of lists, Slack and the
          status page)
        </label>

        <div className="form-actions">
          <button
            type="submit"
            className="btn btn-danger"
            disabled={declare.busy || user.role === "viewer"}
            title={
              user.role === "viewer"
                ? "Viewers cannot declare incidents; ask an admin for the responder role"
                : undefined
            }
          >
            {declare.busy ? "Declaring…" : "Declare incident"}
          </button>
          <Link href="/incidents" className="btn btn-ghost">
            Cancel
          </Link>
          {JSON.stringify(draft) !== JSON.stringify(EMPTY) ? (
            <button type="button" className="btn btn-ghost push-right" onClick={() => setDraft(EMPTY)}>
              Clear form
            </button>
          ) : null}
        </div>
      </form>
    </main>
  );
}
