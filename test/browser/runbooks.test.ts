// Runbooks in the web UI (Chromium): import the sample folder through the CLI, open an incident on one of
// those services, find the runbook beside the timeline, open it and copy a command; edit with a preview,
// see the history; run "check affected services".
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { cli } from "../cli/run-cli.ts";
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
const SAMPLES = new URL("../../docs/runbooks/", import.meta.url).pathname;

describe("runbooks in the web UI", { skip: unavailable ?? false }, () => {
  let browser: Browser;
  let server: UiServer;
  let health: Server;
  let healthUrl: string;
  before(async () => {
    server = await startUiServer();
    browser = await launchBrowser();
    health = createServer((req, res) => res.writeHead(req.url === "/ok" ? 200 : 500).end());
    await new Promise<void>((resolve) => health.listen(0, "127.0.0.1", resolve));
    healthUrl = `http://127.0.0.1:${(health.address() as AddressInfo).port}`;
  });
  after(async () => {
    health?.close();
    await browser?.close();
    await server?.close();
  });

  test("imported runbooks show beside the incident's timeline, with a Copy button on each command", async () => {
    const imported = await cli(["runbook", "import", SAMPLES], {
      env: { FOGHORN_URL: server.url, FOGHORN_TOKEN: server.token },
    });
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /3 created, 0 updated, 0 unchanged, 0 skipped/);

    const incident = await declare(server, {
      title: "Checkout errors after deploy",
      severity: "SEV2",
      affected_services: ["checkout", "inventory"],
    });
    const { context, page } = await signedInContext(browser, server);
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
    try {
      await page.goto(`${server.url}/incidents/${incident.id}`);
      const aside = page.getByRole("complementary", { name: "Incident summary" });
      const panel = aside.getByRole("region", { name: "Runbooks" });
      await panel.getByText("checkout", { exact: true }).waitFor();
      await panel.getByText("inventory: no runbook yet.").waitFor();
      assert.equal(
        await page.locator(".detail-main .runbooks-panel").count(),
        0,
        "beside, not in, the main column",
      );

      await panel.getByText("checkout", { exact: true }).click(); // opens the <details>
      const inline = panel.locator(".runbook-panel-body");
      await inline.getByRole("heading", { name: "Runbook: checkout" }).waitFor();
      assert.ok((await inline.getByRole("button", { name: "Copy bash code" }).count()) >= 2);
      assert.deepEqual(await seriousAxeViolations(page), []);

      await panel.getByRole("link", { name: "Open the full runbook of checkout" }).click();
      await page.waitForURL(/\/services\/checkout\/runbook$/);
      await page.getByRole("heading", { name: "Runbook of checkout", level: 1 }).waitFor();
      await page.getByRole("article").getByRole("heading", { name: "Runbook: checkout" }).waitFor();
      const copy = page.getByRole("button", { name: "Copy sql code" });
      await copy.click();
      await page.getByRole("button", { name: "Copied sql code" }).waitFor();
      assert.equal(
        await page.evaluate("navigator.clipboard.readText()"),
        "SELECT application_name, state, count(*) FROM pg_stat_activity GROUP BY 1, 2 ORDER BY 3 DESC;",
      );
      assert.equal(await page.locator(".markdown script, .markdown iframe").count(), 0);
      assert.deepEqual(await seriousAxeViolations(page), []);

      // Edit with a live preview; the save is version 2 and the history keeps version 1.
      await page.getByRole("button", { name: "Edit" }).click();
      const text = page.getByLabel("Markdown");
      await text.fill(
        (await text.inputValue()).replace(
          "## Escalation",
          "### Issue 3: Cache down\n- **Symptoms:** slow\n\n## Escalation",
        ),
      );
      const preview = page.getByRole("region", { name: "Preview" });
      await preview.getByRole("heading", { name: "Issue 3: Cache down" }).waitFor();
      await page.getByRole("button", { name: "Save" }).click();
      await page.getByText("version 2", { exact: true }).waitFor();
      await page.getByText('"Issue 3: Cache down" has no **Diagnosis:**, **Resolution:**').waitFor();
      await page.getByRole("button", { name: "History" }).click();
      await page.getByRole("button", { name: "View version 1" }).click();
      await page.getByRole("heading", { name: /^Version 1, saved by admin/ }).waitFor();
      await page.getByRole("button", { name: "Restore version 1" }).click();
      await page.getByText("version 3", { exact: true }).waitFor();
    } finally {
      await context.close();
    }
  });

  test("check affected services shows each result and adds it as evidence", async () => {
    const incident = await declare(server, {
      title: "Payments degraded",
      severity: "SEV3",
      affected_services: ["payments", "search"],
    });
    await apiJson(server, "/api/v1/services/payments/health-checks", {
      body: { name: "api", url: `${healthUrl}/ok` },
    });
    await apiJson(server, "/api/v1/services/payments/health-checks", {
      body: { name: "deep", url: `${healthUrl}/deep` },
    });
    const { context, page } = await signedInContext(browser, server, { colorScheme: "dark" });
    try {
      await page.goto(`${server.url}/incidents/${incident.id}`);
      await page.getByRole("button", { name: "Check affected services" }).click();
      const results = page.getByRole("list", { name: "Health check results" });
      await results.getByText(/payments \/ api: healthy, 200 in \d+ ms/).waitFor();
      await results.getByText(/payments \/ deep: down: expected status 2xx, got 500/).waitFor();
      await results.getByText("search: no health checks configured").waitFor();
      await page
        .locator(".evidence-grid")
        .getByText(/payments \/ deep: down/)
        .waitFor();
      assert.deepEqual(await seriousAxeViolations(page), []);
    } finally {
      await context.close();
    }
  });
});
