import { useEffect, useSyncExternalStore } from "react";
import { listServices } from "../../api/endpoints.ts";
import type { ServiceSummary } from "../../api/types.ts";
import { useLiveEvents } from "../../live/events.ts";

// Every service with its health, shared by whatever shows health badges on a page (the incident page's
// sidebar and alerts section). Live events refetch it; any number of requests for a refetch while one
// is in flight cause exactly one more, so several badges never mean several requests.

let byName: ReadonlyMap<string, ServiceSummary> | null = null;
let inFlight = false;
let again = false;
const listeners = new Set<() => void>();

async function fetchHealth(): Promise<void> {
  if (inFlight) {
    again = true;
    return;
  }
  inFlight = true;
  try {
    const { items } = await listServices();
    byName = new Map(items.map((s) => [s.name.toLowerCase(), s]));
    for (const l of listeners) l();
  } catch {
    // keep the last good value; the next live event tries again
  } finally {
    inFlight = false;
    if (again) {
      again = false;
      void fetchHealth();
    }
  }
}

/** Refetch health (after creating a service, adding a check, …). */
export function refreshServiceHealth(): void {
  void fetchHealth();
}

/** Services by lower-cased name, or null until the first answer. Kept fresh by live events. */
export function useServiceHealth(): ReadonlyMap<string, ServiceSummary> | null {
  const value = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => byName,
  );
  useEffect(() => {
    void fetchHealth();
  }, []);
  useLiveEvents(() => void fetchHealth());
  return value;
}
