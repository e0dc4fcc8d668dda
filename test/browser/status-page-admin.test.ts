// Running the public status page from the web UI (Chromium): a component linked to a service, set to
// partial outage by hand and shown so on /status; a maintenance scheduled, updated and cancelled; a webhook
// subscriber whose signing secret is shown once; the page's name changed in settings and shown on /status;
// an incident's public title.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import {
  apiJson,
  browserUnavailable,
  CHROMIUM,
  declare,
  launchBrowser,
  seriousAxeViolations,
  signedInContext,
  startUiServer,
  type UiServer,
} from "./harness.ts";

const unavailable = browserUnavailable();
if (unavailable && process.env.CI === "true") {
  test("Chromium is installed for the browser tests", () => {
    assert.fail(`${CHROMIUM} is missing; CI must install Debian's chromium (apt-get install -y chromium)`);
  });
}

interface ComponentView {
  id: string;
  name: string;
  services: string[];
  status: string;
  manual_status: string | null;
}

/** Reloads the public page until it shows `text` (the page is a snapshot of the last change); true when it does. */
async function publicPageShows(page: Page, url: string, text: string): Promise<boolean> {
  for (let i = 0; i < 20; i++) {
    const response = await page.goto(url);
    assert.equal(response?.status(), 200, `GET ${url}`);
    if (await page.getByText(text).first().isVisible()) return true;
    await page.waitForTimeout(250);
  }
  return false;
}

describe("status page admin in Chromium", { skip: unavailable ?? false }, () => {
  let browser: Browser;
  let server: UiServer;

  before(async () => {
    server = await startUiServer();
    browser = await launchBrowser();
    await apiJson(server, "/api/v1/services", { body: { name: "checkout" } });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("a component linked to a service, set to partial outage by hand, shows so on /status", async () => {
    const { context, page } = await signedInContext(browser, server);
    try {
      await page.goto(`${server.url}/incidents`);
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Status page" }).click();
      await page.waitForURL(/\/status-page$/);
      await page.getByText("No components yet").waitFor();
      assert.deepEqual(await seriousAxeViolations(page), []);

      await page.getByRole("button", { name: "New component" }).click();
      const form = page.getByRole("form", { name: "New component" });
      await form.getByLabel("Name").fill("Checkout API");
      await form.getByLabel("Description").fill("Placing orders and paying for them");
      const services = form.getByLabel("Services");
      await services.fill("checkout");
      await services.press("Enter");
      await form.getByRole("button", { name: "Create component" }).click();

      const row = page.locator('[data-component="Checkout API"]');
      await row.locator(".cstatus", { hasText: "Operational" }).waitFor();
      await row.getByRole("link", { name: "checkout" }).waitFor();
      const [created] = (
        await apiJson<{ components: ComponentView[] }>(server, "/api/v1/status-page/components")
      ).components;
      assert.equal(created?.name, "Checkout API");
      assert.deepEqual(created?.services, ["checkout"]);

      await page.getByLabel("Status of Checkout API").selectOption("partial_outage");
      await row.locator(".cstatus", { hasText: "Partial Outage" }).waitFor();
      await row.getByText("Set by hand").waitFor();
      const [set] = (await apiJson<{ components: ComponentView[] }>(server, "/api/v1/status-page/components"))
        .components;
      assert.equal(set?.manual_status, "partial_outage");
      assert.equal(set?.status, "partial_outage");
      // The heading says what the public page says overall, updated live.
      await page.locator(".overall-status", { hasText: "Partial System Outage" }).waitFor();
      assert.deepEqual(await seriousAxeViolations(page), []);

      // The link to the public page opens it in a new tab.
      const link = page.getByRole("link", { name: /View public page/ });
      assert.equal(await link.getAttribute("href"), "/status");
      assert.equal(await link.getAttribute("target"), "_blank");

      assert.ok(
        await publicPageShows(page, `${server.url}/status`, "Partial Outage"),
        "/status shows the status",
      );
      assert.ok(await page.getByText("Checkout API").first().isVisible(), "/status lists the component");

      // Dark mode passes the same accessibility checks.
      const dark = await signedInContext(browser, server, { colorScheme: "dark" });
      try {
        await dark.page.goto(`${server.url}/status-page/components`);
        await dark.page
          .locator('[data-component="Checkout API"] .cstatus', { hasText: "Partial Outage" })
          .waitFor();
        assert.deepEqual(await seriousAxeViolations(dark.page), []);
      } finally {
        await dark.context.close();
      }

      // Back to automatic: it follows its (no) incidents again.
      await page.goto(`${server.url}/status-page/components`);
      await page.getByLabel("Status of Checkout API").selectOption("");
      await page.locator('[data-component="Checkout API"] .cstatus', { hasText: "Operational" }).waitFor();
      assert.equal(await page.locator('[data-component="Checkout API"]').getByText("Set by hand").count(), 0);
    } finally {
      await context.close();
    }
  });

  test("schedule a maintenance, see it listed, post an update that starts it, cancel it", async () => {
    const { context, page } = await signedInContext(browser, server);
    try {
      await page.goto(`${server.url}/status-page/maintenance`);
      await page.getByText("No maintenance scheduled").waitFor();
      await page.getByRole("button", { name: "Schedule maintenance" }).first().click();
      const form = page.getByRole("form", { name: "Schedule maintenance" });
      await form.getByLabel("Title").fill("Database upgrade");
      await form.getByLabel("Description").fill("Checkout may be unavailable for up to 10 minutes.");
      assert.match(
        await form.getByLabel("Starts", { exact: true }).inputValue(),
        /^\d{4}-\d{2}-\d{2}T\d{2}:00$/,
      );
      assert.equal(await form.getByLabel("Time zone").inputValue(), "UTC", "the page's zone by default");
      await form.getByRole("checkbox", { name: "Checkout API" }).check();
      assert.equal(
        await form.getByRole("checkbox", { name: /Remind subscribers 60 minutes/ }).isChecked(),
        true,
      );
      await form.getByRole("button", { name: "Schedule" }).click();

      const upcoming = page.locator("section#maintenance-upcoming");
      const item = upcoming.locator('[data-maintenance="Database upgrade"]');
      await item.locator(".mstatus", { hasText: "Scheduled" }).waitFor();
      await item.getByText("Checkout API").waitFor();
      await item.getByText("Reminder 60 min before").waitFor();
      assert.deepEqual(await seriousAxeViolations(page), []);

      await item.getByRole("button", { name: "Post update on Database upgrade" }).click();
      const update = page.getByRole("form", { name: "Update on Database upgrade" });
      await update.getByLabel("Update").fill("We are starting early.");
      await update.getByLabel("Status").selectOption("in_progress");
      await update.getByRole("button", { name: "Post update" }).click();

      const active = page
        .locator("section#maintenance-active")
        .locator('[data-maintenance="Database upgrade"]');
      await active.locator(".mstatus", { hasText: "In progress" }).waitFor();
      await active.getByText("We are starting early.").waitFor();
      const { maintenances } = await apiJson<{ maintenances: { status: string; updates: unknown[] }[] }>(
        server,
        "/api/v1/status-page/maintenances?state=active",
      );
      assert.equal(maintenances.length, 1);
      assert.equal(maintenances[0]?.status, "in_progress");

      await active.getByRole("button", { name: "Cancel Database upgrade" }).click();
      const dialog = page.getByRole("dialog", { name: "Cancel Database upgrade?" });
      await dialog.getByRole("button", { name: "Cancel maintenance" }).click();
      await page.getByText("No maintenance scheduled").waitFor();
      const all = await apiJson<{ maintenances: unknown[] }>(server, "/api/v1/status-page/maintenances");
      assert.equal(all.maintenances.length, 0);
    } finally {
      await context.close();
    }
  });

  test("a webhook subscriber's signing secret is shown once, with a copy button", async () => {
    const { context, page } = await signedInContext(browser, server);
    try {
      await page.goto(`${server.url}/status-page/subscribers`);
      await page.getByText("No subscribers yet").waitFor();
      await page.getByRole("button", { name: "Add subscriber" }).click();
      const form = page.getByRole("form", { name: "Add subscriber" });
      await form.getByRole("radio", { name: "Webhook" }).check();
      await form.getByLabel("Webhook URL").fill("https://hooks.example.com/foghorn");
      await form.getByLabel("Contact email").fill("team@example.com");
      await form.getByRole("button", { name: "Add subscriber" }).click();

      const secretBox = page.getByRole("region", { name: "Signing secret for the new webhook" });
      const secret = ((await secretBox.locator(".copy-text").textContent()) ?? "").trim();
      assert.ok(secret.length >= 16, `a secret is shown: ${secret}`);
      await secretBox.getByRole("button", { name: "Copy the webhook's signing secret" }).waitFor();

      // After the answer that created it, the URL shows its host only (it may carry a key).
      const row = page.locator('[data-subscriber="https://hooks.example.com/…"]');
      await row.locator(".sstate", { hasText: "Active" }).waitFor();
      await row.getByText("All components").waitFor();
      await row.getByText("contact: team@example.com").waitFor();
      assert.deepEqual(await seriousAxeViolations(page), []);

      // The API never shows it again, and neither does the page.
      const listed = await apiJson<{ subscribers: Record<string, unknown>[] }>(
        server,
        "/api/v1/status-page/subscribers",
      );
      assert.equal(listed.subscribers.length, 1);
      assert.equal(JSON.stringify(listed).includes(secret), false);
      assert.equal(JSON.stringify(listed).includes("/foghorn"), false, "the URL's path is masked");
      await secretBox.getByRole("button", { name: "I have saved it" }).click();
      await secretBox.waitFor({ state: "detached" });
      await page.reload();
      await row.waitFor();
      assert.equal(await page.getByText(secret).count(), 0);

      // Filters: by kind.
      await page.getByRole("radio", { name: "Email" }).check();
      await page.getByText("No subscribers match these filters.").waitFor();
      await page.getByRole("button", { name: "Clear filters" }).click();
      await row.waitFor();

      // Remove, with a confirmation.
      await row.getByRole("button", { name: /Remove/ }).click();
      await page.getByRole("dialog").getByRole("button", { name: "Remove subscriber" }).click();
      await page.getByText("No subscribers yet").waitFor();
    } finally {
      await context.close();
    }
  });

  test("the page name changed in settings shows on /status", async () => {
    const { context, page } = await signedInContext(browser, server);
    try {
      const response = await page.goto(`${server.url}/status-page/settings`);
      assert.equal(response?.status(), 200, "/status-page/settings is one of the UI's pages");
      const name = page.getByLabel("Page name");
      await name.waitFor();
      await name.fill("Acme Status");
      await page.getByRole("button", { name: "Add link" }).click();
      await page.getByLabel("Link 1 label").fill("Support");
      await page.getByLabel("Link 1 URL").fill("https://example.com/support");
      await page.getByLabel("Component status for SEV3 incidents").selectOption("partial_outage");
      await page.getByRole("button", { name: "Save settings" }).click();
      await page.getByText("Saved the status page settings").waitFor();
      const saved = await apiJson<{
        name: string;
        footer_links: { label: string; url: string }[];
        component_status_by_severity: Record<string, string>;
      }>(server, "/api/v1/status-page/settings");
      assert.equal(saved.name, "Acme Status");
      assert.deepEqual(saved.footer_links, [{ label: "Support", url: "https://example.com/support" }]);
      assert.equal(saved.component_status_by_severity.SEV3, "partial_outage");
      assert.deepEqual(await seriousAxeViolations(page), []);

      // A field the server refuses shows its message beside the field.
      await page.getByLabel("Custom domain").fill("https://status.example.com/");
      await page.getByRole("button", { name: "Save settings" }).click();
      const domain = page.getByLabel("Custom domain");
      await page.locator(".field.has-error", { has: domain }).locator(".field-error").waitFor();
      assert.equal(await domain.getAttribute("aria-invalid"), "true");
      await page.getByRole("button", { name: "Discard changes" }).click();

      assert.ok(
        await publicPageShows(page, `${server.url}/status`, "Acme Status"),
        "/status shows the new name",
      );
      assert.match(await page.title(), /Acme Status/);
    } finally {
      await context.close();
    }
  });

  test("an incident's public title is set beside its status updates", async () => {
    const incident = await declare(server, {
      title: "Primary DB failover on pg-7",
      severity: "SEV2",
      affected_services: ["checkout"],
    });
    const { context, page } = await signedInContext(browser, server);
    try {
      await page.goto(`${server.url}/incidents/${incident.id}`);
      const comms = page.locator("section#communication");
      await comms.getByRole("link", { name: /status page/ }).waitFor();
      await comms.getByLabel("Public title").fill("Checkout is slow");
      await comms.getByRole("button", { name: "Save public title" }).click();
      await page.getByText("Saved the public title").waitFor();
      const saved = await apiJson<{ public_title: string | null }>(
        server,
        `/api/v1/incidents/${incident.id}`,
      );
      assert.equal(saved.public_title, "Checkout is slow");
    } finally {
      await context.close();
    }
  });
});
