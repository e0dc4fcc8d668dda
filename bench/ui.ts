/**
 * Web UI figures of issue 3, in headless Debian Chromium (playwright-core):
 *  - first load's JS, gzipped (from web/dist);
 *  - "first rows visible" on the incident list with N (default 100,000) incidents stored, 5 loads, median;
 *  - change → visible: a note added through the API appears in an open detail page, 9 trials, median.
 * Seeds a fresh PGlite folder with bench/seed.ts, then starts `node bin/foghorn.mjs serve` on it.
 *
 *   node --import tsx bench/ui.ts [--count 100000] [--runs 5] [--trials 9]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import {
  ADMIN_PASSWORD,
  ensureWebBuild,
  launchBrowser,
  measureListLoad,
  signedInContext,
  type UiServer,
} from "../test/browser/harness.ts";

const root = resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    count: { type: "string", default: "100000" },
    runs: { type: "string", default: "5" },
    trials: { type: "string", default: "9" },
  },
});
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

ensureWebBuild();
const assets = join(root, "web", "dist", "assets");
const jsGzip = readdirSync(assets)
  .filter((f) => f.endsWith(".js"))
  .reduce((sum, f) => sum + gzipSync(readFileSync(join(assets, f))).length, 0);
console.log(`first-load JS: ${(jsGzip / 1024).toFixed(1)} KB gzipped (budget 250 KB)`);

const dir = mkdtempSync(join(tmpdir(), "foghorn-ui-bench-"));
const dataDir = join(dir, "data");
const run = (args: string[], env: Record<string, string> = {}) =>
  spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });

const seeded = run(["--import", "tsx", "bench/seed.ts", "--count", values.count, "--data-dir", dataDir]);
seeded.stdout?.resume();
if ((await new Promise((r) => seeded.on("exit", r))) !== 0) throw new Error("seeding failed");
console.log(`seeded ${values.count} incidents`);

const token = "fh_ui_bench_token_0123456789abcdefghijklmnopq";
const port = String(20000 + Math.floor(Math.random() * 20000));
const server = run(["bin/foghorn.mjs", "serve"], {
  PORT: port,
  FOGHORN_DATA_DIR: dataDir,
  FOGHORN_BOOTSTRAP_TOKEN: token,
  FOGHORN_BOOTSTRAP_PASSWORD: ADMIN_PASSWORD,
  FOGHORN_LOG_LEVEL: "warn",
});
server.stdout?.resume();
const url = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  if ((await fetch(`${url}/readyz`).catch(() => undefined))?.ok) break;
  if (i > 600) throw new Error("the server did not become ready");
  await new Promise((r) => setTimeout(r, 50));
}
const ui: UiServer = {
  url,
  token,
  api: (path, init = {}) =>
    fetch(`${url}${path}`, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    }),
  close: async () => {},
};

const browser = await launchBrowser();
try {
  const list = await measureListLoad(browser, ui, { runs: Number(values.runs) });
  console.log(
    `list first rows visible (${values.count} stored): median ${list.median.toFixed(0)} ms, samples ${list.samples.map((s) => s.toFixed(0)).join(", ")}`,
  );

  const { context, page } = await signedInContext(browser, ui);
  await page.goto(`${url}/incidents/INC-1`);
  await page.getByRole("heading", { level: 1 }).waitFor();
  const samples: number[] = [];
  for (let i = 0; i < Number(values.trials); i++) {
    const text = `bench note ${i} ${Date.now()}`;
    const started = performance.now();
    const res = await ui.api("/api/v1/incidents/INC-1/notes", { body: { text } });
    if (res.status !== 201) throw new Error(`note: ${res.status}`);
    await page.getByText(text).first().waitFor();
    samples.push(performance.now() - started);
  }
  console.log(
    `change → visible in an open page: median ${median(samples).toFixed(0)} ms, samples ${samples.map((s) => s.toFixed(0)).join(", ")}`,
  );
  await context.close();
} finally {
  await browser.close();
  server.kill("SIGTERM");
  await new Promise((r) => server.on("exit", r));
  rmSync(dir, { recursive: true, force: true });
}
