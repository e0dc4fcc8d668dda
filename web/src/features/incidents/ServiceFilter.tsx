import { CompactField } from "../../ui/compact-field.tsx";
import { useServiceNames } from "./reference-data.ts";

/** The service filter of a list: any, or one of the known services (or the one the URL names). */
export function ServiceFilter({ value, onChange }: { value: string; onChange: (s: string) => void }) {
  const names = useServiceNames();
  return (
    <CompactField label="Service">
      {(id) => (
        <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">Any</option>
          {value && !names.includes(value) ? <option value={value}>{value}</option> : null}
          {names.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      )}
    </CompactField>
  );
}
