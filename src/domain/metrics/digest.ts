/**
 * The weekly digest (docs/metrics.md "Weekly digest") as text: an email subject, a plain-text body, an HTML
 * body and a Slack mrkdwn message, all from one set of figures. Pure: the figures and the week's incidents
 * come in (app/metrics/digest.ts reads them); every piece of text that came from people (titles, service
 * and user names) is escaped for the medium it goes into.
 *
 * The figures' shape is the API's MetricsReport (app/metrics/types.ts) — the parts the digest shows — so the
 * report is passed as it is; the domain cannot import it, so the shape is repeated here and the compiler
 * checks that the two agree where the report is passed in.
 */
import type { Severity } from "../incident/severity.ts";
import { describeLocal } from "../schedule/wall-clock.ts";

interface Share {
  met: number;
  total: number;
  ratio: number | null;
}

interface Durations {
  count: number;
  mean_seconds: number | null;
  median_seconds: number | null;
  p90_seconds: number | null;
}

/** The parts of the metrics report the digest shows (a structural subset of MetricsReport). */
export interface DigestFigures {
  range: { from: string; to: string; days: number };
  response_times: readonly {
    severity: Severity | "all";
    incidents: number;
    mtta: Durations;
    mttr: Durations;
  }[];
  sla: readonly { severity: Severity | "all"; target_minutes: number | null; compliance: Share }[];
  update_compliance: readonly { severity: Severity | "all"; compliance: Share }[];
  postmortem_compliance: readonly {
    severity: Severity | "all";
    compliance: Share;
    late: number;
    missing: number;
  }[];
  action_items: { open: number; overdue: number; done: number };
  alerts: {
    total: number;
    noise: number;
    noise_ratio: number | null;
    by_service: readonly { service: string; alerts: number; noise: number; noise_ratio: number | null }[];
  };
  oncall_load: {
    sent: number;
    off_hours: number;
    failed: number;
    people: readonly { user: string; name: string; sent: number; off_hours: number; failed: number }[];
  };
  uptime: readonly { component: string; uptime_percent: number | null }[];
}

/** One incident of the week, as listed. */
export interface DigestIncident {
  /** "INC-42" */
  id: string;
  title: string;
  severity: string;
  status: string;
  createdAt: Date;
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
  /** Link to the incident in the web UI; null when Foghorn's address is unknown. */
  url: string | null;
}

export interface DigestInput {
  figures: DigestFigures;
  /** The week's incidents, most severe first (at most a page of them). */
  incidents: readonly DigestIncident[];
  /** Incidents of the week not in `incidents` (the list is capped). */
  moreIncidents: number;
  /** Zone the incidents' times are shown in. */
  timeZone: string;
  /** The Insights page for the same days, and the incident list; null when Foghorn's address is unknown. */
  links: { insights: string | null; incidents: string | null };
}

export interface RenderedDigest {
  subject: string;
  text: string;
  html: string;
  /** Slack mrkdwn (chat.postMessage `text`). */
  slack: string;
}

/** Rows shown per list (noisiest services, busiest people, components). */
const TOP = 5;

// ---- numbers -------------------------------------------------------------------------------------------

/** "42s", "4m 12s", "2h 05m", "3d 04h"; "—" for no value. */
export function formatDigestDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return "—";
  const s = Math.max(0, Math.round(seconds));
  const pad = (n: number) => String(n).padStart(2, "0");
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86_400)}d ${pad(Math.floor((s % 86_400) / 3600))}h`;
}

/** "93.5 %"; "—" when nothing was counted. */
export function formatRatio(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return "—";
  return `${(Math.round(ratio * 1000) / 10).toFixed(1)} %`;
}

function share(s: Share): string {
  return s.total === 0 ? "—" : `${formatRatio(s.ratio)} (${s.met} of ${s.total})`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

// ---- the content, once, as neutral parts -----------------------------------------------------------------

interface Table {
  columns: string[];
  rows: string[][];
  /** Columns aligned right (numbers). */
  right: number[];
}

interface Section {
  title: string;
  /** Plain lines (one paragraph each). */
  lines: string[];
  table?: Table;
}

function dayRange(figures: DigestFigures): string {
  const last = new Date(`${figures.range.to}T00:00:00Z`);
  last.setUTCDate(last.getUTCDate() - 1);
  return `${figures.range.from} – ${last.toISOString().slice(0, 10)}`;
}

function totalIncidents(figures: DigestFigures): number {
  return figures.response_times.find((r) => r.severity === "all")?.incidents ?? 0;
}

function summaryLine(figures: DigestFigures): string {
  const total = totalIncidents(figures);
  const bySeverity = figures.response_times
    .filter((r) => r.severity !== "all" && r.incidents > 0)
    .map((r) => `${r.severity} ${r.incidents}`);
  return `${plural(total, "incident")}${bySeverity.length ? ` (${bySeverity.join(", ")})` : ""}`;
}

/** Titles are one line wherever they are shown. */
const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

function incidentLine(incident: DigestIncident): string {
  const since = (at: Date) => formatDigestDuration((at.getTime() - incident.createdAt.getTime()) / 1000);
  const times = [
    incident.acknowledgedAt ? `to acknowledge ${since(incident.acknowledgedAt)}` : null,
    incident.resolvedAt ? `to resolve ${since(incident.resolvedAt)}` : null,
  ].filter(Boolean);
  return times.length ? `${incident.status}; time ${times.join(", ")}` : incident.status;
}

function sections(input: DigestInput): Section[] {
  const { figures } = input;
  const out: Section[] = [];

  const rt = figures.response_times.filter((r) => r.incidents > 0 || r.severity === "all");
  out.push({
    title: "Response times",
    lines: totalIncidents(figures) === 0 ? ["No incidents were declared."] : [],
    ...(totalIncidents(figures) === 0
      ? {}
      : {
          table: {
            columns: ["Severity", "Incidents", "MTTA median", "MTTA p90", "MTTR median", "MTTR p90"],
            right: [1, 2, 3, 4, 5],
            rows: rt.map((r) => [
              r.severity === "all" ? "All" : r.severity,
              String(r.incidents),
              formatDigestDuration(r.mtta.median_seconds),
              formatDigestDuration(r.mtta.p90_seconds),
              formatDigestDuration(r.mttr.median_seconds),
              formatDigestDuration(r.mttr.p90_seconds),
            ]),
          },
        }),
  });

  const all = <T extends { severity: Severity | "all" }>(rows: readonly T[]) =>
    rows.find((r) => r.severity === "all");
  const sla = all(figures.sla);
  const updates = all(figures.update_compliance);
  const postmortems = all(figures.postmortem_compliance);
  const promises: string[] = [
    `Acknowledged within target (SLA): ${sla ? share(sla.compliance) : "—"}`,
    `Status updates on time: ${updates ? share(updates.compliance) : "—"}`,
    `Postmortems published on time: ${postmortems ? share(postmortems.compliance) : "—"}${
      postmortems && (postmortems.late > 0 || postmortems.missing > 0)
        ? `; ${postmortems.late} late, ${postmortems.missing} missing`
        : ""
    }`,
  ];
  const ai = figures.action_items;
  promises.push(`Action items of these incidents: ${ai.open} open (${ai.overdue} overdue), ${ai.done} done`);
  out.push({ title: "Promises kept", lines: promises });

  const alerts = figures.alerts;
  const noisy = [...alerts.by_service].sort((a, b) => b.alerts - a.alerts).slice(0, TOP);
  out.push({
    title: "Alerts",
    lines: [
      alerts.total === 0
        ? "No alerts."
        : `${plural(alerts.total, "alert")}, ${alerts.noise} noise (${formatRatio(alerts.noise_ratio)}: opened no incident)`,
    ],
    ...(noisy.length
      ? {
          table: {
            columns: ["Service", "Alerts", "Noise"],
            right: [1, 2],
            rows: noisy.map((s) => [s.service, String(s.alerts), formatRatio(s.noise_ratio)]),
          },
        }
      : {}),
  });

  const load = figures.oncall_load;
  const busiest = [...load.people].sort((a, b) => b.sent - a.sent).slice(0, TOP);
  out.push({
    title: "On-call load",
    lines: [
      load.sent === 0 && load.failed === 0
        ? "No pages."
        : `${plural(load.sent, "page")} sent, ${load.off_hours} off hours, ${load.failed} failed`,
    ],
    ...(busiest.length
      ? {
          table: {
            columns: ["Person", "Pages", "Off hours"],
            right: [1, 2],
            rows: busiest.map((p) => [p.name || p.user, String(p.sent), String(p.off_hours)]),
          },
        }
      : {}),
  });

  const components = figures.uptime.filter((u) => u.uptime_percent !== null);
  if (components.length) {
    const worst = [...components]
      .sort((a, b) => (a.uptime_percent ?? 100) - (b.uptime_percent ?? 100))
      .slice(0, TOP);
    out.push({
      title: "Uptime",
      lines: [],
      table: {
        columns: ["Component", "Uptime"],
        right: [1],
        rows: worst.map((u) => [u.component, `${(u.uptime_percent ?? 0).toFixed(2)} %`]),
      },
    });
  }
  return out;
}

// ---- text ------------------------------------------------------------------------------------------------

function textTable(table: Table): string[] {
  const widths = table.columns.map((c, i) =>
    Math.max(c.length, ...table.rows.map((r) => (r[i] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) =>
        table.right.includes(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0),
      )
      .join("  ")
      .trimEnd();
  return [line(table.columns), ...table.rows.map(line)];
}

function subject(input: DigestInput): string {
  return `Foghorn weekly digest ${dayRange(input.figures)}: ${summaryLine(input.figures)}`;
}

function renderText(input: DigestInput): string {
  const out: string[] = [
    `Foghorn weekly digest: ${dayRange(input.figures)} (UTC)`,
    "",
    summaryLine(input.figures),
  ];
  for (const section of sections(input)) {
    out.push("", section.title, "-".repeat(section.title.length), ...section.lines);
    if (section.table) out.push(...textTable(section.table).map((l) => `  ${l}`));
  }
  out.push("", "This week's incidents", "---------------------");
  if (input.incidents.length === 0) out.push("None.");
  for (const i of input.incidents) {
    out.push(`${i.id} [${i.severity}] ${oneLine(i.title)}`);
    out.push(
      `  ${describeLocal(i.createdAt, input.timeZone)} · ${incidentLine(i)}${i.url ? ` · ${i.url}` : ""}`,
    );
  }
  if (input.moreIncidents > 0)
    out.push(
      `…and ${plural(input.moreIncidents, "more incident")}${input.links.incidents ? `: ${input.links.incidents}` : ""}`,
    );
  if (input.links.insights) out.push("", `Insights: ${input.links.insights}`);
  return `${out.join("\n")}\n`;
}

// ---- HTML ------------------------------------------------------------------------------------------------

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** Only http(s) links are written as links; anything else is shown as text. */
function safeUrl(url: string | null): string | null {
  return url && /^https?:\/\//i.test(url) ? url : null;
}

const CELL = "padding:4px 10px;border-bottom:1px solid #ddd";

function htmlTable(table: Table): string {
  const cell = (tag: "th" | "td", text: string, i: number) =>
    `<${tag} style="${CELL};text-align:${table.right.includes(i) ? "right" : "left"}">${escapeHtml(text)}</${tag}>`;
  return [
    '<table style="border-collapse:collapse;margin:8px 0">',
    `<thead><tr>${table.columns.map((c, i) => cell("th", c, i)).join("")}</tr></thead>`,
    "<tbody>",
    ...table.rows.map((r) => `<tr>${r.map((c, i) => cell("td", c, i)).join("")}</tr>`),
    "</tbody></table>",
  ].join("\n");
}

function htmlLink(url: string | null, label: string): string {
  const safe = safeUrl(url);
  return safe ? `<a href="${escapeHtml(safe)}">${escapeHtml(label)}</a>` : escapeHtml(label);
}

function renderHtml(input: DigestInput, title: string): string {
  const out: string[] = [
    "<!doctype html>",
    `<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>`,
    '<body style="font-family:sans-serif;color:#1f2328;max-width:760px">',
    `<h2>${escapeHtml(`Foghorn weekly digest: ${dayRange(input.figures)} (UTC)`)}</h2>`,
    `<p><strong>${escapeHtml(summaryLine(input.figures))}</strong></p>`,
  ];
  for (const section of sections(input)) {
    out.push(`<h3>${escapeHtml(section.title)}</h3>`);
    for (const line of section.lines) out.push(`<p>${escapeHtml(line)}</p>`);
    if (section.table) out.push(htmlTable(section.table));
  }
  out.push(`<h3>${escapeHtml("This week's incidents")}</h3>`);
  if (input.incidents.length === 0) out.push("<p>None.</p>");
  else {
    out.push("<ul>");
    for (const i of input.incidents)
      out.push(
        `<li>${htmlLink(i.url, i.id)} <strong>[${escapeHtml(i.severity)}]</strong> ${escapeHtml(oneLine(i.title))}<br>` +
          `<small>${escapeHtml(`${describeLocal(i.createdAt, input.timeZone)} · ${incidentLine(i)}`)}</small></li>`,
      );
    out.push("</ul>");
  }
  if (input.moreIncidents > 0)
    out.push(
      `<p>${htmlLink(input.links.incidents, `…and ${plural(input.moreIncidents, "more incident")}`)}</p>`,
    );
  if (input.links.insights)
    out.push(`<p>${htmlLink(input.links.insights, "Open these figures in Insights")}</p>`);
  out.push("</body></html>");
  return `${out.join("\n")}\n`;
}

// ---- Slack mrkdwn ----------------------------------------------------------------------------------------

/** Slack's three control characters (https://api.slack.com/reference/surfaces/formatting#escaping). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function mrkdwnLink(url: string | null, label: string): string {
  const safe = safeUrl(url);
  if (!safe) return escapeMrkdwn(label);
  return `<${safe.replace(/\|/g, "%7C").replace(/>/g, "%3E").replace(/</g, "%3C")}|${escapeMrkdwn(label)}>`;
}

function renderSlack(input: DigestInput): string {
  const out: string[] = [
    `*${escapeMrkdwn(`Foghorn weekly digest: ${dayRange(input.figures)} (UTC)`)}*`,
    escapeMrkdwn(summaryLine(input.figures)),
  ];
  for (const section of sections(input)) {
    out.push("", `*${escapeMrkdwn(section.title)}*`, ...section.lines.map(escapeMrkdwn));
    if (section.table) out.push(`\`\`\`\n${textTable(section.table).map(escapeMrkdwn).join("\n")}\n\`\`\``);
  }
  out.push("", `*${escapeMrkdwn("This week's incidents")}*`);
  if (input.incidents.length === 0) out.push("None.");
  for (const i of input.incidents)
    out.push(
      `• ${mrkdwnLink(i.url, i.id)} [${escapeMrkdwn(i.severity)}] ${escapeMrkdwn(oneLine(i.title))} — ${escapeMrkdwn(incidentLine(i))}`,
    );
  if (input.moreIncidents > 0)
    out.push(mrkdwnLink(input.links.incidents, `…and ${plural(input.moreIncidents, "more incident")}`));
  if (input.links.insights) out.push("", mrkdwnLink(input.links.insights, "Open these figures in Insights"));
  return out.join("\n");
}

/** The digest in every medium. */
export function renderDigest(input: DigestInput): RenderedDigest {
  const title = subject(input);
  return {
    subject: title,
    text: renderText(input),
    html: renderHtml(input, title),
    slack: renderSlack(input),
  };
}
