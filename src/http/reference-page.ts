// A dependency-free, server-rendered reference page for the OpenAPI document (/api/v1/docs).

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

type Doc = {
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, Record<string, unknown>>>;
};

function schemaTable(schema: Record<string, unknown> | undefined): string {
  const props = (schema?.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set((schema?.required ?? []) as string[]);
  const rows = Object.entries(props).map(([name, s]) => {
    const type = Array.isArray(s.enum)
      ? (s.enum as unknown[]).map(String).join(" | ")
      : String(s.type ?? (s.anyOf ? "varies" : "any"));
    const notes = [s.description, s.default !== undefined ? `default ${JSON.stringify(s.default)}` : ""]
      .filter(Boolean)
      .join("; ");
    return `<tr><td><code>${escapeHtml(name)}</code>${required.has(name) ? " *" : ""}</td><td>${escapeHtml(type)}</td><td>${escapeHtml(String(notes))}</td></tr>`;
  });
  return rows.length
    ? `<table><tr><th>field</th><th>type</th><th>notes</th></tr>${rows.join("")}</table>`
    : "";
}

/** Renders the OpenAPI document as one readable HTML page with light and dark styles. */
export function renderReferencePage(doc: Doc): string {
  const sections: string[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const params = (op.parameters ?? []) as { name: string; in: string; description?: string }[];
      const body = (
        op.requestBody as { content: { "application/json": { schema: Record<string, unknown> } } } | undefined
      )?.content["application/json"].schema;
      const codes = Object.entries(op.responses as Record<string, { description: string }>)
        .map(([code, r]) => `<li><b>${code}</b> ${escapeHtml(r.description)}</li>`)
        .join("");
      sections.push(`<section id="${escapeHtml(String(op.operationId))}">
<h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(String(op.summary))}${op.description ? ` — ${escapeHtml(String(op.description))}` : ""}</p>
${params.length ? `<p>Parameters: ${params.map((p) => `<code>${escapeHtml(p.name)}</code> (${p.in})`).join(", ")}</p>` : ""}
${body ? `<h4>Body</h4>${schemaTable(body)}` : ""}
<ul>${codes}</ul></section>`);
    }
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(doc.info.title)} reference</title><style>
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1f24;--muted:#57606a;--line:#d0d7de}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#8b949e;--line:#30363d}}
body{font:15px/1.5 system-ui,sans-serif;background:var(--bg);color:var(--fg);max-width:960px;margin:2rem auto;padding:0 1rem}
code{font-family:ui-monospace,monospace}table{border-collapse:collapse;width:100%}td,th{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
section{border-top:1px solid var(--line);padding:.5rem 0}.m{font-weight:700;padding:1px 6px;border-radius:4px;color:#fff}
.get{background:#1f6feb}.post{background:#238636}.patch{background:#9a6700}.put{background:#8250df}.delete{background:#cf222e}p{color:var(--muted)}
</style></head><body><h1>${escapeHtml(doc.info.title)} <small>${escapeHtml(doc.info.version)}</small></h1>
<p>${escapeHtml(doc.info.description)} Machine-readable: <a href="/api/v1/openapi.json">openapi.json</a>. Errors are RFC 9457 <code>application/problem+json</code>.</p>
${sections.join("\n")}</body></html>`;
}
