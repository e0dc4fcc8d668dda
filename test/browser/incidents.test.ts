// The web UI end to end: Debian's Chromium (playwright-core) against the real server serving web/dist.
// Skips with one line when /usr/bin/chromium is missing; under CI=true that is a failure instead.

import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
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

// The README's screenshots are refreshed with FOGHORN_SCREENSHOTS=1; other runs write them to a temp
// folder, so a test run leaves the work tree as it was.
const screenshots =
  process.env.FOGHORN_SCREENSHOTS === "1"
    ? resolve(import.meta.dirname, "../../docs/screenshots")
    : join(tmpdir(), "foghorn-screenshots");

interface Detail {
  id: string;
  status: string;
  evidence: { url: string; caption: string; is_image: boolean }[];
  status_updates: { message: string; visibility: string }[];
}
interface TimelineBody {
  events: { kind: string; data: Record<string, unknown> }[];
}

/** Polls from the test side: the UI's CSP (no 'unsafe-eval') refuses waitForFunction's string predicates. */
async function waitForRowsMatching(
  page: Page,
  done: (ids: string[]) => boolean,
  what: string,
): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ids = await page.locator("tbody tr.incident-row td.col-id").allTextContents();
    if (done(ids)) return;
    if (Date.now() > deadline) assert.fail(`${what}; the list shows ${JSON.stringify(ids)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function waitForRows(page: Page, expected: string[]): Promise<void> {
  const want = JSON.stringify(expected);
  return waitForRowsMatching(page, (ids) => JSON.stringify(ids) === want, `expected rows ${want}`);
}

function waitForRowCount(page: Page, n: number): Promise<void> {
  return waitForRowsMatching(page, (ids) => ids.length === n, `expected ${n} rows`);
}

describe("web UI in Chromium", { skip: unavailable ?? false }, () => {
  describe("incident flows", () => {
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

    test("sign-in gate: wrong password is refused, typed username kept; logout ends the session", async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      try {
        await page.goto(`${server.url}/incidents/INC-1`);
        await page.waitForURL(/\/login\?next=/);
        await page.getByLabel("Username").fill("admin");
        await page.getByLabel("Password").fill("not the password");
        await page.getByRole("button", { name: "Sign in" }).click();
        await page.getByText("Wrong username or password").waitFor();
        assert.equal(await page.getByLabel("Username").inputValue(), "admin");

        await page
          .getByLabel("Password")
          .fill(process.env.FOGHORN_E2E_PASSWORD ?? "correct horse battery staple");
        await page.getByRole("button", { name: "Sign in" }).click();
        // Back to where the user was going.
        await page.waitForURL(/\/incidents\/INC-1$/);

        const cookies = await context.cookies();
        assert.ok(
          cookies.some((c) => c.httpOnly),
          `the session cookie is HttpOnly: ${JSON.stringify(cookies.map((c) => c.name))}`,
        );

        // A state-changing request without the CSRF header is refused even with the session cookie.
        const status = await page.evaluate(`
        fetch("/api/v1/incidents", { method: "POST", headers: { "content-type": "application/json" },
          body: JSON.stringify({ title: "csrf probe", severity: "SEV4" }) }).then((r) => r.status)
      `);
        assert.equal(status, 403, "POST without X-CSRF-Token must be refused");

        await page.getByRole("button", { name: "Sign out" }).click();
        await page.waitForURL(/\/login/);
        const after = await page.evaluate(`fetch("/api/v1/session").then((r) => r.status)`);
        assert.equal(after, 401, "the session ended on the server");
      } finally {
        await context.close();
      }
    });

    test("setup page checks the password before sending it", async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      try {
        await page.goto(`${server.url}/setup?token=not-a-real-token`);
        await page.getByLabel("New password").fill("short");
        await page.getByLabel("Repeat the password").fill("different");
        await page.getByRole("button", { name: "Set password and sign in" }).click();
        await page.getByText("must be at least 12 characters").waitFor();
        await page.getByText("does not match the password above").waitFor();
      } finally {
        await context.close();
      }
    });

    test("declare, acknowledge, note, evidence, external update, resolve", async () => {
      const { context, page } = await signedInContext(browser, server);
      try {
        // `d` opens the declare form.
        await page.locator("body").press("d");
        await page.waitForURL(/\/declare$/);

        // The server's field errors appear next to the fields; nothing typed is lost.
        await page.getByLabel("Title", { exact: true }).fill("Checkout returns 500 for card payments");
        await page.getByRole("button", { name: "Declare incident" }).click();
        await page.locator(".severity-picker .field-error").waitFor();
        assert.equal(
          await page.getByLabel("Title", { exact: true }).inputValue(),
          "Checkout returns 500 for card payments",
          "the title survives a failed submit",
        );

        await page.getByRole("radio", { name: /SEV2/ }).check();
        const services = page.getByLabel("Affected services");
        await services.fill("checkout");
        await services.press("Enter");
        await services.fill("payments");
        await services.press("Enter");
        await page.getByLabel("Commander").fill("alice");
        await page.getByRole("button", { name: "Declare incident" }).click();
        await page.waitForURL(/\/incidents\/INC-\d+$/);
        const id = new URL(page.url()).pathname.split("/").pop() ?? "";
        await page.getByRole("heading", { name: "Checkout returns 500 for card payments" }).waitFor();

        // `a` acknowledges.
        await page.locator("body").press("a");
        await page.locator(".detail-meta .status-acknowledged").waitFor();
        assert.equal((await apiJson<Detail>(server, `/api/v1/incidents/${id}`)).status, "acknowledged");

        // A note, inline in the timeline.
        await page.getByLabel("Add a note to the timeline").fill("Error rate 12% since the 14:02 deploy");
        await page.getByRole("button", { name: "Add note" }).click();
        await page.locator(".timeline").getByText("Error rate 12% since the 14:02 deploy").waitFor();

        // Evidence: a bad URL shows the server's message beside the field and keeps the caption.
        await page.getByRole("button", { name: "Add evidence" }).click();
        const evidence = page.locator(".evidence-form");
        await evidence.getByLabel("Kind").selectOption("screenshot");
        await evidence.getByLabel("URL").fill("not a url");
        await evidence.getByLabel("Caption").fill("Error rate dashboard");
        await evidence.getByRole("button", { name: "Add", exact: true }).click();
        await evidence.locator(".field-error").waitFor();
        assert.equal(await evidence.getByLabel("Caption").inputValue(), "Error rate dashboard");
        await evidence.getByLabel("URL").fill(`${server.url}/favicon.svg`);
        await evidence.getByRole("button", { name: "Add", exact: true }).click();
        await page.getByRole("img", { name: "Error rate dashboard" }).waitFor();

        // An external status update.
        await page
          .getByLabel("Status update", { exact: true })
          .fill("We are investigating failed card payments.");
        await page.getByRole("radio", { name: /External/ }).check();
        await page.getByRole("button", { name: "Publish update" }).click();
        await page
          .locator(".updates .update-external")
          .getByText("We are investigating failed card payments.")
          .waitFor();

        // Resolve, with a note.
        await page.getByLabel("Note for the status change (optional)").fill("Rolled back payments v2.14");
        await page.getByRole("button", { name: "Resolve" }).click();
        await page.locator(".detail-meta .status-resolved").waitFor();
        await page.getByRole("button", { name: "Reopen" }).waitFor();

        const detail = await apiJson<Detail>(server, `/api/v1/incidents/${id}`);
        assert.equal(detail.status, "resolved");
        assert.equal(detail.evidence[0]?.caption, "Error rate dashboard");
        assert.equal(detail.evidence[0]?.is_image, true);
        assert.equal(detail.status_updates[0]?.visibility, "external");
        const timeline = await apiJson<TimelineBody>(server, `/api/v1/incidents/${id}/timeline`);
        const kinds = timeline.events.map((e) => e.kind);
        for (const kind of ["incident.declared", "note.added", "evidence.added", "status_update.posted"])
          assert.ok(kinds.includes(kind), `timeline has ${kind}: ${kinds.join(", ")}`);
        assert.deepEqual(
          timeline.events.filter((e) => e.kind === "incident.status_changed").map((e) => e.data.to),
          ["acknowledged", "resolved"],
        );
      } finally {
        await context.close();
      }
    });

    test("list: click-to-sort, filters in the URL, cursor pagination, `/` focuses search", async () => {
      const tag = `Sortcheck${Date.now().toString(36)}`;
      const a = await declare(server, {
        title: `${tag} alpha`,
        severity: "SEV3",
        affected_services: ["ledger"],
        assignee: "bob",
      });
      const b = await declare(server, {
        title: `${tag} bravo`,
        severity: "SEV1",
        affected_services: ["search"],
        assignee: "alice",
      });
      const c = await declare(server, {
        title: `${tag} charlie`,
        severity: "SEV2",
        affected_services: ["ledger"],
      });
      await apiJson(server, `/api/v1/incidents/${c.id}/status`, { body: { status: "resolved" } });

      const { context, page } = await signedInContext(browser, server);
      try {
        await page.goto(`${server.url}/incidents?view=all`);
        await page.locator("tbody tr.incident-row").first().waitFor();
        await page.locator("body").press("/");
        const search = page.getByRole("searchbox", { name: "Search incident titles" });
        assert.equal(
          await page.evaluate("document.activeElement?.id"),
          "incident-search",
          "`/` focuses the search",
        );
        await search.fill(tag);
        await page.waitForURL((u) => u.searchParams.get("q") === tag);
        await waitForRows(page, [c.id, b.id, a.id]); // newest first by default

        const severity = page.getByRole("columnheader", { name: "Severity" });
        await severity.getByRole("button").click();
        await page.waitForURL((u) => u.searchParams.get("sort") === "severity");
        await waitForRows(page, [b.id, c.id, a.id]);
        assert.equal(await severity.getAttribute("aria-sort"), "ascending");
        await severity.getByRole("button").click();
        await waitForRows(page, [a.id, c.id, b.id]);
        assert.equal(await severity.getAttribute("aria-sort"), "descending");

        await page.getByRole("columnheader", { name: "Title" }).getByRole("button").click();
        await waitForRows(page, [a.id, b.id, c.id]);

        // Filters, each reflected in the URL.
        await page.getByRole("checkbox", { name: "SEV1" }).check();
        await page.waitForURL((u) => u.searchParams.get("severity") === "SEV1");
        await waitForRows(page, [b.id]);
        await page.getByRole("checkbox", { name: "SEV1" }).uncheck();
        await page.getByLabel("Service", { exact: true }).selectOption("ledger");
        await waitForRows(page, [a.id, c.id]);
        await page.getByRole("radio", { name: "Closed", exact: true }).check();
        await waitForRows(page, [c.id]);
        await page.getByRole("radio", { name: "Open", exact: true }).check();
        await waitForRows(page, [a.id]);
        await page.getByLabel("Service", { exact: true }).selectOption("");
        await page.getByLabel("Assignee", { exact: true }).fill("alice");
        await page.waitForURL((u) => u.searchParams.get("assignee") === "alice");
        await waitForRows(page, [b.id]);

        // The URL alone restores the view.
        await page.reload();
        await waitForRows(page, [b.id]);
        assert.equal(await page.getByLabel("Assignee", { exact: true }).inputValue(), "alice");
        assert.equal(await search.inputValue(), tag);

        // Server-side pagination with cursors: 50 a page, Next and Previous.
        const many = `Pagecheck${Date.now().toString(36)}`;
        for (let i = 0; i < 53; i++)
          await declare(server, { title: `${many} ${String(i).padStart(2, "0")}`, severity: "SEV4" });
        await page.goto(`${server.url}/incidents?view=all&sort=title&q=${many}`);
        await page.locator("tbody tr.incident-row").first().waitFor();
        assert.equal(await page.locator("tbody tr.incident-row").count(), 50);
        await page.getByRole("button", { name: "Next →" }).click();
        await page.waitForURL((u) => u.searchParams.has("after"));
        await waitForRowCount(page, 3);
        assert.deepEqual(await page.locator("tbody tr.incident-row .row-link").allTextContents(), [
          `${many} 50`,
          `${many} 51`,
          `${many} 52`,
        ]);
        assert.equal(await page.getByRole("button", { name: "Next →" }).isDisabled(), true);
        await page.getByRole("button", { name: "← Previous" }).click();
        await waitForRowCount(page, 50);
        assert.equal(
          await page.locator("tbody tr.incident-row .row-link").first().textContent(),
          `${many} 00`,
        );
        await page.goBack();
        await waitForRowCount(page, 3);
      } finally {
        await context.close();
      }
    });

    test("a change made through the API appears in open pages without a reload", async () => {
      const tag = `Livecheck${Date.now().toString(36)}`;
      const incident = await declare(server, { title: `${tag} one`, severity: "SEV2" });
      const { context, page } = await signedInContext(browser, server);
      const list = await context.newPage();
      try {
        await page.goto(`${server.url}/incidents/${incident.id}`);
        await page.locator(".detail-meta .status-triggered").waitFor();
        await list.goto(`${server.url}/incidents?q=${tag}`);
        await waitForRows(list, [incident.id]);
        // A marker that a reload would wipe.
        await page.evaluate(`window.__noReload = true`);
        await list.evaluate(`window.__noReload = true`);

        const started = Date.now();
        await apiJson(server, `/api/v1/incidents/${incident.id}/status`, {
          body: { status: "investigating", note: "Seen from the API" },
        });
        await page.locator(".detail-meta .status-investigating").waitFor({ timeout: 5000 });
        const detailMs = Date.now() - started;
        await page.locator(".timeline").getByText("Seen from the API").waitFor({ timeout: 5000 });
        await list.locator(`tr[data-id="${incident.id}"] .status-investigating`).waitFor({ timeout: 5000 });

        const second = await declare(server, { title: `${tag} two`, severity: "SEV3" });
        await waitForRows(list, [second.id, incident.id]);

        assert.equal(await page.evaluate(`window.__noReload`), true, "the detail page was not reloaded");
        assert.equal(await list.evaluate(`window.__noReload`), true, "the list page was not reloaded");
        console.log(`# change → visible on the detail page: ${detailMs} ms`);
      } finally {
        await context.close();
      }
    });

    test("no serious or critical axe-core violations on the list and detail pages, light and dark", async () => {
      const incident = await declare(server, {
        title: "Accessibility check incident",
        severity: "SEV2",
        affected_services: ["api"],
        assignee: "alice",
      });
      await apiJson(server, `/api/v1/incidents/${incident.id}/notes`, { body: { text: "A note for axe" } });
      for (const colorScheme of ["light", "dark"] as const) {
        const { context, page } = await signedInContext(browser, server, { colorScheme });
        try {
          await page.goto(`${server.url}/incidents?view=all`);
          await page.locator("tbody tr.incident-row").first().waitFor();
          const onList = await seriousAxeViolations(page);
          assert.deepEqual(onList, [], `list (${colorScheme}): ${JSON.stringify(onList, null, 2)}`);

          await page.goto(`${server.url}/incidents/${incident.id}`);
          await page.locator(".timeline .tl-item").first().waitFor();
          const onDetail = await seriousAxeViolations(page);
          assert.deepEqual(onDetail, [], `detail (${colorScheme}): ${JSON.stringify(onDetail, null, 2)}`);

          await page.goto(`${server.url}/declare`);
          await page.getByLabel("Title", { exact: true }).waitFor();
          const onDeclare = await seriousAxeViolations(page);
          assert.deepEqual(onDeclare, [], `declare (${colorScheme}): ${JSON.stringify(onDeclare, null, 2)}`);
        } finally {
          await context.close();
        }
      }
    });

    test("phone width: the list and detail fit 390 px without sideways scrolling", async () => {
      const incident = await declare(server, {
        title: "Phone layout check",
        severity: "SEV1",
        affected_services: ["api"],
      });
      const { context, page } = await signedInContext(browser, server, { width: 390, height: 844 });
      try {
        for (const path of ["/incidents?view=all", `/incidents/${incident.id}`, "/declare"]) {
          await page.goto(`${server.url}${path}`);
          await page.locator("main h1, main .detail-title").first().waitFor();
          const overflow = await page.evaluate(
            `document.documentElement.scrollWidth - document.documentElement.clientWidth`,
          );
          assert.ok((overflow as number) <= 0, `${path} scrolls sideways by ${overflow}px at 390 px`);
        }
      } finally {
        await context.close();
      }
    });

    test("laptop and tablet widths: every section of the main navigation is in view, Audit log included", async () => {
      for (const width of [1440, 1366, 1280, 1180, 1024, 768]) {
        const { context, page } = await signedInContext(browser, server, { width, height: 800 });
        try {
          await page.goto(`${server.url}/incidents`);
          const nav = page.getByRole("navigation", { name: "Main" });
          await nav.getByRole("link", { name: "Audit log" }).waitFor();
          // The links sit in a box that scrolls sideways (without a scrollbar) when they do not fit.
          const cut = await nav.evaluate((el) => el.scrollWidth - el.clientWidth);
          assert.ok(cut <= 0, `at ${width} px the main navigation is cut by ${cut}px`);
          // Sticky table headers stop below the top bar, whatever its height at this width.
          const [bar, offset] = (await page.evaluate(
            `[document.querySelector(".topbar").offsetHeight,
              parseFloat(getComputedStyle(document.documentElement).getPropertyValue("--topbar"))]`,
          )) as [number, number];
          assert.ok(
            offset >= bar,
            `at ${width} px the top bar is ${bar}px tall, sticky headers stop at ${offset}px`,
          );
        } finally {
          await context.close();
        }
      }
    });
  });

  describe("README screenshots", () => {
    let browser: Browser;
    let server: UiServer;

    before(async () => {
      server = await startUiServer();
      browser = await launchBrowser();
      mkdirSync(screenshots, { recursive: true });
    });
    after(async () => {
      await browser?.close();
      await server?.close();
    });

    test("list and detail, light and dark, saved to docs/screenshots/", async () => {
      await apiJson(server, "/api/v1/demo", { body: {} });
      const main = await seedShowcase(server);
      for (const colorScheme of ["light", "dark"] as const) {
        const { context, page } = await signedInContext(browser, server, {
          colorScheme,
          width: 1360,
          height: 860,
        });
        try {
          await page.goto(`${server.url}/incidents?view=all`);
          await page.locator("tbody tr.incident-row").nth(4).waitFor();
          await page.screenshot({ path: join(screenshots, `list-${colorScheme}.png`) });
          await page.goto(`${server.url}/incidents/${main}`);
          await page.locator(".timeline .tl-item").nth(4).waitFor();
          await page.locator(".evidence img").first().waitFor();
          await page.screenshot({ path: join(screenshots, `detail-${colorScheme}.png`), fullPage: true });
        } finally {
          await context.close();
        }
      }
    });
  });
});

/** A handful of live-looking incidents for the README pictures; returns the one to show in detail. */
async function seedShowcase(server: UiServer): Promise<string> {
  const post = (path: string, body: unknown) => apiJson(server, path, { body });
  const checkout = await declare(server, {
    title: "Checkout returns 500 for card payments",
    description: "Error rate on /pay jumped to 12% at 14:02, right after the payments v2.14 deploy.",
    severity: "SEV1",
    affected_services: ["checkout", "payments", "api"],
    assignee: "alice",
  });
  const id = checkout.id;
  await post(`/api/v1/incidents/${id}/status`, { status: "acknowledged" });
  await post(`/api/v1/incidents/${id}/roles`, { role: "communications_lead", person: "carol" });
  await post(`/api/v1/incidents/${id}/roles`, { role: "responder", person: "dave" });
  await post(`/api/v1/incidents/${id}/status`, {
    status: "investigating",
    note: "Rollback candidate: payments v2.14",
  });
  await post(`/api/v1/incidents/${id}/evidence`, {
    kind: "screenshot",
    url: `${server.url}/favicon.svg`,
    caption: "Error-rate panel at 14:05",
  });
  await post(`/api/v1/incidents/${id}/evidence`, {
    kind: "log",
    url: "https://logs.example.com/payments?q=status%3A500",
    caption: "payments 5xx log lines",
  });
  await post(`/api/v1/incidents/${id}/notes`, {
    text: "Stripe webhooks are fine; the failure is in our card tokenization call.",
  });
  await post(`/api/v1/incidents/${id}/status-updates`, {
    message: "We are investigating failed card payments at checkout. Next update in 15 minutes.",
    visibility: "external",
  });
  await post(`/api/v1/incidents/${id}/action-items`, {
    title: "Canary the payments deploy",
    owner: "dave",
    priority: "high",
  });
  const search = await declare(server, {
    title: "Search latency p95 above 2 s in eu-west",
    severity: "SEV3",
    affected_services: ["search"],
    assignee: "bob",
  });
  void search;
  const email = await declare(server, {
    title: "Login emails delayed up to 10 minutes",
    severity: "SEV2",
    affected_services: ["auth", "email"],
  });
  await post(`/api/v1/incidents/${email.id}/status`, { status: "mitigating" });
  return id;
}
