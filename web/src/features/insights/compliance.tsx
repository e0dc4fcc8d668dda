import type { ComplianceView, MetricsReport } from "../../api/metrics.ts";
import { count, percent } from "./format.ts";

// SLA, status update and postmortem compliance: a half-circle SVG gauge each (its figure in its accessible
// name), the overall figure in words, and each severity's share with its policy beside it.

export function Compliance({ report }: { report: MetricsReport }) {
  const sla = report.sla.find((r) => r.severity === "all");
  const updates = report.update_compliance.find((r) => r.severity === "all");
  const postmortems = report.postmortem_compliance.find((r) => r.severity === "all");
  return (
    <div className="gauges">
      <GaugeBlock
        title="SLA"
        what="acknowledged within target"
        compliance={sla?.compliance}
        rows={report.sla
          .filter((r) => r.severity !== "all")
          .map((r) => ({
            severity: r.severity,
            compliance: r.compliance,
            note: r.target_minutes !== null ? `ack within ${minutes(r.target_minutes)}` : "",
          }))}
      />
      <GaugeBlock
        title="Status updates"
        what="required updates posted on time"
        compliance={updates?.compliance}
        rows={report.update_compliance
          .filter((r) => r.severity !== "all")
          .map((r) => ({
            severity: r.severity,
            compliance: r.compliance,
            note: r.cadence_minutes !== null ? `every ${minutes(r.cadence_minutes)}` : "",
          }))}
      />
      <GaugeBlock
        title="Postmortems"
        what="published on time"
        compliance={postmortems?.compliance}
        extra={
          postmortems && (postmortems.late || postmortems.missing)
            ? `${count(postmortems.late)} late · ${count(postmortems.missing)} missing`
            : undefined
        }
        rows={report.postmortem_compliance
          .filter((r) => r.severity !== "all")
          .map((r) => ({
            severity: r.severity,
            compliance: r.compliance,
            note: r.due_hours !== null ? `due ${r.due_hours} h after resolution` : "",
          }))}
      />
    </div>
  );
}

function minutes(m: number): string {
  if (m === 1440) return "a day";
  return m < 60 ? `${m} min` : m % 60 === 0 ? `${m / 60} h` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

function GaugeBlock({
  title,
  what,
  compliance,
  rows,
  extra,
}: {
  title: string;
  what: string;
  compliance: ComplianceView | undefined;
  rows: { severity: string; compliance: ComplianceView; note: string }[];
  extra?: string | undefined;
}) {
  const ratio = compliance?.ratio ?? null;
  const label =
    ratio === null
      ? `${title}: nothing to count yet`
      : `${title}: ${percent(ratio)} ${what} (${count(compliance?.met ?? 0)} of ${count(compliance?.total ?? 0)})`;
  return (
    <div className="gauge-block">
      <h3 className="gauge-title">{title}</h3>
      <Gauge ratio={ratio} label={label} />
      <p className="gauge-value">{percent(ratio)}</p>
      <p className="gauge-sub muted small">
        {compliance?.total
          ? `${count(compliance.met)} of ${count(compliance.total)} ${what}`
          : "Nothing to count yet"}
      </p>
      {extra ? <p className="gauge-sub small overdue">{extra}</p> : null}
      <table className="gauge-rows">
        <caption className="sr-only">{title} by severity</caption>
        <thead className="sr-only">
          <tr>
            <th scope="col">Severity</th>
            <th scope="col">Share</th>
            <th scope="col">Counted</th>
            <th scope="col">Policy</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.severity}>
              <th scope="row" className="gauge-sev">
                {r.severity}
              </th>
              <td className="num">{percent(r.compliance.ratio)}</td>
              <td className="num muted">
                {r.compliance.total ? `${count(r.compliance.met)}/${count(r.compliance.total)}` : ""}
              </td>
              <td className="muted small">{r.note}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A half-circle gauge; the figure is also in its accessible name (and in words beside it). */
export function Gauge({ ratio, label }: { ratio: number | null; label: string }) {
  const filled = ratio === null ? 0 : Math.max(0, Math.min(1, ratio)) * 100;
  const arc = "M 10 50 A 40 40 0 0 1 90 50";
  return (
    <svg className="gauge" viewBox="0 0 100 56" role="img" aria-label={label}>
      <title>{label}</title>
      <path d={arc} className="gauge-track" pathLength={100} />
      {ratio !== null && filled > 0 ? (
        <path
          d={arc}
          className={`gauge-fill${ratio >= 0.95 ? " good" : ratio >= 0.8 ? " fair" : " poor"}`}
          pathLength={100}
          strokeDasharray={`${filled} 100`}
        />
      ) : null}
    </svg>
  );
}
