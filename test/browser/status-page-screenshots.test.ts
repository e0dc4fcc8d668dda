// The public status page in Debian's Chromium: the three sample situations (all well, a major outage,
// maintenance in progress) in light and dark, checked the way a visitor would look at them, and saved as
// docs/screenshots/status-<situation>-<light|dark>.png when FOGHORN_SCREENSHOTS=1 (other runs write them to
// a temp folder, so a test run leaves the work tree as it was). Served from renderSite output with the
// page's real Content-Security-Policy, so a style the CSP would block shows up here.
// Skips with one line when /usr/bin/chromium is missing; under CI=true that is a failure instead.

import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, BrowserContext } from "playwright-core";
import { statusPageCsp } from "#domain/status-page/render-html.ts";
import { renderSite } from "#domain/status-page/render-site.ts";
import { type SampleScenario, sampleStatusData } from "#domain/status-page/samples.ts";
import type { StatusData } from "#domain/status-page/types.ts";
import { browserUnavailable, CHROMIUM, launchBrowser, seriousAxeViolations } from "./harness.ts";

const unavailable = browserUnavailable();
if (unavailable && process.env.CI === "true") {
  test("Chromium is installed for the browser tests", () => {
    assert.fail(`${CHROMIUM} is missing; CI must install Debian's chromium (apt-get install -y chromium)`);
  });
}

const screenshots =
  process.env.FOGHORN_SCREENSHOTS === "1"
    ? resolve(import.meta.dirname, "../../docs/screenshots")
    : join(tmpdir(), "foghorn-screenshots");

const ORIGIN = "http://status.test";

async function serve(context: BrowserContext, data: StatusData, csp: boolean): Promise<void> {
  const files = renderSite(data, { base: "" });
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    const file = url.origin === ORIGIN ? files.get(url.pathname) : undefined;
    if (!file) return route.fulfill({ status: 404, contentType: "text/plain", body: "not found" });
    const headers: Record<string, string> = { "content-type": file.contentType };
    if (csp && file.contentType.startsWith("text/html"))
      headers["content-security-policy"] = statusPageCsp(data.page);
    return route.fulfill({ status: 200, headers, body: file.body });
  });
}

/** Relative luminance of a computed CSS colour ("rgb(r, g, b)"). */
function luminance(color: string): number {
  const [r = 0, g = 0, b = 0] = (color.match(/\d+(\.\d+)?/g) ?? []).map(Number).map((v) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

const BANNERS: Record<SampleScenario, string> = {
  normal: "All Systems Operational",
  "major-outage": "Major System Outage",
  maintenance: "Service Under Maintenance",
};

describe("status page in Chromium", { skip: unavailable ?? false }, () => {
  let browser: Browser;

  before(async () => {
    browser = await launchBrowser();
    mkdirSync(screenshots, { recursive: true });
  });
  after(async () => {
    await browser?.close();
  });

  for (const scenario of ["normal", "major-outage", "maintenance"] as const) {
    for (const colorScheme of ["light", "dark"] as const) {
      test(`${scenario}, ${colorScheme}: banner, components, readable colours; saved as a screenshot`, async () => {
        const context = await browser.newContext({
          viewport: { width: 1100, height: 900 },
          colorScheme,
          javaScriptEnabled: false,
        });
        context.setDefaultTimeout(10_000);
        const cspViolations: string[] = [];
        try {
          await serve(context, sampleStatusData(scenario), true);
          const page = await context.newPage();
          page.on("console", (m) => {
            if (/Content Security Policy|Refused/i.test(m.text())) cspViolations.push(m.text());
          });
          await page.goto(`${ORIGIN}/`);
          assert.equal(
            (await page.getByRole("heading", { level: 1 }).textContent()) ?? "",
            BANNERS[scenario],
          );
          await page.getByRole("heading", { name: "Components" }).waitFor();
          assert.ok(
            await page.getByRole("list", { name: "API: uptime per day over the past 90 days" }).isVisible(),
          );

          const colours = (await page.evaluate(`({
            body: getComputedStyle(document.body).backgroundColor,
            text: getComputedStyle(document.body).color,
            banner: getComputedStyle(document.querySelector(".banner")).backgroundColor,
          })`)) as { body: string; text: string; banner: string };
          if (colorScheme === "dark") {
            assert.ok(luminance(colours.body) < 0.05, `dark background: ${colours.body}`);
            assert.ok(luminance(colours.text) > 0.6, `light text: ${colours.text}`);
          } else {
            assert.ok(luminance(colours.body) > 0.85, `light background: ${colours.body}`);
            assert.ok(luminance(colours.text) < 0.05, `dark text: ${colours.text}`);
          }
          // White banner text on the banner colour: at least 4.5:1 (WCAG AA).
          assert.ok(1.05 / (luminance(colours.banner) + 0.05) >= 4.5, `banner contrast: ${colours.banner}`);
          assert.deepEqual(cspViolations, [], "the CSP let the page's own styles through");

          await page.screenshot({
            path: join(screenshots, `status-${scenario}-${colorScheme}.png`),
            fullPage: true,
          });
        } finally {
          await context.close();
        }
      });
    }
  }

  test("what a visitor reads during the outage: the incident, its updates, the responders, the day's bar", async () => {
    const context = await browser.newContext({
      viewport: { width: 1100, height: 900 },
      javaScriptEnabled: false,
    });
    try {
      await serve(context, sampleStatusData("major-outage"), true);
      const page = await context.newPage();
      await page.goto(`${ORIGIN}/`);
      const active = page.getByRole("article", { name: "API and dashboard unavailable" });
      assert.match(
        (await active.textContent()) ?? "",
        /Identified Mar 20, 2026, 15:20 CET\s*A failed storage volume/,
      );
      assert.match((await active.textContent()) ?? "", /Responders: Dana Whitfield, Sam Okafor\./);
      // Hovering today's bar of the API shows the day as a tooltip, without JavaScript.
      const bars = page.getByRole("list", { name: "API: uptime per day over the past 90 days" });
      const today = bars.getByRole("listitem").last();
      await today.hover();
      const tip = today.locator("i");
      assert.ok(((await tip.boundingBox())?.width ?? 0) > 100, "the tooltip opens on hover");
      assert.match(
        (await tip.textContent()) ?? "",
        /Mar 20, 2026[\s\S]*major outage 55 min[\s\S]*API and dashboard unavailable/,
      );

      await active.getByRole("link", { name: "API and dashboard unavailable" }).click();
      await page.waitForURL(`${ORIGIN}/incidents/incapidown01`);
      assert.equal(
        (await page.getByRole("heading", { level: 1 }).textContent()) ?? "",
        "API and dashboard unavailable",
      );
    } finally {
      await context.close();
    }
  });

  test("no serious accessibility violations (axe, WCAG 2.1 AA) in light and dark", async () => {
    for (const colorScheme of ["light", "dark"] as const) {
      const context = await browser.newContext({ colorScheme });
      try {
        // axe is injected as a script: this one check runs without the CSP.
        await serve(context, sampleStatusData("major-outage"), false);
        const page = await context.newPage();
        for (const path of ["/", "/incidents/incapierr001", "/maintenances/mntsmsprov01"]) {
          await page.goto(`${ORIGIN}${path}`);
          assert.deepEqual(await seriousAxeViolations(page), [], `${path} (${colorScheme})`);
        }
      } finally {
        await context.close();
      }
    }
  });
});
