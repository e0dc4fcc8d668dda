import { Fragment, type ReactNode, useId } from "react";
import type { MetricSection, MetricsParams, MetricsReport } from "../../api/metrics.ts";
import { CsvLink } from "./cards.tsx";
import { count, duration, NONE, percent } from "./format.ts";

// The tiles at the top of Insights: incidents, median MTTA and MTTR (with each severity's), open action
// items, alert noise.

export function Kpis({ report, params }: { report: MetricsReport; params: MetricsParams }) {
  const all = report.response_times.find((r) => r.severity === "all");
  const bySeverity = report.response_times.filter((r) => r.severity !== "all" && r.incidents > 0);
  const items = report.action_items;
  const alerts = report.alerts;
  return (
    <div className="kpis">
      <Tile label="Incidents" value={count(all?.incidents ?? 0)}>
        <p className="kpi-sub">
          {bySeverity.length
            ? bySeverity.map((r, i) => (
                <Fragment key={r.severity}>
                  {i ? " · " : ""}
                  <span className="nowrap">
                    {r.severity} {count(r.incidents)}
                  </span>
                </Fragment>
              ))
            : "None in this range"}
        </p>
      </Tile>
      <Tile label="MTTA" value={duration(all?.mtta.median_seconds)} unit="median">
        <SeverityFigures
          rows={bySeverity.map((r) => [r.severity, duration(r.mtta.median_seconds), r.mtta.count])}
          noun="acknowledged"
        />
      </Tile>
      <Tile label="MTTR" value={duration(all?.mttr.median_seconds)} unit="median">
        <SeverityFigures
          rows={bySeverity.map((r) => [r.severity, duration(r.mttr.median_seconds), r.mttr.count])}
          noun="resolved"
        />
      </Tile>
      <Tile
        label="Open action items"
        value={count(items.open)}
        csv={{ section: "action-items", what: "action items", params }}
      >
        <p className="kpi-sub">
          <span className={items.overdue > 0 ? "overdue" : undefined}>{count(items.overdue)} overdue</span> ·{" "}
          {count(items.done)} done
        </p>
      </Tile>
      <Tile label="Alert noise" value={percent(alerts.noise_ratio)}>
        <p className="kpi-sub">
          {alerts.total
            ? `${count(alerts.noise)} of ${count(alerts.total)} alerts opened no incident`
            : "No alerts in this range"}
        </p>
      </Tile>
    </div>
  );
}

function Tile({
  label,
  value,
  unit,
  csv,
  children,
}: {
  label: string;
  value: string;
  unit?: string;
  csv?: { section: MetricSection; what: string; params: MetricsParams };
  children?: ReactNode;
}) {
  const id = useId();
  return (
    <section className="card kpi" aria-labelledby={id}>
      <h2 id={id} className="kpi-label">
        {label}
        {unit ? <span className="kpi-unit"> · {unit}</span> : null}
      </h2>
      <p className={`kpi-value${value === NONE ? " is-none" : ""}`}>{value}</p>
      {children}
      {csv ? <CsvLink section={csv.section} what={csv.what} params={csv.params} /> : null}
    </section>
  );
}

function SeverityFigures({ rows, noun }: { rows: [string, string, number][]; noun: string }) {
  if (!rows.length) return <p className="kpi-sub">No incidents in this range</p>;
  return (
    <ul className="kpi-sevs">
      {rows.map(([sev, text, n]) => (
        <li key={sev}>
          <span className={`sev-dot sev-dot-${sev.toLowerCase()}`} aria-hidden="true" />
          <span className="kpi-sev">{sev}</span> <span className="num">{text}</span>
          <span className="muted small" title={`${count(n)} ${noun}`}>
            {" "}
            n={count(n)}
            <span className="sr-only"> {noun}</span>
          </span>
        </li>
      ))}
    </ul>
  );
}
