// The built web UI under its Content-Security-Policy in Debian's Chromium: signing in and the main pages
// (incident list and page, services, on-call, insights with its charts, the status page editor) load with
// zero CSP violations (securitypolicyviolation events, recorded from before the first script runs), and
// the policy they ran under is the strict one (no 'unsafe-inline' for scripts, no framing).
// Skips with one line when /usr/bin/chromium is missing; under CI=true that is a failure instead
// (test/browser/incidents.test.ts reports it).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import {
  browserUnavailable,
  declare,
  launchBrowser,
  signIn,
  startUiServer,
  type UiServer,
} from "../browser/harness.ts";

const unavailable = browserUnavailable();

describe("the web UI under its Content-Security-Policy, in Chromium", { skip: unavailable ?? false }, () => {
  let server: UiServer;
  let browser: Browser;
  before(async () => {
    [server, browser] = await Promise.all([startUiServer(), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("sign-in and the main pages load with no CSP violation", async () => {
    const incident = await declare(server, { title: "CSP check: checkout errors", severity: "SEV2" });
    const context = await browser.newContext();
    context.setDefaultTimeout(10_000);
    // Recorded from before the first script runs, in every document the page loads.
    await context.addInitScript({
      content: `window.__csp = [];
        document.addEventListener("securitypolicyviolation", (e) =>
          window.__csp.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
            " (" + e.sourceFile + ":" + e.lineNumber + ")"));`,
    });
    const page = await context.newPage();
    const violations: string[] = [];
    const collect = async (where: string) => {
      const found = (await page.evaluate("window.__csp.splice(0)")) as string[];
      violations.push(...found.map((v) => `${where}: ${v}`));
    };
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(`console: ${message.text()}`);
    });

    const response = await page.goto(`${server.url}/login`);
    const policy = (await response?.allHeaders())?.["content-security-policy"] ?? "";
    assert.match(policy, /script-src 'self'(;|$)/);
    assert.match(policy, /frame-ancestors 'none'/);
    await collect("/login");
    await signIn(page, server);
    await collect("sign-in");
    for (const path of [
      "/incidents",
      `/incidents/${incident.id}`,
      "/services",
      "/oncall",
      "/insights",
      "/status-page",
    ]) {
      await page.goto(`${server.url}${path}`);
      await page.locator("main h1, h1").first().waitFor();
      await page.waitForLoadState("networkidle");
      await collect(path);
    }
    assert.deepEqual(violations, []);
    // The control: what the policy forbids (an inline script) is blocked and reported by the same listener.
    await page.evaluate(
      "{ const s = document.createElement('script'); s.textContent = 'window.__ran = true'; document.body.append(s); }",
    );
    await page.waitForFunction("window.__csp.length > 0");
    assert.equal(await page.evaluate("window.__ran === true"), false, "the inline script did not run");
    await collect("control");
    assert.match(violations.join("\n"), /^control: script-src-elem blocked inline/m);
    await context.close();
  });
});
