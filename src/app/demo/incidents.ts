import type { ActionItemPriority } from "#domain/incident/action-item.ts";
import type { EvidenceKind } from "#domain/incident/evidence.ts";
import type { IncidentStatus } from "#domain/incident/status.ts";
import type { DeclareIncidentInput } from "../incidents/declare.ts";
import type { UpdateIncidentInput } from "../incidents/update.ts";

// The incidents the seeds describe, as the steps their responders took. Times are those of the seeds.

export type DemoStep = { at: string; actor: string } & (
  | { do: "status"; status: IncidentStatus; note?: string }
  | { do: "note"; text: string }
  | { do: "evidence"; evidence: { kind: EvidenceKind; url: string; caption: string } }
  | {
      do: "update";
      update: {
        message: string;
        visibility: "internal" | "external";
        status?: "investigating" | "identified" | "monitoring" | "resolved";
      };
    }
  | { do: "role"; role: string; person: string }
  | { do: "edit"; fields: UpdateIncidentInput }
  | {
      do: "action";
      item: { title: string; owner: string; priority: ActionItemPriority; due_at?: string };
      done?: boolean;
    }
);

export interface DemoIncident {
  at: string;
  declaredBy: string;
  declare: DeclareIncidentInput;
  steps: DemoStep[];
}

/** Seed 000: the bulk-export API timeout of 2026-05-24, 14:00–14:45 UTC. */
const apiTimeout: DemoIncident = {
  at: "2026-05-24T14:00:00Z",
  declaredBy: "bob",
  declare: {
    title: "API Timeout on Bulk Requests",
    description: "Alert fired: p95 API response > 30s. All users performing bulk exports time out.",
    severity: "high",
    affected_services: ["api", "bulk-export"],
    assignee: "bob",
  },
  steps: [
    { at: "2026-05-24T14:01:00Z", actor: "bob", do: "status", status: "acknowledged" },
    {
      at: "2026-05-24T14:02:00Z",
      actor: "bob",
      do: "evidence",
      evidence: {
        kind: "metric",
        url: "https://grafana.example.com/d/api/latency?from=1748095200000",
        caption: "p95 API latency above 30 s",
      },
    },
    {
      at: "2026-05-24T14:05:00Z",
      actor: "bob",
      do: "status",
      status: "investigating",
      note: "Bob identified the bulk export endpoint as the culprit",
    },
    {
      at: "2026-05-24T14:06:00Z",
      actor: "bob",
      do: "update",
      update: {
        visibility: "external",
        message: "We are investigating timeouts affecting bulk exports. Other API requests are not affected.",
      },
    },
    {
      at: "2026-05-24T14:22:00Z",
      actor: "bob",
      do: "status",
      status: "mitigating",
      note: "Rolled back bulk export feature flag",
    },
    {
      at: "2026-05-24T14:45:00Z",
      actor: "bob",
      do: "edit",
      fields: {
        impact: "All users performing bulk exports timed out (14:00–14:45 UTC, 45 minutes)",
        root_cause:
          "The bulk export query was scanning a full table without index (added in #201 last week). The missing index caused query time to scale with dataset size.",
        resolution: "Feature flag rolled back. Index will be added before re-enabling.",
      },
    },
    { at: "2026-05-24T14:45:00Z", actor: "bob", do: "status", status: "resolved", note: "Service restored" },
    {
      at: "2026-05-24T14:46:00Z",
      actor: "bob",
      do: "update",
      update: {
        visibility: "external",
        status: "resolved",
        message: "Bulk exports are working again. We will publish a postmortem.",
      },
    },
    {
      at: "2026-05-24T15:00:00Z",
      actor: "bob",
      do: "action",
      item: { title: "Add index to `exports` table on `user_id` column", owner: "bob", priority: "high" },
    },
    {
      at: "2026-05-24T15:00:00Z",
      actor: "bob",
      do: "action",
      item: { title: "Add load test for bulk export endpoint to CI", owner: "charlie", priority: "medium" },
    },
    {
      at: "2026-05-24T15:00:00Z",
      actor: "bob",
      do: "action",
      item: { title: "Add query timeout < 5s to API middleware", owner: "alice", priority: "medium" },
    },
    {
      at: "2026-05-24T15:00:00Z",
      actor: "bob",
      do: "action",
      item: { title: "Write runbook for bulk export rollback procedure", owner: "charlie", priority: "low" },
    },
  ],
};

/** Seed 004: the pipeline-blocks SEV2 status doc of 2026-04-18 (times in CET, UTC+1). */
const pipelineBlocks: DemoIncident = {
  at: "2026-04-18T13:23:00Z",
  declaredBy: "jens",
  declare: {
    title: "Pipeline blocks spiking",
    description:
      "Pipeline block rate on prod jumped from ~0.2% baseline to 18% at 14:15 CET. Affects all agents using the OpenAI provider.",
    severity: "SEV2",
    affected_services: ["pipeline", "openai-provider"],
    assignee: "jens",
  },
  steps: [
    {
      at: "2026-04-18T13:23:00Z",
      actor: "jens",
      do: "note",
      text: "14:15 — block rate spike begins (per Grafana)",
    },
    {
      at: "2026-04-18T13:23:30Z",
      actor: "jens",
      do: "status",
      status: "investigating",
      note: "Page fired, primary acknowledged, investigation started",
    },
    {
      at: "2026-04-18T13:24:00Z",
      actor: "jens",
      do: "evidence",
      evidence: {
        kind: "dashboard",
        url: "https://grafana.example.com/d/pipeline/blocks?var-env=prod",
        caption: "Block rate 0.2% → 18% at 14:15 CET",
      },
    },
    {
      at: "2026-04-18T13:25:00Z",
      actor: "jens",
      do: "edit",
      fields: {
        impact:
          'Affected customers: ~12 active (filtering audit trail by provider=openai). User-visible: chat completions returning 403 with reason "policy_denied"',
      },
    },
    { at: "2026-04-18T13:26:00Z", actor: "jens", do: "role", role: "communications_lead", person: "maria" },
    {
      at: "2026-04-18T13:29:00Z",
      actor: "jens",
      do: "note",
      text: "Identified regression in detect_injection (commit abc123)",
    },
    {
      at: "2026-04-18T13:30:00Z",
      actor: "maria",
      do: "update",
      update: {
        visibility: "external",
        status: "identified",
        message:
          "We have identified an issue causing some chat completions to be refused with 403 policy_denied for customers using the OpenAI provider. A fix is being deployed.",
      },
    },
    {
      at: "2026-04-18T13:34:00Z",
      actor: "jens",
      do: "note",
      text: "Hotfix PR merged, deploy to prod in flight",
    },
    {
      at: "2026-04-18T13:34:30Z",
      actor: "jens",
      do: "update",
      update: {
        visibility: "internal",
        message: "INVESTIGATING — @jens rolling out hotfix to detect_injection threshold",
      },
    },
  ],
};

/** Seed 001: database connection pool exhaustion, with its Five Whys, 2024-01-15 14:30–15:15 UTC. */
const poolExhaustion: DemoIncident = {
  at: "2024-01-15T14:30:00Z",
  declaredBy: "alice",
  declare: {
    title: "Database connection pool exhaustion",
    description:
      "Users see 500 errors: the backend returns errors to the load balancer because database connections time out.",
    severity: "SEV2",
    affected_services: ["backend", "postgresql"],
    assignee: "alice",
  },
  steps: [
    { at: "2024-01-15T14:31:00Z", actor: "alice", do: "status", status: "acknowledged" },
    {
      at: "2024-01-15T14:33:00Z",
      actor: "alice",
      do: "evidence",
      evidence: {
        kind: "log",
        url: "https://logs.example.com/backend?q=ERROR&since=15m",
        caption: "Backend ERROR lines: database connection timeouts",
      },
    },
    {
      at: "2024-01-15T14:36:00Z",
      actor: "alice",
      do: "status",
      status: "investigating",
      note: "pg_stat_activity shows the pool at its limit; most connections idle in transaction",
    },
    { at: "2024-01-15T14:40:00Z", actor: "alice", do: "role", role: "responder", person: "dave" },
    {
      at: "2024-01-15T14:52:00Z",
      actor: "dave",
      do: "status",
      status: "mitigating",
      note: "Restarted backend (docker restart app-backend) to release connections",
    },
    {
      at: "2024-01-15T15:15:00Z",
      actor: "alice",
      do: "edit",
      fields: {
        root_cause:
          "Five Whys: users saw 500 errors → the backend returned errors → database connections timed out → the connection pool was exhausted → a new endpoint opened connections without releasing them → it was missing the async context manager for sessions. Root cause: missing async context manager for database sessions in new endpoint.",
        resolution: "Backend restarted; the endpoint fixed to use the session context manager.",
      },
    },
    { at: "2024-01-15T15:15:00Z", actor: "alice", do: "status", status: "resolved" },
    {
      at: "2024-01-15T15:30:00Z",
      actor: "alice",
      do: "action",
      item: {
        title: "Add regression test: endpoint releases its database session",
        owner: "dave",
        priority: "high",
        due_at: "2024-01-19T17:00:00Z",
      },
      done: true,
    },
    {
      at: "2024-01-15T15:31:00Z",
      actor: "alice",
      do: "action",
      item: {
        title: "Alert on connection pool usage above 80%",
        owner: "alice",
        priority: "medium",
        due_at: "2024-01-26T17:00:00Z",
      },
    },
  ],
};

export const DEMO_INCIDENTS: readonly DemoIncident[] = [poolExhaustion, pipelineBlocks, apiTimeout];
