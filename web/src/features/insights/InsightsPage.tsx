import { useEffect, useRef } from "react";
import { getMetrics, type MetricsReport } from "../../api/metrics.ts";
import { useResource } from "../../api/resource.ts";
import { useLiveEvents } from "../../live/events.ts";
import { setQuery, useLocation } from "../../router.tsx";
import { LoadError } from "../../ui/banner.tsx";
import { useDocumentTitle } from "../../ui/title.ts";
import { AlertsPerService, OnCallLoad } from "./bars.tsx";
import { ChartCard, Empty, FrequencyTable, ResponseTimesTable, TrendTable, UptimeTable } from "./cards.tsx";
import { FrequencyChart, TrendChart } from "./charts.tsx";
import { Compliance } from "./compliance.tsx";
import { Filters } from "./filters.tsx";
import { dayLabel } from "./format.ts";
import { addDays, apiParams, readInsightsQuery, withInsightsParams } from "./query.ts";
import { Kpis } from "./tiles.tsx";
import "./insights.css";

// Insights (/insights): the metrics report (GET /api/v1/metrics) as tiles, charts and tables, filters in
// the URL. Loaded lazily with uPlot, so the rest of the UI does not pay for the charts. Every chart has a
// "Download CSV" of its section with the same filters, and its figures as a table (in a <details>) for
// keyboards and screen readers. Figures refresh a few seconds after incidents change (live events, throttled).

export default function InsightsPage() {
  const { search } = useLocation();
  const query = readInsightsQuery(search);
  const params = apiParams(query);
  // A custom range that ends before it starts is pointed out beside the dates; nothing is asked.
  const backwards = query.range === "custom" && Boolean(query.to) && query.to < query.from;
  const report = useResource(
    backwards ? null : JSON.stringify(params),
    (signal) => getMetrics(params, signal),
    {
      keepPrevious: true,
    },
  );
  useThrottledReload(report.reload);
  useDocumentTitle("Insights");
  const update = (changes: Record<string, string | null>) => setQuery(withInsightsParams(search, changes));
  const data = report.data;

  return (
    <main className="page page-insights" id="main">
      <div className="page-head">
        <h1>Insights</h1>
        {data ? <RangeSummary report={data} /> : null}
      </div>
      <Filters query={query} report={data} update={update} />
      {report.error ? <LoadError what="the metrics" error={report.error} onRetry={report.reload} /> : null}
      {data ? (
        <div className={`insights${report.stale ? " is-stale" : ""}`} aria-busy={report.loading}>
          <Kpis report={data} params={params} />
          <div className="insights-grid">
            <ChartCard
              title="Incidents per week"
              hint="Created per ISO week, stacked by severity"
              csv={[["frequency", "incidents per week"]]}
              params={params}
              table={<FrequencyTable report={data} />}
            >
              {data.frequency.some((w) => w.total > 0) ? (
                <FrequencyChart weeks={data.frequency} />
              ) : (
                <Empty>No incidents were created in this range.</Empty>
              )}
            </ChartCard>
            <ChartCard
              title="Response time trend"
              hint="Weekly median time to acknowledge and to resolve (log scale)"
              csv={[["trend", "the response time trend"]]}
              params={params}
              table={<TrendTable report={data} />}
            >
              {data.trend.some((w) => w.mtta_median_seconds !== null || w.mttr_median_seconds !== null) ? (
                <TrendChart weeks={data.trend} />
              ) : (
                <Empty>No incident in this range was acknowledged or resolved yet.</Empty>
              )}
            </ChartCard>
            <ChartCard
              wide
              title="Compliance"
              hint="Promises of the severity policy kept"
              csv={[
                ["sla", "SLA compliance"],
                ["update-compliance", "update compliance"],
                ["postmortem-compliance", "postmortem compliance"],
              ]}
              params={params}
            >
              <Compliance report={data} />
            </ChartCard>
            <ChartCard
              wide
              title="Response times by severity"
              hint="Mean exact; median and p90 within 1 %"
              csv={[["response-times", "response times"]]}
              params={params}
            >
              <ResponseTimesTable report={data} />
            </ChartCard>
            <ChartCard
              title="On-call load"
              hint="Pages sent per person; off hours: outside 09:00–18:00 Mon–Fri in their time zone"
              csv={[["oncall-load", "on-call load"]]}
              params={params}
            >
              <OnCallLoad report={data} />
            </ChartCard>
            <ChartCard
              title="Alerts per service"
              hint="Noise: alerts that opened no incident (suppressed, or joined one already open)"
              csv={[["alerts", "alerts per service"]]}
              params={params}
            >
              <AlertsPerService report={data} />
            </ChartCard>
            <ChartCard
              wide
              title="Uptime"
              hint="Status page components over the range (partial outages count 30 %)"
              csv={[["uptime", "uptime"]]}
              params={params}
            >
              <UptimeTable report={data} />
            </ChartCard>
          </div>
        </div>
      ) : report.error || backwards ? null : (
        <InsightsSkeleton />
      )}
    </main>
  );
}

/**
 * Reloads after incidents change (live events), at most once per few seconds: a burst of changes (an
 * alert storm) costs one report, not one per event.
 */
function useThrottledReload(reload: () => void, ms = 3000): void {
  const timer = useRef<number | undefined>(undefined);
  useLiveEvents(() => {
    if (timer.current !== undefined) return;
    timer.current = window.setTimeout(() => {
      timer.current = undefined;
      reload();
    }, ms);
  });
  useEffect(() => () => window.clearTimeout(timer.current), []);
}

function RangeSummary({ report }: { report: MetricsReport }) {
  const last = addDays(report.range.to, -1);
  return (
    <p className="range-summary muted">
      {dayLabel(report.range.from, true)} – {dayLabel(last, true)}{" "}
      <span className="small">
        ({report.range.days} {report.range.days === 1 ? "day" : "days"}, UTC)
      </span>
    </p>
  );
}

function InsightsSkeleton() {
  return (
    <div className="insights" aria-busy="true">
      <span className="sr-only">Loading the metrics…</span>
      <div className="kpis">
        {[1, 2, 3, 4, 5].map((i) => (
          <div key={i} className="card kpi">
            <span className="skeleton" />
            <span className="skeleton skeleton-title" />
          </div>
        ))}
      </div>
      <div className="insights-grid">
        {[1, 2].map((i) => (
          <div key={i} className="card chart-card skeleton-card" style={{ height: 300 }} />
        ))}
      </div>
    </div>
  );
}
