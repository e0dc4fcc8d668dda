import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isSafeUrl, renderMarkdown } from "../../web/src/ui/markdown-render.ts";

describe("renderMarkdown", () => {
  it("shows raw HTML as text instead of passing it through", () => {
    const html = renderMarkdown('Hello <img src=x onerror="alert(1)"> <script>alert(2)</script>');
    assert.ok(!html.includes("<img"), html);
    assert.ok(!html.includes("<script"), html);
    assert.match(html, /&lt;script&gt;/);
  });

  it("drops javascript:, data: and vbscript: links but keeps http(s), mailto and relative ones", () => {
    for (const bad of [
      "javascript:alert(1)",
      "JaVaScRiPt:alert(1)",
      "java\tscript:alert(1)",
      "data:text/html,x",
      "vbscript:x",
      "file:///etc/passwd",
      "ftp://x",
    ]) {
      const html = renderMarkdown(`[click](${bad})`);
      assert.ok(!html.includes("<a"), `${bad} → ${html}`);
    }
    assert.match(
      renderMarkdown("[a](https://grafana.example.com/d/1)"),
      /<a href="https:\/\/grafana.example.com\/d\/1" target="_blank" rel="noopener noreferrer">a<\/a>/,
    );
    assert.match(
      renderMarkdown("[mail](mailto:sre@example.com)"),
      /<a href="mailto:sre@example.com">mail<\/a>/,
    );
    assert.match(renderMarkdown("[svc](/services/checkout)"), /<a href="\/services\/checkout">svc<\/a>/);
    assert.ok(!renderMarkdown("![x](data:image/png;base64,AAAA)").includes("<img"));
  });

  it("opens bare external URLs in a new tab too (linkify)", () => {
    assert.match(
      renderMarkdown("See https://status.example.com now"),
      /target="_blank" rel="noopener noreferrer"/,
    );
  });

  it("wraps fenced and indented code blocks with a labelled Copy button and keeps the exact text", () => {
    const html = renderMarkdown(
      "Run:\n\n```bash\nkubectl get pods -n checkout | grep -v Running\n```\n\n    curl -s http://localhost/health\n",
    );
    const blocks = html.match(/<div class="md-code">/g) ?? [];
    assert.equal(blocks.length, 2);
    assert.match(html, /<code class="language-bash">kubectl get pods -n checkout \| grep -v Running<\/code>/);
    assert.match(
      html,
      /<span class="md-copy-label">Copy<\/span><span class="sr-only"> bash code<\/span><\/button>/,
    );
    assert.match(
      html,
      /<code>curl -s http:\/\/localhost\/health<\/code><\/pre><button type="button" class="btn btn-secondary btn-xs md-copy"><span class="md-copy-label">Copy<\/span><span class="sr-only"> code<\/span>/,
    );
    assert.ok(!/on\w+=/i.test(html));
  });

  it("escapes a hostile fence language", () => {
    const html = renderMarkdown('```"><img src=x onerror=alert(1)>\nx\n```');
    assert.ok(!html.includes("<img"), html);
  });

  it("isSafeUrl", () => {
    assert.equal(isSafeUrl("https://x"), true);
    assert.equal(isSafeUrl("#issue-1"), true);
    assert.equal(isSafeUrl(" javascript:alert(1)"), false);
  });
});
