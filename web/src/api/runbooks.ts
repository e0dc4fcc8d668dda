import { request } from "./client.ts";

// The runbook endpoints (src/http/routes/runbooks.ts) and "check affected services", with the views the
// server answers with (src/app/runbooks/*.ts, src/app/incidents/check-services.ts).

export interface Runbook {
  service: string;
  title: string;
  body: string;
  version: number;
  source: string;
  created_at: string;
  updated_by: string;
  updated_at: string;
  /** What seed 001's format expects and this text lacks (it saves anyway). */
  warnings: string[];
}

export type SavedRunbook = Runbook & { outcome: "created" | "updated" | "unchanged" };

export interface RunbookSummary {
  service: string;
  title: string;
  version: number;
  source: string;
  updated_by: string;
  updated_at: string;
}

export interface RunbookVersionSummary {
  version: number;
  title: string;
  saved_by: string;
  saved_at: string;
  length: number;
}

export interface RunbookVersion {
  service: string;
  version: number;
  current: boolean;
  title: string;
  body: string;
  saved_by: string;
  saved_at: string;
}

export interface IncidentRunbooks {
  items: { service: string; runbook: Runbook | null }[];
}

export interface ServiceCheckReport {
  incident_id: string;
  checked_at: string;
  services: {
    service: string;
    note: string | null;
    checks: {
      name: string;
      url: string;
      ok: boolean;
      status_code: number | null;
      latency_ms: number;
      error: string | null;
      caption: string;
      evidence_id: string;
    }[];
  }[];
  summary: { checks: number; healthy: number; failing: number; without_checks: number };
}

const base = "/api/v1";
const svc = (service: string) => `${base}/services/${encodeURIComponent(service)}/runbook`;
const opts = (signal?: AbortSignal) => (signal ? { signal } : {});

export const listRunbooks = (signal?: AbortSignal) =>
  request<{ items: RunbookSummary[] }>(`${base}/runbooks`, opts(signal));

export const getRunbook = (service: string, signal?: AbortSignal) =>
  request<Runbook>(svc(service), opts(signal));

export const getRunbookTemplate = (service: string, signal?: AbortSignal) =>
  request<{ service: string; title: string; body: string }>(
    `${base}/runbooks/template?service=${encodeURIComponent(service)}`,
    opts(signal),
  );

export const saveRunbook = (service: string, body: string, expectedVersion: number) =>
  request<SavedRunbook>(svc(service), { method: "PUT", body: { body, expected_version: expectedVersion } });

export const listRunbookVersions = (service: string, signal?: AbortSignal) =>
  request<{ service: string; current_version: number; items: RunbookVersionSummary[] }>(
    `${svc(service)}/versions`,
    opts(signal),
  );

export const getRunbookVersion = (service: string, version: number, signal?: AbortSignal) =>
  request<RunbookVersion>(`${svc(service)}/versions/${version}`, opts(signal));

export const restoreRunbookVersion = (service: string, version: number, expectedVersion: number) =>
  request<SavedRunbook>(`${svc(service)}/restore`, {
    body: { version, expected_version: expectedVersion },
  });

export const getIncidentRunbooks = (id: string, signal?: AbortSignal) =>
  request<IncidentRunbooks>(`${base}/incidents/${encodeURIComponent(id)}/runbooks`, opts(signal));

export const checkIncidentServices = (id: string) =>
  request<ServiceCheckReport>(`${base}/incidents/${encodeURIComponent(id)}/check-services`, {
    method: "POST",
  });

export interface ImportReport {
  dry_run: boolean;
  files: {
    file: string;
    service: string | null;
    result: "created" | "updated" | "unchanged" | "skipped";
    version: number | null;
    reason: string | null;
    service_created: boolean;
    warnings: string[];
  }[];
  summary: { created: number; updated: number; unchanged: number; skipped: number; warnings: number };
}

export const importRunbooks = (files: { name: string; text: string }[]) =>
  request<ImportReport>(`${base}/runbooks/import`, { body: { files } });
