import MarkdownIt from "markdown-it";

// Safe markdown to HTML (no DOM, no React: unit-tested under Node in test/web/). Raw HTML is never
// passed through (it shows as text), links are limited to http(s), mailto and relative addresses,
// external links open in a new tab with rel="noopener noreferrer", and every code block is wrapped
// in `.md-code` with a `.md-copy` button (the Markdown component in markdown.tsx wires it up).

const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
const ALLOWED_SCHEMES = new Set(["http", "https", "mailto"]);

/** True for addresses a rendered link or image may point at: http(s), mailto or relative. */
export function isSafeUrl(url: string): boolean {
  // Browsers ignore tabs, newlines and leading control characters/spaces in URLs; so do we.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const cleaned = url.replace(/[\u0000-\u0020\u007f]/g, "");
  const scheme = SCHEME.exec(cleaned);
  if (!scheme) return true; // relative: /path, ./x, #anchor, ?q
  return ALLOWED_SCHEMES.has(scheme[1]?.toLowerCase() ?? "");
}

const defaultValidateLink = md.validateLink.bind(md);
md.validateLink = (url: string) => defaultValidateLink(url) && isSafeUrl(url);

const isExternal = (href: string) => /^(https?:)?\/\//i.test(href.trim());

md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
  const token = tokens[idx];
  const href = String(token?.attrGet("href") ?? "");
  if (token && isExternal(href)) {
    token.attrSet("target", "_blank");
    token.attrSet("rel", "noopener noreferrer");
  }
  return self.renderToken(tokens, idx, options);
};

// The <pre> is focusable so a long line can be scrolled sideways from the keyboard.
function codeBlock(raw: string, lang: string): string {
  // The final newline belongs to the block syntax; a pasted command should not run by itself.
  const content = raw.replace(/\n$/, "");
  const language = lang.trim().split(/\s+/)[0] ?? "";
  const cls = language ? ` class="language-${md.utils.escapeHtml(language)}"` : "";
  // The visible word is part of the accessible name ("Copy bash code", then "Copied bash code").
  const what = language ? `${md.utils.escapeHtml(language)} code` : "code";
  return (
    `<div class="md-code"><pre tabindex="0"><code${cls}>${md.utils.escapeHtml(content)}</code></pre>` +
    `<button type="button" class="btn btn-secondary btn-xs md-copy"><span class="md-copy-label">Copy</span>` +
    `<span class="sr-only"> ${what}</span></button></div>\n`
  );
}

md.renderer.rules.fence = (tokens, idx) => {
  const token = tokens[idx];
  return token ? codeBlock(token.content, md.utils.unescapeAll(token.info)) : "";
};
md.renderer.rules.code_block = (tokens, idx) => {
  const token = tokens[idx];
  return token ? codeBlock(token.content, "") : "";
};

/** Markdown to safe HTML. Code blocks come wrapped in `.md-code` with a `.md-copy` button. */
export function renderMarkdown(text: string): string {
  return md.render(text);
}
