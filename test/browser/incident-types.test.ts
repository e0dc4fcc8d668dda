// Incident types and custom fields in the web UI (Chromium): declaring with a type fills in its defaults,
// the incident's sidebar shows and edits the values, the list filters on them, the settings pages work.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import {
  apiJson,
  browserUnavailable,
  CHROMIUM,
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

describe("incident types in Chromium", { skip: unavailable ?? false }, () => {
  let browser: Browser;
  let server: UiServer;

  before(async () => {
    server = await startUiServer();
    browser = await launchBrowser();
    await apiJson(server, "/api/v1/custom-fields", {
      body: { key: "customer_tier", label: "Customer tier", kind: "select", options: ["gold", "silver"] },
    });
    await apiJson(server, "/api/v1/custom-fields", {
      body: { key: "orders_lost", label: "Orders lost", kind: "number" },
    });
    await apiJson(server, "/api/v1/incident-types", {
      body: {
        name: "Security breach",
        severity: "SEV1",
        services: ["auth"],
        roles: [{ role: "commander", person: "alice" }],
        field_defaults: { customer_tier: "gold" },
      },
    });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("declare with a type: its defaults fill the form; the sidebar shows and edits the values", async () => {
    const { context, page } = await signedInContext(browser, server);
    try {
      await page.goto(`${server.url}/declare`);
      await page.getByLabel("Title", { exact: true }).fill("API keys leaked in a public repo");
      await page.getByLabel("Incident type").selectOption("Security breach");
      assert.equal(
        await page.getByRole("radio", { name: /SEV1/ }).isChecked(),
        true,
        "severity from the type",
      );
      await page.locator(".token", { hasText: "auth" }).first().waitFor();
      assert.equal(await page.getByLabel("Customer tier").inputValue(), "gold");
      await page.getByLabel("Orders lost").fill("12");
      assert.deepEqual(await seriousAxeViolations(page), []);
      await page.getByRole("button", { name: "Declare incident" }).click();
      await page.waitForURL(/\/incidents\/INC-\d+$/);
      const id = page.url().split("/").at(-1) ?? "";

      const details = page.locator("section", { has: page.locator("#custom-fields-h") });
      await details.getByText("Security breach").waitFor();
      assert.equal(await details.locator('[data-field="customer_tier"]').textContent(), "gold");
      assert.equal(await details.locator('[data-field="orders_lost"]').textContent(), "12");
      const incident = await apiJson<{ roles: { commander: string }; severity: string }>(
        server,
        `/api/v1/incidents/${id}`,
      );
      assert.equal(incident.roles.commander, "alice");
      assert.equal(incident.severity, "SEV1");

      await details.getByRole("button", { name: /Edit/ }).click();
      await details.getByLabel("Customer tier").selectOption("silver");
      await details.getByLabel("Orders lost").fill("30");
      await details.getByRole("button", { name: "Save" }).click();
      await details.locator('[data-field="customer_tier"]', { hasText: "silver" }).waitFor();
      assert.equal(await details.locator('[data-field="orders_lost"]').textContent(), "30");

      await page.goto(`${server.url}/incidents?view=all&field.customer_tier=silver`);
      await page.locator("tbody tr.incident-row td.col-id", { hasText: id }).waitFor();
      assert.equal(await page.locator("tbody tr.incident-row").count(), 1);
    } finally {
      await context.close();
    }
  });

  test("the settings pages list, create and delete incident types and fields", async () => {
    const { context, page } = await signedInContext(browser, server);
    try {
      await page.goto(`${server.url}/settings/incident-types`);
      await page.locator('[data-type="Security breach"]').waitFor();
      await page.getByRole("button", { name: "New type" }).click();
      const form = page.getByRole("form", { name: "New incident type" });
      await form.getByLabel("Name").fill("Database");
      await form.getByLabel("Default severity").selectOption("SEV2");
      await form.getByRole("checkbox").check();
      await form.getByRole("button", { name: "Add task" }).click();
      await form.getByLabel("Task 1 title").fill("Check replication lag");
      await form.getByRole("button", { name: "Create type" }).click();
      await page.locator('[data-type="Database"]', { hasText: "Check replication lag (5 min)" }).waitFor();
      assert.deepEqual(await seriousAxeViolations(page), []);

      await page.getByRole("link", { name: "Custom fields" }).click();
      await page.locator('[data-field="orders_lost"]').waitFor();
      await page
        .locator('[data-field="orders_lost"]')
        .getByRole("button", { name: /Delete/ })
        .click();
      const dialog = page.getByRole("dialog");
      await dialog.getByRole("button", { name: "Delete field" }).click();
      await dialog.getByText(/1 incident\(s\) carry a value/).waitFor();
      await dialog.getByRole("button", { name: "Delete field and its values" }).click();
      await page.locator('[data-field="orders_lost"]').waitFor({ state: "detached" });
    } finally {
      await context.close();
    }
  });
});
