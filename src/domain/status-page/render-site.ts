/**
 * The whole public site as files, from one `StatusData`: the page, one page per incident and per
 * maintenance, the Statuspage-compatible JSON and the feeds. What the server serves from memory and what
 * `foghorn status export` writes to disk are these same bytes.
 */
import { renderAtom, renderRss } from "./feeds.ts";
import { renderIncidentPage, renderMaintenancePage, renderStatusPage } from "./render-html.ts";
import { statuspageJson } from "./statuspage-json.ts";
import type { SnapshotFiles, StatusData } from "./types.ts";

export const CONTENT_TYPES = {
  html: "text/html; charset=utf-8",
  json: "application/json; charset=utf-8",
  rss: "application/rss+xml; charset=utf-8",
  atom: "application/atom+xml; charset=utf-8",
} as const;

/**
 * Every file of the site. HTML paths start with `base` ("/status", or "" on the status domain and in
 * exports: the page itself is then "/"); the JSON and the feeds are always at the root.
 */
export function renderSite(data: StatusData, opts: { base: "/status" | "" }): SnapshotFiles {
  const { base } = opts;
  const files: SnapshotFiles = new Map();
  files.set(base || "/", { contentType: CONTENT_TYPES.html, body: renderStatusPage(data, { base }) });
  for (const i of data.incidents) {
    const body = renderIncidentPage(data, i.id, { base });
    if (body !== null) files.set(`${base}/incidents/${i.id}`, { contentType: CONTENT_TYPES.html, body });
  }
  for (const m of data.maintenances) {
    const body = renderMaintenancePage(data, m.id, { base });
    if (body !== null) files.set(`${base}/maintenances/${m.id}`, { contentType: CONTENT_TYPES.html, body });
  }
  for (const [path, json] of Object.entries(statuspageJson(data)))
    files.set(path, { contentType: CONTENT_TYPES.json, body: JSON.stringify(json) });
  files.set("/history.rss", { contentType: CONTENT_TYPES.rss, body: renderRss(data) });
  files.set("/history.atom", { contentType: CONTENT_TYPES.atom, body: renderAtom(data) });
  return files;
}
