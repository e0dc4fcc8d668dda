import { type FormEvent, useState } from "react";
import { type ComponentInput, createComponent, updateComponent } from "../../api/status-page.ts";
import type { StatusComponent } from "../../api/types.ts";
import { useAction } from "../../ui/action.ts";
import { ErrorNote } from "../../ui/banner.tsx";
import { Field, FormActions, textInput } from "../../ui/field.tsx";
import { toast } from "../../ui/toast.tsx";
import { TokenInput, withPending } from "../../ui/token-input.tsx";
import { useServiceNames } from "../incidents/reference-data.ts";

// Create or edit a component (name, description, group, linked services, uptime bar, visibility, start
// date, position) or a group (name, description, position).

const PLACED = [
  "name",
  "description",
  "group_id",
  "services",
  "showcase",
  "only_show_if_degraded",
  "start_date",
  "position",
];

export function ComponentForm({
  component,
  isGroup,
  groups,
  nextPosition,
  onCancel,
  onSaved,
}: {
  component?: StatusComponent;
  isGroup: boolean;
  /** The groups it may go in. */
  groups: StatusComponent[];
  /** The position a new one gets unless changed. */
  nextPosition: number;
  onCancel: () => void;
  onSaved: (saved: StatusComponent) => void;
}) {
  const serviceNames = useServiceNames();
  const [name, setName] = useState(component?.name ?? "");
  const [description, setDescription] = useState(component?.description ?? "");
  const [groupId, setGroupId] = useState(component?.group_id ?? "");
  const [services, setServices] = useState<string[]>(component?.services ?? []);
  const [pendingService, setPendingService] = useState("");
  const [showcase, setShowcase] = useState(component?.showcase ?? true);
  const [onlyDegraded, setOnlyDegraded] = useState(component?.only_show_if_degraded ?? false);
  const [startDate, setStartDate] = useState(component?.start_date ?? "");
  const [position, setPosition] = useState(String(component?.position ?? nextPosition));
  const noun = isGroup ? "group" : "component";
  const save = useAction(async () => {
    const body: ComponentInput = {
      name: name.trim(),
      description: description.trim() || null,
      position: position.trim() === "" ? 0 : Number(position),
    };
    if (!component) body.is_group = isGroup;
    if (!isGroup) {
      body.group_id = groupId || null;
      body.services = withPending(services, pendingService);
      body.showcase = showcase;
      body.only_show_if_degraded = onlyDegraded;
      body.start_date = startDate || null;
    }
    const saved = component ? await updateComponent(component.id, body) : await createComponent(body);
    setPendingService("");
    toast(`${component ? "Saved" : "Created"} ${noun} ${saved.name}`);
    onSaved(saved);
  }, PLACED);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save.run();
  };
  const f = save.fields;
  const title = component ? `Edit ${component.name}` : isGroup ? "New group" : "New component";
  return (
    <form
      className="card section stack-form new-form component-form"
      onSubmit={submit}
      noValidate
      aria-label={component ? `Edit ${noun} ${component.name}` : `New ${noun}`}
    >
      <h2>{title}</h2>
      {save.error ? <ErrorNote>{save.error}</ErrorNote> : null}
      <div className="form-row">
        <Field label="Name" error={f.name} className="field-grow">
          {textInput(name, setName, {
            placeholder: isGroup ? "Payments" : "Checkout API",
            autoComplete: "off",
            required: true,
          })}
        </Field>
        {!isGroup ? (
          <Field label="Group" error={f.group_id} hint="Shown inside the group.">
            {(ids) => (
              <select {...ids} value={groupId} onChange={(e) => setGroupId(e.target.value)}>
                <option value="">None (top level)</option>
                {groups.map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
        <Field label="Position" error={f.position} hint="Lower comes first." className="field-number">
          {textInput(position, setPosition, { type: "number", min: 0, step: 1, inputMode: "numeric" })}
        </Field>
      </div>
      <Field label="Description" hint="Optional: shown to the public next to the name." error={f.description}>
        {textInput(description, setDescription, {
          placeholder: isGroup ? "" : "Placing orders and paying for them",
        })}
      </Field>
      {!isGroup ? (
        <>
          <Field
            label="Services"
            hint="An open incident on any of these gives the component a status by its severity."
            error={f.services}
          >
            {(ids) => (
              <TokenInput
                ids={ids}
                value={services}
                onChange={setServices}
                pending={pendingService}
                onPendingChange={setPendingService}
                suggestions={serviceNames}
                placeholder="checkout, payments"
                removeLabel="Remove service"
              />
            )}
          </Field>
          <div className="form-row">
            <Field
              label="Counting uptime from"
              hint="Optional: days before show no data on the uptime bar."
              error={f.start_date}
            >
              {textInput(startDate, setStartDate, { type: "date" })}
            </Field>
          </div>
          <div className="check-rows">
            <label className="check-label">
              <input type="checkbox" checked={showcase} onChange={(e) => setShowcase(e.target.checked)} />
              Show its 90-day uptime bar
            </label>
            {f.showcase ? <div className="field-error">{f.showcase}</div> : null}
            <label className="check-label">
              <input
                type="checkbox"
                checked={onlyDegraded}
                onChange={(e) => setOnlyDegraded(e.target.checked)}
              />
              Only show it while it is not operational
            </label>
            {f.only_show_if_degraded ? <div className="field-error">{f.only_show_if_degraded}</div> : null}
          </div>
        </>
      ) : null}
      <FormActions
        label={component ? `Save ${noun}` : `Create ${noun}`}
        busyLabel="Saving…"
        busy={save.busy}
        disabled={!name.trim()}
        onCancel={onCancel}
      />
    </form>
  );
}
