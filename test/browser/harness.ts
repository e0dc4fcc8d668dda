/**
 * Browser test harness: Debian's Chromium driven by playwright-core (never a downloaded browser), the
 * real Foghorn server serving the built web UI, and helpers shared by the browser tests and benchmarks.
 *
 * Set FOGHORN_E2E_URL (and FOGHORN_E2E_TOKEN, FOGHORN_E2E_PASSWORD) to run the same tests against an
 * already running server instead of starting one per suite.
 */

import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

export const CHROMIUM = process.env.FOGHORN_CHROMIUM ?? "/usr/bin/chromium";
export const ADMIN_PASSWORD = process.env.FOGHORN_E2E_PASSWORD ?? "correct horse battery staple";
const root = resolve(import.meta.dirname, "../..");

/** Why the browser tests cannot run here, or null. Under CI the caller fails instead of skipping. */
export function browserUnavailable(): string | null {
  return existsSync(CHROMIUM)
    ? null
    : `browser tests skipped: ${CHROMIUM} not found (apt-get install chromium; .ci/run does this)`;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds web/dist when it is missing or older than web/src (the server serves web/dist at /). */
export function ensureWebBuild(): void {
  const index = join(root, "web/dist/index.html");
  const sources = Math.max(
    newestMtime(join(root, "web/src")),
    statSync(join(root, "web/index.html")).mtimeMs,
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  const vite = join(dirname(createRequire(import.meta.url).resolve("vite/package.json")), "bin/vite.js");
  const result = spawnSync(
    process.execPath,
    [vite, "build", "--config", "web/vite.config.ts", "--logLevel", "warn"],
    {
      cwd: root,
      stdio: "inherit",
    },
  );
  if (result.status !== 0) throw new Error("vite build of web/ failed");
}

export interface UiServer {
  url: string;
  token: string;
  api(path: string, init?: { method?: string; body?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

/** The real server on a fresh database with the admin password set, or FOGHORN_E2E_URL when given. */
export async function startUiServer(): Promise<UiServer> {
  ensureWebBuild();
  const external = process.env.FOGHORN_E2E_URL;
  if (external) {
    await assertServesUi(external.replace(/\/$/, ""));
    const token = process.env.FOGHORN_E2E_TOKEN ?? "";
    return {
      url: external.replace(/\/$/, ""),
      token,
      api: (path, init = {}) =>
        fetch(`${external.replace(/\/$/, "")}${path}`, {
          method: init.method ?? (init.body === undefined ? "GET" : "POST"),
          headers: {
            authorization: `Bearer ${token}`,
            ...(init.body !== undefined ? { "content-type": "application/json" } : {}),
          },
          ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        }),
      close: async () => {},
    };
  }
  const { startTestFoghorn } = await import("../helpers/foghorn.ts");
  const foghorn = await startTestFoghorn("pglite", { env: { FOGHORN_BOOTSTRAP_PASSWORD: ADMIN_PASSWORD } });
  const server: UiServer = {
    url: foghorn.url.replace(/\/$/, ""),
    token: foghorn.token,
    api: (path, init) => foghorn.api(path, init),
    close: () => foghorn.close(),
  };
  try {
    await assertServesUi(server.url);
  } catch (error) {
    await server.close();
    throw error;
  }
  return server;
}

/** Fails fast, with the reason, when the server does not serve the web UI at / with SPA fallback. */
async function assertServesUi(url: string): Promise<void> {
  for (const path of ["/", "/incidents/INC-1"]) {
    const response = await fetch(`${url}${path}`);
    const body = await response.text();
    if (!response.ok || !body.includes('id="root"'))
      throw new Error(
        `GET ${path} answered ${response.status} without the web UI: the server must serve web/dist at / ` +
          "with index.html for non-API paths (and the session endpoints must exist)",
      );
  }
}

/** JSON of an API call that must succeed. */
export async function apiJson<T>(
  server: UiServer,
  path: string,
  init?: { method?: string; body?: unknown },
): Promise<T> {
  const response = await server.api(path, init);
  const text = await response.text();
  if (!response.ok) throw new Error(`${init?.method ?? "GET"} ${path} → ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export interface DeclaredIncident {
  id: string;
  title: string;
  status: string;
}

export function declare(
  server: UiServer,
  body: {
    title: string;
    severity: string;
    affected_services?: string[];
    assignee?: string;
    description?: string;
  },
): Promise<DeclaredIncident> {
  return apiJson<DeclaredIncident>(server, "/api/v1/incidents", { body });
}

/** A browser context (light or dark) with the admin signed in through the login page. */
export async function signedInContext(
  browser: Browser,
  server: UiServer,
  options: { colorScheme?: "light" | "dark"; width?: number; height?: number } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    colorScheme: options.colorScheme ?? "light",
    timezoneId: "Europe/Amsterdam",
    locale: "en-GB",
  });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  await signIn(page, server);
  return { context, page };
}

export async function signIn(page: Page, server: UiServer): Promise<void> {
  await page.goto(`${server.url}/login`);
  await page.getByLabel("Username").fill("admin");
  await page.getByLabel("Password").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/incidents/);
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** Runs axe-core (WCAG 2.1 A/AA rules) on the page; returns the serious and critical violations. */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
  // Evaluated through the debugging protocol, which the page's CSP (no inline scripts) does not govern;
  // addScriptTag would insert an inline <script> that the CSP rightly refuses.
  await page.evaluate(readFileSync(axePath, "utf8"));
  const violations = (await page.evaluate(`
    axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } })
      .then((r) => r.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
      })))
  `)) as AxeViolation[];
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/**
 * "First rows visible": milliseconds from the start of navigation (performance.timeOrigin) to the
 * first animation frame in which the list shows an incident row. An init script watches the DOM
 * from the first byte, so the figure includes HTML, JS, the session check and the list request.
 */
export async function firstRowsVisibleMs(page: Page, url: string, timeoutMs = 15_000): Promise<number> {
  await page.addInitScript(`
    (() => {
      const seen = () => {
        if (window.__foghornFirstRows !== undefined) return;
        if (!document.querySelector("tr.incident-row")) return;
        requestAnimationFrame(() => { window.__foghornFirstRows ??= performance.now(); });
      };
      new MutationObserver(seen).observe(document, { childList: true, subtree: true });
    })();
  `);
  await page.goto(url, { waitUntil: "commit" });
  // Polled with evaluate (the debugging protocol): waitForFunction's string predicate is an eval the UI's
  // CSP refuses. The 10 ms poll only delays noticing; the time itself was taken in the page.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const at = (await page.evaluate("window.__foghornFirstRows")) as number | undefined;
    if (at !== undefined) return at;
    if (Date.now() > deadline) throw new Error(`no incident row within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * The list page's first-rows-visible time over `runs` fresh page loads (same signed-in context, so the
 * browser cache is warm after the first load, as for a responder who keeps Foghorn open), with the median.
 */
export async function measureListLoad(
  browser: Browser,
  server: UiServer,
  options: { runs?: number; path?: string } = {},
): Promise<{ samples: number[]; median: number }> {
  const { context } = await signedInContext(browser, server);
  const samples: number[] = [];
  try {
    for (let i = 0; i < (options.runs ?? 5); i++) {
      const page = await context.newPage();
      samples.push(await firstRowsVisibleMs(page, `${server.url}${options.path ?? "/incidents?view=all"}`));
      await page.close();
    }
  } finally {
    await context.close();
  }
  const sorted = [...samples].sort((a, b) => a - b);
  return { samples, median: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN };
}
