import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { XSS_PAYLOADS, xssStatusData } from "../../../test/helpers/status-page-xss.ts";
import { renderAtom, renderRss } from "./feeds.ts";
import { sampleStatusData } from "./samples.ts";

/**
 * A small well-formedness check: declaration first, tags balanced, attribute values quoted, no "<" or
 * bare "&" in text. (Chromium's XML parser checks the same feeds in test/browser/status-page-xss.test.ts.)
 */
function assertWellFormed(xml: string): string[] {
  assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n'));
  const body = xml.slice(xml.indexOf("\n") + 1);
  const stack: string[] = [];
  const elements: string[] = [];
  const token = /<(\/?)([a-zA-Z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let last = 0;
  for (const m of body.matchAll(token)) {
    assert.equal(m.index, last, `not well-formed near: ${body.slice(last, last + 80)}`);
    last = (m.index ?? 0) + m[0].length;
    const [, close, name, , selfClosing, text] = m;
    if (text !== undefined) {
      assert.doesNotMatch(text, /&(?!(amp|lt|gt|quot|#39);)/, `bare & in ${text.slice(0, 80)}`);
      continue;
    }
    if (close) assert.equal(stack.pop(), name, `</${name}> closes the wrong element`);
    else {
      elements.push(name ?? "");
      if (!selfClosing) stack.push(name ?? "");
    }
  }
  assert.equal(last, body.length, `not well-formed near: ${body.slice(last, last + 80)}`);
  assert.deepEqual(stack, [], "unclosed elements");
  return elements;
}

const between = (xml: string, tag: string) =>
  [...xml.matchAll(new RegExp(`<${tag}(?: [^>]*)?>([^<]*)</${tag}>`, "g"))].map((m) => m[1] ?? "");

describe("renderRss", () => {
  const data = sampleStatusData("maintenance");
  const rss = renderRss(data);

  test("RSS 2.0: a channel with one item per incident and maintenance, newest first", () => {
    const elements = assertWellFormed(rss);
    assert.equal(elements[0], "rss");
    assert.match(rss, /<rss version="2.0" xmlns:atom="http:\/\/www.w3.org\/2005\/Atom"><channel>/);
    assert.equal(between(rss, "title")[0], "Acme Cloud Status - Incident History");
    assert.equal(between(rss, "link")[0], "https://status.example.com/");
    assert.match(rss, /<atom:link href="https:\/\/status.example.com\/history.rss" rel="self"/);
    // Newest first by when each was posted (a maintenance is posted days before it starts).
    assert.deepEqual(between(rss, "title").slice(1), [
      "SMS provider migration",
      "Elevated error rates on the API",
      "Database major version upgrade",
      "Delayed email notifications",
      "Database minor version upgrade",
      "Website unavailable",
    ]);
    assert.deepEqual(between(rss, "guid").slice(0, 2), [
      "tag:foghorn.status,2026:Maintenance/mntsmsprov01",
      "tag:foghorn.status,2026:Incident/incapierr001",
    ]);
    assert.equal(between(rss, "pubDate")[1], "Tue, 17 Mar 2026 12:30:00 GMT");
    assert.equal(between(rss, "link")[2], "https://status.example.com/incidents/incapierr001");
  });

  test("each item's updates as escaped HTML, times in the page's zone", () => {
    const description = between(rss, "description")[2] ?? "";
    assert.ok(
      description.startsWith(
        "&lt;p&gt;&lt;small&gt;Mar 17, 2026, 15:10 CET&lt;/small&gt;&lt;br&gt;&lt;strong&gt;Resolved&lt;/strong&gt; - Error rates",
      ),
      description,
    );
    assert.match(
      description,
      /today&amp;#39;s release exhausts database connections under load.&lt;br&gt;We/,
    );
    const maintenance = between(rss, "description")[3] ?? "";
    assert.match(maintenance, /Scheduled maintenance&lt;\/strong&gt;: Mar 20, 2026, 15:00 – 17:00 CET/);
  });

  test("the same data gives the same bytes; lastBuildDate is the newest change, not the render time", () => {
    assert.equal(renderRss(sampleStatusData("maintenance")), rss);
    const later = { ...data, generatedAt: new Date(data.generatedAt.getTime() + 3_600_000) };
    assert.equal(renderRss(later), rss);
    assert.equal(between(rss, "lastBuildDate")[0], "Fri, 20 Mar 2026 14:05:00 GMT");
  });
});

describe("renderAtom", () => {
  const atom = renderAtom(sampleStatusData("major-outage"));

  test("Atom 1.0: id, title, updated, author, self link; entries with id, published, updated, content", () => {
    const elements = assertWellFormed(atom);
    assert.equal(elements[0], "feed");
    assert.match(atom, /<feed xml:lang="en-US" xmlns="http:\/\/www.w3.org\/2005\/Atom">/);
    assert.equal(between(atom, "id")[0], "tag:foghorn.status,2026:/history/pg7k2m9x4q1z");
    assert.match(
      atom,
      /<link rel="self" type="application\/atom\+xml" href="https:\/\/status.example.com\/history.atom"\/>/,
    );
    assert.equal(between(atom, "updated")[0], "2026-03-20T14:20:00.000Z");
    assert.equal(between(atom, "name")[0], "Acme Cloud");
    const entries = atom.split("<entry>").slice(1);
    assert.equal(entries.length, 6);
    for (const entry of entries) {
      assert.match(entry, /^<id>tag:foghorn\.status,2026:(Incident|Maintenance)\/[a-z0-9]{12}<\/id>/);
      assert.match(entry, /<published>[^<]+<\/published><updated>[^<]+<\/updated>/);
      assert.match(entry, /<link rel="alternate" type="text\/html" href="https:\/\/status.example.com\//);
      assert.match(entry, /<content type="html">&lt;p&gt;/);
    }
    assert.equal(between(atom, "title")[1], "API and dashboard unavailable");
  });
});

describe("feeds and the XSS corpus", () => {
  test("every payload stays text: well-formed XML, no raw markup, no script links", () => {
    const data = xssStatusData();
    for (const xml of [renderRss(data), renderAtom(data)]) {
      assertWellFormed(xml);
      for (const payload of XSS_PAYLOADS)
        if (/[<>"']/.test(payload)) assert.ok(!xml.includes(payload), `raw payload: ${payload}`);
      assert.doesNotMatch(xml, /<link>javascript:|href="javascript:/);
    }
  });
});
