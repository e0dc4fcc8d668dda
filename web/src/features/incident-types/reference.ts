import { useEffect, useState } from "react";
import {
  type CustomField,
  type IncidentType,
  listCustomFields,
  listIncidentTypes,
} from "../../api/incident-types.ts";

// Custom fields and incident types: small lists loaded once per page life and shared by the declare form,
// the incident list's filters and the incident's sidebar. The settings pages refresh them after a change.

class SharedList<T> {
  value: T[] | null = null;
  private pending: Promise<void> | null = null;
  private readonly listeners = new Set<(v: T[]) => void>();
  constructor(private readonly load: () => Promise<{ items: T[] }>) {}

  subscribe(listener: (v: T[]) => void): () => void {
    this.listeners.add(listener);
    if (this.value) listener(this.value);
    else if (!this.pending) this.refresh();
    return () => {
      this.listeners.delete(listener);
    };
  }

  refresh = (): void => {
    this.pending = this.load()
      .then((r) => r.items)
      .catch(() => this.value ?? [])
      .then((items) => {
        this.value = items;
        for (const l of this.listeners) l(items);
      });
  };
}

function useSharedList<T>(list: SharedList<T>): T[] | null {
  const [value, setValue] = useState<T[] | null>(list.value);
  useEffect(() => list.subscribe(setValue), [list]);
  return value;
}

const fields = new SharedList<CustomField>(() => listCustomFields());
const types = new SharedList<IncidentType>(() => listIncidentTypes());

/** Every custom field in display order; null while loading. */
export const useCustomFields = () => useSharedList(fields);
export const refreshCustomFields = fields.refresh;
/** Every incident type by name; null while loading. */
export const useIncidentTypes = () => useSharedList(types);
export const refreshIncidentTypes = types.refresh;
