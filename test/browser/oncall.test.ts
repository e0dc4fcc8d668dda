// On call in the web UI: Debian's Chromium (playwright-core) against the real server, whose paging
// engine runs for real (the console channel delivers). People, a schedule and a policy are set up over
// the API; then, as an on-call engineer would: who is on call now, the schedule's 14-day calendar and its
// hand-off, an override added in the UI, a service's policy set in the UI, and an incident that pages.
// Skips with one line when /usr/bin/chromium is missing (incidents.test.ts fails for it under CI=true).

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
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
const HOUR = 3_600_000;

/** "2026-12-02T09:00" in UTC: the schedule below is in UTC, so its wall clock is the instant's UTC one. */
const utcLocal = (ms: number) => new Date(ms).toISOString().slice(0, 16);

describe("on call in Chromium", { skip: unavailable ?? false }, () => {
  let browser: Browser;
  let server: UiServer;
  let context: BrowserContext;
  let page: Page;
  /** The hand-off from alice to bob: the next whole hour at least two hours away. */
  let handoff: number;

  before(async () => {
    server = await startUiServer();
    browser = await launchBrowser();
    ({ context, page } = await signedInContext(browser, server));
    for (const username of ["alice", "bob"]) {
      await apiJson(server, "/api/v1/users", { body: { username, time_zone: "Europe/Berlin" } });
      await apiJson(server, `/api/v1/users/${username}/contact-methods`, {
        body: { kind: "console", address: `${username}-console` },
      });
    }
    // A daily rotation whose current shift is alice's and ends at `handoff`, when bob takes over.
    handoff = Math.ceil((Date.now() + 2 * HOUR) / HOUR) * HOUR;
    const hh = new Date(handoff).toISOString().slice(11, 16);
    await apiJson(server, "/api/v1/schedules", {
      body: {
        name: "primary",
        time_zone: "UTC",
        layers: [
          {
            name: "Daily",
            start: utcLocal(handoff - 24 * HOUR),
            rotation: { kind: "daily", handoff_time: hh },
            members: ["alice", "bob"],
          },
        ],
      },
    });
    await apiJson(server, "/api/v1/escalation-policies", {
      body: {
        name: "Checkout",
        levels: [{ targets: [{ type: "schedule", name: "primary" }], delay_minutes: 5 }],
      },
    });
    await apiJson(server, "/api/v1/services", { body: { name: "checkout" } });
  });
  after(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  test("on call now names alice, with the hand-off to bob", async () => {
    await page.keyboard.press("o");
    await page.waitForURL(/\/oncall$/);
    const card = page.locator('.oncall-card[data-schedule="primary"]');
    await card.locator(".oncall-people").getByText("alice").waitFor();
    assert.doesNotMatch((await card.locator(".oncall-people").textContent()) ?? "", /bob/);
    await card
      .locator(".oncall-until")
      .getByText(/then\s+bob/)
      .waitFor();
  });

  test("the schedule's 14-day calendar shows alice, then bob from the hand-off", async () => {
    await page.locator('.oncall-card[data-schedule="primary"] h2 a').click();
    await page.waitForURL(/\/schedules\/primary$/);
    const calendar = page.locator("#calendar");
    await calendar.getByText("Times in UTC").waitFor();
    await calendar.locator(".cal-seg").first().waitFor();
    assert.equal(await calendar.locator(".cal-day").count(), 14);
    assert.match((await calendar.locator(".cal-day").first().textContent()) ?? "", /Today.*alice/s);
    // Two weeks of daily hand-offs, the first alice → bob at `handoff`, labelled in the schedule's zone.
    const first = calendar.locator(".handoff-list li").first();
    assert.match((await first.locator(".handoff-who").textContent()) ?? "", /alice.*bob/s);
    assert.equal(await first.locator("time").getAttribute("datetime"), new Date(handoff).toISOString());
    assert.match((await first.locator("time").textContent()) ?? "", new RegExp(utcLocal(handoff).slice(11)));

    const violations = await seriousAxeViolations(page);
    assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  });

  test("an override added in the UI: refused with the reason beside the field, then bob covers for alice now", async () => {
    const overrides = page.locator("#overrides");
    await overrides.getByRole("button", { name: "Add override" }).click();
    const form = page.getByRole("form", { name: "Add override" });
    await form.getByLabel("Who comes on call").selectOption("bob");
    assert.equal(
      await form.getByLabel("Instead of").inputValue(),
      "alice",
      "whoever is on call is the default",
    );
    const start = utcLocal(Date.now() - 10 * 60_000);
    await form.getByLabel("Starts (UTC)").fill(start);
    await form.getByLabel("Ends (UTC)").fill(utcLocal(Date.now() - 60 * 60_000));
    await form.getByRole("button", { name: "Add override" }).click();
    await form
      .locator(".field.has-error")
      .filter({ hasText: "Ends" })
      .getByText("must be after the start")
      .waitFor();

    await form.getByLabel("Ends (UTC)").fill(utcLocal(Date.now() + HOUR));
    await form.getByRole("button", { name: "Add override" }).click();
    const added = overrides.locator(".override").filter({ hasText: "covers for" });
    await added.waitFor();
    assert.deepEqual(await added.locator(".person-name").allTextContents(), ["bob", "alice"]);
    // Reflected in who is on call now and in today's row of the calendar.
    const now = page.locator("section", { has: page.getByRole("heading", { name: "On call now" }) });
    await now.locator(".oncall-people").getByText("bob").waitFor();
    await now.getByText("override").waitFor();
    await page
      .locator("#calendar .cal-day")
      .first()
      .locator(".cal-seg", { hasText: "bob" })
      .first()
      .waitFor();
  });

  test("a service's escalation policy set in the UI, then a declared incident pages the on-call person", async () => {
    await page.goto(`${server.url}/services/checkout`);
    const paging = page.locator("#paging");
    await paging.getByText("incidents of checkout page nobody").waitFor();
    await paging.getByLabel("Escalation policy").selectOption("Checkout");
    await paging.getByRole("button", { name: "Save policy" }).click();
    await paging.getByText(/Incidents page by\s*Checkout/).waitFor();
    const service = await apiJson<{ escalation_policy: string | null }>(server, "/api/v1/services/checkout");
    assert.equal(service.escalation_policy, "Checkout");

    const incident = await declare(server, {
      title: "Card payments fail",
      severity: "SEV2",
      affected_services: ["checkout"],
    });
    await page.goto(`${server.url}/incidents/${incident.id}`);
    // The engine pages bob (covering for alice) and the console channel delivers; the page updates live.
    await page
      .locator('.tl-item[data-kind="escalation.started"]')
      .getByText(/Paged bob \(level 1, policy Checkout\)/)
      .waitFor({ timeout: 20_000 });
    await page
      .locator('.tl-item[data-kind="page.sent"]')
      .getByText(/delivered to bob via console/)
      .waitFor();
    const sent = page.locator("#paging .page-list li").filter({ hasText: "bob" });
    await sent.locator(".nstate-sent").waitFor();
  });
});
