import { useEffect, useState } from "react";
import type { CustomField } from "../../api/incident-types.ts";
import { CompactField } from "../../ui/compact-field.tsx";
import { useCustomFields, useIncidentTypes } from "./reference.ts";

// The incident list's type and custom field filters. They live in the URL like the others:
// ?type=<name>&field.<key>=<value> — the same parameters the API takes.

export const FIELD_PREFIX = "field.";

/** `field.<key>` parameters of the URL, by key. */
export function readFieldFilters(search: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of search)
    if (name.startsWith(FIELD_PREFIX) && value) out[name.slice(FIELD_PREFIX.length)] = value;
  return out;
}

/** The changes that clear the type and every field filter. */
export function clearTypeFilters(fields: Record<string, string>): Record<string, null> {
  return { type: null, ...Object.fromEntries(Object.keys(fields).map((k) => [`${FIELD_PREFIX}${k}`, null])) };
}

export function TypeAndFieldFilters({
  type,
  fields,
  update,
}: {
  type: string;
  fields: Record<string, string>;
  update: (changes: Record<string, string | null>) => void;
}) {
  const types = useIncidentTypes();
  const defs = useCustomFields();
  return (
    <>
      {types?.length || type ? (
        <CompactField label="Type">
          {(id) => (
            <select id={id} value={type} onChange={(e) => update({ type: e.target.value })}>
              <option value="">Any</option>
              {type && !types?.some((t) => t.name === type) ? <option value={type}>{type}</option> : null}
              {types?.map((t) => (
                <option key={t.id} value={t.name}>
                  {t.name}
                </option>
              ))}
            </select>
          )}
        </CompactField>
      ) : null}
      {defs?.map((f) => (
        <FieldFilter
          key={f.key}
          field={f}
          value={fields[f.key] ?? ""}
          onCommit={(v) => update({ [`${FIELD_PREFIX}${f.key}`]: v })}
        />
      ))}
    </>
  );
}

function FieldFilter({
  field,
  value,
  onCommit,
}: {
  field: CustomField;
  value: string;
  onCommit: (v: string) => void;
}) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  if (field.kind === "select")
    return (
      <CompactField label={field.label}>
        {(id) => (
          <select id={id} value={value} onChange={(e) => onCommit(e.target.value)}>
            <option value="">Any</option>
            {value && !field.options.includes(value) ? <option value={value}>{value}</option> : null}
            {field.options.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        )}
      </CompactField>
    );
  // Text and number filters apply on Enter or when the box loses focus: one request, not one per key.
  return (
    <CompactField label={field.label}>
      {(id) => (
        <input
          id={id}
          type={field.kind === "number" ? "number" : "text"}
          step={field.kind === "number" ? "any" : undefined}
          size={8}
          placeholder="any"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onBlur={() => text.trim() !== value && onCommit(text.trim())}
          onKeyDown={(e) => {
            if (e.key === "Enter") onCommit(text.trim());
          }}
        />
      )}
    </CompactField>
  );
}
