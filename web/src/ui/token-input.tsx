import { type KeyboardEvent, useId, useState } from "react";
import type { FieldIds } from "./field.tsx";

// A list of names typed or picked from suggestions (the browser's <datalist> autocomplete). Enter,
// comma or Tab adds what is typed, so a new name is just typed; Backspace on an empty input removes
// the last one. Text still in the box counts: callers read it with `withPending`.

export function TokenInput({
  value,
  onChange,
  suggestions,
  pending,
  onPendingChange,
  placeholder,
  ids,
  removeLabel = "Remove",
}: {
  value: string[];
  onChange: (next: string[]) => void;
  suggestions: string[];
  pending: string;
  onPendingChange: (text: string) => void;
  placeholder?: string;
  ids: FieldIds;
  removeLabel?: string;
}) {
  const listId = useId();
  const [focused, setFocused] = useState(false);
  const add = (raw: string) => {
    const names = raw
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const next = [...value];
    for (const n of names) if (!next.some((v) => v.toLowerCase() === n.toLowerCase())) next.push(n);
    onChange(next);
    onPendingChange("");
  };
  const keyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if ((event.key === "Enter" || event.key === ",") && pending.trim()) {
      event.preventDefault();
      add(pending);
    } else if (event.key === "Tab" && pending.trim() && !event.shiftKey) {
      add(pending);
    } else if (event.key === "Backspace" && !pending && value.length) {
      onChange(value.slice(0, -1));
    }
  };
  const available = suggestions.filter((s) => !value.some((v) => v.toLowerCase() === s.toLowerCase()));
  return (
    <div className={`token-input${focused ? " focused" : ""}`}>
      {value.map((v) => (
        <span key={v} className="token">
          {v}
          <button
            type="button"
            className="token-remove"
            aria-label={`${removeLabel} ${v}`}
            onClick={() => onChange(value.filter((x) => x !== v))}
          >
            ×
          </button>
        </span>
      ))}
      <input
        {...ids}
        list={listId}
        value={pending}
        placeholder={value.length ? "" : placeholder}
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
        onFocus={() => setFocused(true)}
        onBlur={() => setFocused(false)}
        onKeyDown={keyDown}
        onChange={(e) => {
          const text = e.target.value;
          const native = e.nativeEvent as InputEvent;
          // A pick from the datalist arrives as a replacement without a typed character.
          const picked =
            (native.inputType === undefined || native.inputType === "insertReplacementText") &&
            available.includes(text);
          if (picked) add(text);
          else if (text.endsWith(",")) add(text);
          else onPendingChange(text);
        }}
      />
      <datalist id={listId}>
        {available.map((s) => (
          <option key={s} value={s} />
        ))}
      </datalist>
    </div>
  );
}

/** The tokens plus whatever is still typed in the box. */
export function withPending(value: string[], pending: string): string[] {
  const extra = pending
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .filter((n) => !value.some((v) => v.toLowerCase() === n.toLowerCase()));
  return [...value, ...extra];
}
