import { type FormEvent, useState } from "react";
import { addContactMethod, deleteContactMethod, testContactMethod } from "../../api/oncall.ts";
import {
  CONTACT_KINDS,
  type ContactKind,
  type ContactMethod,
  type PersonDetail,
} from "../../api/oncall-types.ts";
import { useAction } from "../../ui/action.ts";
import { ErrorNote } from "../../ui/banner.tsx";
import { ConfirmDialog, useConfirmedDelete } from "../../ui/confirm.tsx";
import { Field, FormActions, textInput } from "../../ui/field.tsx";
import { Section, SectionButton } from "../../ui/section.tsx";
import { toast } from "../../ui/toast.tsx";

// How a person is reached: contact methods, each with "Send test" (NotificationRules.tsx says when).

export const CONTACT_LABELS: Record<ContactKind, { label: string; placeholder: string; hint: string }> = {
  email: { label: "Email", placeholder: "alice@example.com", hint: "An email address." },
  slack: {
    label: "Slack",
    placeholder: "U012AB3CD",
    hint: "A Slack member ID (in Slack: your profile → ⋮ → Copy member ID).",
  },
  sms: { label: "SMS", placeholder: "+4915112345678", hint: "A phone number with + and the country code." },
  voice: {
    label: "Voice call",
    placeholder: "+4915112345678",
    hint: "A phone number with + and the country code.",
  },
  webhook: { label: "Webhook", placeholder: "https://hooks.example.com/foghorn", hint: "An http(s) URL." },
  console: {
    label: "Console",
    placeholder: "test",
    hint: "Any label: pages are written to the server log (for trying Foghorn out).",
  },
};

export const methodName = (m: { kind: ContactKind | null; address: string | null }) =>
  `${m.kind ? CONTACT_LABELS[m.kind].label : "?"} ${m.address ?? ""}`.trim();

export interface Props {
  person: PersonDetail;
  refresh: () => void;
}

export function ContactMethodsSection({ person, refresh }: Props) {
  const [adding, setAdding] = useState(false);
  const deletion = useConfirmedDelete(
    (m: ContactMethod) => deleteContactMethod(m.id),
    () => {
      toast("Contact method removed");
      refresh();
    },
  );
  const test = useAction(async (m: ContactMethod) => {
    const sent = await testContactMethod(m.id);
    toast(`Test message queued to ${sent.to} via ${sent.via}: check it arrives (Paging shows its state)`);
  });
  return (
    <Section
      id="contact-methods"
      headingId="methods-h"
      title="Contact methods"
      count={person.contact_methods.length || ""}
      tools={
        !adding ? <SectionButton onClick={() => setAdding(true)}>Add contact method</SectionButton> : null
      }
    >
      {adding ? (
        <AddMethodForm
          username={person.username}
          onCancel={() => setAdding(false)}
          onAdded={() => {
            setAdding(false);
            refresh();
          }}
        />
      ) : null}
      {test.error ? <ErrorNote>{test.error}</ErrorNote> : null}
      {person.contact_methods.length ? (
        <ul className="row-list method-list">
          {person.contact_methods.map((m) => (
            <li key={m.id} className="row-item" data-kind={m.kind}>
              <div className="row-main">
                <div className="row-title">
                  <span className={`tag method-kind method-${m.kind}`}>{CONTACT_LABELS[m.kind].label}</span>
                  <span className="method-address mono">{m.address}</span>
                  {m.label ? <span className="muted small">{m.label}</span> : null}
                </div>
              </div>
              <button
                type="button"
                className="btn btn-secondary btn-xs"
                disabled={test.busy}
                onClick={() => void test.run(m)}
                aria-label={`Send a test message to ${methodName(m)}`}
              >
                Send test
              </button>
              <button
                type="button"
                className="btn btn-ghost btn-xs"
                onClick={() => deletion.ask(m)}
                aria-label={`Remove ${methodName(m)}`}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      ) : !adding ? (
        <p className="gap-text empty-inline">No contact method: {person.username} cannot be paged.</p>
      ) : null}
      <ConfirmDialog {...deletion.dialog} title="Remove contact method?" confirmLabel="Remove">
        <p>
          {deletion.target ? <strong>{methodName(deletion.target)}</strong> : null} is no longer notified, and
          its notification rules are removed with it.
        </p>
      </ConfirmDialog>
    </Section>
  );
}

function AddMethodForm({
  username,
  onCancel,
  onAdded,
}: {
  username: string;
  onCancel: () => void;
  onAdded: () => void;
}) {
  const [kind, setKind] = useState<ContactKind>("email");
  const [address, setAddress] = useState("");
  const [label, setLabel] = useState("");
  const add = useAction(async () => {
    await addContactMethod(username, {
      kind,
      address: address.trim(),
      ...(label.trim() ? { label: label.trim() } : {}),
    });
    toast(`Added ${CONTACT_LABELS[kind].label} ${address.trim()}`);
    onAdded();
  }, ["kind", "address", "label"]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void add.run();
  };
  const f = add.fields;
  const info = CONTACT_LABELS[kind];
  return (
    <form className="inline-form" onSubmit={submit} noValidate aria-label="Add contact method">
      <Field label="Kind" error={f.kind} className="field-kind">
        {(ids) => (
          <select {...ids} value={kind} onChange={(e) => setKind(e.target.value as ContactKind)}>
            {CONTACT_KINDS.map((k) => (
              <option key={k} value={k}>
                {CONTACT_LABELS[k].label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Address" hint={info.hint} error={f.address} className="field-grow">
        {textInput(address, setAddress, {
          placeholder: info.placeholder,
          autoComplete: "off",
          spellCheck: false,
          type: kind === "email" ? "email" : kind === "sms" || kind === "voice" ? "tel" : "text",
        })}
      </Field>
      <Field label="Label" hint="Optional, e.g. work phone." error={f.label} className="field-owner">
        {textInput(label, setLabel)}
      </Field>
      <FormActions
        label="Add"
        busyLabel="Adding…"
        busy={add.busy}
        disabled={!address.trim()}
        onCancel={onCancel}
      />
      {add.error ? <ErrorNote>{add.error}</ErrorNote> : null}
    </form>
  );
}
