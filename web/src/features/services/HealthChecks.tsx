import { type FormEvent, type InputHTMLAttributes, useState } from "react";
import { addHealthCheck, deleteHealthCheck, type HealthCheckInput } from "../../api/endpoints.ts";
import type { CheckState, HealthCheck } from "../../api/types.ts";
import { useAction } from "../../ui/action.ts";
import { ErrorNote } from "../../ui/banner.tsx";
import { ConfirmDialog, useConfirmedDelete } from "../../ui/confirm.tsx";
import { Field, FormActions, textInput } from "../../ui/field.tsx";
import { Section, SectionButton } from "../../ui/section.tsx";
import { RelativeTime } from "../../ui/time.tsx";
import { toast } from "../../ui/toast.tsx";
import { optionalNumber } from "./form-errors.ts";
import type { ServiceProps } from "./ServicePage.tsx";
import { refreshServiceHealth } from "./service-health.ts";

// HTTP checks Foghorn runs itself: a failing streak past the threshold opens an alert on the service.

const STATE_LABELS: Record<CheckState, string> = {
  passing: "Passing",
  failing: "Failing",
  unknown: "Not run yet",
};
const STATE_CLASS: Record<CheckState, string> = {
  passing: "health-healthy",
  failing: "health-down",
  unknown: "health-unknown",
};

export function CheckStateBadge({ state }: { state: CheckState }) {
  return (
    <span className={`badge health ${STATE_CLASS[state] ?? "health-unknown"}`}>
      <span className="dot" aria-hidden="true" />
      {STATE_LABELS[state] ?? state}
    </span>
  );
}

export function HealthChecksSection({ service, refresh }: ServiceProps) {
  const [adding, setAdding] = useState(false);
  const deletion = useConfirmedDelete(
    (check: HealthCheck) => deleteHealthCheck(service.name, check.name),
    (check) => {
      toast(`Deleted check ${check.name}`);
      refreshServiceHealth();
      refresh();
    },
  );
  const checks = service.health_checks;
  return (
    <Section
      id="health-checks"
      headingId="checks-h"
      title="Health checks"
      count={checks.length || ""}
      tools={!adding ? <SectionButton onClick={() => setAdding(true)}>Add health check</SectionButton> : null}
    >
      {adding ? (
        <AddCheckForm
          service={service.name}
          onCancel={() => setAdding(false)}
          onCreated={() => {
            setAdding(false);
            refreshServiceHealth();
            refresh();
          }}
        />
      ) : null}
      {checks.length ? (
        <ul className="row-list">
          {checks.map((c) => (
            <li key={c.id} className="row-item check-item" data-state={c.state}>
              <div className="row-main">
                <div className="row-title">
                  <CheckStateBadge state={c.state} />
                  <span className="check-name">{c.name}</span>
                  {c.state === "failing" && c.consecutive_failures > 0 ? (
                    <span className="tag tag-warn">
                      {c.consecutive_failures} failure{c.consecutive_failures === 1 ? "" : "s"} in a row
                    </span>
                  ) : null}
                </div>
                <span className="muted small check-url">
                  {c.method} {c.url}
                </span>
                <span className="muted small row-meta">
                  every {c.interval_seconds} s · alerts after {c.failure_threshold} failure
                  {c.failure_threshold === 1 ? "" : "s"}
                  {c.last_latency_ms !== null ? <> · {c.last_latency_ms} ms</> : null}
                  {c.last_checked_at ? (
                    <>
                      {" "}
                      · checked <RelativeTime iso={c.last_checked_at} />
                    </>
                  ) : null}
                </span>
                {c.last_error ? <span className="check-error">{c.last_error}</span> : null}
              </div>
              <button
                type="button"
                className="btn btn-ghost btn-xs"
                aria-label={`Delete health check ${c.name}`}
                onClick={() => deletion.ask(c)}
              >
                Delete
              </button>
            </li>
          ))}
        </ul>
      ) : !adding ? (
        <p className="muted empty-inline">
          No health checks. Foghorn can poll a URL and alert when it fails.
        </p>
      ) : null}
      <ConfirmDialog {...deletion.dialog} title="Delete health check?" confirmLabel="Delete check">
        <p>
          Stop checking <strong>{deletion.target?.name}</strong>? Its open alert, if any, stays until
          resolved.
        </p>
      </ConfirmDialog>
    </Section>
  );
}

const PLACED = [
  "name",
  "url",
  "method",
  "interval_seconds",
  "timeout_ms",
  "expected_status",
  "keyword",
  "json_path",
  "json_equals",
  "failure_threshold",
];

function AddCheckForm({
  service,
  onCancel,
  onCreated,
}: {
  service: string;
  onCancel: () => void;
  onCreated: () => void;
}) {
  const [v, setV] = useState<Record<string, string>>({});
  const get = (k: string) => v[k] ?? "";
  const set = (k: string, value: string) => setV((o) => ({ ...o, [k]: value }));
  const add = useAction(async () => {
    const text = (k: string) => (get(k).trim() ? get(k).trim() : undefined);
    const input: HealthCheckInput = { name: get("name").trim(), url: get("url").trim() };
    if (get("method") === "HEAD") input.method = "HEAD";
    const numbers = ["interval_seconds", "timeout_ms", "failure_threshold"] as const;
    for (const k of numbers) {
      const n = optionalNumber(get(k));
      if (n !== undefined) input[k] = n;
    }
    for (const k of ["expected_status", "keyword", "json_path", "json_equals"] as const) {
      const t = text(k);
      if (t !== undefined) input[k] = t;
    }
    await addHealthCheck(service, input);
    toast(`Added check ${input.name}`);
    onCreated();
  }, PLACED);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void add.run();
  };
  const f = add.fields;
  const advancedError = [
    "method",
    "timeout_ms",
    "expected_status",
    "keyword",
    "json_path",
    "json_equals",
    "failure_threshold",
  ].some((k) => f[k]);
  const input = (k: string, props?: InputHTMLAttributes<HTMLInputElement>) =>
    textInput(get(k), (value) => set(k, value), props);
  return (
    <form className="inline-form check-form" onSubmit={submit} noValidate aria-label="Add health check">
      <Field label="Name" error={f.name} className="field-owner">
        {input("name", {
          autoComplete: "off",
          autoCapitalize: "none",
          spellCheck: false,
          placeholder: "homepage",
        })}
      </Field>
      <Field label="URL" error={f.url} className="field-grow">
        {input("url", { type: "url", inputMode: "url", placeholder: "https://checkout.example.com/healthz" })}
      </Field>
      <Field label="Every (seconds)" hint="Default 60." error={f.interval_seconds} className="field-number">
        {input("interval_seconds", { type: "number", min: 5, inputMode: "numeric", placeholder: "60" })}
      </Field>
      <details className="more-options" open={advancedError || undefined}>
        <summary>More options</summary>
        <div className="form-row">
          <Field label="Timeout (ms)" error={f.timeout_ms} className="field-number">
            {input("timeout_ms", { type: "number", min: 1, inputMode: "numeric", placeholder: "5000" })}
          </Field>
          <Field
            label="Expected status"
            hint="2xx, or codes such as 200,204."
            error={f.expected_status}
            className="field-number"
          >
            {input("expected_status", { autoComplete: "off", spellCheck: false, placeholder: "2xx" })}
          </Field>
          <Field label="Method" error={f.method} className="field-number">
            {(ids) => (
              <select {...ids} value={get("method") || "GET"} onChange={(e) => set("method", e.target.value)}>
                <option value="GET">GET</option>
                <option value="HEAD">HEAD</option>
              </select>
            )}
          </Field>
          <Field label="Failures before alerting" error={f.failure_threshold} className="field-number">
            {input("failure_threshold", { type: "number", min: 1, inputMode: "numeric", placeholder: "3" })}
          </Field>
          <Field
            label="Body contains"
            hint="A keyword the page must contain."
            error={f.keyword}
            className="field-grow"
          >
            {input("keyword", { autoComplete: "off" })}
          </Field>
          <Field label="JSON path" hint="e.g. $.status" error={f.json_path} className="field-owner">
            {input("json_path", { className: "mono", autoComplete: "off", spellCheck: false })}
          </Field>
          <Field label="JSON value equals" error={f.json_equals} className="field-owner">
            {input("json_equals", {
              className: "mono",
              autoComplete: "off",
              spellCheck: false,
              placeholder: "ok",
            })}
          </Field>
        </div>
      </details>
      <FormActions
        label="Add check"
        busyLabel="Adding…"
        busy={add.busy}
        disabled={!get("name").trim() || !get("url").trim()}
        onCancel={onCancel}
      />
      {add.error ? <ErrorNote>{add.error}</ErrorNote> : null}
    </form>
  );
}
