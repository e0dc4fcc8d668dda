import { useEffect, useState } from "react";
import { getSeverities, listServices } from "../../api/endpoints.ts";
import type { Service, SeverityLevel, SeverityPolicy } from "../../api/types.ts";

// Severity policy and services: small, rarely changing lists loaded once per page life and shared.

/** SPEC §1's default policy, shown until (or if) GET /api/v1/severities answers. */
const DEFAULT_POLICY: SeverityPolicy = {
  priority_scheme: "p1-p4",
  items: [
    {
      severity: "SEV1",
      label: "critical",
      meaning: "Complete outage, data loss, security breach",
      ack_within_minutes: 5,
      update_every_minutes: 15,
      who_is_told: "Page on-call + manager, notify leadership",
      postmortem: "required",
    },
    {
      severity: "SEV2",
      label: "high",
      meaning: "Major degradation, core feature broken",
      ack_within_minutes: 15,
      update_every_minutes: 30,
      who_is_told: "Page on-call, notify manager",
      postmortem: "required",
    },
    {
      severity: "SEV3",
      label: "medium",
      meaning: "Partial degradation, workaround exists",
      ack_within_minutes: 60,
      update_every_minutes: 120,
      who_is_told: "Notify team channel",
      postmortem: "lightweight",
    },
    {
      severity: "SEV4",
      label: "low",
      meaning: "Minor, few users",
      ack_within_minutes: 240,
      update_every_minutes: 1440,
      who_is_told: "Ticket only",
      postmortem: "none",
    },
  ],
};

let policy: SeverityPolicy | null = null;
let policyRequest: Promise<SeverityPolicy> | null = null;

export function useSeverityPolicy(): SeverityLevel[] {
  const [value, setValue] = useState<SeverityPolicy>(policy ?? DEFAULT_POLICY);
  useEffect(() => {
    if (policy) return;
    policyRequest ??= getSeverities().catch(() => DEFAULT_POLICY);
    let live = true;
    policyRequest.then((p) => {
      policy = p;
      if (live) setValue(p);
    });
    return () => {
      live = false;
    };
  }, []);
  return value.items;
}

/** "5 min", "2 h", "daily" for policy minutes. */
export function minutesText(minutes: number): string {
  if (minutes === 1440) return "daily";
  if (minutes < 60) return `${minutes} min`;
  if (minutes % 60 === 0) return `${minutes / 60} h`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

let services: Service[] | null = null;
let servicesRequest: Promise<Service[]> | null = null;
const serviceListeners = new Set<(s: Service[]) => void>();

function fetchServices(): Promise<Service[]> {
  servicesRequest = listServices()
    .then((r) => r.items)
    .catch(() => services ?? []);
  servicesRequest.then((s) => {
    services = s;
    for (const l of serviceListeners) l(s);
  });
  return servicesRequest;
}

/** Known service names, alphabetical. */
export function useServiceNames(): string[] {
  const [value, setValue] = useState<Service[]>(services ?? []);
  useEffect(() => {
    serviceListeners.add(setValue);
    if (!servicesRequest) void fetchServices();
    else if (services) setValue(services);
    return () => {
      serviceListeners.delete(setValue);
    };
  }, []);
  return value.map((s) => s.name);
}

/** Call after something may have created a service (declaring, adding a service). */
export function refreshServices(): void {
  void fetchServices();
}
