// Filing action items to GitHub from the web UI (Chromium) against a local GitHub: the File to GitHub button
// files the open items, and each filed item shows its issue as a link (#N) to GitHub.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { type FakeGitHub, startFakeGitHub } from "../helpers/fake-github.ts";
import { startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";
import {
  ADMIN_PASSWORD,
  apiJson,
  browserUnavailable,
  declare,
  ensureWebBuild,
  launchBrowser,
  signedInContext,
  type UiServer,
} from "./harness.ts";

const unavailable = browserUnavailable();

describe("action items to GitHub in the web UI", { skip: unavailable ?? false }, () => {
  let browser: Browser;
  let github: FakeGitHub;
  let foghorn: TestFoghorn;
  let server: UiServer;
  before(async () => {
    ensureWebBuild();
    github = await startFakeGitHub();
    foghorn = await startTestFoghorn("pglite", {
      env: {
        FOGHORN_BOOTSTRAP_PASSWORD: ADMIN_PASSWORD,
        GITHUB_TOKEN: github.token,
        GITHUB_REPOSITORY: github.repository,
        GITHUB_API_URL: github.url,
      },
    });
    server = {
      url: foghorn.url.replace(/\/$/, ""),
      token: foghorn.token,
      api: (path, init) => foghorn.api(path, init),
      close: () => foghorn.close(),
    };
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await foghorn?.close();
    await github?.close();
  });

  test("File to GitHub files the open items and shows each issue link on its item", async () => {
    const incident = await declare(server, { title: "Bulk export timeouts", severity: "SEV2" });
    for (const title of ["Add index to exports on user_id", "Add a load test for bulk export"])
      await apiJson(server, `/api/v1/incidents/${incident.id}/action-items`, {
        body: { title, owner: "bob" },
      });
    const { context, page } = await signedInContext(browser, server);
    try {
      await page.goto(`${server.url}/incidents/${incident.id}`);
      await page.getByRole("button", { name: "File 2 to GitHub" }).click();
      const section = page.locator("#action-items");
      await section
        .getByRole("link", { name: /^#\d+$/ })
        .nth(1)
        .waitFor();
      const links = await section.getByRole("link", { name: /^#\d+$/ }).all();
      const hrefs = await Promise.all(links.map((l) => l.getAttribute("href")));
      const numbers = github.issues.map((i) => i.number);
      assert.equal(numbers.length, 2);
      assert.deepEqual(
        hrefs.sort(),
        github.issues.map((i) => `https://github.test/${github.repository}/issues/${i.number}`).sort(),
      );
      await page.getByRole("button", { name: "All filed to GitHub" }).waitFor();
    } finally {
      await context.close();
    }
  });
});
