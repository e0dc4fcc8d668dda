import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import { XSS_PAYLOADS, xssStatusData } from "../../../test/helpers/status-page-xss.ts";
import { escapeHtml } from "./format.ts";
import {
  renderIncidentPage,
  renderMaintenancePage,
  renderMessagePage,
  renderStatusPage,
  statusPageCsp,
  statusPageStyles,
} from "./render-html.ts";
import { sampleStatusData } from "./samples.ts";
import type { StatusData } from "./types.ts";

/** The page's text as a reader sees it (tags dropped, entities decoded, whitespace collapsed). */
function text(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

const TAG = /<([a-zA-Z][\w-]*)((?:\s+[^\s"'=<>/]+(?:="[^"]*")?)*)\s*\/?>|<\/[a-zA-Z][\w-]*>|<!doctype html>/g;
const ATTRIBUTE = /\s+([^\s"'=<>/]+)(?:="([^"]*)")?/g;

/**
 * The structural checks no rendering may fail, whatever the data: every "<" starts a well-formed tag of
 * ours (so no text became markup), no script, no event or style attribute, no script URL, and the only
 * style elements are the page's own two.
 */
function assertInert(html: string, data: StatusData): void {
  const withoutStyles = html.replace(/<style>[^<]*<\/style>/g, "<style></style>");
  const leftover = withoutStyles.replace(TAG, "");
  assert.ok(
    !leftover.includes("<"),
    `a "<" outside any tag: …${leftover.slice(leftover.indexOf("<"), leftover.indexOf("<") + 80)}`,
  );
  for (const match of withoutStyles.matchAll(TAG)) {
    const [tag, name = "", attributes = ""] = match;
    assert.ok(
      !/^(script|iframe|object|embed|base|svg|math|frame|frameset)$/i.test(name) ||
        (name === "svg" && /aria-hidden="true"/.test(tag)),
      `a <${name}> element: ${tag}`,
    );
    if (name.toLowerCase() === "meta") assert.doesNotMatch(tag, /http-equiv/i, tag);
    for (const [, attribute = "", value = ""] of attributes.matchAll(ATTRIBUTE)) {
      assert.doesNotMatch(attribute, /^(on|style$|formaction$|srcdoc$)/i, `attribute ${attribute} in ${tag}`);
      if (/^(href|src|action)$/i.test(attribute))
        assert.match(value, /^(https?:\/\/|\/|#)/, `a URL that is not http(s) or a path: ${tag}`);
    }
  }
  const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]);
  assert.deepEqual(styles, statusPageStyles(data.page), "only the page's own two style elements");
}

describe("renderStatusPage", () => {
  const normal = sampleStatusData("normal");
  const html = renderStatusPage(normal, { base: "/status" });

  test("a complete document: language, title, landmarks, feeds advertised, no script", () => {
    assert.match(html, /^<!doctype html>\n<html lang="en">/);
    assert.match(html, /<title>Acme Cloud Status<\/title>/);
    assert.match(html, /<header class="site-header">/);
    assert.match(html, /<main id="main">/);
    assert.match(html, /<footer>/);
    assert.match(html, /<link rel="alternate" type="application\/rss\+xml"[^>]* href="\/history.rss">/);
    assert.match(html, /<link rel="alternate" type="application\/atom\+xml"[^>]* href="\/history.atom">/);
    assertInert(html, normal);
  });

  test("the banner says the overall status", () => {
    assert.match(html, /<h1>All Systems Operational<\/h1>/);
    const outage = renderStatusPage(sampleStatusData("major-outage"), { base: "" });
    assert.match(outage, /class="banner banner-critical"[\s\S]*<h1>Major System Outage<\/h1>/);
    const maintenance = renderStatusPage(sampleStatusData("maintenance"), { base: "" });
    assert.match(maintenance, /class="banner banner-maintenance"[\s\S]*<h1>Service Under Maintenance<\/h1>/);
  });

  test("components: groups with children, status labels, hidden-unless-degraded hidden while operational", () => {
    const t = text(html);
    assert.match(t, /Core platform Operational Website Operational/);
    assert.match(t, /API REST and GraphQL endpoints Operational/);
    assert.ok(!/<span class="name">Billing/.test(html), "Billing is operational and only shown if degraded");
    const degraded = sampleStatusData("normal");
    const billing = degraded.components.find((c) => c.name === "Billing");
    assert.ok(billing);
    billing.status = "partial_outage";
    assert.match(text(renderStatusPage(degraded, { base: "" })), /Billing Partial Outage/);
  });

  test("uptime bars: one list item per day with its date, uptime and incidents as text", () => {
    const bars = [...html.matchAll(/<ol class="bars" aria-label="([^"]*)">([\s\S]*?)<\/ol>/g)];
    assert.equal(bars.length, 6, "one bar per showcase component");
    const api = bars.find((b) => b[1]?.startsWith("API:"));
    assert.ok(api);
    assert.equal(api[1], "API: uptime per day over the past 90 days");
    assert.equal(api[2]?.match(/<li[ >]/g)?.length, 90);
    assert.match(
      text(api[2] ?? ""),
      /Mar 17, 2026 97\.81 % uptime\. partial outage 1 h 45 min\. Incidents: Elevated error rates on the API/,
    );
    assert.match(text(api[2] ?? ""), /Mar 20, 2026 100\.00 % uptime\. No downtime/);
    // SMS started on 1 February: the days before have no data.
    const sms = bars.find((b) => b[1]?.startsWith("SMS:"));
    assert.match(text(sms?.[2] ?? ""), /Jan 31, 2026 No data/);
    assert.match(text(html), /API: 99\.9\d % uptime over the past 90 days\./);
  });

  test("active incidents with their updates newest first, in the page's time zone", () => {
    const outage = sampleStatusData("major-outage");
    const page = renderStatusPage(outage, { base: "" });
    const t = text(page);
    assert.match(
      t,
      /Active incidents API and dashboard unavailable Critical impact · Identified · started Mar 20, 2026, 14:35 CET/,
    );
    assert.match(t, /This affects: API, Dashboard, Website\./);
    assert.ok(
      t.indexOf("Identified Mar 20, 2026, 15:20 CET") < t.indexOf("Investigating Mar 20, 2026, 14:40 CET"),
      "newest update first",
    );
    assert.match(page, /<a href="\/incidents\/incapidown01">API and dashboard unavailable<\/a>/);
  });

  test("responder names only when the page shows them", () => {
    const outage = sampleStatusData("major-outage");
    assert.match(renderStatusPage(outage, { base: "" }), /Responders: Dana Whitfield, Sam Okafor\./);
    outage.page.showResponders = false;
    assert.doesNotMatch(renderStatusPage(outage, { base: "" }), /Dana Whitfield/);
  });

  test("maintenance in progress and upcoming", () => {
    const t = text(renderStatusPage(sampleStatusData("maintenance"), { base: "" }));
    assert.match(
      t,
      /Maintenance in progress Database major version upgrade In progress · Mar 20, 2026, 15:00 – 17:00 CET/,
    );
    assert.match(
      t,
      /Scheduled maintenance SMS provider migration Scheduled · Mar 24, 2026, 00:00 – 02:00 CET/,
    );
  });

  test("incident history by day, linking each incident under the base", () => {
    assert.match(
      html,
      /<h2 id="h-history">Past incidents<\/h2><h3>Mar 20, 2026<\/h3><p class="quiet">No incidents reported.<\/p>/,
    );
    assert.match(html, /<h3>Mar 17, 2026<\/h3><ul><li><a href="\/status\/incidents\/incapierr001">/);
    assert.match(
      html,
      /<h3>Earlier<\/h3><ul><li><a href="\/status\/incidents\/incwebdown01">Website unavailable/,
    );
    assert.match(html, /<a href="\/status\/maintenances\/mntdbpatch01">/);
  });

  test("a subscribe form that works without JavaScript", () => {
    assert.match(html, /<form class="card subscribe" method="post" action="\/status\/subscribe">/);
    assert.match(html, /<label for="subscribe-email">Email address<\/label>/);
    assert.match(html, /<input type="email" id="subscribe-email" name="email" required/);
    assert.match(html, /<input type="checkbox" name="component_ids" value="cmpapi000001"> API<\/label>/);
    const root = renderStatusPage(normal, { base: "" });
    assert.match(root, /action="\/subscribe"/);
    assert.match(root, /<a class="brand" href="\/">/);
  });

  test("without SMTP the page offers the feeds, not an email form nobody could confirm", () => {
    const noMail = { ...normal, page: { ...normal.page, emailSubscriptions: false } };
    const page = renderStatusPage(noMail, { base: "/status" });
    assert.doesNotMatch(page, /<form class="card subscribe"/);
    assert.doesNotMatch(page, /type="email"/);
    assert.match(text(page), /Get updates Follow the RSS or Atom feed/);
  });

  test("footer links, last updated time, brand colour and logo", () => {
    assert.match(html, /<li><a href="https:\/\/example.com\/">Acme Cloud home<\/a><\/li>/);
    assert.match(
      html,
      /Last updated <time datetime="2026-03-20T14:30:00.000Z">Mar 20, 2026, 15:30 CET<\/time>/,
    );
    assert.match(html, /<style>:root\{--brand:#4f46e5;--on-brand:#ffffff\}<\/style>/);
    const withLogo = sampleStatusData("normal");
    withLogo.page.logoUrl = "https://example.com/logo.png";
    withLogo.page.brandColor = "#FACC15";
    const page = renderStatusPage(withLogo, { base: "" });
    assert.match(page, /<img src="https:\/\/example.com\/logo.png" alt="Acme Cloud">/);
    assert.match(page, /--brand:#facc15;--on-brand:#000000/, "dark text on a light brand colour");
  });
});

describe("renderIncidentPage", () => {
  const data = sampleStatusData("normal");

  test("updates and the published postmortem as escaped text, not markdown HTML", () => {
    const html = renderIncidentPage(data, "incapierr001", { base: "/status" });
    assert.ok(html);
    assertInert(html, data);
    assert.match(html, /<h1 class="page-title" id="h-incident">Elevated error rates on the API<\/h1>/);
    assert.match(html, /<a href="#h-postmortem">Postmortem<\/a>/);
    assert.match(html, /<h2 id="h-postmortem">Postmortem<\/h2>/);
    assert.match(
      html,
      /<h3>Root cause<\/h3>\n<p>A lowered connection-pool limit shipped with the release.<\/p>/,
    );
    assert.match(html, /<p>- The pool size is now checked before every deploy.<br>- An alert fires/);
    assert.match(text(html), /This affected: API\./);
    assert.match(
      html,
      /A configuration change in today&#39;s release exhausts database connections under load.<br>We/,
    );
    assert.match(html, /<a class="back" href="\/status">/);
  });

  test("no postmortem section without a published postmortem; null for an unknown id", () => {
    const html = renderIncidentPage(data, "incmaildly01", { base: "" });
    assert.ok(html);
    assert.doesNotMatch(html, /Postmortem/);
    assert.equal(renderIncidentPage(data, "nosuchincident", { base: "" }), null);
  });
});

describe("renderMaintenancePage", () => {
  test("window, components, description as the first update", () => {
    const data = sampleStatusData("maintenance");
    const html = renderMaintenancePage(data, "mntpgupgr001", { base: "" });
    assert.ok(html);
    assertInert(html, data);
    const t = text(html);
    assert.match(t, /Scheduled maintenance · In progress · Mar 20, 2026, 15:00 – 17:00 CET/);
    assert.match(t, /This affects: API, Webhooks\./);
    assert.ok(t.indexOf("The upgrade has started") < t.indexOf("We are upgrading our primary database"));
    assert.equal(renderMaintenancePage(data, "nope", { base: "" }), null);
  });
});

describe("renderMessagePage", () => {
  test("the page's look, escaped paragraphs and a one-button form", () => {
    const data = sampleStatusData("normal");
    const html = renderMessagePage(data.page, {
      base: "/status",
      title: "Unsubscribe?",
      paragraphs: ["You will get no more emails about <Acme>."],
      form: { action: "/status/unsubscribe", button: "Unsubscribe", hidden: { token: 'a"b' } },
    });
    assertInert(html, data);
    assert.match(html, /<title>Unsubscribe\? · Acme Cloud<\/title>/);
    assert.match(html, /<h1>Unsubscribe\?<\/h1><p>You will get no more emails about &lt;Acme&gt;.<\/p>/);
    assert.match(
      html,
      /<form method="post" action="\/status\/unsubscribe"><input type="hidden" name="token" value="a&quot;b">/,
    );
    assert.match(html, /<a href="\/status">Back to Acme Cloud status<\/a>/);
  });
});

describe("CSP", () => {
  test("allows exactly the page's style elements by hash and no script", () => {
    const page = sampleStatusData("normal").page;
    const csp = statusPageCsp(page);
    assert.match(csp, /^default-src 'none'; /);
    assert.doesNotMatch(csp, /script-src|unsafe/);
    for (const css of statusPageStyles(page))
      assert.ok(csp.includes(`'sha256-${createHash("sha256").update(css).digest("base64")}'`));
  });
});

describe("XSS corpus", () => {
  const data = xssStatusData();
  const pages: [string, string][] = [
    ["status page", renderStatusPage(data, { base: "/status" })],
    ...data.incidents
      .slice(0, 5)
      .map((i): [string, string] => [`incident ${i.id}`, renderIncidentPage(data, i.id, { base: "" }) ?? ""]),
    ...data.maintenances.map((m): [string, string] => [
      `maintenance ${m.id}`,
      renderMaintenancePage(data, m.id, { base: "" }) ?? "",
    ]),
    [
      "message page",
      renderMessagePage(data.page, {
        base: "",
        title: XSS_PAYLOADS[0] ?? "",
        paragraphs: XSS_PAYLOADS,
        form: {
          action: "/unsubscribe",
          button: XSS_PAYLOADS[2] ?? "",
          hidden: { token: XSS_PAYLOADS[3] ?? "" },
        },
      }),
    ],
  ];

  for (const [name, html] of pages) {
    test(`${name}: no payload survives as markup`, () => {
      assert.ok(html.length > 0);
      assertInert(html, data);
      for (const payload of XSS_PAYLOADS)
        if (/[<>"']/.test(payload)) assert.ok(!html.includes(payload), `raw payload in the HTML: ${payload}`);
      assert.doesNotMatch(html, /<img src="(?!https?:)/, "only http(s) images");
      assert.doesNotMatch(html, /xss-brand|xss-logo/);
    });
  }

  test("each payload is shown as text where it was typed", () => {
    const html = renderStatusPage(data, { base: "" });
    const t = text(html);
    for (const payload of XSS_PAYLOADS) {
      assert.ok(html.includes(escapeHtml(payload)), `escaped payload missing: ${payload}`);
      assert.ok(t.includes(payload.replace(/\s+/g, " ")), `payload not readable as text: ${payload}`);
    }
  });
});
