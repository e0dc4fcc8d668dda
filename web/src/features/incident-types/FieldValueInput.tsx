import type { CustomField } from "../../api/incident-types.ts";
import type { FieldIds } from "../../ui/field.tsx";

// One input for a custom field value, by kind: a select of the options, a number or a text box.
// The value is edited as text; the server reads numbers ("12" → 12) and checks everything.

export function FieldValueInput({
  field,
  value,
  onChange,
  ids,
  emptyLabel = "—",
}: {
  field: CustomField;
  value: string;
  onChange: (value: string) => void;
  ids: FieldIds;
  emptyLabel?: string;
}) {
  if (field.kind === "select")
    return (
      <select {...ids} name={`field-${field.key}`} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{emptyLabel}</option>
        {value && !field.options.includes(value) ? <option value={value}>{value}</option> : null}
        {field.options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    );
  return (
    <input
      {...ids}
      name={`field-${field.key}`}
      type={field.kind === "number" ? "number" : "text"}
      inputMode={field.kind === "number" ? "decimal" : undefined}
      step={field.kind === "number" ? "any" : undefined}
      maxLength={field.kind === "text" ? 500 : undefined}
      value={value}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

/** Form text → API value: "" is no value; number fields send numbers. */
export function toApiValue(field: CustomField, text: string): string | number | null {
  const t = text.trim();
  if (t === "") return null;
  if (field.kind === "number") {
    const n = Number(t);
    return Number.isFinite(n) ? n : t;
  }
  return t;
}
