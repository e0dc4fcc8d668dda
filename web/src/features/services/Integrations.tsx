import { type FormEvent, type InputHTMLAttributes, useEffect, useRef, useState } from "react";
import { ApiError, errorMessage } from "../../api/client.ts";
import {
  createIntegration,
  deleteIntegration,
  dryRunIntegration,
  getIntegration,
  type IntegrationInput,
} from "../../api/endpoints.ts";
import { useResource } from "../../api/resource.ts";
import {
  type DryRunResult,
  INTEGRATION_KINDS,
  type Integration,
  type IntegrationKind,
} from "../../api/types.ts";
import { useAction } from "../../ui/action.ts";
import { ErrorNote } from "../../ui/banner.tsx";
import { ConfirmDialog, useConfirmedDelete } from "../../ui/confirm.tsx";
import { CopyValue } from "../../ui/copy.tsx";
import { Field, FormActions, textInput } from "../../ui/field.tsx";
import { Section, SectionButton } from "../../ui/section.tsx";
import { RelativeTime } from "../../ui/time.tsx";
import { toast } from "../../ui/toast.tsx";
import { leftoverErrors, nestedErrors, optionalNumber } from "./form-errors.ts";
import type { ServiceProps } from "./ServicePage.tsx";

// Where alerts come from: one integration per sender, each with its own URL and routing key.

export const KIND_LABELS: Record<IntegrationKind, string> = {
  alertmanager: "Prometheus Alertmanager",
  grafana: "Grafana alerting",
  pagerduty: "PagerDuty Events API",
  generic: "Generic JSON webhook",
  heartbeat: "Heartbeat",
};

function howTo(i: Integration): string {
  switch (i.kind) {
    case "alertmanager":
      return "In alertmanager.yml, add a receiver with webhook_configs: url set to this URL and send_resolved: true.";
    case "grafana":
      return "In Grafana, add a Webhook contact point with this URL (and the same HMAC secret, when one is set).";
    case "pagerduty":
      return "Senders that speak PagerDuty Events v2 post to this URL with the routing key as routing_key (v1: service_key).";
    case "generic":
      return "POST any JSON to this URL; the mapping below says where its summary, severity, key and status are.";
    case "heartbeat":
      return `Call this URL at least every ${String(i.config.interval_seconds ?? "…")} s; a missed call opens an alert.`;
    default:
      return "";
  }
}

/** The URL as senders must use it (absolute, also when the server answered a path). */
function absolute(url: string): string {
  try {
    return new URL(url, window.location.origin).href;
  } catch {
    return url;
  }
}

export function IntegrationsSection({ service, refresh }: ServiceProps) {
  const [adding, setAdding] = useState(false);
  const [justCreated, setJustCreated] = useState<string | null>(null);
  const deletion = useConfirmedDelete(
    (target: Integration) => deleteIntegration(target.id),
    (target) => {
      toast(`Deleted ${target.name}`);
      refresh();
    },
  );
  const integrations = service.integrations;
  return (
    <Section
      id="integrations"
      headingId="integrations-h"
      title="Integrations"
      count={integrations.length || ""}
      tools={!adding ? <SectionButton onClick={() => setAdding(true)}>Add integration</SectionButton> : null}
    >
      {adding ? (
        <AddIntegrationForm
          service={service.name}
          onCancel={() => setAdding(false)}
          onCreated={(created) => {
            setAdding(false);
            setJustCreated(created.id);
            refresh();
          }}
        />
      ) : null}
      {integrations.length ? (
        <ul className="integrations">
          {integrations.map((i) => (
            <IntegrationCard
              key={i.id}
              integration={i}
              highlight={i.id === justCreated}
              onDelete={() => deletion.ask(i)}
            />
          ))}
        </ul>
      ) : !adding ? (
        <p className="muted empty-inline">
          No integrations yet: add one to give a monitoring tool a URL to send alerts to.
        </p>
      ) : null}
      <ConfirmDialog {...deletion.dialog} title="Delete integration?" confirmLabel="Delete integration">
        <p>
          Delete <strong>{deletion.target?.name}</strong>? Its URL and routing key stop working at once:
          senders still using them get an error. Alerts it already delivered stay.
        </p>
      </ConfirmDialog>
    </Section>
  );
}

function IntegrationCard({
  integration: i,
  highlight,
  onDelete,
}: {
  integration: Integration;
  highlight: boolean;
  onDelete: () => void;
}) {
  const ref = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (highlight) ref.current?.scrollIntoView({ block: "nearest" });
  }, [highlight]);
  return (
    <li ref={ref} className={`integration${highlight ? " is-new" : ""}`} data-kind={i.kind}>
      <div className="integration-head">
        <span className={`kind kind-${i.kind}`}>{KIND_LABELS[i.kind] ?? i.kind}</span>
        <h3 className="integration-name">{i.name}</h3>
        <span className="muted small integration-seen">
          {i.last_event_at ? (
            <>
              last event <RelativeTime iso={i.last_event_at} />
            </>
          ) : (
            "no events yet"
          )}
        </span>
        <button
          type="button"
          className="btn btn-ghost btn-xs push-right"
          aria-label={`Delete integration ${i.name}`}
          onClick={onDelete}
        >
          Delete
        </button>
      </div>
      <p className="hint">{howTo(i)}</p>
      <div className="integration-values">
        <CopyValue label="URL" value={absolute(i.url)} copyLabel={`Copy the URL of ${i.name}`} />
        <CopyValue
          label="Routing key"
          value={i.routing_key}
          copyLabel={`Copy the routing key of ${i.name}`}
        />
      </div>
      <ConfigFacts integration={i} />
      {i.kind === "generic" ? <SampleBox integration={i} initiallyOpen={highlight} /> : null}
      <DeliveryLog integration={i} />
    </li>
  );
}

/** The generic kind's mapping: where in the body each alert field is (only the summary is required). */
const MAPPING_FIELDS = ["summary", "severity", "dedup_key", "status", "source"] as const;
type MappingKey = (typeof MAPPING_FIELDS)[number];
const MAPPING_LABELS: Record<MappingKey, string> = {
  summary: "Summary",
  severity: "Severity",
  dedup_key: "Dedup key",
  status: "Status",
  source: "Source",
};
const MAPPING_PLACEHOLDERS: Record<MappingKey, string> = {
  summary: "$.title",
  severity: "$.level",
  dedup_key: "$.id",
  status: "$.state",
  source: "$.host",
};

function ConfigFacts({ integration: i }: { integration: Integration }) {
  const c = i.config;
  const facts: [string, string][] = [];
  if (i.kind === "heartbeat") {
    facts.push(["Expected every", `${String(c.interval_seconds ?? "?")} s`]);
    if (c.grace_seconds !== undefined) facts.push(["Grace", `${String(c.grace_seconds)} s`]);
  }
  if (i.kind === "grafana") {
    facts.push(["HMAC signature", c.hmac_secret_set ? "required" : "not checked"]);
    if (typeof c.timestamp_header === "string") facts.push(["Timestamp header", c.timestamp_header]);
  }
  if (i.kind === "generic") {
    for (const f of MAPPING_FIELDS)
      if (typeof c[f] === "string") facts.push([MAPPING_LABELS[f], c[f] as string]);
  }
  if (i.rate_limit_per_minute !== null)
    facts.push([
      "Rate limit",
      i.rate_limit_per_minute === 0 ? "unlimited" : `${i.rate_limit_per_minute} events/min`,
    ]);
  if (!facts.length) return null;
  return (
    <dl className="integration-facts">
      {facts.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd className={i.kind === "generic" && k !== "Rate limit" ? "mono" : undefined}>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The integration's recent deliveries (accepted, refused, rate limited), loaded when opened. */
function DeliveryLog({ integration }: { integration: Integration }) {
  const [open, setOpen] = useState(false);
  const detail = useResource(open ? `${integration.id}|${integration.last_event_at}` : null, (signal) =>
    getIntegration(integration.id, signal),
  );
  const log = detail.data?.log;
  return (
    <details className="delivery-log" onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>Recent deliveries</summary>
      {detail.error ? (
        <ErrorNote>Could not load the log: {errorMessage(detail.error)}</ErrorNote>
      ) : !log ? (
        <p className="muted small">Loading…</p>
      ) : log.length === 0 ? (
        <p className="muted small">Nothing received yet.</p>
      ) : (
        <ol className="log-list">
          {log.map((l, n) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: log lines have no id and never reorder
            <li key={n} className={`log-${l.outcome}`}>
              <RelativeTime iso={l.at} className="log-time" />
              <span className="log-what">
                <strong>{l.action}</strong> {l.outcome}
                {l.message ? <span className="muted"> · {l.message}</span> : null}
              </span>
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}

const SAMPLE = `{
  "title": "Disk almost full on db-1",
  "level": "critical",
  "host": "db-1",
  "state": "firing"
}`;

/** "Try a sample": what a body becomes under the mapping, without storing anything. */
function SampleBox({ integration, initiallyOpen }: { integration: Integration; initiallyOpen: boolean }) {
  const [text, setText] = useState(SAMPLE);
  const [parseError, setParseError] = useState<string | null>(null);
  const [result, setResult] = useState<DryRunResult | null>(null);
  const run = useAction(async () => {
    let sample: unknown;
    try {
      sample = JSON.parse(text);
      setParseError(null);
    } catch (e) {
      setParseError(`Not JSON: ${(e as Error).message}`);
      setResult(null);
      return;
    }
    try {
      setResult(await dryRunIntegration(integration.id, sample));
    } catch (e) {
      // A refused sample still says what was wrong with it.
      if (e instanceof ApiError && e.problem.errors?.length) {
        setResult({ ok: false, errors: e.problem.errors });
        return;
      }
      throw e;
    }
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run.run();
  };
  return (
    <details className="sample-box" open={initiallyOpen || undefined}>
      <summary>Try a sample</summary>
      <form className="stack-form" onSubmit={submit} noValidate>
        <Field
          label="Sample JSON body"
          hint="Paste what your tool sends; nothing is stored."
          error={parseError ?? undefined}
        >
          {(ids) => (
            <textarea
              {...ids}
              className="mono"
              rows={6}
              spellCheck={false}
              value={text}
              onChange={(e) => setText(e.target.value)}
            />
          )}
        </Field>
        <div className="form-actions">
          <button type="submit" className="btn btn-secondary btn-sm" disabled={run.busy}>
            {run.busy ? "Trying…" : "Try the sample"}
          </button>
        </div>
        {run.error ? <ErrorNote>{run.error}</ErrorNote> : null}
      </form>
      {result ? <DryRunView result={result} /> : null}
    </details>
  );
}

const EVENT_ORDER = ["action", "summary", "severity", "dedupKey", "dedup_key", "source"];

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === "") return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === "object" && Object.keys(v).length === 0;
}

/** "dedupKey" / "dedup_key" → "Dedup key". */
function humanize(key: string): string {
  const words = key
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .replace(/_/g, " ")
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function show(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "string") return value || "“”";
  return JSON.stringify(value, null, 2);
}

function DryRunView({ result }: { result: DryRunResult }) {
  const event = result.event ?? {};
  const keys = [
    ...EVENT_ORDER.filter((k) => k in event),
    ...Object.keys(event).filter((k) => !EVENT_ORDER.includes(k)),
  ].filter((k) => !isEmpty(event[k]));
  const matched = Object.entries(result.matched ?? {});
  return (
    <div className="dry-run" role="status">
      <p className={result.ok ? "dry-run-ok" : "dry-run-bad"}>
        {result.ok ? "The sample becomes this alert:" : "The sample would be refused:"}
      </p>
      {result.errors?.length ? (
        <ul className="dry-run-errors">
          {result.errors.map((e) => (
            <li key={`${e.field}|${e.message}`}>
              {e.field ? <code>{e.field}</code> : null} {e.message}
            </li>
          ))}
        </ul>
      ) : null}
      {keys.length ? (
        <dl className="kv">
          {keys.map((k) => (
            <div key={k}>
              <dt>{humanize(k)}</dt>
              <dd>
                <pre>{show(event[k])}</pre>
              </dd>
            </div>
          ))}
        </dl>
      ) : null}
      {matched.length ? (
        <>
          <h4 className="kv-title">What each selector matched</h4>
          <dl className="kv">
            {matched.map(([k, v]) => (
              <div key={k}>
                <dt>{humanize(k)}</dt>
                <dd>
                  <pre>{show(v)}</pre>
                </dd>
              </div>
            ))}
          </dl>
        </>
      ) : null}
      {result.notes?.length ? (
        <ul className="muted small dry-run-notes">
          {result.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

interface Draft {
  kind: IntegrationKind;
  name: string;
  interval: string;
  grace: string;
  secret: string;
  timestampHeader: string;
  mapping: Record<MappingKey, string>;
  rateLimit: string;
}

/** The draft's plain text inputs. */
type TextKey = Exclude<keyof Draft, "kind" | "mapping">;

const EMPTY: Draft = {
  kind: "alertmanager",
  name: "",
  interval: "300",
  grace: "",
  secret: "",
  timestampHeader: "",
  mapping: { summary: "", severity: "", dedup_key: "", status: "", source: "" },
  rateLimit: "",
};

/** The config subfields each kind's form shows (others' errors go to the form-level message). */
const SHOWN_CONFIG: Record<IntegrationKind, string[]> = {
  alertmanager: [],
  pagerduty: [],
  heartbeat: ["interval_seconds", "grace_seconds"],
  grafana: ["hmac_secret", "timestamp_header"],
  generic: [...MAPPING_FIELDS],
};

function configOf(d: Draft): Record<string, unknown> | undefined {
  const put = (out: Record<string, unknown>, key: string, value: string) => {
    if (value.trim()) out[key] = value.trim();
  };
  switch (d.kind) {
    case "heartbeat": {
      const out: Record<string, unknown> = { interval_seconds: optionalNumber(d.interval) };
      const grace = optionalNumber(d.grace);
      if (grace !== undefined) out.grace_seconds = grace;
      return out;
    }
    case "grafana": {
      const out: Record<string, unknown> = {};
      put(out, "hmac_secret", d.secret);
      put(out, "timestamp_header", d.timestampHeader);
      return Object.keys(out).length ? out : undefined;
    }
    case "generic": {
      const out: Record<string, unknown> = { summary: d.mapping.summary.trim() };
      for (const key of MAPPING_FIELDS) if (key !== "summary") put(out, key, d.mapping[key]);
      return out;
    }
    default:
      return undefined;
  }
}

function AddIntegrationForm({
  service,
  onCancel,
  onCreated,
}: {
  service: string;
  onCancel: () => void;
  onCreated: (created: Integration) => void;
}) {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const input = (key: TextKey, props?: InputHTMLAttributes<HTMLInputElement>) =>
    textInput(draft[key], (value) => set(key, value), props);
  const [configErrors, setConfigErrors] = useState<Record<string, string>>({});
  const kindRef = useRef<HTMLSelectElement>(null);
  useEffect(() => {
    kindRef.current?.focus();
  }, []);
  const create = useAction(async () => {
    setConfigErrors({});
    const config = configOf(draft);
    const rate = optionalNumber(draft.rateLimit);
    const input: IntegrationInput = {
      kind: draft.kind,
      ...(draft.name.trim() ? { name: draft.name.trim() } : {}),
      ...(config ? { config } : {}),
      ...(rate !== undefined ? { rate_limit_per_minute: rate } : {}),
    };
    try {
      const created = await createIntegration(service, input);
      toast(`Added ${created.name}`);
      onCreated(created);
    } catch (error) {
      setConfigErrors(nestedErrors(error, "config"));
      throw error;
    }
  }, ["kind", "name", "config", "rate_limit_per_minute"]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void create.run().then((ok) => {
      if (!ok)
        window.requestAnimationFrame(() =>
          document.querySelector<HTMLElement>(".integration-form [aria-invalid='true']")?.focus(),
        );
    });
  };
  const f = create.fields;
  const c = configErrors;
  const leftover = leftoverErrors(configErrors, SHOWN_CONFIG[draft.kind], "config");
  const formError = [create.error, leftover].filter(Boolean).join("; ");
  return (
    <form className="inline-form integration-form" onSubmit={submit} noValidate aria-label="Add integration">
      <Field label="Kind" error={f.kind} className="field-kind-wide">
        {(ids) => (
          <select
            {...ids}
            ref={kindRef}
            value={draft.kind}
            onChange={(e) => {
              set("kind", e.target.value as IntegrationKind);
              setConfigErrors({});
              create.clear();
            }}
          >
            {INTEGRATION_KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Name" hint="Optional." error={f.name} className="field-grow">
        {input("name", { autoComplete: "off", placeholder: `${service} ${draft.kind}` })}
      </Field>

      {draft.kind === "heartbeat" ? (
        <>
          <Field
            label="Interval (seconds)"
            hint="How often the job calls in."
            error={c.interval_seconds}
            className="field-number"
          >
            {input("interval", { type: "number", min: 10, inputMode: "numeric", required: true })}
          </Field>
          <Field label="Grace (seconds)" hint="Default 30." error={c.grace_seconds} className="field-number">
            {input("grace", { type: "number", min: 0, inputMode: "numeric", placeholder: "30" })}
          </Field>
        </>
      ) : null}

      {draft.kind === "grafana" ? (
        <>
          <Field
            label="HMAC secret"
            hint="Optional; the same secret goes into the contact point. At least 8 characters."
            error={c.hmac_secret}
            className="field-grow"
          >
            {input("secret", { type: "password", autoComplete: "new-password", spellCheck: false })}
          </Field>
          {draft.secret ? (
            <Field
              label="Timestamp header"
              hint="Optional; rejects replays when Grafana signs a timestamp."
              error={c.timestamp_header}
              className="field-grow"
            >
              {input("timestampHeader", {
                autoComplete: "off",
                spellCheck: false,
                placeholder: "X-Grafana-Alerting-Signature-Timestamp",
              })}
            </Field>
          ) : null}
        </>
      ) : null}

      {draft.kind === "generic" ? (
        <fieldset className="mapping">
          <legend>Where the fields are in the JSON body</legend>
          <p className="hint">
            Selectors like <code>$.title</code> or <code>$.alerts[0].labels.host</code>; templates like{" "}
            <code>{"{{ $.host }}: {{ $.check }}"}</code> also work. Only the summary is required.
          </p>
          <div className="form-row">
            {MAPPING_FIELDS.map((key) => (
              <MappingField
                key={key}
                label={MAPPING_LABELS[key]}
                value={draft.mapping[key]}
                error={c[key]}
                placeholder={MAPPING_PLACEHOLDERS[key]}
                required={key === "summary"}
                onChange={(v) => setDraft((d) => ({ ...d, mapping: { ...d.mapping, [key]: v } }))}
              />
            ))}
          </div>
        </fieldset>
      ) : null}

      <Field
        label="Rate limit (events/min)"
        hint="Empty: the default; 0: unlimited."
        error={f.rate_limit_per_minute}
        className="field-number"
      >
        {input("rateLimit", { type: "number", min: 0, inputMode: "numeric" })}
      </Field>
      <FormActions label="Create integration" busyLabel="Creating…" busy={create.busy} onCancel={onCancel} />
      {formError ? <ErrorNote>{formError}</ErrorNote> : null}
    </form>
  );
}

function MappingField({
  label,
  value,
  error,
  placeholder,
  required = false,
  onChange,
}: {
  label: string;
  value: string;
  error: string | undefined;
  placeholder: string;
  required?: boolean;
  onChange: (value: string) => void;
}) {
  return (
    <Field label={required ? label : `${label} (optional)`} error={error} className="field-mapping">
      {textInput(value, onChange, {
        className: "mono",
        autoComplete: "off",
        autoCapitalize: "none",
        spellCheck: false,
        required,
        placeholder,
      })}
    </Field>
  );
}
