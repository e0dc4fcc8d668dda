import { type ReactNode, useId } from "react";
import {
  type MetricSection,
  type MetricsParams,
  type MetricsReport,
  metricsCsvUrl,
} from "../../api/metrics.ts";
import { count, dayLabel, duration, NONE, percent } from "./format.ts";
import { SEVERITY_LIST } from "./query.ts";

// A chart's card (title, hint, "Download CSV" of its sections, the figures as a table in a <details>) and
// the tables of Insights.

export function CsvLink({
  section,
  what,
  params,
}: {
  section: MetricSection;
  what: string;
  params: MetricsParams;
}) {
  return (
    <a className="csv-link" href={metricsCsvUrl(section, params)} download>
      <span aria-hidden="true">↓ </span>Download CSV<span className="sr-only"> of {what}</span>
    </a>
  );
}

export function ChartCard({
  title,
  hint,
  csv,
  params,
  table,
  wide = false,
  children,
}: {
  title: string;
  hint: string;
  csv: [MetricSection, string][];
  params: MetricsParams;
  /** The chart's figures as a table, for keyboards and screen readers (in a <details>). */
  table?: ReactNode;
  wide?: boolean;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <section className={`card chart-card${wide ? " is-wide" : ""}`} aria-labelledby={id}>
      <div className="chart-head">
        <div>
          <h2 id={id}>{title}</h2>
          <p className="muted small chart-hint">{hint}</p>
        </div>
        <div className="chart-tools">
          {csv.map(([section, what]) => (
            <CsvLink key={section} section={section} what={what} params={params} />
          ))}
        </div>
      </div>
      {children}
      {table ? (
        <details className="chart-data">
          <summary>
            Show the data<span className="sr-only"> of {title.toLowerCase()}</span>
          </summary>
          <div className="table-scroll">{table}</div>
        </details>
      ) : null}
    </section>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="chart-empty muted">{children}</p>;
}

export function FrequencyTable({ report }: { report: MetricsReport }) {
  return (
    <table className="ins-table">
      <caption className="sr-only">Incidents created per week, by severity</caption>
      <thead>
        <tr>
          <th scope="col">Week of</th>
          {SEVERITY_LIST.map((s) => (
            <th key={s} scope="col" className="num">
              {s}
            </th>
          ))}
          <th scope="col" className="num">
            Total
          </th>
        </tr>
      </thead>
      <tbody>
        {report.frequency.map((w) => (
          <tr key={w.week}>
            <th scope="row">{dayLabel(w.week, true)}</th>
            {SEVERITY_LIST.map((s) => (
              <td key={s} className="num">
                {count(w[s])}
              </td>
            ))}
            <td className="num">{count(w.total)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function TrendTable({ report }: { report: MetricsReport }) {
  return (
    <table className="ins-table">
      <caption className="sr-only">Weekly median response times</caption>
      <thead>
        <tr>
          <th scope="col">Week of</th>
          <th scope="col" className="num">
            Incidents
          </th>
          <th scope="col" className="num">
            MTTA median
          </th>
          <th scope="col" className="num">
            MTTR median
          </th>
          <th scope="col" className="num">
            SLA
          </th>
        </tr>
      </thead>
      <tbody>
        {report.trend.map((w) => (
          <tr key={w.week}>
            <th scope="row">{dayLabel(w.week, true)}</th>
            <td className="num">{count(w.incidents)}</td>
            <td className="num">{duration(w.mtta_median_seconds)}</td>
            <td className="num">{duration(w.mttr_median_seconds)}</td>
            <td className="num">{percent(w.sla_ratio)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ResponseTimesTable({ report }: { report: MetricsReport }) {
  return (
    <div className="table-scroll">
      <table className="ins-table response-table">
        <caption className="sr-only">Time to acknowledge and to resolve, by severity</caption>
        <thead>
          <tr>
            <th scope="col">Severity</th>
            <th scope="col" className="num">
              Incidents
            </th>
            <th scope="col" className="num">
              MTTA mean
            </th>
            <th scope="col" className="num">
              MTTA median
            </th>
            <th scope="col" className="num">
              MTTA p90
            </th>
            <th scope="col" className="num">
              MTTR mean
            </th>
            <th scope="col" className="num">
              MTTR median
            </th>
            <th scope="col" className="num">
              MTTR p90
            </th>
          </tr>
        </thead>
        <tbody>
          {report.response_times.map((r) => (
            <tr key={r.severity} className={r.severity === "all" ? "total-row" : undefined}>
              <th scope="row">{r.severity === "all" ? "All" : r.severity}</th>
              <td className="num">{count(r.incidents)}</td>
              <td className="num">{duration(r.mtta.mean_seconds)}</td>
              <td className="num">{duration(r.mtta.median_seconds)}</td>
              <td className="num">{duration(r.mtta.p90_seconds)}</td>
              <td className="num">{duration(r.mttr.mean_seconds)}</td>
              <td className="num">{duration(r.mttr.median_seconds)}</td>
              <td className="num">{duration(r.mttr.p90_seconds)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function UptimeTable({ report }: { report: MetricsReport }) {
  if (!report.uptime.length) return <Empty>No status page components yet.</Empty>;
  return (
    <div className="table-scroll">
      <table className="ins-table uptime-table">
        <caption className="sr-only">Uptime per status page component</caption>
        <thead>
          <tr>
            <th scope="col">Component</th>
            <th scope="col" className="num">
              Uptime
            </th>
            <th scope="col" className="num">
              Major outage
            </th>
            <th scope="col" className="num">
              Partial outage
            </th>
          </tr>
        </thead>
        <tbody>
          {report.uptime.map((u) => (
            <tr key={`${u.group ?? ""}/${u.component}`}>
              <th scope="row">
                {u.group ? <span className="muted">{u.group} › </span> : null}
                {u.component}
              </th>
              <td className="num">{u.uptime_percent === null ? NONE : percent(u.uptime_percent / 100, 2)}</td>
              <td className="num">{u.major_outage_minutes ? duration(u.major_outage_minutes * 60) : NONE}</td>
              <td className="num">
                {u.partial_outage_minutes ? duration(u.partial_outage_minutes * 60) : NONE}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
