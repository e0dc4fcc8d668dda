// Services, integrations and alerts in the web UI: Debian's Chromium (playwright-core) against the real
// server serving web/dist. Skips with one line when /usr/bin/chromium is missing; under CI=true that is a
// failure instead (incidents.test.ts reports it once for both files).

import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import {
  apiJson,
  browserUnavailable,
  launchBrowser,
  seriousAxeViolations,
  signedInContext,
  startUiServer,
  type UiServer,
} from "./harness.ts";

const unavailable = browserUnavailable();

/** A real Alertmanager webhook body (two firing members of one group). */
function firingFixture(): string {
  const inRepo = resolve(import.meta.dirname, "../fixtures/alertmanager-webhook-firing.json");
  return readFileSync(
    existsSync(inRepo) ? inRepo : "/work/shared/fixtures/alertmanager-webhook-firing.json",
    "utf8",
  );
}

interface IntegrationBody {
  id: string;
  url: string;
  routing_key: string;
}

async function postWebhook(server: UiServer, url: string, body: string): Promise<Response> {
  return fetch(new URL(url, server.url), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
}

/** A service with an Alertmanager integration and one delivered alert, set up through the API. */
async function seedAlert(server: UiServer, name: string): Promise<void> {
  await apiJson(server, "/api/v1/services", { body: { name, description: `${name} for the UI checks` } });
  const integration = await apiJson<IntegrationBody>(server, `/api/v1/services/${name}/integrations`, {
    body: { kind: "alertmanager" },
  });
  const response = await postWebhook(server, integration.url, firingFixture());
  assert.ok(response.ok, `webhook answered ${response.status}: ${await response.text()}`);
}

/** The alert row of a service on /alerts, once its incident exists (the list refreshes live). */
async function alertRowWithIncident(page: Page, server: UiServer, service: string) {
  await page.goto(`${server.url}/alerts?service=${service}`);
  const row = page.locator("tbody tr.alert-row").first();
  await row.locator(".col-incident a").waitFor();
  return row;
}

function noSidewaysScroll(page: Page): Promise<number> {
  return page.evaluate(
    `document.documentElement.scrollWidth - document.documentElement.clientWidth`,
  ) as Promise<number>;
}

describe("alerts and services in Chromium", { skip: unavailable ?? false }, () => {
  let browser: Browser;
  let server: UiServer;
  // One signed-in page for the whole file: these tests run beside incidents.test.ts, and every sign-in,
  // context and axe run costs seconds on a small CI machine. Colour scheme and width are switched in place.
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    server = await startUiServer();
    browser = await launchBrowser();
    ({ context, page } = await signedInContext(browser, server));
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
  });
  after(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  test("a service and an Alertmanager integration made in the UI: a delivered alert appears on /alerts and on its incident", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Services" }).click();
    await page.waitForURL(/\/services$/);
    await page.getByRole("button", { name: "New service" }).click();
    // The server's field error appears beside the field.
    await page.getByLabel("Name", { exact: true }).fill("not*valid");
    await page.getByRole("button", { name: "Create service" }).click();
    await page
      .locator(".new-service-form .field.has-error")
      .getByText(/may contain/)
      .waitFor();
    await page.getByLabel("Name", { exact: true }).fill("checkout");
    await page.getByLabel("Description").fill("Card payments and the basket");
    await page.getByRole("button", { name: "Create service" }).click();
    await page.waitForURL(/\/services\/checkout$/);
    await page.getByRole("heading", { level: 1, name: "checkout" }).waitFor();
    await page.locator(".service-head .health-healthy").waitFor();

    await page.getByRole("button", { name: "Add integration" }).click();
    await page.getByLabel("Kind").selectOption("alertmanager");
    await page.getByRole("button", { name: "Create integration" }).click();
    const card = page.locator('.integration[data-kind="alertmanager"]');
    const urlText = card.locator(".copy-value").filter({ hasText: "URL" }).locator(".copy-text");
    const url = (await urlText.textContent()) ?? "";
    assert.match(url, /^http:\/\/.+\/webhooks\/alertmanager\/[A-Za-z0-9_-]+$/, url);
    const key =
      (await card
        .locator(".copy-value")
        .filter({ hasText: "Routing key" })
        .locator(".copy-text")
        .textContent()) ?? "";
    assert.ok(url.endsWith(`/${key}`), `the URL ${url} carries the routing key ${key}`);

    // The copy button puts exactly the shown URL on the clipboard.
    await card.getByRole("button", { name: /Copy the URL of/ }).click();
    assert.equal(await page.evaluate("navigator.clipboard.readText()"), url);

    const response = await postWebhook(server, url, firingFixture());
    assert.ok(response.ok, `webhook answered ${response.status}: ${await response.text()}`);

    // The alert list (filters in the URL) shows it; its incident is opened just after the 2xx.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Alerts" }).click();
    await page.waitForURL(/\/alerts$/);
    await page.getByLabel("Service").selectOption("checkout");
    await page.waitForURL(/\/alerts\?service=checkout$/);
    const row = page.locator("tbody tr.alert-row").filter({ hasText: "High 5xx error rate on checkout" });
    await row.waitFor();
    assert.equal((await row.locator(".col-astatus").textContent())?.trim(), "Triggered");
    assert.equal((await row.locator(".col-asev").textContent())?.trim(), "critical");
    const incidentLink = row.locator(".col-incident a");
    await incidentLink.waitFor();
    const incidentId = ((await incidentLink.textContent()) ?? "").trim();
    assert.match(incidentId, /^INC-\d+$/);

    // Its detail: both members with their labels, and the incident it opened.
    await row.locator(".row-link").click();
    await page.waitForURL(/\/alerts\/ALR-\d+$/);
    await page.locator(".member").nth(1).waitFor();
    assert.equal(await page.locator(".member").count(), 2);
    await page.locator(".member .label").filter({ hasText: "instance=10.0.0.12:9100" }).waitFor();
    await page.getByRole("link", { name: /Incident INC-\d+/ }).waitFor();

    // On the incident's page: the alert, and the service shown down (a critical alert is open).
    await page.goto(`${server.url}/incidents/${incidentId}`);
    const alerts = page.locator("#alerts");
    await alerts.locator(".alert-item").filter({ hasText: "High 5xx error rate on checkout" }).waitFor();
    assert.match((await alerts.locator(".alert-item-meta").first().textContent()) ?? "", /2 events|1 event/);
    await alerts.getByRole("heading", { name: "Recent changes" }).waitFor();
    const services = page.locator(".detail-side .service-list");
    await services.locator(".health-down").waitFor();
    assert.match((await services.locator(".health-down").getAttribute("title")) ?? "", /critical/);
  });

  test("generic webhook: mapping errors beside the fields, then a sample tried against the saved mapping", async () => {
    await apiJson(server, "/api/v1/services", { body: { name: "search" } });
    await page.goto(`${server.url}/services/search`);
    await page.getByRole("button", { name: "Add integration" }).click();
    await page.getByLabel("Kind").selectOption("generic");
    await page.getByLabel("Summary", { exact: true }).fill("$.[broken");
    await page.getByRole("button", { name: "Create integration" }).click();
    await page.locator(".integration-form .field.has-error").first().waitFor();
    assert.ok(
      await page.locator(".field-mapping.has-error").filter({ hasText: "Summary" }).count(),
      "the summary selector's error is shown beside it",
    );

    await page.getByLabel("Summary", { exact: true }).fill("$.title");
    await page.getByLabel("Severity (optional)").fill("$.level");
    await page.getByRole("button", { name: "Create integration" }).click();
    const card = page.locator('.integration[data-kind="generic"]');
    await card.waitFor();
    // The sample box opens on the integration just made.
    await card.getByLabel("Sample JSON body").fill('{"title": "Queue depth above 10k", "level": "crit"}');
    await card.getByRole("button", { name: "Try the sample" }).click();
    await card.locator(".dry-run-ok").waitFor();
    await card.locator(".dry-run").getByText("Queue depth above 10k").first().waitFor();
    await card.locator(".dry-run").getByText("critical").first().waitFor();

    // Not JSON: said beside the box, nothing sent.
    await card.getByLabel("Sample JSON body").fill("{nope");
    await card.getByRole("button", { name: "Try the sample" }).click();
    await card
      .locator(".field-error")
      .getByText(/Not JSON/)
      .waitFor();

    // Delete asks first.
    await card.getByRole("button", { name: /Delete integration/ }).click();
    const dialog = page.getByRole("dialog", { name: "Delete integration?" });
    await dialog.getByRole("button", { name: "Delete integration" }).click();
    await card.waitFor({ state: "detached" });
  });

  test("health checks and maintenance windows: add from the forms, time zone defaults to the browser's", async () => {
    await apiJson(server, "/api/v1/services", { body: { name: "email" } });
    await page.goto(`${server.url}/services/email`);
    await page.getByRole("button", { name: "Add health check" }).click();
    const checkForm = page.locator(".check-form");
    await checkForm.getByLabel("Name").fill("homepage");
    await checkForm.getByLabel("URL").fill("not a url");
    await checkForm.getByRole("button", { name: "Add check" }).click();
    await checkForm.locator(".field.has-error").filter({ hasText: "URL" }).waitFor();
    await checkForm.getByLabel("URL").fill(`${server.url}/healthz`);
    await checkForm.getByRole("button", { name: "Add check" }).click();
    await page.locator(".row-item.check-item").filter({ hasText: "homepage" }).waitFor();

    await page.getByRole("button", { name: "Schedule maintenance" }).click();
    const windowForm = page.locator(".window-form");
    // signedInContext runs the browser in Europe/Amsterdam.
    assert.equal(await windowForm.getByLabel("Time zone").inputValue(), "Europe/Amsterdam");
    await windowForm.getByLabel("Starts").fill("2099-12-24T22:00");
    await windowForm.getByLabel("Ends").fill("2099-12-25T06:00");
    await windowForm.getByLabel("Reason").fill("Database upgrade");
    await windowForm.getByRole("button", { name: "Schedule" }).click();
    const item = page.locator(".row-item.window").filter({ hasText: "Database upgrade" });
    await item.waitFor();
    // Shown in the window's own zone: 22:00 as typed.
    assert.match((await item.locator(".window-span").textContent()) ?? "", /22:00/);
  });

  test("no serious or critical axe-core violations on the new pages, light and dark; no sideways scroll at 1280 and 390 px", async () => {
    await seedAlert(server, "payments");
    const row = await alertRowWithIncident(page, server, "payments");
    const alertHref = (await row.locator(".row-link").getAttribute("href")) ?? "";
    const incidentHref = (await row.locator(".col-incident a").getAttribute("href")) ?? "";
    const pages: [string, string][] = [
      ["/alerts?service=payments", "alerts"],
      ["/services", "services"],
      ["/services/payments", "service"],
      [alertHref, "alert"],
      [incidentHref, "incident"],
    ];
    /** Loads a page and waits for its data; the service page with its forms open (they are part of it). */
    const open = async (path: string, what: string) => {
      await page.goto(`${server.url}${path}`);
      await page.locator("main h1").first().waitFor();
      if (what === "incident") await page.locator("#alerts .alert-item").first().waitFor();
      if (what === "alert") await page.locator(".member").first().waitFor();
      if (what === "services") await page.locator("tbody tr.data-row").first().waitFor();
      if (what === "service") {
        await page.locator(".integration").first().waitFor();
        await page.getByRole("button", { name: "Add integration" }).click();
        await page.getByLabel("Kind").selectOption("generic");
        await page.getByRole("button", { name: "Add health check" }).click();
        await page.getByRole("button", { name: "Schedule maintenance" }).click();
      }
    };
    try {
      for (const [path, what] of pages) {
        await open(path, what);
        for (const colorScheme of ["light", "dark"] as const) {
          // Reduced motion turns the stylesheet's colour transitions off, so axe never sees a colour halfway.
          await page.emulateMedia({ colorScheme, reducedMotion: "reduce" });
          const violations = await seriousAxeViolations(page);
          assert.deepEqual(
            violations,
            [],
            `${what} (${colorScheme}): ${JSON.stringify(violations, null, 2)}`,
          );
        }
        // The layout follows the viewport at once (media queries), so the same page is checked at phone width.
        for (const width of [1280, 390]) {
          await page.setViewportSize({ width, height: width === 390 ? 844 : 800 });
          const overflow = await noSidewaysScroll(page);
          assert.ok(overflow <= 0, `${path} scrolls sideways by ${overflow}px at ${width} px`);
        }
        await page.setViewportSize({ width: 1280, height: 800 });
      }
    } finally {
      await page.emulateMedia({ colorScheme: "light", reducedMotion: null });
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });
});
