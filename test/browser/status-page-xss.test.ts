// The XSS corpus (test/helpers/status-page-xss.ts) rendered by renderSite and opened in Debian's Chromium:
// no dialog opens, no script element exists, nothing is fetched from elsewhere, and each payload reads as
// text. The pages are served without a Content-Security-Policy on purpose: the escaping alone must hold.
// The feeds go through Chromium's XML parser. Skips with one line when /usr/bin/chromium is missing; under
// CI=true that is a failure instead.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, BrowserContext } from "playwright-core";
import { renderSite } from "#domain/status-page/render-site.ts";
import type { SnapshotFiles } from "#domain/status-page/types.ts";
import { XSS_PAYLOADS, xssStatusData } from "../helpers/status-page-xss.ts";
import { browserUnavailable, CHROMIUM, launchBrowser } from "./harness.ts";

const unavailable = browserUnavailable();
if (unavailable && process.env.CI === "true") {
  test("Chromium is installed for the browser tests", () => {
    assert.fail(`${CHROMIUM} is missing; CI must install Debian's chromium (apt-get install -y chromium)`);
  });
}

const ORIGIN = "http://status.test";

/** Serves the rendered files at ORIGIN; records every request that goes anywhere else. */
async function serve(context: BrowserContext, files: SnapshotFiles, foreign: string[]): Promise<void> {
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    const file = url.origin === ORIGIN ? files.get(url.pathname) : undefined;
    if (url.origin !== ORIGIN) foreign.push(url.href);
    if (!file) return route.fulfill({ status: 404, contentType: "text/plain", body: "not found" });
    return route.fulfill({ status: 200, contentType: file.contentType, body: file.body });
  });
}

describe("status page XSS corpus in Chromium", { skip: unavailable ?? false }, () => {
  let browser: Browser;
  const data = xssStatusData();
  const files = renderSite(data, { base: "" });

  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  test("no payload runs on any page, and each reads as text", async () => {
    const context = await browser.newContext();
    context.setDefaultTimeout(10_000);
    const dialogs: string[] = [];
    const foreign: string[] = [];
    const errors: string[] = [];
    await serve(context, files, foreign);
    const page = await context.newPage();
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on("console", (message) => {
      if (/xss/i.test(message.text())) errors.push(message.text());
    });
    page.on("pageerror", (error) => errors.push(error.message));
    try {
      const htmlPaths = [...files].filter(([, f]) => f.contentType.startsWith("text/html")).map(([p]) => p);
      assert.ok(htmlPaths.length > 25, "the page, every incident and every maintenance");
      for (const path of htmlPaths) {
        await page.goto(`${ORIGIN}${path}`, { waitUntil: "load" });
        // Autofocus, toggles and meta refreshes act after load: give them a moment to fire.
        await page.waitForTimeout(50);
        assert.equal(new URL(page.url()).pathname, path, `${path} navigated away`);
        const state = (await page.evaluate(`({
          scripts: document.scripts.length,
          iframes: document.querySelectorAll("iframe, object, embed, meta[http-equiv]").length,
          handlers: [...document.querySelectorAll("*")].filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name))).length,
          styles: document.querySelectorAll("style").length,
          images: [...document.images].map((i) => i.getAttribute("src")),
        })`)) as { scripts: number; iframes: number; handlers: number; styles: number; images: string[] };
        assert.deepEqual(state, { scripts: 0, iframes: 0, handlers: 0, styles: 2, images: [] }, path);
      }

      await page.goto(`${ORIGIN}/`);
      const text = (await page.evaluate("document.body.innerText")) as string;
      for (const payload of XSS_PAYLOADS)
        assert.ok(text.includes(payload), `the payload does not read as text on the page: ${payload}`);
      // A payload as an incident title is a link's text in the history.
      const link = page.getByRole("link", { name: XSS_PAYLOADS[1], exact: true }).first();
      assert.equal(await link.getAttribute("href"), "/incidents/incxss000001");
      // The brand colour was rejected, the logo URL too: the default colour and the name as text.
      const brand = (await page.evaluate(
        `getComputedStyle(document.documentElement).getPropertyValue("--brand").trim()`,
      )) as string;
      assert.equal(brand, "#2563eb");
      assert.equal((await page.locator("header .brand").textContent()) ?? "", data.page.name);

      assert.deepEqual(dialogs, [], "no dialog opened");
      assert.deepEqual(errors, [], "no script error or marker");
      assert.deepEqual(foreign, [], "nothing fetched from another origin");
    } finally {
      await context.close();
    }
  });

  test("the feeds parse as XML and carry the payloads as text", async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.setContent("<!doctype html><title>feeds</title>");
      for (const [path, item, title] of [
        ["/history.rss", "item", "title"],
        ["/history.atom", "entry", "title"],
      ] as const) {
        const xml = files.get(path)?.body ?? "";
        const parsed = (await page.evaluate(`(() => {
          const doc = new DOMParser().parseFromString(${JSON.stringify(xml)}, "application/xml");
          return {
            error: doc.querySelector("parsererror")?.textContent ?? null,
            titles: [...doc.getElementsByTagName(${JSON.stringify(item)})].map(
              (e) => e.getElementsByTagName(${JSON.stringify(title)})[0]?.textContent ?? "",
            ),
            scripts: doc.getElementsByTagName("script").length,
          };
        })()`)) as { error: string | null; titles: string[]; scripts: number };
        assert.equal(parsed.error, null, `${path} is not well-formed`);
        assert.equal(parsed.scripts, 0);
        for (const payload of XSS_PAYLOADS)
          assert.ok(parsed.titles.includes(payload), `${path}: no item titled ${payload}`);
      }
    } finally {
      await context.close();
    }
  });
});
