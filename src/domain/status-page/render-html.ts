/**
 * The status page's HTML (server-rendered, works without JavaScript, light and dark). Every value is
 * HTML-escaped by one function (format.ts `escapeHtml`), attributes included; URLs reach an href or src
 * only when they are http(s); the brand colour only as "#rrggbb". Nothing from the data is ever put in a
 * script (there are none), a style or an event attribute.
 *
 * Styles are two inline <style> elements: `statusPageCss` (the same for every page) and the page's brand
 * colours (`brandCss`). `statusPageStyles(page)` lists both and `statusPageCsp(page)` builds the
 * Content-Security-Policy that allows exactly them by their sha256.
 */
import { createHash } from "node:crypto";
import {
  escapeHtml as esc,
  formatLocalDate,
  formatPercent,
  PageTime,
  safeColor,
  safeHttpUrl,
  statusLabel,
  updateLabel,
} from "./format.ts";
import { isUnresolved } from "./status.ts";
import { maintenanceUpdates, pageStatus } from "./statuspage-json.ts";
import type {
  ComponentData,
  IncidentData,
  MaintenanceData,
  PageInfo,
  StatusData,
  UpdateData,
  UptimeDay,
} from "./types.ts";
import { localDays } from "./uptime.ts";

export interface RenderOptions {
  /** "/status" when served under the product, "" on the status domain and in exports. */
  base: string;
}

export interface MessagePageOptions {
  /** "/status" when served under the product, "" on the status domain and in exports. */
  base: string;
  /** <title> and <h1>. */
  title: string;
  /** Plain-text paragraphs (escaped). */
  paragraphs: readonly string[];
  /** An optional one-button form (POST), e.g. "Unsubscribe". */
  form?: { action: string; button: string; hidden?: Readonly<Record<string, string>> };
}

// ---------------------------------------------------------------------------------------------------------
// Styles

/** The page's stylesheet: the same bytes on every page (its sha256 goes into the CSP). */
export const statusPageCss = `
:root{color-scheme:light dark;--bg:#f6f8fa;--surface:#fff;--text:#1f2328;--muted:#59636e;--border:#d1d9e0;
--soft:#eef1f4;--ok:#1a7f37;--minor:#9a6700;--partial:#bc4c00;--major:#cf222e;--maint:#0969da;
--bar-ok:#2da44e;--bar-minor:#d4a72c;--bar-partial:#e16f24;--bar-major:#cf222e;--bar-maint:#218bff;--bar-none:#d1d9e0;
--shadow:0 1px 2px rgba(31,35,40,.06),0 1px 3px rgba(31,35,40,.08);--link:#0969da}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--surface:#151b23;--text:#e6edf3;--muted:#9198a1;
--border:#3d444d;--soft:#212830;--ok:#3fb950;--minor:#d29922;--partial:#db6d28;--major:#f85149;--maint:#4493f8;
--bar-ok:#2ea043;--bar-minor:#bb8009;--bar-partial:#bd561d;--bar-major:#da3633;--bar-maint:#1f6feb;--bar-none:#3d444d;
--shadow:0 0 0 1px rgba(0,0,0,.2);--link:#4493f8}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--text);font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
a{color:var(--link)}
a:focus-visible,button:focus-visible,input:focus-visible,summary:focus-visible{outline:3px solid var(--link);outline-offset:2px;border-radius:4px}
.visually-hidden{position:absolute!important;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.skip{position:absolute;left:-9999px;top:0}
.skip:focus{left:1rem;top:1rem;background:var(--surface);padding:.5rem 1rem;z-index:10}
.wrap{max-width:880px;margin:0 auto;padding:0 1.25rem}
.site-header{border-top:4px solid var(--brand);background:var(--surface);border-bottom:1px solid var(--border)}
.site-header .wrap{display:flex;align-items:center;justify-content:space-between;gap:1rem;min-height:4.5rem;flex-wrap:wrap}
.brand{display:flex;align-items:center;gap:.75rem;color:var(--text);text-decoration:none;font-weight:650;font-size:1.25rem;min-width:0}
.brand img{max-height:40px;max-width:200px;display:block}
.brand span{overflow-wrap:anywhere}
.button{display:inline-block;background:var(--brand);color:var(--on-brand);border:0;border-radius:6px;padding:.55rem 1rem;font:inherit;font-weight:600;text-decoration:none;cursor:pointer}
.button:hover{filter:brightness(1.08)}
main{padding:2rem 0 3rem}
section{margin:0 0 2.25rem}
h1,h2,h3{line-height:1.25;overflow-wrap:anywhere}
h2{font-size:1.15rem;margin:0 0 .75rem;font-weight:650}
.banner{display:flex;align-items:center;gap:.85rem;border-radius:10px;padding:1.1rem 1.35rem;color:#fff;box-shadow:var(--shadow);margin:0 0 2.25rem}
.banner h1{font-size:1.3rem;margin:0;font-weight:650}
.banner svg{flex:none}
.banner-none{background:#1a7f37}.banner-minor{background:#9a6700}.banner-major{background:#bc4c00}
.banner-critical{background:#cf222e}.banner-maintenance{background:#0969da}
.card{background:var(--surface);border:1px solid var(--border);border-radius:10px;box-shadow:var(--shadow)}
.notice{padding:1.1rem 1.35rem;margin:0 0 1rem;border-left:5px solid var(--border)}
.notice h3{margin:0 0 .35rem;font-size:1.1rem}
.notice h3 a{color:inherit}
.impact-critical{border-left-color:var(--major)}.impact-major{border-left-color:var(--partial)}
.impact-minor{border-left-color:var(--minor)}.impact-none{border-left-color:var(--border)}
.impact-maintenance{border-left-color:var(--maint)}
.meta{color:var(--muted);font-size:.875rem;margin:.15rem 0}
.updates{list-style:none;margin:.75rem 0 0;padding:0}
.updates li{padding:.6rem 0;border-top:1px solid var(--soft)}
.updates li:first-child{border-top:0}
.notice>.updates:first-child{margin-top:0}
.notice>.updates:first-child>li:first-child{padding-top:0}
.updates .label{font-weight:650}
.text p{margin:.2rem 0}
.components{list-style:none;margin:0;padding:0}
.components>li{border-top:1px solid var(--border);padding:1rem 1.35rem}
.components>li:first-child{border-top:0}
.row{display:flex;justify-content:space-between;align-items:baseline;gap:1rem}
.row .name{font-weight:600;overflow-wrap:anywhere}
.desc{display:block;color:var(--muted);font-size:.85rem;font-weight:400}
.status{white-space:nowrap;font-size:.9rem;font-weight:600}
.status::before{content:"";display:inline-block;width:.6rem;height:.6rem;border-radius:50%;margin-right:.4rem;background:currentColor;vertical-align:.05rem}
.s-operational{color:var(--ok)}.s-degraded_performance{color:var(--minor)}.s-partial_outage{color:var(--partial)}
.s-major_outage{color:var(--major)}.s-under_maintenance{color:var(--maint)}
details.group>summary{cursor:pointer;list-style:none}
details.group>summary::-webkit-details-marker{display:none}
details.group>summary .name::before{content:"+";display:inline-block;width:1.1rem;color:var(--muted);font-weight:700}
details.group[open]>summary .name::before{content:"−"}
.children{list-style:none;margin:.75rem 0 0 1.1rem;padding:0}
.children>li{padding:.75rem 0;border-top:1px solid var(--soft)}
.bars{display:flex;gap:2px;list-style:none;margin:.75rem 0 .35rem;padding:0;height:34px}
.bars li{flex:1;position:relative;border-radius:2px;background:var(--bar-ok);min-width:2px}
.bars li:hover{opacity:.75}
.bars .b-none{background:var(--bar-none)}.bars .b-degraded_performance{background:var(--bar-minor)}
.bars .b-partial_outage{background:var(--bar-partial)}.bars .b-major_outage{background:var(--bar-major)}
.bars .b-under_maintenance{background:var(--bar-maint)}
.bars i{font-style:normal;position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.bars li:hover i{clip:auto;width:15rem;height:auto;overflow:visible;white-space:normal;bottom:calc(100% + 8px);left:50%;transform:translateX(-50%);z-index:5;background:var(--surface);color:var(--text);border:1px solid var(--border);border-radius:8px;padding:.55rem .7rem;font-size:.8rem;line-height:1.4;box-shadow:0 4px 12px rgba(0,0,0,.18);opacity:1}
.bars li:nth-child(-n+12):hover i{left:0;transform:none}
.bars li:nth-last-child(-n+12):hover i{left:auto;right:0;transform:none}
.bars b{display:block}
.scale{display:flex;justify-content:space-between;gap:1rem;color:var(--muted);font-size:.8rem}
.scale>span{white-space:nowrap}
.scale .rule{flex:1;border-bottom:1px solid var(--border);margin-bottom:.45rem}
.d30,.d60{display:none}
@media (max-width:720px){.bars li:nth-child(-n+30){display:none}.d90{display:none}.d60{display:inline}}
@media (max-width:480px){.bars li:nth-child(-n+60){display:none}.d60{display:none}.d30{display:inline}.d90{display:none}}
.legend{color:var(--muted);font-size:.85rem;margin:-.35rem 0 .75rem}
.history h3{font-size:.95rem;margin:1.1rem 0 .35rem;padding-bottom:.3rem;border-bottom:1px solid var(--border)}
.history ul{list-style:none;margin:0;padding:0}
.history li{margin:.4rem 0 .8rem}
.history li>a{font-weight:650}
.history .text{margin:.15rem 0}
.quiet{color:var(--muted);margin:.25rem 0;font-size:.9rem}
.subscribe{padding:1.25rem 1.35rem}
.subscribe label{display:block;font-weight:600;margin-bottom:.3rem}
.subscribe .field{display:flex;gap:.5rem;flex-wrap:wrap}
.subscribe input[type=email]{flex:1;min-width:14rem;font:inherit;padding:.5rem .7rem;border:1px solid var(--border);border-radius:6px;background:var(--bg);color:var(--text)}
.subscribe fieldset{border:0;margin:1rem 0 0;padding:0}
.subscribe legend{font-weight:600;padding:0;margin-bottom:.3rem}
.subscribe .checks{display:grid;grid-template-columns:repeat(auto-fill,minmax(13rem,1fr));gap:.25rem 1rem}
.subscribe .checks label{font-weight:400;display:flex;gap:.45rem;align-items:baseline;margin:0}
.postmortem{padding:1.1rem 1.35rem}
.postmortem h3{font-size:1rem;margin:1rem 0 .25rem}
.back{display:inline-block;margin-bottom:1rem}
.page-title{font-size:1.6rem;margin:0 0 .35rem}
.message{padding:1.5rem 1.35rem}
.message h1{margin-top:0;font-size:1.4rem}
.message form{margin:1rem 0}
footer{border-top:1px solid var(--border);color:var(--muted);font-size:.875rem;padding:1.5rem 0 2.5rem}
footer ul{list-style:none;margin:0 0 .75rem;padding:0;display:flex;flex-wrap:wrap;gap:.4rem 1.25rem}
footer p{margin:.25rem 0}
footer a{color:var(--muted)}
`.trim();

/** Black or white, whichever reads better on the brand colour. */
function textOn(color: string): string {
  const channel = (i: number) => {
    const v = Number.parseInt(color.slice(i, i + 2), 16) / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) ? "#000000" : "#ffffff";
}

/** The page's brand colours as CSS (the colour is validated as #rrggbb first). */
export function brandCss(page: Pick<PageInfo, "brandColor">): string {
  const brand = safeColor(page.brandColor);
  return `:root{--brand:${brand};--on-brand:${textOn(brand)}}`;
}

/** The contents of every <style> element on this page's HTML, in order (for the CSP hashes). */
export function statusPageStyles(page: Pick<PageInfo, "brandColor">): string[] {
  return [statusPageCss, brandCss(page)];
}

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

/**
 * The Content-Security-Policy for the status page's HTML: no scripts at all, exactly the page's two
 * style elements, images from anywhere over http(s) (the logo), forms posting back to the same origin.
 */
export function statusPageCsp(page: Pick<PageInfo, "brandColor">): string {
  return [
    "default-src 'none'",
    `style-src ${statusPageStyles(page).map(sha256).join(" ")}`,
    "img-src https: http: data:",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

// ---------------------------------------------------------------------------------------------------------
// Pieces

const ICONS: Record<string, string> = {
  none: '<path d="M20 6 9 17l-5-5"/>',
  maintenance:
    '<path d="M14.7 6.3a1 1 0 0 0 0 1.4l1.6 1.6a1 1 0 0 0 1.4 0l3.8-3.8a6 6 0 0 1-7.9 7.9l-6.9 6.9a2.1 2.1 0 0 1-3-3l6.9-6.9a6 6 0 0 1 7.9-7.9z"/>',
  other: '<path d="M12 8v5"/><path d="M12 16.5v.01"/><circle cx="12" cy="12" r="9.5"/>',
};

function icon(kind: string): string {
  const path = ICONS[kind] ?? ICONS.other;
  return `<svg aria-hidden="true" width="26" height="26" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round">${path}</svg>`;
}

/** Plain text as paragraphs (blank lines) with line breaks, every character escaped. */
function textBlock(text: string): string {
  const paragraphs = text
    .replace(/\r\n?/g, "\n")
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== "");
  return paragraphs.map((p) => `<p>${p.split("\n").map(esc).join("<br>")}</p>`).join("\n");
}

/**
 * A postmortem's markdown shown as text: headings ("# …") become headings, everything else escaped
 * paragraphs with line breaks. No markdown is turned into HTML.
 */
function postmortemBlock(markdown: string): string {
  const out: string[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length) out.push(`<p>${paragraph.map(esc).join("<br>")}</p>`);
    paragraph = [];
  };
  for (const raw of markdown.replace(/\r\n?/g, "\n").split("\n")) {
    const line = raw.trimEnd();
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      out.push(`<h3>${esc(heading[1])}</h3>`);
    } else if (line.trim() === "") flush();
    else paragraph.push(line);
  }
  flush();
  return out.join("\n");
}

function timeTag(at: Date, t: PageTime, text = t.dateTime(at)): string {
  return `<time datetime="${esc(at.toISOString())}">${esc(text)}</time>`;
}

function homeHref(base: string): string {
  return base || "/";
}
const incidentHref = (base: string, id: string) => `${base}/incidents/${encodeURIComponent(id)}`;
const maintenanceHref = (base: string, id: string) => `${base}/maintenances/${encodeURIComponent(id)}`;

function head(page: PageInfo, title: string): string {
  const [css, brand] = statusPageStyles(page);
  return (
    `<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="color-scheme" content="light dark"><title>${esc(title)}</title>` +
    `<link rel="alternate" type="application/rss+xml" title="${esc(`${page.name} status history (RSS)`)}" href="/history.rss">` +
    `<link rel="alternate" type="application/atom+xml" title="${esc(`${page.name} status history (Atom)`)}" href="/history.atom">` +
    `\n<style>${css}</style>\n<style>${brand}</style>\n</head>`
  );
}

function header(page: PageInfo, base: string, subscribeLink: boolean): string {
  const logo = safeHttpUrl(page.logoUrl);
  const brand = logo
    ? `<img src="${esc(logo)}" alt="${esc(page.name)}"><span class="visually-hidden"> status</span>`
    : `<span>${esc(page.name)}</span>`;
  const subscribe = subscribeLink ? `<a class="button" href="#subscribe">Subscribe to updates</a>` : "";
  return `<header class="site-header"><div class="wrap"><a class="brand" href="${esc(homeHref(base))}">${brand}</a>${subscribe}</div></header>\n`;
}

function footer(page: PageInfo, t: PageTime, generatedAt: Date | null): string {
  const links = page.footerLinks
    .map((l) => {
      const href = safeHttpUrl(l.url);
      return href ? `<li><a href="${esc(href)}">${esc(l.label)}</a></li>` : `<li>${esc(l.label)}</li>`;
    })
    .join("\n");
  const updated = generatedAt ? `<p>Last updated ${timeTag(generatedAt, t)}.</p>` : "";
  return (
    `\n<footer><div class="wrap">${links ? `<nav aria-label="Footer"><ul>${links}</ul></nav>` : ""}` +
    `${updated}<p>Times are in ${esc(t.timeZone)}. History as <a href="/history.rss">RSS</a> or <a href="/history.atom">Atom</a>. ` +
    `Also as <a href="/api/v2/summary.json">JSON</a>. Powered by Foghorn.</p></div></footer>`
  );
}

function document(page: PageInfo, title: string, body: string): string {
  return `<!doctype html>\n<html lang="en">\n${head(page, title)}\n<body>\n<a class="skip" href="#main">Skip to content</a>\n${body}\n</body>\n</html>\n`;
}

function componentNames(data: StatusData, ids: readonly string[]): string[] {
  const byId = new Map(data.components.map((c) => [c.id, c.name]));
  return ids.flatMap((id) => {
    const name = byId.get(id);
    return name === undefined ? [] : [name];
  });
}

function affects(data: StatusData, ids: readonly string[], past: boolean): string {
  const names = componentNames(data, ids);
  if (names.length === 0) return "";
  return `<p class="meta">${past ? "This affected" : "This affects"}: ${names.map(esc).join(", ")}.</p>`;
}

function updatesList(updates: readonly UpdateData[], t: PageTime): string {
  if (updates.length === 0) return "";
  const items = updates
    .map(
      (u) =>
        `<li><span class="label">${esc(updateLabel(u.status))}</span> <span class="meta">${timeTag(u.createdAt, t)}</span>` +
        `<div class="text">${textBlock(u.body)}</div></li>`,
    )
    .join("\n");
  return `<ol class="updates">${items}</ol>`;
}

function respondersLine(page: PageInfo, incident: IncidentData): string {
  if (!page.showResponders || !incident.responders || incident.responders.length === 0) return "";
  return `<p class="meta">Responders: ${incident.responders.map(esc).join(", ")}.</p>`;
}

function impactText(impact: string): string {
  if (impact === "critical") return "Critical impact";
  if (impact === "major") return "Major impact";
  if (impact === "minor") return "Minor impact";
  if (impact === "maintenance") return "Maintenance";
  return "No impact";
}

function activeIncident(data: StatusData, i: IncidentData, t: PageTime, base: string): string {
  return (
    `<article class="card notice impact-${esc(i.impact)}" aria-labelledby="inc-${esc(i.id)}">` +
    `<h3 id="inc-${esc(i.id)}"><a href="${esc(incidentHref(base, i.id))}">${esc(i.name)}</a></h3>` +
    `<p class="meta">${esc(impactText(i.impact))} · ${esc(updateLabel(i.status))} · started ${timeTag(i.startedAt, t)}</p>` +
    affects(data, i.componentIds, false) +
    respondersLine(data.page, i) +
    updatesList(i.updates, t) +
    `</article>`
  );
}

function maintenanceCard(data: StatusData, m: MaintenanceData, t: PageTime, base: string): string {
  const state = m.status === "scheduled" ? "Scheduled" : updateLabel(m.status);
  return (
    `<article class="card notice impact-maintenance" aria-labelledby="mnt-${esc(m.id)}">` +
    `<h3 id="mnt-${esc(m.id)}"><a href="${esc(maintenanceHref(base, m.id))}">${esc(m.name)}</a></h3>` +
    `<p class="meta">${esc(state)} · ${esc(t.range(m.scheduledFor, m.scheduledUntil))}</p>` +
    affects(data, m.componentIds, false) +
    (m.body.trim() ? `<div class="text">${textBlock(m.body)}</div>` : "") +
    updatesList(m.updates, t) +
    `</article>`
  );
}

function duration(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h} h ${m} min` : `${h} h`;
}

function dayText(day: UptimeDay): string {
  const parts = [formatLocalDate(day.date)];
  if (day.uptime === null) parts.push("No data");
  else {
    parts.push(`${formatPercent(day.uptime)} uptime`);
    const down: string[] = [];
    if (day.majorSeconds > 0) down.push(`major outage ${duration(day.majorSeconds)}`);
    if (day.partialSeconds > 0) down.push(`partial outage ${duration(day.partialSeconds)}`);
    if (down.length) parts.push(down.join(", "));
    else if (day.worst && day.worst !== "operational") parts.push(statusLabel(day.worst));
    else parts.push("No downtime");
  }
  if (day.incidents.length) parts.push(`Incidents: ${day.incidents.map((i) => i.name).join("; ")}`);
  return parts.join(". ");
}

function uptimeBar(c: ComponentData): string {
  if (!c.showcase || c.uptime.length === 0) return "";
  const days = c.uptime
    .map((d) => {
      // Kept short: 90 of these per component are most of the page's bytes. Operational is the default
      // colour (no class); the tooltip is an <i> shown on hover, and its text is there for screen readers.
      const worst = d.uptime === null ? "none" : (d.worst ?? "operational");
      const cls = worst === "operational" ? "" : ` class="b-${esc(worst)}"`;
      const [first, ...rest] = dayText(d).split(". ");
      return `<li${cls}><i><b>${esc(first)}</b>${esc(rest.join(". "))}</i></li>`;
    })
    .join("");
  const total = c.uptime90 === null ? "No data" : `${formatPercent(c.uptime90)} uptime`;
  const n = c.uptime.length;
  return (
    `<ol class="bars" aria-label="${esc(`${c.name}: uptime per day over the past ${n} days`)}">${days}</ol>` +
    `<div class="scale" aria-hidden="true"><span><span class="d90">${n} days ago</span><span class="d60">${Math.min(n, 60)} days ago</span><span class="d30">${Math.min(n, 30)} days ago</span></span>` +
    `<span class="rule"></span><span>${esc(total)}</span><span class="rule"></span><span>Today</span></div>` +
    `<p class="visually-hidden">${esc(`${c.name}: ${total} over the past ${n} days.`)}</p>`
  );
}

function componentRow(c: ComponentData): string {
  const desc = c.description ? `<span class="desc">${esc(c.description)}</span>` : "";
  return (
    `<div class="row"><span class="name">${esc(c.name)}${desc}</span>` +
    `<span class="status s-${esc(c.status)}">${esc(statusLabel(c.status))}</span></div>${uptimeBar(c)}`
  );
}

const visible = (c: ComponentData) => !(c.onlyShowIfDegraded && c.status === "operational");

/** The top level in display order, each group with its visible children. */
function visibleTree(data: StatusData): { component: ComponentData; children: ComponentData[] }[] {
  const byId = new Map(data.components.map((c) => [c.id, c]));
  const top = data.components.filter((c) => !c.groupId || !byId.get(c.groupId)?.isGroup);
  return top.flatMap((c) => {
    if (!visible(c)) return [];
    if (!c.isGroup) return [{ component: c, children: [] }];
    const ids = c.childIds.length
      ? c.childIds
      : data.components.filter((x) => x.groupId === c.id).map((x) => x.id);
    const children = ids.flatMap((id) => {
      const child = byId.get(id);
      return child && !child.isGroup && visible(child) ? [child] : [];
    });
    return children.length ? [{ component: c, children }] : [];
  });
}

function componentsSection(data: StatusData): string {
  const tree = visibleTree(data);
  if (tree.length === 0) return "";
  const anyBars = data.components.some((c) => c.showcase && c.uptime.length > 0);
  const items = tree
    .map(({ component: c, children }) => {
      if (!c.isGroup) return `<li>${componentRow(c)}</li>`;
      const kids = children.map((k) => `<li>${componentRow(k)}</li>`).join("\n");
      const desc = c.description ? `<span class="desc">${esc(c.description)}</span>` : "";
      return (
        `<li><details class="group" open><summary><span class="row"><span class="name">${esc(c.name)}${desc}</span>` +
        `<span class="status s-${esc(c.status)}">${esc(statusLabel(c.status))}</span></span></summary>` +
        `<ul class="children" aria-label="${esc(`Components of ${c.name}`)}">${kids}</ul></details></li>`
      );
    })
    .join("\n");
  const legend = anyBars
    ? `<p class="legend">Uptime over the past 90 days: each bar is one day, coloured by the worst status that day.</p>`
    : "";
  return `<section aria-labelledby="h-components"><h2 id="h-components">Components</h2>${legend}<ul class="components card">${items}</ul></section>`;
}

interface HistoryItem {
  kind: "incident" | "maintenance";
  id: string;
  name: string;
  impact: string;
  at: Date;
  end: Date | null;
  latest: UpdateData | undefined;
  status: string;
}

function historyItems(data: StatusData): HistoryItem[] {
  const items: HistoryItem[] = [
    ...data.incidents.map(
      (i): HistoryItem => ({
        kind: "incident",
        id: i.id,
        name: i.name,
        impact: i.impact,
        at: i.startedAt,
        end: i.resolvedAt,
        latest: i.updates[0],
        status: i.status,
      }),
    ),
    ...data.maintenances
      .filter((m) => m.scheduledFor.getTime() <= data.generatedAt.getTime())
      .map(
        (m): HistoryItem => ({
          kind: "maintenance",
          id: m.id,
          name: m.name,
          impact: "maintenance",
          at: m.scheduledFor,
          end: m.status === "completed" ? (m.resolvedAt ?? m.scheduledUntil) : null,
          latest: maintenanceUpdates(m)[0],
          status: m.status,
        }),
      ),
  ];
  return items.sort((a, b) => b.at.getTime() - a.at.getTime() || a.id.localeCompare(b.id));
}

function historyEntry(item: HistoryItem, t: PageTime, base: string): string {
  const href = item.kind === "incident" ? incidentHref(base, item.id) : maintenanceHref(base, item.id);
  const latest = item.latest;
  let excerpt = "";
  if (latest) {
    const body = latest.body.replace(/\s+/g, " ").trim();
    const short = body.length > 280 ? `${body.slice(0, 279)}…` : body;
    excerpt = `<p class="text"><span class="label">${esc(updateLabel(latest.status))}</span> – ${esc(short)}</p>`;
  }
  const when = item.end ? `${t.dateTime(item.at)} – ${t.dateTime(item.end)}` : `Since ${t.dateTime(item.at)}`;
  return (
    `<li><a href="${esc(href)}">${esc(item.name)}</a>${excerpt}` +
    `<p class="meta">${esc(impactText(item.impact))} · ${esc(updateLabel(item.status))} · ${esc(when)}</p></li>`
  );
}

const HISTORY_DAYS = 14;

function historySection(data: StatusData, t: PageTime, base: string): string {
  const items = historyItems(data);
  const days = localDays(data.generatedAt, t.timeZone, HISTORY_DAYS).reverse();
  const first = days.at(-1)?.start ?? 0;
  const blocks = days.map((d) => {
    const onDay = items.filter((i) => i.at.getTime() >= d.start && i.at.getTime() < d.end);
    const list = onDay.length
      ? `<ul>${onDay.map((i) => historyEntry(i, t, base)).join("\n")}</ul>`
      : `<p class="quiet">No incidents reported.</p>`;
    return `<h3>${esc(formatLocalDate(d.date))}</h3>${list}`;
  });
  const earlier = items.filter((i) => i.at.getTime() < first);
  if (earlier.length)
    blocks.push(`<h3>Earlier</h3><ul>${earlier.map((i) => historyEntry(i, t, base)).join("\n")}</ul>`);
  return `<section class="history" aria-labelledby="h-history"><h2 id="h-history">Past incidents</h2>${blocks.join("\n")}</section>`;
}

function subscribeSection(data: StatusData, base: string): string {
  const feeds = `<a href="/history.rss">RSS</a> or <a href="/history.atom">Atom</a> feed`;
  if (data.page.emailSubscriptions === false)
    return (
      `<section id="subscribe" aria-labelledby="h-subscribe"><h2 id="h-subscribe">Get updates</h2>` +
      `<p class="card subscribe">Follow the ${feeds}, or read <a href="/api/v2/summary.json">the JSON</a>.</p></section>`
    );
  const components = data.components.filter((c) => !c.isGroup);
  const checks = components.length
    ? `<fieldset><legend>Only for these components (optional; none ticked: all)</legend><div class="checks">${components
        .map(
          (c) =>
            `<label><input type="checkbox" name="component_ids" value="${esc(c.id)}"> ${esc(c.name)}</label>`,
        )
        .join("\n")}</div></fieldset>`
    : "";
  return (
    `<section id="subscribe" aria-labelledby="h-subscribe"><h2 id="h-subscribe">Get updates</h2>` +
    `<form class="card subscribe" method="post" action="${esc(`${base}/subscribe`)}">` +
    `<label for="subscribe-email">Email address</label><div class="field">` +
    `<input type="email" id="subscribe-email" name="email" required autocomplete="email" placeholder="you@example.com">` +
    `<button class="button" type="submit">Subscribe</button></div>${checks}` +
    `<p class="meta">We send a confirmation link first; every email has a one-click unsubscribe link. ` +
    `Or follow the ${feeds}.</p></form></section>`
  );
}

// ---------------------------------------------------------------------------------------------------------
// Pages

/** The status page itself. */
export function renderStatusPage(data: StatusData, opts: RenderOptions): string {
  const { page } = data;
  const t = new PageTime(page.timeZone);
  const status = pageStatus(data);
  const activeMaintenance = data.maintenances.filter(
    (m) => m.status === "in_progress" || m.status === "verifying",
  );
  const bannerKind =
    status.indicator === "none" && activeMaintenance.length > 0 ? "maintenance" : status.indicator;
  const banner =
    `<div class="banner banner-${esc(bannerKind)}">${icon(bannerKind === "none" || bannerKind === "maintenance" ? bannerKind : "other")}` +
    `<h1>${esc(status.description)}</h1></div>`;

  const unresolved = data.incidents.filter((i) => isUnresolved(i.status));
  const incidents = unresolved.length
    ? `<section aria-labelledby="h-active"><h2 id="h-active">Active incidents</h2>${unresolved
        .map((i) => activeIncident(data, i, t, opts.base))
        .join("\n")}</section>`
    : "";

  const byStart = (a: MaintenanceData, b: MaintenanceData) =>
    a.scheduledFor.getTime() - b.scheduledFor.getTime();
  const upcoming = data.maintenances.filter((m) => m.status === "scheduled").sort(byStart);
  const maintenance = [
    activeMaintenance.length
      ? `<section aria-labelledby="h-maint-active"><h2 id="h-maint-active">Maintenance in progress</h2>${[
          ...activeMaintenance,
        ]
          .sort(byStart)
          .map((m) => maintenanceCard(data, m, t, opts.base))
          .join("\n")}</section>`
      : "",
    upcoming.length
      ? `<section aria-labelledby="h-maint-upcoming"><h2 id="h-maint-upcoming">Scheduled maintenance</h2>${upcoming
          .map((m) => maintenanceCard(data, m, t, opts.base))
          .join("\n")}</section>`
      : "",
  ]
    .filter((s) => s !== "")
    .join("\n");

  const body =
    header(page, opts.base, true) +
    `<main id="main"><div class="wrap">\n${[
      banner,
      incidents,
      maintenance,
      componentsSection(data),
      historySection(data, t, opts.base),
      subscribeSection(data, opts.base),
    ]
      .filter((s) => s !== "")
      .join("\n")}\n</div></main>\n` +
    footer(page, t, data.generatedAt);
  return document(page, `${page.name} Status`, body);
}

/** One incident's page; null when the data has no incident with that id. */
export function renderIncidentPage(data: StatusData, incidentId: string, opts: RenderOptions): string | null {
  const i = data.incidents.find((x) => x.id === incidentId);
  if (!i) return null;
  const { page } = data;
  const t = new PageTime(page.timeZone);
  const resolved = !isUnresolved(i.status);
  const postmortem = i.postmortem
    ? `<section aria-labelledby="h-postmortem"><h2 id="h-postmortem">Postmortem</h2><div class="card postmortem">` +
      `<p class="meta">Published ${timeTag(i.postmortem.publishedAt, t)}</p>${postmortemBlock(i.postmortem.body)}</div></section>`
    : "";
  const when = i.resolvedAt
    ? `${t.dateTime(i.startedAt)} – ${t.dateTime(i.resolvedAt)}`
    : `Since ${t.dateTime(i.startedAt)}`;
  const body =
    header(page, opts.base, false) +
    `<main id="main"><div class="wrap"><a class="back" href="${esc(homeHref(opts.base))}">← ${esc(page.name)} status</a>` +
    `<article aria-labelledby="h-incident"><h1 class="page-title" id="h-incident">${esc(i.name)}</h1>` +
    `<p class="meta">${esc(impactText(i.impact))} · ${esc(updateLabel(i.status))} · ${esc(when)}</p>` +
    affects(data, i.componentIds, resolved) +
    respondersLine(page, i) +
    (i.postmortem ? `<p><a href="#h-postmortem">Postmortem</a></p>` : "") +
    `<section aria-labelledby="h-updates"><h2 id="h-updates">Updates</h2><div class="card notice impact-${esc(i.impact)}">` +
    (updatesList(i.updates, t) || `<p class="quiet">No updates yet.</p>`) +
    `</div></section>${postmortem}</article></div></main>` +
    footer(page, t, data.generatedAt);
  return document(page, `${i.name} · ${page.name} Status`, body);
}

/** One scheduled maintenance's page; null when the data has no maintenance with that id. */
export function renderMaintenancePage(data: StatusData, id: string, opts: RenderOptions): string | null {
  const m = data.maintenances.find((x) => x.id === id);
  if (!m) return null;
  const { page } = data;
  const t = new PageTime(page.timeZone);
  const body =
    header(page, opts.base, false) +
    `<main id="main"><div class="wrap"><a class="back" href="${esc(homeHref(opts.base))}">← ${esc(page.name)} status</a>` +
    `<article aria-labelledby="h-maintenance"><h1 class="page-title" id="h-maintenance">${esc(m.name)}</h1>` +
    `<p class="meta">Scheduled maintenance · ${esc(updateLabel(m.status))} · ${esc(t.range(m.scheduledFor, m.scheduledUntil))}</p>` +
    affects(data, m.componentIds, m.status === "completed") +
    `<section aria-labelledby="h-updates"><h2 id="h-updates">Updates</h2><div class="card notice impact-maintenance">` +
    updatesList(maintenanceUpdates(m), t) +
    `</div></section></article></div></main>` +
    footer(page, t, data.generatedAt);
  return document(page, `${m.name} · ${page.name} Status`, body);
}

/** A small page in the status page's look: subscription confirmed, check your inbox, unsubscribed, errors. */
export function renderMessagePage(page: PageInfo, opts: MessagePageOptions): string {
  const t = new PageTime(page.timeZone);
  const form = opts.form
    ? `<form method="post" action="${esc(opts.form.action)}">${Object.entries(opts.form.hidden ?? {})
        .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
        .join("")}<button class="button" type="submit">${esc(opts.form.button)}</button></form>`
    : "";
  const body =
    header(page, opts.base, false) +
    `<main id="main"><div class="wrap"><div class="card message"><h1>${esc(opts.title)}</h1>` +
    `${opts.paragraphs.map((p) => `<p>${esc(p)}</p>`).join("\n")}${form}` +
    `<p><a href="${esc(homeHref(opts.base))}">Back to ${esc(page.name)} status</a></p></div></div></main>` +
    footer(page, t, null);
  return document(page, `${opts.title} · ${page.name}`, body);
}
