import { useEffect, useRef, useState } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { FrequencyWeek, TrendWeek } from "../../api/metrics.ts";
import { count, dayLabel, duration, durationTick } from "./format.ts";
import { SEVERITY_LIST } from "./query.ts";

// The two time charts of Insights, drawn with uPlot (canvas, ~50 KB, loaded only with this page): weekly
// incidents stacked by severity, and the weekly MTTA/MTTR medians. Colours come from the page's CSS custom
// properties (light and dark), read again when the colour scheme changes. The canvas is hidden from
// assistive technology: every chart has its data as a table next to it.

interface Theme {
  text: string;
  grid: string;
  font: string;
  surface: string;
  sev: Record<string, string>;
  mtta: string;
  mttr: string;
}

function readTheme(el: Element): Theme {
  const css = getComputedStyle(el);
  const v = (name: string) => css.getPropertyValue(name).trim();
  return {
    text: v("--text-3"),
    grid: v("--border"),
    surface: v("--surface"),
    font: `12px ${v("--font") || "system-ui, sans-serif"}`,
    sev: Object.fromEntries(SEVERITY_LIST.map((s) => [s, v(`--chart-${s.toLowerCase()}`)])),
    mtta: v("--chart-mtta"),
    mttr: v("--chart-mttr"),
  };
}

const darkQuery = () => window.matchMedia("(prefers-color-scheme: dark)");

/** Bumps when the colour scheme changes, so charts redraw with the other palette. */
function useSchemeVersion(): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const media = darkQuery();
    const change = () => setVersion((n) => n + 1);
    media.addEventListener("change", change);
    return () => media.removeEventListener("change", change);
  }, []);
  return version;
}

/** A uPlot chart in a div that follows its container's width. */
function UPlotChart({
  build,
  height,
  deps,
  className,
}: {
  build: (theme: Theme) => { options: Omit<uPlot.Options, "width" | "height">; data: uPlot.AlignedData };
  height: number;
  deps: readonly unknown[];
  className: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const scheme = useSchemeVersion();
  const buildRef = useRef(build);
  buildRef.current = build;
  // biome-ignore lint/correctness/useExhaustiveDependencies: rebuilt when the data (deps) or the scheme change
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const { options, data } = buildRef.current(readTheme(el));
    const width = Math.max(200, el.clientWidth);
    const chart = new uPlot({ ...options, width, height }, data, el);
    const resize = new ResizeObserver(() => {
      const w = Math.max(200, el.clientWidth);
      if (w !== chart.width) chart.setSize({ width: w, height });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [scheme, height, ...deps]);
  return <div ref={box} className={`uplot-box ${className}`} aria-hidden="true" />;
}

/** x: the week index; tick labels are the weeks' Mondays ("Mar 2"), thinned to fit. */
function weekAxis(theme: Theme, weeks: readonly string[]): uPlot.Axis {
  return {
    stroke: theme.text,
    font: theme.font,
    grid: { show: false },
    ticks: { stroke: theme.grid, size: 4 },
    space: 56,
    incrs: [1, 2, 4, 8, 13, 26, 52],
    values: (_u, splits) => splits.map((i) => (weeks[i] ? dayLabel(weeks[i]) : "")),
  };
}

function weekLegend(weeks: readonly string[]): uPlot.Series {
  return {
    label: "Week of",
    value: (_u, i) =>
      i === null || !weeks[Math.round(i)] ? "—" : dayLabel(weeks[Math.round(i)] ?? "", true),
  };
}

const xScale = (n: number): uPlot.Scale => ({ time: false, range: () => [-0.6, Math.max(0, n - 1) + 0.6] });

/** Incidents per week, one bar per week stacked by severity (SEV4 at the bottom, SEV1 on top). */
export function FrequencyChart({ weeks }: { weeks: readonly FrequencyWeek[] }) {
  return (
    <UPlotChart
      className="chart-frequency"
      height={240}
      deps={[weeks]}
      build={(theme) => {
        const labels = weeks.map((w) => w.week);
        const x = weeks.map((_, i) => i);
        // Each series is the sum of its severity and every less severe one, drawn biggest first, so each
        // bar's visible part is exactly its own count.
        const stacked = SEVERITY_LIST.map((_, k) =>
          weeks.map((w) => SEVERITY_LIST.slice(k).reduce((sum, s) => sum + w[s], 0)),
        );
        const bars = uPlot.paths.bars?.({ size: [0.72, 48], gap: 1 });
        return {
          data: [x, ...stacked],
          options: {
            legend: { live: true },
            cursor: { points: { show: false }, drag: { x: false, y: false } },
            scales: { x: xScale(weeks.length), y: { range: (_u, _min, max) => [0, Math.max(4, max * 1.1)] } },
            axes: [
              weekAxis(theme, labels),
              {
                stroke: theme.text,
                font: theme.font,
                grid: { stroke: theme.grid, width: 1 },
                ticks: { show: false },
                space: 32,
                incrs: [
                  1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000,
                ],
                values: (_u, splits) => splits.map((v) => count(v)),
                size: 44,
              },
            ],
            series: [
              weekLegend(labels),
              ...SEVERITY_LIST.map(
                (sev): uPlot.Series => ({
                  label: sev,
                  fill: theme.sev[sev] ?? theme.text,
                  stroke: theme.sev[sev] ?? theme.text,
                  width: 0,
                  ...(bars ? { paths: bars } : {}),
                  points: { show: false },
                  value: (_u, _v, _si, i) =>
                    i === null || weeks[i] === undefined ? "—" : count(weeks[i]?.[sev] ?? 0),
                }),
              ),
            ],
          },
        };
      }}
    />
  );
}

/** Nice durations for a log-scale axis, in seconds. */
const DURATION_TICKS = [
  1, 5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14_400, 28_800, 43_200, 86_400, 172_800, 345_600,
  604_800, 1_209_600, 2_592_000,
];

/** Weekly median MTTA and MTTR on a log scale (minutes and hours fit on one axis). */
export function TrendChart({ weeks }: { weeks: readonly TrendWeek[] }) {
  return (
    <UPlotChart
      className="chart-trend"
      height={240}
      deps={[weeks]}
      build={(theme) => {
        const labels = weeks.map((w) => w.week);
        // A log axis cannot show 0: an ack within the same second is drawn at 1 s (the legend says 0s).
        const plot = (v: number | null) => (v === null ? null : Math.max(1, v));
        const mtta = weeks.map((w) => plot(w.mtta_median_seconds));
        const mttr = weeks.map((w) => plot(w.mttr_median_seconds));
        const all = [...mtta, ...mttr].filter((v): v is number => v !== null);
        const lo = all.length ? Math.min(...all) : 60;
        const hi = all.length ? Math.max(...all) : 3600;
        const below = [...DURATION_TICKS].reverse().find((t) => t <= lo) ?? 1;
        const above = DURATION_TICKS.find((t) => t >= hi) ?? hi;
        const line = (label: string, color: string, raw: (w: TrendWeek) => number | null): uPlot.Series => ({
          label,
          stroke: color,
          width: 2,
          spanGaps: true,
          points: { show: true, size: 6, fill: color, stroke: color },
          value: (_u, _v, _si, i) => (i === null || !weeks[i] ? "—" : duration(raw(weeks[i] as TrendWeek))),
        });
        return {
          data: [weeks.map((_, i) => i), mtta, mttr],
          options: {
            legend: { live: true },
            cursor: { drag: { x: false, y: false } },
            scales: {
              x: xScale(weeks.length),
              y: {
                distr: 3,
                log: 10,
                range: () => [below, above === below ? below * 10 : above],
              },
            },
            axes: [
              weekAxis(theme, labels),
              {
                stroke: theme.text,
                font: theme.font,
                grid: { stroke: theme.grid, width: 1 },
                ticks: { show: false },
                size: 52,
                splits: (_u, _i, min, max) => {
                  // At most ~6 ticks, evenly apart on the log axis.
                  const gap = (Math.log10(max) - Math.log10(min)) / 6;
                  const ticks: number[] = [];
                  for (const t of DURATION_TICKS) {
                    if (t < min * 0.999 || t > max * 1.001) continue;
                    const last = ticks[ticks.length - 1];
                    if (last === undefined || Math.log10(t) - Math.log10(last) >= gap * 0.9) ticks.push(t);
                  }
                  return ticks;
                },
                // uPlot's log axes drop ticks that are not 1, 2 or 5 × 10ⁿ: keep all of ours.
                filter: (_u, splits) => splits,
                values: (_u, splits) => splits.map((v) => (v === null ? "" : durationTick(v))),
              },
            ],
            series: [
              weekLegend(labels),
              line("MTTA median", theme.mtta, (w) => w.mtta_median_seconds),
              line("MTTR median", theme.mttr, (w) => w.mttr_median_seconds),
            ],
          },
        };
      }}
    />
  );
}
