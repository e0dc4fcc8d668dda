/**
 * The history feeds: `/history.rss` (RSS 2.0) and `/history.atom` (Atom 1.0). One item per incident and
 * per maintenance, newest first, each with its updates as HTML content (every value escaped for HTML, the
 * HTML then escaped again for XML, as Statuspage's feeds do). Guids are tag: URIs of the public ids, so
 * they stay the same when the page moves to another domain.
 */
import { escapeHtml as esc, PageTime, safeHttpUrl, updateLabel } from "./format.ts";
import { maintenanceUpdates } from "./statuspage-json.ts";
import type { StatusData, UpdateData } from "./types.ts";

interface FeedItem {
  guid: string;
  title: string;
  link: string;
  published: Date;
  updated: Date;
  html: string;
}

function updatesHtml(updates: readonly UpdateData[], t: PageTime, lead = ""): string {
  return (
    lead +
    updates
      .map(
        (u) =>
          `<p><small>${esc(t.dateTime(u.createdAt))}</small><br><strong>${esc(updateLabel(u.status))}</strong> - ${esc(u.body).replace(/\r?\n/g, "<br>")}</p>`,
      )
      .join("")
  );
}

function feedItems(data: StatusData): FeedItem[] {
  const t = new PageTime(data.page.timeZone);
  const items: FeedItem[] = [
    ...data.incidents.map((i) => ({
      guid: `tag:foghorn.status,2026:Incident/${i.id}`,
      title: i.name,
      link: i.shortlink,
      published: i.createdAt,
      updated: i.updatedAt,
      html: updatesHtml(i.updates, t),
    })),
    ...data.maintenances.map((m) => ({
      guid: `tag:foghorn.status,2026:Maintenance/${m.id}`,
      title: m.name,
      link: m.shortlink,
      published: m.createdAt,
      updated: m.updatedAt,
      html: updatesHtml(
        maintenanceUpdates(m),
        t,
        `<p><strong>Scheduled maintenance</strong>: ${esc(t.range(m.scheduledFor, m.scheduledUntil))}</p>`,
      ),
    })),
  ];
  return items.sort(
    (a, b) =>
      b.published.getTime() - a.published.getTime() || (a.guid < b.guid ? -1 : a.guid > b.guid ? 1 : 0),
  );
}

/** The newest change in the feed (not the render time, so an unchanged history gives the same bytes). */
function lastChange(data: StatusData, items: readonly FeedItem[]): Date {
  let latest = data.page.updatedAt.getTime();
  for (const i of items) latest = Math.max(latest, i.updated.getTime());
  return new Date(latest);
}

function absolute(path: string, pageUrl: string): string {
  try {
    return new URL(path, pageUrl).href;
  } catch {
    return path;
  }
}

const link = (url: string) => safeHttpUrl(url) ?? "";

export function renderRss(data: StatusData): string {
  const items = feedItems(data);
  const pageUrl = link(data.page.url);
  const self = absolute("/history.rss", pageUrl);
  const entries = items
    .map(
      (i) =>
        `<item><title>${esc(i.title)}</title><description>${esc(i.html)}</description>` +
        `<pubDate>${i.published.toUTCString()}</pubDate><link>${esc(link(i.link))}</link>` +
        `<guid isPermaLink="false">${esc(i.guid)}</guid></item>`,
    )
    .join("\n");
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>` +
    `<title>${esc(`${data.page.name} Status - Incident History`)}</title>` +
    `<link>${esc(pageUrl)}</link>` +
    `<description>${esc(`Incidents and maintenance of ${data.page.name}`)}</description>` +
    `<atom:link href="${esc(self)}" rel="self" type="application/rss+xml"/>` +
    `<lastBuildDate>${lastChange(data, items).toUTCString()}</lastBuildDate>` +
    `<generator>Foghorn</generator>\n${entries}\n</channel></rss>\n`
  );
}

export function renderAtom(data: StatusData): string {
  const items = feedItems(data);
  const pageUrl = link(data.page.url);
  const self = absolute("/history.atom", pageUrl);
  const entries = items
    .map(
      (i) =>
        `<entry><id>${esc(i.guid)}</id><published>${i.published.toISOString()}</published>` +
        `<updated>${i.updated.toISOString()}</updated>` +
        (link(i.link) ? `<link rel="alternate" type="text/html" href="${esc(link(i.link))}"/>` : "") +
        `<title>${esc(i.title)}</title><content type="html">${esc(i.html)}</content></entry>`,
    )
    .join("\n");
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<feed xml:lang="en-US" xmlns="http://www.w3.org/2005/Atom">` +
    `<id>tag:foghorn.status,2026:/history/${esc(data.page.id)}</id>` +
    (pageUrl ? `<link rel="alternate" type="text/html" href="${esc(pageUrl)}"/>` : "") +
    `<link rel="self" type="application/atom+xml" href="${esc(self)}"/>` +
    `<title>${esc(`${data.page.name} Status - Incident History`)}</title>` +
    `<updated>${lastChange(data, items).toISOString()}</updated>` +
    `<author><name>${esc(data.page.name)}</name></author>` +
    `<generator>Foghorn</generator>\n${entries}\n</feed>\n`
  );
}
