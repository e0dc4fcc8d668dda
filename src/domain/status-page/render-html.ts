/**
 * The status page's HTML (server-rendered, works without JavaScript, light and dark). Every value is
 * HTML-escaped; nothing from the data is ever put in a script, a style or an event attribute.
 *
 * CONTRACT STUB: owned by the rendering work; the exported signatures below are used elsewhere.
 */
import type { PageInfo } from "./types.ts";

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

/** A small page in the status page's look: subscription confirmed, check your inbox, unsubscribed, errors. */
export function renderMessagePage(page: PageInfo, opts: MessagePageOptions): string {
  const esc = (s: string) =>
    s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const form = opts.form
    ? `<form method="post" action="${esc(opts.form.action)}">${Object.entries(opts.form.hidden ?? {})
        .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
        .join("")}<button type="submit">${esc(opts.form.button)}</button></form>`
    : "";
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(opts.title)} · ${esc(page.name)}</title></head><body><main><h1>${esc(opts.title)}</h1>${opts.paragraphs.map((p) => `<p>${esc(p)}</p>`).join("")}${form}<p><a href="${esc(opts.base || "/")}">Back to ${esc(page.name)}</a></p></main></body></html>`;
}
