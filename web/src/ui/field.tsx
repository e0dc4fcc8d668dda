import { type InputHTMLAttributes, type ReactNode, useId } from "react";

// A labelled form control with its hint and the server's error for that field right beside it.
// The control is a render prop so it gets the ids for aria-describedby / aria-invalid.

export interface FieldIds {
  id: string;
  "aria-describedby"?: string;
  "aria-invalid"?: boolean;
}

export function Field({
  label,
  hint,
  error,
  className,
  children,
}: {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  className?: string;
  children: (ids: FieldIds) => ReactNode;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ");
  return (
    <div className={`field${error ? " has-error" : ""}${className ? ` ${className}` : ""}`}>
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        ...(describedBy ? { "aria-describedby": describedBy } : {}),
        ...(error ? { "aria-invalid": true } : {}),
      })}
      {hint ? (
        <div className="hint" id={hintId}>
          {hint}
        </div>
      ) : null}
      {error ? (
        <div className="field-error" id={errorId}>
          {error}
        </div>
      ) : null}
    </div>
  );
}

/** A form's submit button (with its busy label) and Cancel. */
export function FormActions({
  label,
  busyLabel,
  busy,
  disabled = false,
  onCancel,
}: {
  label: string;
  busyLabel: string;
  busy: boolean;
  /** Disabled besides while busy (e.g. a required field is empty). */
  disabled?: boolean;
  onCancel: () => void;
}) {
  return (
    <div className="form-actions">
      <button type="submit" className="btn btn-primary" disabled={busy || disabled}>
        {busy ? busyLabel : label}
      </button>
      <button type="button" className="btn btn-ghost" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}

/** A Field's usual control: an <input> that shows `value` and reports each change (`props`: type, placeholder…). */
export function textInput(
  value: string,
  onChange: (value: string) => void,
  props: InputHTMLAttributes<HTMLInputElement> = {},
) {
  return (ids: FieldIds) => (
    <input {...ids} {...props} value={value} onChange={(e) => onChange(e.target.value)} />
  );
}
