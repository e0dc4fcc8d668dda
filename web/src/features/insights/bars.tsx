import type { ReactNode } from "react";
import type { MetricsReport } from "../../api/metrics.ts";
import { Empty } from "./cards.tsx";
import { count, percent } from "./format.ts";

// On-call load per person and alerts per service as tables whose row headers carry a horizontal bar: the
// bar (decoration, hidden from assistive technology) shows the total with its highlighted part (off-hours
// pages, noise); the figures themselves are the table's cells.

function BarRow({
  label,
  total,
  part,
  max,
  partLabel,
}: {
  label: ReactNode;
  total: number;
  part: number;
  max: number;
  partLabel: string;
}) {
  const width = max > 0 ? (total / max) * 100 : 0;
  const partShare = total > 0 ? (part / total) * 100 : 0;
  return (
    <th scope="row" className="bar-label">
      <span className="bar-name">{label}</span>
      <span className="hbar" style={{ width: `${width}%` }} aria-hidden="true" title={partLabel}>
        <span className="hbar-part" style={{ width: `${partShare}%` }} />
      </span>
    </th>
  );
}

export function OnCallLoad({ report }: { report: MetricsReport }) {
  const load = report.oncall_load;
  if (!load.people.length) return <Empty>Nobody was paged in this range.</Empty>;
  const max = Math.max(...load.people.map((p) => p.sent));
  return (
    <>
      <BarKey base="Pages sent" part="Off hours" partClass="offhours" />
      <div className="table-scroll">
        <table className="ins-table bar-table oncall-table">
          <caption className="sr-only">Pages per person</caption>
          <thead>
            <tr>
              <th scope="col">Person</th>
              <th scope="col" className="num">
                Pages
              </th>
              <th scope="col" className="num">
                Off hours
              </th>
              <th scope="col" className="num">
                Failed
              </th>
            </tr>
          </thead>
          <tbody>
            {load.people.map((p) => (
              <tr key={p.user}>
                <BarRow
                  label={p.name || p.user}
                  total={p.sent}
                  part={p.off_hours}
                  max={max}
                  partLabel={`${p.off_hours} of ${p.sent} off hours`}
                />
                <td className="num">{count(p.sent)}</td>
                <td className="num">
                  {count(p.off_hours)} <span className="muted small">({percent(p.off_hours_ratio, 0)})</span>
                </td>
                <td className={`num${p.failed ? " overdue" : " muted"}`}>{count(p.failed)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">All</th>
              <td className="num">{count(load.sent)}</td>
              <td className="num">{count(load.off_hours)}</td>
              <td className="num">{count(load.failed)}</td>
            </tr>
          </tfoot>
        </table>
      </div>
    </>
  );
}

export function AlertsPerService({ report }: { report: MetricsReport }) {
  const alerts = report.alerts;
  if (!alerts.by_service.length) return <Empty>No alerts arrived in this range.</Empty>;
  const max = Math.max(...alerts.by_service.map((s) => s.alerts));
  return (
    <>
      <BarKey base="Opened an incident" part="Noise" partClass="noise" />
      <div className="table-scroll">
        <table className="ins-table bar-table alerts-table">
          <caption className="sr-only">Alerts per service, with noise</caption>
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col" className="num">
                Alerts
              </th>
              <th scope="col" className="num">
                Noise
              </th>
            </tr>
          </thead>
          <tbody>
            {alerts.by_service.map((s) => (
              <tr key={s.service} className="noise-row">
                <BarRow
                  label={s.service}
                  total={s.alerts}
                  part={s.noise}
                  max={max}
                  partLabel={`${s.noise} of ${s.alerts} noise`}
                />
                <td className="num">{count(s.alerts)}</td>
                <td className="num">
                  {count(s.noise)} <span className="muted small">({percent(s.noise_ratio, 0)})</span>
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">All</th>
              <td className="num">{count(alerts.total)}</td>
              <td className="num">
                {count(alerts.noise)} <span className="muted small">({percent(alerts.noise_ratio, 0)})</span>
              </td>
            </tr>
          </tfoot>
        </table>
      </div>
    </>
  );
}

function BarKey({ base, part, partClass }: { base: string; part: string; partClass: string }) {
  return (
    <p className={`bar-key bar-key-${partClass}`} aria-hidden="true">
      <span>
        <i className="key-base" /> {base}
      </span>
      <span>
        <i className="key-part" /> {part}
      </span>
    </p>
  );
}
