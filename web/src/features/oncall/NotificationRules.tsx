import { type FormEvent, useState } from "react";
import { addNotificationRule, deleteNotificationRule } from "../../api/oncall.ts";
import type { NotificationRule, PersonDetail } from "../../api/oncall-types.ts";
import { useAction } from "../../ui/action.ts";
import { ErrorNote } from "../../ui/banner.tsx";
import { ConfirmDialog, useConfirmedDelete } from "../../ui/confirm.tsx";
import { Field, FormActions, textInput } from "../../ui/field.tsx";
import { Section, SectionButton } from "../../ui/section.tsx";
import { toast } from "../../ui/toast.tsx";
import { methodName, type Props } from "./ContactMethods.tsx";

// When a person is notified after a page: "Slack at once, SMS after 2 min".

/** "at once", "after 2 min". */
const whenWords = (minutes: number) => (minutes === 0 ? "at once" : `after ${minutes} min`);

export function NotificationRulesSection({ person, refresh }: Props) {
  const [adding, setAdding] = useState(false);
  const rules = [...person.notification_rules].sort((a, b) => a.delay_minutes - b.delay_minutes);
  const deletion = useConfirmedDelete(
    (r: NotificationRule) => deleteNotificationRule(r.id),
    () => {
      toast("Notification rule removed");
      refresh();
    },
  );
  return (
    <Section
      id="notification-rules"
      headingId="rules-h"
      title="Notification rules"
      count={rules.length || ""}
      tools={
        !adding && person.contact_methods.length ? (
          <SectionButton onClick={() => setAdding(true)}>Add rule</SectionButton>
        ) : null
      }
    >
      <p className="muted small section-note">
        {rules.length
          ? "When paged, and while the page is unacknowledged:"
          : "No rules: every contact method is notified at once when this person is paged. Add rules to stagger them (Slack at once, SMS after 2 min)."}
      </p>
      {adding ? (
        <AddRuleForm
          person={person}
          onCancel={() => setAdding(false)}
          onAdded={() => {
            setAdding(false);
            refresh();
          }}
        />
      ) : null}
      {rules.length ? (
        <ol className="row-list rule-list">
          {rules.map((r) => (
            <li key={r.id} className="row-item">
              <div className="row-main">
                <span>
                  <strong>{methodName(r)}</strong> <span className="muted">—</span>{" "}
                  {whenWords(r.delay_minutes)}
                </span>
              </div>
              <button
                type="button"
                className="btn btn-ghost btn-xs"
                onClick={() => deletion.ask(r)}
                aria-label={`Remove the rule ${methodName(r)} ${whenWords(r.delay_minutes)}`}
              >
                Remove
              </button>
            </li>
          ))}
        </ol>
      ) : null}
      <ConfirmDialog {...deletion.dialog} title="Remove notification rule?" confirmLabel="Remove">
        <p>
          {deletion.target
            ? `${methodName(deletion.target)} ${whenWords(deletion.target.delay_minutes)}`
            : ""}{" "}
          will no longer be used.
        </p>
      </ConfirmDialog>
    </Section>
  );
}

function AddRuleForm({
  person,
  onCancel,
  onAdded,
}: {
  person: PersonDetail;
  onCancel: () => void;
  onAdded: () => void;
}) {
  const [method, setMethod] = useState(person.contact_methods[0]?.id ?? "");
  const [delay, setDelay] = useState("0");
  const add = useAction(async () => {
    await addNotificationRule(person.username, {
      contact_method_id: method,
      delay_minutes: delay.trim() === "" ? 0 : Number(delay),
    });
    toast("Notification rule added");
    onAdded();
  }, ["contact_method_id", "delay_minutes"]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void add.run();
  };
  const f = add.fields;
  return (
    <form className="inline-form" onSubmit={submit} noValidate aria-label="Add notification rule">
      <Field label="Notify" error={f.contact_method_id} className="field-grow">
        {(ids) => (
          <select {...ids} value={method} onChange={(e) => setMethod(e.target.value)}>
            {person.contact_methods.map((m) => (
              <option key={m.id} value={m.id}>
                {methodName(m)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field
        label="Minutes after the page"
        hint="0: at once."
        error={f.delay_minutes}
        className="field-number"
      >
        {textInput(delay, setDelay, { type: "number", min: 0, max: 1440, step: 1, inputMode: "numeric" })}
      </Field>
      <FormActions
        label="Add rule"
        busyLabel="Adding…"
        busy={add.busy}
        disabled={!method}
        onCancel={onCancel}
      />
      {add.error ? <ErrorNote>{add.error}</ErrorNote> : null}
    </form>
  );
}
