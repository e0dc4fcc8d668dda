import { useState } from "react";
import { checkIncidentServices, type ServiceCheckReport } from "../../api/runbooks.ts";
import type { IncidentDetail } from "../../api/types.ts";
import { useAction } from "../../ui/action.ts";
import { ErrorNote } from "../../ui/banner.tsx";
import { toast } from "../../ui/toast.tsx";

// Seed 001's triage step "check affected services": one button runs every health check of the
// incident's services at once; the results are shown here and attached to the incident as evidence.

export function CheckServices({ incident, refresh }: { incident: IncidentDetail; refresh: () => void }) {
  const [report, setReport] = useState<ServiceCheckReport | null>(null);
  const check = useAction(async () => {
    const result = await checkIncidentServices(incident.id);
    setReport(result);
    const s = result.summary;
    toast(
      s.checks
        ? `${s.healthy} healthy, ${s.failing} failing; results added as evidence`
        : "No health checks configured for these services",
      s.failing ? "error" : "ok",
    );
    refresh();
  });
  if (!incident.affected_services.length) return null;
  return (
    <div className="check-services">
      <button
        type="button"
        className="btn btn-secondary btn-sm"
        disabled={check.busy}
        onClick={() => void check.run()}
      >
        {check.busy ? "Checking…" : "Check affected services"}
      </button>
      {check.error ? <ErrorNote>{check.error}</ErrorNote> : null}
      {report ? (
        <ul className="check-results" aria-label="Health check results">
          {report.services.map((s) =>
            s.checks.length ? (
              s.checks.map((c) => (
                <li key={`${s.service}/${c.name}`} className={c.ok ? "check-ok" : "check-failed"}>
                  <span className="check-mark" aria-hidden="true">
                    {c.ok ? "✓" : "✗"}
                  </span>
                  <span className="sr-only">{c.ok ? "Healthy: " : "Failing: "}</span>
                  {c.caption}
                </li>
              ))
            ) : (
              <li key={s.service} className="check-none">
                <span className="check-mark" aria-hidden="true">
                  –
                </span>
                {s.service}: {s.note}
              </li>
            ),
          )}
        </ul>
      ) : null}
    </div>
  );
}
