// Insights (/insights) in Debian's Chromium against the real server: incidents declared, acknowledged and
// resolved through the API on a ManualClock (so their response times are known to the second), then read
// the way a user reads them: the tiles, a gauge, the response times table, a CSV download, the filters in
// the URL and in the toolbar, a team set in a service's settings. Axe in light and dark, and screenshots
// (docs/screenshots/insights-<light|dark>.png when FOGHORN_SCREENSHOTS=1, else a temp folder).
//
// Medians come from log-bucket sketches (docs/metrics.md: within 1 %); the acknowledgement delays here
// (253 s, 334 s, 1211 s) are values a bucket reads back as themselves to the second, so the page shows
// exactly "4m 13s". Means are exact whatever the delay.
// Skips with one line when /usr/bin/chromium is missing; under CI=true that is a failure instead
// (incidents.test.ts reports it).

import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { ManualClock, startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";
import {
  ADMIN_PASSWORD,
  apiJson,
  browserUnavailable,
  ensureWebBuild,
  launchBrowser,
  seriousAxeViolations,
  signedInContext,
  type UiServer,
} from "./harness.ts";

const unavailable = browserUnavailable();
const screenshots =
  process.env.FOGHORN_SCREENSHOTS === "1"
    ? resolve(import.meta.dirname, "../../docs/screenshots")
    : join(tmpdir(), "foghorn-screenshots");

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** Yesterday (UTC): the day the checked incidents happen, fully in the past for the browser too. */
const DAY_START = new Date(`${isoDay(new Date(Date.now() - DAY))}T08:00:00Z`);
const D = isoDay(DAY_START);
const NEXT = isoDay(new Date(DAY_START.getTime() + DAY));
/** Monday of D's ISO week. */
const WEEK = isoDay(new Date(DAY_START.getTime() - ((DAY_START.getUTCDay() + 6) % 7) * DAY));

describe("Insights in Chromium", { skip: unavailable ?? false }, () => {
  let clock: ManualClock;
  let foghorn: TestFoghorn;
  let server: UiServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  const declareAt = async (
    at: Date,
    body: { title: string; severity: string; affected_services: string[] },
  ) => {
    clock.set(at);
    return (await apiJson<{ id: string }>(server, "/api/v1/incidents", { body })).id;
  };
  const statusAt = async (at: Date, id: string, status: string) => {
    clock.set(at);
    await apiJson(server, `/api/v1/incidents/${id}/status`, { body: { status } });
  };

  const sendAlert = async (routingKey: string, key: string) => {
    const response = await foghorn.api("/v2/enqueue", {
      token: null,
      body: {
        routing_key: routingKey,
        event_action: "trigger",
        dedup_key: key,
        payload: { summary: `Latency high (${key})`, source: "prometheus", severity: "warning" },
      },
    });
    assert.equal(response.status, 202, await response.text());
    await foghorn.alertsIdle();
  };

  /**
   * Eight weeks of history on api and web, before the checked day (for the 90-day view and the
   * screenshots): a few incidents a week with varied severities and response times, status updates,
   * action items, and alerts: one that opens an incident, two more during a maintenance window (noise).
   */
  async function seedHistory(): Promise<void> {
    const { routing_key } = await apiJson<{ routing_key: string }>(
      server,
      "/api/v1/services/api/integrations",
      {
        body: { kind: "pagerduty" },
      },
    );
    const sevs = ["SEV3", "SEV2", "SEV3", "SEV4", "SEV1", "SEV3", "SEV2", "SEV4", "SEV3"];
    let n = 0;
    for (let day = 60; day >= 3; day -= 2, n++) {
      const start = new Date(DAY_START.getTime() - day * DAY + (n % 5) * HOUR);
      const at = (ms: number) => new Date(start.getTime() + ms);
      const severity = sevs[n % sevs.length] as string;
      const service = n % 3 === 0 ? "web" : "api";
      const id = await declareAt(start, { title: `History ${n}`, severity, affected_services: [service] });
      const ack = (2 + ((n * 7) % 23)) * MINUTE;
      await statusAt(at(ack), id, "acknowledged");
      for (let u = 0; u < n % 3; u++) {
        clock.set(at(ack + (u + 1) * 14 * MINUTE));
        await apiJson(server, `/api/v1/incidents/${id}/status-updates`, {
          body: { message: "Still working on it.", visibility: "internal" },
        });
      }
      if (severity === "SEV1" || severity === "SEV2") {
        const item = await apiJson<{ id: string }>(server, `/api/v1/incidents/${id}/action-items`, {
          body: { title: `Follow-up ${n}`, owner: "admin", due_at: at(20 * DAY).toISOString() },
        });
        if (n % 3 !== 0)
          await apiJson(server, `/api/v1/incidents/${id}/action-items/${item.id}/complete`, { body: {} });
      }
      await statusAt(at(ack + (1 + (n % 6)) * 47 * MINUTE), id, "resolved");

      if (n % 4 === 0) {
        clock.set(at(5 * HOUR));
        await sendAlert(routing_key, `h${n}-a`);
        const alerts = await apiJson<{ items: { summary: string; incident: string | null }[] }>(
          server,
          "/api/v1/alerts?service=api&status=triggered&limit=5",
        );
        const opened = alerts.items.find((a) => a.summary.includes(`h${n}-a`))?.incident;
        assert.ok(opened, `the alert h${n}-a opened an incident`);
        await statusAt(at(5 * HOUR + 4 * MINUTE), opened, "acknowledged");
        await statusAt(at(5 * HOUR + 38 * MINUTE), opened, "resolved");
        clock.set(at(7 * HOUR));
        await apiJson(server, "/api/v1/services/api/maintenance", {
          body: {
            starts_at: at(7 * HOUR + MINUTE).toISOString(),
            ends_at: at(8 * HOUR).toISOString(),
            reason: "Database upgrade",
          },
        });
        clock.set(at(7 * HOUR + 5 * MINUTE));
        await sendAlert(routing_key, `h${n}-b`);
        await sendAlert(routing_key, `h${n}-c`);
      }
    }
  }

  before(async () => {
    ensureWebBuild();
    clock = new ManualClock(new Date(DAY_START.getTime() - 70 * DAY));
    foghorn = await startTestFoghorn("pglite", {
      clock,
      env: { FOGHORN_BOOTSTRAP_PASSWORD: ADMIN_PASSWORD },
    });
    server = {
      url: foghorn.url.replace(/\/$/, ""),
      token: foghorn.token,
      api: (path, init) => foghorn.api(path, init),
      close: () => foghorn.close(),
    };
    for (const name of ["checkout", "search", "api", "web"])
      await apiJson(server, "/api/v1/services", { body: { name } });
    await apiJson(server, "/api/v1/teams", { body: { name: "payments" } });
    await apiJson(server, "/api/v1/teams", { body: { name: "platform" } });
    for (const [name, services] of [
      ["API", ["api"]],
      ["Web app", ["web"]],
    ] as const)
      await apiJson(server, "/api/v1/status-page/components", { body: { name, services } });

    await seedHistory();

    // The checked day: four incidents on checkout and search.
    const t = (minutes: number) => new Date(DAY_START.getTime() + minutes * MINUTE);
    const inc1 = await declareAt(t(0), {
      title: "Card payments failing",
      severity: "SEV1",
      affected_services: ["checkout"],
    });
    await statusAt(new Date(t(0).getTime() + 253_000), inc1, "acknowledged"); // 4m 13s
    await statusAt(t(66), inc1, "resolved");
    const inc2 = await declareAt(t(10), {
      title: "Search slow",
      severity: "SEV2",
      affected_services: ["search"],
    });
    await statusAt(new Date(t(10).getTime() + 334_000), inc2, "acknowledged"); // 5m 34s
    await statusAt(t(130), inc2, "resolved");
    const inc3 = await declareAt(t(20), {
      title: "Search index stale",
      severity: "SEV2",
      affected_services: ["search"],
    });
    await statusAt(new Date(t(20).getTime() + 1_211_000), inc3, "acknowledged"); // 20m 11s: past SEV2's 15 min
    await declareAt(t(40), {
      title: "Receipt emails late",
      severity: "SEV3",
      affected_services: ["checkout"],
    });
    // Back to (about) now: the unacknowledged SEV3 is long past its 60 min target.
    clock.set(new Date());

    browser = await launchBrowser();
    ({ context, page } = await signedInContext(browser, server));
  });
  after(async () => {
    await context?.close();
    await browser?.close();
    await foghorn?.close();
  });

  const tile = (name: string) => page.getByRole("region", { name: new RegExp(`^${name}`) });
  const tileValue = (name: string) => tile(name).locator(".kpi-value");
  async function expectText(locator: ReturnType<Page["locator"]>, text: string): Promise<void> {
    await locator
      .filter({ hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) })
      .waitFor();
  }

  async function downloadCsv(name: string): Promise<{ filename: string; text: string }> {
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: `Download CSV of ${name}` }).click(),
    ]);
    return { filename: download.suggestedFilename(), text: readFileSync(await download.path(), "utf8") };
  }

  test("a day's figures: tiles, the SLA gauge, response times, the data behind a chart and its CSV", async () => {
    await page.goto(`${server.url}/incidents`);
    const chunks = () =>
      page.evaluate(
        `performance.getEntriesByType("resource").map((e) => e.name).filter((n) => n.endsWith(".js"))`,
      ) as Promise<string[]>;
    assert.ok(
      !(await chunks()).some((n) => n.includes("InsightsPage")),
      "the charts are not in the first load",
    );
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Insights" }).click();
    await page.waitForURL(/\/insights$/);
    // The default range is the last 30 days: the checked day and the history's last weeks.
    await page.getByRole("radio", { name: /^30d/ }).waitFor();
    assert.ok(await page.getByRole("radio", { name: /^30d/ }).isChecked());
    assert.ok(
      (await chunks()).some((n) => n.includes("InsightsPage")),
      "Insights loads its own chunk",
    );

    // A custom range of the one day, typed into the date fields.
    await page.getByRole("radio", { name: "Custom" }).check();
    await page.waitForURL(/from=/);
    await page.getByLabel("From", { exact: true }).fill(D);
    await page.getByLabel("To", { exact: true }).fill(D);
    await page.waitForURL(`${server.url}/insights?from=${D}&to=${D}`);

    await expectText(tileValue("Incidents"), "4");
    await expectText(tileValue("MTTA"), "5m 34s"); // median of 4m 13s, 5m 34s, 20m 11s
    const mttaBySeverity = await tile("MTTA").locator("li").allTextContents();
    assert.deepEqual(
      mttaBySeverity.map((s) => s.replace(/\s+/g, " ").trim()),
      // The SEV3 incident was never acknowledged: no time yet, and the count says why.
      ["SEV1 4m 13s n=1 acknowledged", "SEV2 5m 34s n=2 acknowledged", "SEV3 — n=0 acknowledged"],
    );
    // Resolved: INC-1 after 1h 06m, INC-2 after 2h 00m; the median of two is the first.
    await expectText(tileValue("MTTR"), "1h 06m");
    await expectText(tileValue("Alert noise"), "—");

    // SLA: INC-1 and INC-2 acknowledged in time, INC-3 late, INC-4 never (past its target).
    await page.getByRole("img", { name: "SLA: 50.0 % acknowledged within target (2 of 4)" }).waitFor();

    const sev1 = page
      .locator(".response-table tbody tr")
      .filter({ has: page.getByRole("rowheader", { name: "SEV1" }) });
    assert.deepEqual(
      (await sev1.locator("td").allTextContents()).slice(0, 4),
      ["1", "4m 13s", "4m 13s", "4m 13s"], // incidents, MTTA mean, median, p90
    );

    // The weekly chart's figures, as the table under it.
    const frequency = page.getByRole("region", { name: "Incidents per week" });
    await frequency.locator("canvas").first().waitFor();
    await frequency.getByText("Show the data").click();
    const weeks = frequency
      .getByRole("table", { name: "Incidents created per week, by severity" })
      .locator("tbody tr");
    assert.equal(await weeks.count(), 1);
    assert.deepEqual(await weeks.locator("td").allTextContents(), ["1", "2", "1", "0", "4"]);

    const csv = await downloadCsv("incidents per week");
    assert.equal(csv.filename, `foghorn-frequency-${D}-${NEXT}.csv`);
    assert.equal(csv.text, `week,SEV1,SEV2,SEV3,SEV4,total\r\n${WEEK},1,2,1,0,4\r\n`);
  });

  test("filters: severity in the URL and by the toggles, range by keyboard, a team set in the service's settings", async () => {
    await page.goto(`${server.url}/insights?from=${D}&to=${D}&severity=SEV1`);
    await expectText(tileValue("Incidents"), "1");
    await expectText(tileValue("MTTA"), "4m 13s");
    assert.ok(await page.getByRole("checkbox", { name: "SEV1" }).isChecked());

    await page.getByRole("checkbox", { name: "SEV2" }).check();
    await page.waitForURL(/severity=SEV1%2CSEV2$/);
    await expectText(tileValue("Incidents"), "3");
    await page.getByRole("checkbox", { name: "SEV1" }).uncheck();
    await page.waitForURL(/severity=SEV2$/);
    await expectText(tileValue("Incidents"), "2");
    await expectText(tileValue("MTTA"), "5m 34s");
    await page.getByRole("img", { name: "SLA: 50.0 % acknowledged within target (1 of 2)" }).waitFor();
    // The downloads carry the same filters.
    const csv = await downloadCsv("incidents per week");
    assert.equal(csv.text, `week,SEV1,SEV2,SEV3,SEV4,total\r\n${WEEK},0,2,0,0,2\r\n`);

    // The range presets are radio buttons: arrow keys move between them.
    await page.goto(`${server.url}/insights`);
    await page.getByRole("radio", { name: /^30d/ }).focus();
    await page.keyboard.press("ArrowRight");
    await page.waitForURL(/range=90d/);
    await page.getByText(/\(90 days, UTC\)/).waitFor();

    // checkout belongs to payments from now on (its service settings), and Insights' team filter follows.
    await page.goto(`${server.url}/services/checkout`);
    await page.getByRole("button", { name: "Edit settings" }).click();
    await page.getByLabel("Team").selectOption("payments");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.locator(".settings-facts").getByRole("link", { name: "payments" }).waitFor();

    await page.goto(`${server.url}/insights?from=${D}&to=${D}`);
    await expectText(tileValue("Incidents"), "4");
    await page.getByLabel("Team").selectOption("payments");
    await page.waitForURL(/team=payments/);
    await expectText(tileValue("Incidents"), "2"); // INC-1 (SEV1) and INC-4 (SEV3), both on checkout
    await expectText(tileValue("MTTA"), "4m 13s");
  });

  test("light and dark: no serious accessibility violations; screenshots of the 90-day view", async () => {
    mkdirSync(screenshots, { recursive: true });
    for (const colorScheme of ["light", "dark"] as const) {
      const { context: ctx, page: p } = await signedInContext(browser, server, { colorScheme, height: 900 });
      try {
        await p.goto(`${server.url}/insights?range=90d`);
        await p.getByRole("region", { name: "Incidents per week" }).locator("canvas").first().waitFor();
        await p.getByRole("region", { name: "Response time trend" }).locator("canvas").first().waitFor();
        assert.deepEqual(await seriousAxeViolations(p), [], colorScheme);
        await p.screenshot({ path: join(screenshots, `insights-${colorScheme}.png`), fullPage: true });
      } finally {
        await ctx.close();
      }
    }
  });
});
