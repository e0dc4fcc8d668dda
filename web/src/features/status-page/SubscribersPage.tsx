import { type FormEvent, useState } from "react";
import { errorMessage } from "../../api/client.ts";
import { useResource } from "../../api/resource.ts";
import {
  addSubscriber,
  enableSubscriber,
  listSubscribers,
  removeSubscriber,
  type SubscriberInput,
} from "../../api/status-page.ts";
import {
  type StatusSubscriber,
  SUBSCRIBER_KINDS,
  SUBSCRIBER_STATES,
  type SubscriberKind,
  type SubscriberState,
} from "../../api/types.ts";
import { setQuery, useLocation } from "../../router.tsx";
import { useAction } from "../../ui/action.ts";
import { ErrorNote, LoadError } from "../../ui/banner.tsx";
import { ConfirmDialog, useConfirmedDelete } from "../../ui/confirm.tsx";
import { CopyValue } from "../../ui/copy.tsx";
import { Field, FormActions, textInput } from "../../ui/field.tsx";
import { ListTable, PlainHeaders } from "../../ui/table.tsx";
import { RelativeTime } from "../../ui/time.tsx";
import { useDocumentTitle } from "../../ui/title.ts";
import { toast } from "../../ui/toast.tsx";
import { ComponentPicker, StatusPageFrame, useComponentChoices, useStatusPageRefresh } from "./common.tsx";

// Who is told about incidents and maintenance: email (double opt-in), signed webhooks and Slack incoming
// webhooks, for every component or some. A subscriber that fails 3 times in a row is disabled; re-enable it
// here once its owner has fixed it.

const KIND_LABELS: Record<SubscriberKind, string> = { email: "Email", webhook: "Webhook", slack: "Slack" };
const STATE_LABELS: Record<SubscriberState, string> = {
  active: "Active",
  pending: "Pending confirmation",
  disabled: "Disabled",
};

const COLUMNS = [
  { label: "Kind", className: "col-kind" },
  { label: "Address", className: "col-target" },
  { label: "State", className: "col-state" },
  { label: "Components", className: "col-components" },
  { label: "Added", className: "col-created" },
  { label: "", className: "col-actions" },
];

const isKind = (v: string | null): v is SubscriberKind => SUBSCRIBER_KINDS.includes(v as SubscriberKind);
const isState = (v: string | null): v is SubscriberState => SUBSCRIBER_STATES.includes(v as SubscriberState);

export function SubscribersPage() {
  useDocumentTitle("Status page subscribers");
  const { search } = useLocation();
  const kindParam = search.get("kind");
  const stateParam = search.get("state");
  const kind = isKind(kindParam) ? kindParam : null;
  const state = isState(stateParam) ? stateParam : null;
  // One list for the counts; the filters apply to it here.
  const list = useResource("status-subscribers", (signal) => listSubscribers({}, signal));
  useStatusPageRefresh(list.reload);
  const { label } = useComponentChoices();
  const [adding, setAdding] = useState(false);
  const [secret, setSecret] = useState<{ target: string; secret: string } | null>(null);
  const all = list.data?.subscribers;
  const items = all?.filter((s) => (!kind || s.kind === kind) && (!state || s.state === state));
  const setFilter = (key: "kind" | "state", value: string) => {
    const next = new URLSearchParams(search);
    if (value) next.set(key, value);
    else next.delete(key);
    setQuery(next, { replace: true });
  };
  const removal = useConfirmedDelete(
    (s: StatusSubscriber) => removeSubscriber(s.id),
    (s) => {
      toast(`Removed ${s.target}`);
      list.reload();
    },
  );
  const count = (pred: (s: StatusSubscriber) => boolean) => all?.filter(pred).length;
  return (
    <StatusPageFrame>
      <div className="section-head status-admin-head">
        <p className="muted page-intro">
          Subscribers are told when an incident is published or updated and when maintenance is scheduled,
          starts and ends. People subscribe by email on the public page (they confirm by a link); add webhooks
          and Slack channels here. Three failed deliveries in a row disable a subscriber.
        </p>
        {!adding ? (
          <button type="button" className="btn btn-primary push-right" onClick={() => setAdding(true)}>
            <span aria-hidden="true">+</span> Add subscriber
          </button>
        ) : null}
      </div>
      <dl className="stats" aria-busy={!all}>
        <Stat label="Active" value={count((s) => s.state === "active")} />
        <Stat label="Pending confirmation" value={count((s) => s.state === "pending")} />
        <Stat label="Disabled" value={count((s) => s.state === "disabled")} bad />
        <Stat label="Email" value={count((s) => s.kind === "email")} />
        <Stat label="Webhooks" value={count((s) => s.kind === "webhook")} />
        <Stat label="Slack" value={count((s) => s.kind === "slack")} />
      </dl>
      {secret ? <SecretOnce {...secret} onDone={() => setSecret(null)} /> : null}
      {adding ? (
        <AddSubscriberForm
          onCancel={() => setAdding(false)}
          onAdded={(s) => {
            setAdding(false);
            if (s.secret) setSecret({ target: s.target, secret: s.secret });
            list.reload();
          }}
        />
      ) : null}
      <div className="toolbar subscriber-filters">
        <Segmented
          label="Kind"
          name="kind"
          value={kind ?? ""}
          options={[
            { value: "", label: "All kinds" },
            ...SUBSCRIBER_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] })),
          ]}
          onChange={(v) => setFilter("kind", v)}
        />
        <Segmented
          label="State"
          name="state"
          value={state ?? ""}
          options={[
            { value: "", label: "Any state" },
            ...SUBSCRIBER_STATES.map((s) => ({
              value: s,
              label: s === "pending" ? "Pending" : STATE_LABELS[s],
            })),
          ]}
          onChange={(v) => setFilter("state", v)}
        />
      </div>
      {list.error && !all ? <LoadError what="subscribers" error={list.error} onRetry={list.reload} /> : null}
      <ListTable
        className="data-table subscriber-table"
        caption="Status page subscribers"
        header={<PlainHeaders columns={COLUMNS} />}
        columnCount={COLUMNS.length}
        items={items}
        error={list.error}
        loading={list.loading}
        skeletonRows={3}
        row={(s) => (
          <SubscriberRow
            key={s.id}
            s={s}
            label={label}
            onRemove={() => removal.ask(s)}
            onChanged={list.reload}
          />
        )}
        empty={
          <div className="empty">
            {kind || state ? (
              <>
                <p className="empty-title">No subscribers match these filters.</p>
                <button
                  type="button"
                  className="btn btn-secondary"
                  onClick={() => setQuery(new URLSearchParams(), { replace: true })}
                >
                  Clear filters
                </button>
              </>
            ) : (
              <>
                <p className="empty-title">No subscribers yet</p>
                <p className="muted">
                  People subscribe by email from the public page. Add a webhook to feed another system, or a
                  Slack incoming webhook to post into a channel.
                </p>
              </>
            )}
          </div>
        }
      />
      <ConfirmDialog
        {...removal.dialog}
        title={`Remove ${removal.target?.target ?? "subscriber"}?`}
        confirmLabel="Remove subscriber"
      >
        <p>
          It is told nothing more. Someone who subscribed by email can subscribe again from the public page.
        </p>
      </ConfirmDialog>
    </StatusPageFrame>
  );
}

function Stat({ label, value, bad = false }: { label: string; value: number | undefined; bad?: boolean }) {
  return (
    <div className={`stat${bad && value ? " stat-bad" : ""}`}>
      <dt>{label}</dt>
      <dd className="num">{value ?? <span className="skeleton" />}</dd>
    </div>
  );
}

function Segmented({
  label,
  name,
  value,
  options,
  onChange,
}: {
  label: string;
  name: string;
  value: string;
  options: { value: string; label: string }[];
  onChange: (value: string) => void;
}) {
  return (
    <fieldset className="segmented">
      <legend className="sr-only">{label}</legend>
      {options.map((o) => (
        <label key={o.value} className={value === o.value ? "on" : undefined}>
          <input
            type="radio"
            name={name}
            value={o.value}
            checked={value === o.value}
            onChange={() => onChange(o.value)}
          />
          {o.label}
        </label>
      ))}
    </fieldset>
  );
}

function SubscriberRow({
  s,
  label,
  onRemove,
  onChanged,
}: {
  s: StatusSubscriber;
  /** A component's name (with its group's) by id. */
  label: (id: string) => string;
  onRemove: () => void;
  onChanged: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const enable = async () => {
    setBusy(true);
    try {
      await enableSubscriber(s.id);
      toast(`Re-enabled ${s.target}`);
      onChanged();
    } catch (error) {
      toast(`Could not re-enable ${s.target}: ${errorMessage(error)}`, "error");
    } finally {
      setBusy(false);
    }
  };
  return (
    <tr className={`data-row subscriber-row subscriber-${s.state}`} data-subscriber={s.target}>
      <td className="col-kind">
        <span className="tag">{KIND_LABELS[s.kind] ?? s.kind}</span>
      </td>
      <td className="col-target">
        <span className="wrap-anywhere">{s.target}</span>
        {s.contact_email ? <div className="muted small">contact: {s.contact_email}</div> : null}
      </td>
      <td className="col-state">
        <span className={`badge sstate sstate-${s.state}`}>
          <span className="dot" aria-hidden="true" />
          {STATE_LABELS[s.state] ?? s.state}
        </span>
        {s.state === "disabled" ? (
          <div className="small subscriber-problem">
            {s.disabled_reason ? <div>{s.disabled_reason}</div> : null}
            {s.last_error && s.last_error !== s.disabled_reason ? (
              <div className="muted">Last error: {s.last_error}</div>
            ) : null}
            {s.disabled_at ? (
              <div className="muted">
                disabled <RelativeTime iso={s.disabled_at} />
              </div>
            ) : null}
          </div>
        ) : s.consecutive_failures > 0 ? (
          <div className="small muted" title={s.last_error ?? undefined}>
            {s.consecutive_failures} failed {s.consecutive_failures === 1 ? "delivery" : "deliveries"} in a
            row
            {s.last_error ? `: ${s.last_error}` : ""}
          </div>
        ) : null}
      </td>
      <td className="col-components">
        {s.component_ids.length ? (
          <span className="chips">
            {s.component_ids.map((id) => (
              <span key={id} className="chip">
                {label(id)}
              </span>
            ))}
          </span>
        ) : (
          <span className="muted">All components</span>
        )}
      </td>
      <td className="col-created">
        <RelativeTime iso={s.created_at} />
      </td>
      <td className="col-actions">
        {s.state === "disabled" ? (
          <button
            type="button"
            className="btn btn-secondary btn-xs"
            disabled={busy}
            onClick={() => void enable()}
          >
            Re-enable<span className="sr-only"> {s.target}</span>
          </button>
        ) : null}
        <button type="button" className="btn btn-ghost btn-xs" onClick={onRemove}>
          Remove<span className="sr-only"> {s.target}</span>
        </button>
      </td>
    </tr>
  );
}

/** A new webhook's signing secret: shown this once, with a copy button. */
function SecretOnce({ target, secret, onDone }: { target: string; secret: string; onDone: () => void }) {
  return (
    <section className="card section secret-once" aria-labelledby="secret-h">
      <div className="section-head">
        <h2 id="secret-h">Signing secret for the new webhook</h2>
      </div>
      <p>
        Deliveries to <span className="wrap-anywhere mono">{target}</span> are signed with this secret so the
        receiver can check they come from us. <strong>It is shown only now</strong>: copy it into the
        receiver's configuration.
      </p>
      <CopyValue label="Secret" value={secret} copyLabel="Copy the webhook's signing secret" />
      <div className="form-actions">
        <button type="button" className="btn btn-secondary" onClick={onDone}>
          I have saved it
        </button>
      </div>
    </section>
  );
}

function AddSubscriberForm({
  onCancel,
  onAdded,
}: {
  onCancel: () => void;
  onAdded: (s: StatusSubscriber) => void;
}) {
  const [kind, setKind] = useState<SubscriberKind>("email");
  const [target, setTarget] = useState("");
  const [contact, setContact] = useState("");
  const [skip, setSkip] = useState(false);
  const [anyUrl, setAnyUrl] = useState(false);
  const [componentIds, setComponentIds] = useState<string[]>([]);
  const add = useAction(async () => {
    const input: SubscriberInput = { kind, target: target.trim() };
    if (componentIds.length) input.component_ids = componentIds;
    if (kind === "email") input.skip_confirmation = skip;
    else if (contact.trim()) input.contact_email = contact.trim();
    if (kind === "slack" && anyUrl) input.any_url = true;
    const added = await addSubscriber(input);
    toast(
      kind === "email" && !skip
        ? `Added ${added.target}: a confirmation email is on its way`
        : `Added ${added.target}`,
    );
    onAdded(added);
  }, ["kind", "target", "contact_email", "skip_confirmation", "any_url", "component_ids"]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void add.run();
  };
  const f = add.fields;
  const targetLabel =
    kind === "email" ? "Email address" : kind === "webhook" ? "Webhook URL" : "Slack incoming webhook URL";
  const placeholder =
    kind === "email"
      ? "ops@customer.example"
      : kind === "webhook"
        ? "https://hooks.example.com/foghorn"
        : "https://hooks.slack.com/services/T000/B000/XXXX";
  return (
    <form
      className="card section stack-form new-form subscriber-form"
      onSubmit={submit}
      noValidate
      aria-label="Add subscriber"
    >
      <h2>Add subscriber</h2>
      {add.error ? <ErrorNote>{add.error}</ErrorNote> : null}
      <fieldset className="segmented" aria-describedby={f.kind ? "kind-error" : undefined}>
        <legend className="sr-only">Kind</legend>
        {SUBSCRIBER_KINDS.map((k) => (
          <label key={k} className={kind === k ? "on" : undefined}>
            <input
              type="radio"
              name="subscriber-kind"
              value={k}
              checked={kind === k}
              onChange={() => setKind(k)}
            />
            {k === "slack" ? "Slack" : KIND_LABELS[k]}
          </label>
        ))}
      </fieldset>
      {f.kind ? (
        <div className="field-error" id="kind-error">
          {f.kind}
        </div>
      ) : null}
      <Field
        label={targetLabel}
        error={f.target}
        hint={
          kind === "webhook"
            ? "HTTPS. Gets signed JSON for every incident and maintenance update; the secret is shown once."
            : kind === "slack"
              ? "From a Slack app's Incoming Webhooks page: messages go to its channel."
              : undefined
        }
      >
        {textInput(target, setTarget, {
          type: kind === "email" ? "email" : "url",
          placeholder,
          autoComplete: "off",
          spellCheck: false,
          required: true,
        })}
      </Field>
      {kind === "email" ? (
        <label className="check-label">
          <input type="checkbox" checked={skip} onChange={(e) => setSkip(e.target.checked)} />
          Skip confirmation (they agreed to it elsewhere): active at once, no confirmation email
        </label>
      ) : (
        <Field
          label="Contact email"
          hint="Optional: told when the subscriber is disabled after 3 failed deliveries."
          error={f.contact_email}
        >
          {textInput(contact, setContact, {
            type: "email",
            placeholder: "team@example.com",
            autoComplete: "off",
          })}
        </Field>
      )}
      {f.skip_confirmation ? <div className="field-error">{f.skip_confirmation}</div> : null}
      {kind === "slack" ? (
        <label className="check-label">
          <input type="checkbox" checked={anyUrl} onChange={(e) => setAnyUrl(e.target.checked)} />
          The URL is not on hooks.slack.com (a Slack-compatible service: Mattermost, Rocket.Chat)
        </label>
      ) : null}
      {f.any_url ? <div className="field-error">{f.any_url}</div> : null}
      <ComponentPicker
        legend="Components (none picked: all)"
        value={componentIds}
        onChange={setComponentIds}
        error={f.component_ids}
      />
      <FormActions
        label="Add subscriber"
        busyLabel="Adding…"
        busy={add.busy}
        disabled={!target.trim()}
        onCancel={onCancel}
      />
    </form>
  );
}
