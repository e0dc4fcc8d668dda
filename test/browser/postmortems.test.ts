// The postmortem in the web UI (Chromium): write it with a live preview, publish it, see it on the incident.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import {
  apiJson,
  browserUnavailable,
  declare,
  launchBrowser,
  seriousAxeViolations,
  signedInContext,
  startUiServer,
  type UiServer,
} from "./harness.ts";

const unavailable = browserUnavailable();

describe("postmortems in the web UI", { skip: unavailable ?? false }, () => {
  let browser: Browser;
  let server: UiServer;
  before(async () => {
    server = await startUiServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("write a postmortem with a live preview, publish it, and read it on the incident", async () => {
    const incident = await declare(server, {
      title: "Checkout latency spike",
      severity: "SEV2",
      description: "p99 checkout latency above 5 s",
    });
    await apiJson(server, `/api/v1/incidents/${incident.id}/status`, { body: { status: "resolved" } });
    const { context, page } = await signedInContext(browser, server);
    try {
      await page.goto(`${server.url}/incidents/${incident.id}`);
      await page.getByRole("link", { name: "Write postmortem" }).click();
      await page.waitForURL(new RegExp(`/incidents/${incident.id}/postmortem$`));
      await page.getByRole("button", { name: "Start the postmortem" }).click();

      const preview = page.locator(".pm-preview");
      await preview.getByRole("heading", { name: "Postmortem — [SEV2] Checkout latency spike" }).waitFor();
      assert.equal(
        await page.getByLabel("Summary").inputValue(),
        "p99 checkout latency above 5 s",
        "prefilled from the incident",
      );
      await page.getByLabel("Summary").fill("Checkout was slow for 20 minutes after a cache node failed.");
      await page.getByLabel("Why 1").fill("Why was checkout slow?");
      await page.getByLabel("Because 1").fill("Because every request missed the cache.");
      await page.getByLabel("What went well").fill("- The alert fired within a minute");
      // Live: the preview shows the text before anything is saved.
      await preview.getByText("Checkout was slow for 20 minutes after a cache node failed.").waitFor();
      await preview.getByText("Why was checkout slow? → Because every request missed the cache.").waitFor();
      assert.equal(await preview.locator("script, iframe").count(), 0);

      await page.getByLabel("New action item").fill("Alert on cache hit ratio below 80%");
      await page.getByRole("button", { name: "Add", exact: true }).click();
      await preview.getByRole("cell", { name: "Alert on cache hit ratio below 80%" }).waitFor();

      await page.getByRole("button", { name: "Save", exact: true }).click();
      await page.getByRole("button", { name: "Saved", exact: true }).waitFor();
      const violations = await seriousAxeViolations(page);
      assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));

      await page.getByRole("button", { name: "Submit for review" }).click();
      await page.getByRole("button", { name: "Publish", exact: true }).click();
      const dialog = page.getByRole("dialog", { name: "Publish the postmortem?" });
      await dialog.getByText(/moves .* to postmortem/).waitFor();
      await dialog.getByRole("button", { name: "Publish and close the incident" }).click();
      await page.getByText("Published: read-only.").waitFor();
      const exportLink = page.getByRole("link", { name: "Export .md" });
      assert.equal(await exportLink.getAttribute("href"), `/api/v1/incidents/${incident.id}/postmortem.md`);
      assert.match((await exportLink.getAttribute("download")) ?? "", /^postmortem-\d{4}-\d{2}-\d{2}\.md$/);

      await page.getByRole("link", { name: incident.id }).click();
      await page.waitForURL(new RegExp(`/incidents/${incident.id}$`));
      const section = page.locator("#postmortem");
      await section.getByText("Postmortem: Published").waitFor();
      await section.getByRole("heading", { name: "Summary" }).waitFor();
      await section.getByText("Checkout was slow for 20 minutes after a cache node failed.").waitFor();
      await section.getByRole("link", { name: "View postmortem" }).waitFor();
      const detail = await apiJson<{ status: string; closed_at: string | null }>(
        server,
        `/api/v1/incidents/${incident.id}`,
      );
      assert.equal(detail.status, "postmortem");
      assert.notEqual(detail.closed_at, null);
    } finally {
      await context.close();
    }
    // The published postmortem page, dark and phone-sized: readable and still accessible.
    const dark = await signedInContext(browser, server, { colorScheme: "dark", width: 390, height: 844 });
    try {
      await dark.page.goto(`${server.url}/incidents/${incident.id}/postmortem`);
      await dark.page.locator(".pm-preview").getByText("Lessons learned").waitFor();
      const violations = await seriousAxeViolations(dark.page);
      assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
      const overflow = await dark.page.evaluate("document.documentElement.scrollWidth - window.innerWidth");
      assert.ok(Number(overflow) <= 0, `no sideways scrolling at 390 px (${String(overflow)} px too wide)`);
    } finally {
      await dark.context.close();
    }
  });
});
