/**
 * Issue 9's figures (`npm run bench -- --only metrics`, or `node --import tsx bench/metrics.ts --help`), per
 * engine:
 *  1. seed N (default 1,000,000) incidents with everything the metrics read (`bench/seed.ts --metrics`),
 *     before the server starts (a PGlite folder may be open in one process only); seeding time recorded;
 *  2. the same-run baseline: `select count(*) from incidents` over the one-year range, opened directly
 *     (warm-up + --runs, median), right after seeding and again after the server stopped (the ratios use
 *     the latter: right after a bulk load PostgreSQL's autovacuum is still at work);
 *  3. `node bin/foghorn.mjs serve` on the store (src bundle and web/dist built beforehand, untimed); the
 *     rollups of the seeded year are built by the server (every day is dirty): "rollup build" = spawn →
 *     built (see rollupBuild: PGlite, the first report answered; PostgreSQL, no dirty day left and the
 *     rollup lock free);
 *  4. for the one-year range: `GET /api/v1/metrics` and each `GET /api/v1/metrics/:section`, a cold pass
 *     (reported) then --runs measured passes (median), interleaved; also a few filtered reports;
 *  5. the Insights page, headless Debian Chromium (playwright-core, test/browser/harness.ts), signed in:
 *     "interactive" = navigation start → the first animation frame in which the filters are usable and the
 *     first charts are drawn (see INTERACTIVE below); one cold load, then --page-runs, median.
 * Targets (issue 9): report and every section < 500 ms on PostgreSQL, < 2 s on PGlite; page < 1.5 s.
 * Results: bench/results/<stamp>-metrics/ (metrics.json, metrics.md, server logs).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import pg from "pg";
import { openDb } from "../src/store/db.ts";

const BENCH = import.meta.dirname;
const REPO = path.resolve(BENCH, "..");
const TOKEN = "fh_bench_metrics_token_0123456789abcdefghijklm";
const PASSWORD = "correct horse battery staple";
const PG_DB = "foghorn_bench_metrics";
const SECTIONS = [
  "response-times",
  "frequency",
  "trend",
  "sla",
  "update-compliance",
  "postmortem-compliance",
  "action-items",
  "alerts",
  "oncall-load",
  "uptime",
];
const TARGET_MS = { postgres: 500, pglite: 2000, page: 1500 };

const HELP = `node --import tsx bench/metrics.ts [options]   (also: npm run bench -- --only metrics)
  --engine E        pglite | postgres | both (default both)
  --count N         incidents seeded (default 1000000; e.g. 20000 for a quick run)
  --runs N          measured passes over the API URLs and baseline queries; medians (default 3, after 1 cold)
  --page-runs N     measured loads of the Insights page (default 3, after 1 cold); 0 skips the page
  --quiet-wait S    before the API passes and the page loads wait up to S s for the host to be < 20 %
                    busy (default 60; the busy share seen is reported)
  --pg URL          PostgreSQL server (default postgres://postgres@127.0.0.1:5432); the database
                    ${PG_DB} is dropped and created on every run
  --out DIR         results folder (default bench/results/<UTC timestamp>-metrics)
  --keep            keep the PGlite folder (printed) and the PostgreSQL database
  --pglite-dir DIR  the PGlite folder to use (default: a temporary one, removed unless --keep)
  --reuse           re-measure without seeding: when the PGlite folder (give --pglite-dir) / the
                    database ${PG_DB} already holds the seeded incidents, keep them, mark every day dirty again (so the rollup
                    build is measured again) and skip the seeding figures
  --help            this text
Targets: GET /api/v1/metrics and every /api/v1/metrics/:section over one year, median of 3: < 500 ms on
PostgreSQL, < 2 s on PGlite; Insights page interactive < 1.5 s (headless Chromium).`;

const { values: o } = parseArgs({
  options: {
    engine: { type: "string", default: "both" },
    count: { type: "string", default: "1000000" },
    runs: { type: "string", default: "3" },
    "page-runs": { type: "string", default: "3" },
    "quiet-wait": { type: "string", default: "60" },
    pg: { type: "string", default: "postgres://postgres@127.0.0.1:5432" },
    out: { type: "string" },
    keep: { type: "boolean", default: false },
    "pglite-dir": { type: "string" },
    reuse: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (o.help) {
  console.log(HELP);
  process.exit(0);
}
const engines = o.engine === "both" ? ["pglite", "postgres"] : [o.engine as string];
const count = Number(o.count);
const runs = Number(o.runs);
const pageRuns = Number(o["page-runs"]);
const pgBase = (o.pg as string).replace(/\/+$/, "");
const quietWait = Number(o["quiet-wait"]);
for (const e of engines)
  if (e !== "pglite" && e !== "postgres") {
    console.error(`--engine: pglite, postgres or both\n\n${HELP}`);
    process.exit(2);
  }
for (const [k, v] of Object.entries({ count, runs }))
  if (!Number.isInteger(v) || v < 1) {
    console.error(`--${k} must be a positive integer`);
    process.exit(2);
  }
if (!Number.isInteger(pageRuns) || pageRuns < 0 || !(quietWait >= 0)) {
  console.error("--page-runs must be 0 or a positive integer, --quiet-wait a number of seconds ≥ 0");
  process.exit(2);
}

const stamp = new Date()
  .toISOString()
  .replace(/[-:]/g, "")
  .replace(/\.\d+Z$/, "Z")
  .replace("T", "-");
const outDir = path.resolve((o.out as string | undefined) ?? path.join(BENCH, "results", `${stamp}-metrics`));
fs.mkdirSync(outDir, { recursive: true });
const log = (msg: string) => {
  console.log(msg);
  fs.appendFileSync(path.join(outDir, "metrics.log"), `${msg}\n`);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return Number.NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const r1 = (x: number) => Math.round(x * 10) / 10;
const day = (d: Date) => d.toISOString().slice(0, 10);

// The one-year range: the 365 UTC days up to and including today (the seed spreads incidents over the
// last 365 days), as [from, to).
const now = new Date();
const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
const from = new Date(to.getTime() - 365 * 86_400_000);
const RANGE = `from=${day(from)}&to=${day(to)}`;

/** Share of the host's CPU time (all cores) not idle over `ms`, from /proc/stat (Linux); null elsewhere. */
async function hostBusy(ms = 1000): Promise<number | null> {
  const read = () => {
    const line = fs.readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    return { idle, total: v.reduce((a, b) => a + b, 0) };
  };
  try {
    const a = read();
    await sleep(ms);
    const b = read();
    return b.total > a.total ? r1(100 * (1 - (b.idle - a.idle) / (b.total - a.total))) : null;
  } catch {
    return null;
  }
}

/** Waits up to --quiet-wait s for the host to be < 20 % busy; returns the last busy % seen. */
async function quiet(): Promise<number | null> {
  const until = performance.now() + quietWait * 1000;
  for (;;) {
    const busy = await hostBusy();
    if (busy === null || busy < 20 || performance.now() >= until) return busy;
  }
}

/** GET with no client-side timeout (a first report may build a year of rollups), timed to the last byte. */
function get(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; ms: number; bytes: number; body: string }>((resolve, reject) => {
    const t0 = performance.now();
    const req = http.get(url, { headers: { authorization: `Bearer ${TOKEN}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const body = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          ms: performance.now() - t0,
          bytes: body.length,
          body: body.toString(),
        });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}

const children = new Set<ReturnType<typeof spawn>>();
async function stop(child: ReturnType<typeof spawn>) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await Promise.race([exited, sleep(30_000).then(() => child.kill("SIGKILL"))]);
}
process.on("SIGINT", async () => {
  for (const c of children) await stop(c);
  process.exit(130);
});

function runNode(args: string[], env: Record<string, string>, logName: string) {
  return new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: REPO,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.add(child);
    let out = "";
    const logFile = fs.createWriteStream(path.join(outDir, logName));
    child.stdout.on("data", (c: Buffer) => {
      out += c;
      logFile.write(c);
    });
    child.stderr.pipe(logFile);
    child.on("exit", (code) => {
      children.delete(child);
      logFile.end();
      if (code === 0) resolve(out);
      else reject(new Error(`${args.join(" ")} exited with ${code}; see ${path.join(outDir, logName)}`));
    });
  });
}

interface Store {
  engine: string;
  dataDir?: string;
  databaseUrl?: string;
}
async function seededCount(store: Store): Promise<number> {
  if (store.dataDir && !fs.existsSync(path.join(store.dataDir, "pglite"))) return 0;
  let database: Awaited<ReturnType<typeof openDb>> | undefined;
  try {
    database = await openDb({ dataDir: store.dataDir, databaseUrl: store.databaseUrl, poolSize: 1 });
    const r = (await database.db.execute(sql.raw("select count(*)::int as n from incidents"))) as unknown as {
      rows: { n: number }[];
    };
    return Number(r.rows[0]?.n ?? 0);
  } catch {
    return 0;
  } finally {
    await database?.close();
  }
}

/** A store to seed, or with --reuse one already seeded (then `reused` is true). */
async function prepareStore(engine: string, tmp: string): Promise<Store & { reused: boolean }> {
  if (engine === "pglite") {
    const dataDir = o["pglite-dir"] ? path.resolve(o["pglite-dir"] as string) : path.join(tmp, "data");
    const store = { engine, dataDir };
    if (o.reuse && (await seededCount(store)) > 0) return { ...store, reused: true };
    fs.rmSync(dataDir, { recursive: true, force: true });
    return { ...store, reused: false };
  }
  const store = { engine, databaseUrl: `${pgBase}/${PG_DB}` };
  if (o.reuse && (await seededCount(store)) > 0) return { ...store, reused: true };
  const admin = new pg.Client({ connectionString: `${pgBase}/postgres`, connectionTimeoutMillis: 5000 });
  await admin.connect();
  await admin.query(`drop database if exists ${PG_DB} with (force)`);
  await admin.query(`create database ${PG_DB}`);
  await admin.end();
  return { ...store, reused: false };
}

/** --reuse: every day with data dirty again (as the seed leaves it), so the server rebuilds every rollup. */
async function markAllDirty(store: Store) {
  const database = await openDb({ dataDir: store.dataDir, databaseUrl: store.databaseUrl, poolSize: 1 });
  try {
    await database.db.execute(
      sql.raw(`insert into metric_dirty_days (kind, day)
        select distinct 'incident', (created_at at time zone 'UTC')::date from incidents
        union select distinct 'alert', (created_at at time zone 'UTC')::date from alerts
        union select distinct 'page', (coalesce(sent_at, created_at) at time zone 'UTC')::date from notifications
        on conflict do nothing`),
    );
  } finally {
    await database.close();
  }
}

async function seed(store: Store) {
  const t0 = performance.now();
  const out = await runNode(
    [
      "--import",
      "tsx",
      path.join(BENCH, "seed.ts"),
      "--metrics",
      "--count",
      String(count),
      ...(store.dataDir ? ["--data-dir", store.dataDir] : ["--database-url", store.databaseUrl as string]),
    ],
    { FOGHORN_BOOTSTRAP_TOKEN: TOKEN, FOGHORN_BOOTSTRAP_PASSWORD: PASSWORD },
    `seed-${store.engine}.log`,
  );
  const line = out.trim().split("\n").at(-1) ?? "{}";
  const parsed = JSON.parse(line) as { ms: number; counts?: Record<string, number>; statuses?: string };
  return { wall_ms: Math.round(performance.now() - t0), ...parsed };
}

/** `select count(*)` of the year's incidents, opened directly (warm-up + runs). */
async function baseline(store: Store) {
  const database = await openDb({ dataDir: store.dataDir, databaseUrl: store.databaseUrl, poolSize: 1 });
  const text = `select count(*)::int as n from incidents where created_at >= '${from.toISOString()}' and created_at < '${to.toISOString()}'`;
  const samples: number[] = [];
  let n = 0;
  try {
    for (let i = 0; i <= runs; i++) {
      const t = performance.now();
      const r = (await database.db.execute(sql.raw(text))) as unknown as { rows: { n: number }[] };
      const ms = performance.now() - t;
      n = Number(r.rows[0]?.n);
      if (i > 0) samples.push(ms);
    }
  } finally {
    await database.close();
  }
  return { query: text, incidents: n, samples_ms: samples.map(r1), median_ms: r1(median(samples)) };
}

/**
 * Builds what `serve` would build on its own (bin/foghorn.mjs: the src bundle, and web/dist when web/ or
 * src/domain changed), so the timed start and the rollup build do not share the CPU with esbuild and Vite.
 */
async function prebuild() {
  const newest = (dir: string): number =>
    fs
      .readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((f) => f.isFile())
      .reduce((m, f) => Math.max(m, fs.statSync(path.join(f.parentPath, f.name)).mtimeMs), 0);
  const index = path.join(REPO, "web", "dist", "index.html");
  const sources = Math.max(newest(path.join(REPO, "web", "src")), newest(path.join(REPO, "src", "domain")));
  if (!fs.existsSync(index) || fs.statSync(index).mtimeMs < sources) {
    const vite = path.join(REPO, "node_modules", "vite", "bin", "vite.js");
    await runNode(
      [vite, "build", "--config", "web/vite.config.ts", "--logLevel", "warn"],
      {},
      "prebuild-web.log",
    );
  }
  await runNode([path.join(REPO, "bin", "foghorn.mjs"), "--version"], {}, "prebuild.log");
}

async function serve(store: Store) {
  await prebuild();
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const env: Record<string, string> = {
    PORT: String(port),
    HOST: "127.0.0.1",
    FOGHORN_BOOTSTRAP_TOKEN: TOKEN,
    FOGHORN_BOOTSTRAP_PASSWORD: PASSWORD,
    FOGHORN_LOG_LEVEL: "warn",
    ...(store.dataDir ? { FOGHORN_DATA_DIR: store.dataDir } : { DATABASE_URL: store.databaseUrl as string }),
  };
  const logPath = path.join(outDir, `foghorn-${store.engine}.log`);
  const fd = fs.openSync(logPath, "a");
  const t0 = performance.now();
  const child = spawn(process.execPath, [path.join(REPO, "bin", "foghorn.mjs"), "serve"], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ["ignore", fd, fd],
  });
  fs.closeSync(fd);
  children.add(child);
  child.on("exit", () => children.delete(child));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null)
      throw new Error(`foghorn exited:\n${fs.readFileSync(logPath, "utf8").slice(-2000)}`);
    if ((await fetch(`${url}/readyz`).catch(() => undefined))?.ok) break;
    if (i > 3000) throw new Error("foghorn did not become ready within 300 s");
    await sleep(100);
  }
  return { url, child, spawnedAt: t0, ready_ms: Math.round(performance.now() - t0) };
}

/**
 * Server spawn → the rollups built. PGlite: the first `GET /api/v1/metrics` answered (the report's own
 * refresh shares the one connection with the engine's and returns only when no dirty day is left; the
 * server may not even answer /readyz while the engine builds). PostgreSQL: polled until no dirty day is left
 * and nobody holds the rollup lock (advisory) twice in a row; there a report's refresh returns at once when
 * the engine holds the lock, so a first report can come back before the rollups are complete. Then the
 * first report is fetched (reported separately). Counted from the spawn (`spawnedAt`), as "ready" itself
 * can wait for the build.
 */
async function rollupBuild(store: Store, url: string, spawnedAt: number) {
  const t0 = spawnedAt;
  let builtMs: number | null = null;
  if (store.databaseUrl) {
    const client = new pg.Client({ connectionString: store.databaseUrl });
    await client.connect();
    try {
      let quiet = 0;
      for (;;) {
        const r = await client.query(
          `select (select count(*) from metric_dirty_days)::int as dirty,
             (select count(*) from pg_locks where locktype = 'advisory' and granted
               and objid = (hashtext('foghorn:metrics')::bigint & 4294967295)::oid)::int as locks`,
        );
        quiet = r.rows[0].dirty === 0 && r.rows[0].locks === 0 ? quiet + 1 : 0;
        if (quiet === 2) break;
        if (performance.now() - t0 > 3_600_000) throw new Error("rollups not built within an hour");
        await sleep(100);
      }
      builtMs = performance.now() - t0;
    } finally {
      await client.end();
    }
  }
  const t1 = performance.now();
  const first = await get(`${url}/api/v1/metrics?${RANGE}`);
  if (first.status !== 200)
    throw new Error(`GET /api/v1/metrics → ${first.status}: ${first.body.slice(0, 500)}`);
  const firstMs = performance.now() - t1;
  return {
    built_ms: Math.round(builtMs ?? performance.now() - t0),
    how: store.databaseUrl
      ? "spawn → no dirty day left and the rollup lock free (polled every 100 ms)"
      : "spawn → first GET /api/v1/metrics answered",
    first_report_ms: Math.round(firstMs),
    report: JSON.parse(first.body) as Record<string, unknown>,
  };
}

const URLS: [string, string][] = [
  ["report", `/api/v1/metrics?${RANGE}`],
  ...SECTIONS.map((s): [string, string] => [s, `/api/v1/metrics/${s}?${RANGE}`]),
];
const EXTRA: [string, string][] = [
  ["report, team=payments", `/api/v1/metrics?${RANGE}&team=payments`],
  ["report, service=checkout, SEV1+SEV2", `/api/v1/metrics?${RANGE}&service=checkout&severity=SEV1,SEV2`],
  ["report, type=security", `/api/v1/metrics?${RANGE}&type=security`],
  ["trend as CSV", `/api/v1/metrics/trend?${RANGE}&format=csv`],
];

async function timeApi(url: string) {
  const all = [...URLS, ...EXTRA];
  const samples = new Map<string, number[]>(all.map(([n]) => [n, []]));
  const cold = new Map<string, number>();
  const bytes = new Map<string, number>();
  for (let pass = 0; pass <= runs; pass++)
    for (const [name, p] of all) {
      const r = await get(`${url}${p}`);
      if (r.status !== 200) throw new Error(`GET ${p} → ${r.status}: ${r.body.slice(0, 500)}`);
      if (pass === 0) {
        cold.set(name, r.ms);
        bytes.set(name, r.bytes);
      } else samples.get(name)?.push(r.ms);
    }
  return all.map(([name, p]) => ({
    name,
    path: p,
    extra: EXTRA.some(([n]) => n === name),
    cold_ms: r1(cold.get(name) ?? Number.NaN),
    samples_ms: (samples.get(name) ?? []).map(r1),
    median_ms: r1(median(samples.get(name) ?? [])),
    bytes: bytes.get(name) ?? 0,
  }));
}

/**
 * "Interactive": the first animation frame (counted from navigation start) in which the Insights page's
 * filters are usable (the filter bar `search.insights-filters` with all its controls present and enabled)
 * and the first charts are drawn (the report has loaded, `.insights` not aria-busy, and a uPlot canvas has
 * a size). web/src/features/insights/InsightsPage.tsx renders these.
 */
const INTERACTIVE = `(() => {
  const bar = document.querySelector("search.insights-filters");
  const controls = bar ? [...bar.querySelectorAll("input, select, button")] : [];
  const usable = controls.length > 0 && controls.every((c) => !c.disabled);
  const body = document.querySelector(".insights");
  const loaded = body !== null && body.getAttribute("aria-busy") !== "true";
  const drawn = [...document.querySelectorAll(".uplot canvas")].some((c) => c.width > 0 && c.height > 0);
  return usable && loaded && drawn;
})()`;

/**
 * Where a page load's time went (ms from navigation start): DOMContentLoaded, first contentful paint, and
 * [start, end] of the session check, the Insights chunk and the API calls the page makes.
 */
const TIMELINE = `(() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const at = (prefix) => {
    const e = performance.getEntriesByType("resource").find((r) => new URL(r.name).pathname.startsWith(prefix));
    return e ? [Math.round(e.startTime), Math.round(e.responseEnd)] : null;
  };
  const fcp = performance.getEntriesByType("paint").find((p) => p.name === "first-contentful-paint");
  return {
    dom_content_loaded: nav ? Math.round(nav.domContentLoadedEventEnd) : null,
    first_contentful_paint: fcp ? Math.round(fcp.startTime) : null,
    session: at("/api/v1/session"),
    insights_chunk: at("/assets/InsightsPage"),
    services: at("/api/v1/services"),
    teams: at("/api/v1/teams"),
    types: at("/api/v1/incident-types"),
    metrics: at("/api/v1/metrics"),
  };
})()`;

async function timePage(url: string) {
  const { ensureWebBuild, launchBrowser, signedInContext } = await import("../test/browser/harness.ts");
  ensureWebBuild();
  const browser = await launchBrowser();
  const samples: number[] = [];
  const loads: Record<string, unknown>[] = [];
  let cold = Number.NaN;
  try {
    const { context, page: first } = await signedInContext(browser, {
      url,
      token: TOKEN,
      api: () => Promise.reject(new Error("unused")),
      close: async () => {},
    });
    await first.close();
    for (let i = 0; i <= pageRuns; i++) {
      const page = await context.newPage();
      await page.addInitScript(`
        (() => {
          const tick = () => {
            if (window.__insightsInteractive !== undefined) return;
            if (${INTERACTIVE}) window.__insightsInteractive = performance.now();
            else requestAnimationFrame(tick);
          };
          requestAnimationFrame(tick);
        })();
      `);
      await page.goto(`${url}/insights?range=1y`, { waitUntil: "commit" });
      await page.waitForFunction("window.__insightsInteractive !== undefined", undefined, {
        timeout: 60_000,
      });
      const ms = (await page.evaluate("window.__insightsInteractive")) as number;
      if (i === 0) cold = ms;
      else samples.push(ms);
      loads.push({ interactive_ms: r1(ms), ...((await page.evaluate(TIMELINE)) as Record<string, unknown>) });
      await page.close();
    }
    await context.close();
  } finally {
    await browser.close();
  }
  return { cold_ms: r1(cold), samples_ms: samples.map(r1), median_ms: r1(median(samples)), loads };
}

// ---------- main ----------
const results: Record<string, unknown>[] = [];
const machine = {
  cpus: os.cpus().length,
  cpu_model: os.cpus()[0]?.model ?? "",
  mem_gb: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  loadavg_at_start: os.loadavg().map((x) => r1(x)),
  range: { from: day(from), to: day(to) },
  count,
  runs,
  page_runs: pageRuns,
};
let failure: string | undefined;
try {
  log(
    `metrics bench → ${path.relative(process.cwd(), outDir)} (engines ${engines.join(",")}, ${count} incidents, range ${RANGE})`,
  );
  for (const engine of engines) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `foghorn-metrics-${engine}-`));
    const r: Record<string, unknown> = { engine };
    results.push(r);
    try {
      const store = await prepareStore(engine, tmp);
      if (store.dataDir) r.store_dir = store.dataDir;
      if (store.reused) {
        r.reused = store.dataDir ?? store.databaseUrl;
        log(`${engine}: --reuse: ${r.reused} is seeded already; every day marked dirty again`);
        await markAllDirty(store);
      } else {
        log(`${engine}: seeding ${count} incidents (bench/seed.ts --metrics)…`);
        const seeded = await seed(store);
        r.seed = seeded;
        log(
          `${engine}: seeded in ${(Number(seeded.ms) / 1000).toFixed(1)} s: ${JSON.stringify(seeded.counts)}`,
        );
      }
      r.baseline = await baseline(store);
      log(`${engine}: baseline select count(*) of the year: ${JSON.stringify(r.baseline)}`);
      const server = await serve(store);
      r.ready_ms = server.ready_ms;
      try {
        log(
          `${engine}: ready in ${server.ready_ms} ms; waiting for the rollups (first GET /api/v1/metrics)…`,
        );
        const build = await rollupBuild(store, server.url, server.spawnedAt);
        r.rollup = { built_ms: build.built_ms, how: build.how, first_report_ms: build.first_report_ms };
        r.report_excerpt = JSON.stringify(build.report).slice(0, 1500);
        log(`${engine}: rollups built: ${JSON.stringify(r.rollup)}`);
        r.host_busy_before_api_pct = await quiet();
        r.api = await timeApi(server.url);
        for (const a of r.api as { name: string; median_ms: number; cold_ms: number }[])
          log(
            `${engine}: ${a.name.padEnd(38)} median ${String(a.median_ms).padStart(8)} ms   cold ${a.cold_ms} ms`,
          );
        const { browserUnavailable } = await import("../test/browser/harness.ts");
        const noBrowser = pageRuns > 0 ? browserUnavailable() : null;
        if (noBrowser) {
          r.page_skipped = noBrowser;
          log(`${engine}: ${noBrowser}`);
        } else if (pageRuns > 0) {
          r.host_busy_before_page_pct = await quiet();
          r.page = await timePage(server.url);
          log(`${engine}: Insights page interactive: ${JSON.stringify(r.page)}`);
        }
      } finally {
        await stop(server.child);
      }
      // Again with the server stopped (a PGlite folder may be open in one process only): right after a bulk
      // load PostgreSQL's autovacuum is still busy with the new tables, so the first figure can be high.
      r.baseline_after = await baseline(store);
      log(`${engine}: baseline again after the server stopped: ${JSON.stringify(r.baseline_after)}`);
    } catch (error) {
      r.error = error instanceof Error ? error.message : String(error);
      log(`${engine}: FAILED: ${r.error}`);
      failure ??= `${engine}: ${r.error}`;
    } finally {
      const kept = o.keep || o.reuse || Boolean(o["pglite-dir"]);
      if (kept) log(`${engine}: kept ${engine === "pglite" ? String(r.store_dir) : `${pgBase}/${PG_DB}`}`);
      else {
        fs.rmSync(tmp, { recursive: true, force: true });
        if (typeof r.store_dir === "string") fs.rmSync(r.store_dir, { recursive: true, force: true });
      }
    }
  }
} finally {
  for (const c of children) await stop(c);
  writeSummary();
}
if (failure) process.exitCode = 1;

function writeSummary() {
  const targets: { target: string; value: string; met: boolean }[] = [];
  const md = [
    `# Foghorn metrics bench — ${new Date().toISOString()}`,
    "",
    `Machine: ${machine.cpus} vCPU ${machine.cpu_model}, ${machine.mem_gb} GB; Node ${machine.node}; load average at start ${machine.loadavg_at_start.join(" ")}.`,
    `${count} incidents seeded (bench/seed.ts --metrics); range ${machine.range.from} … ${machine.range.to} (exclusive); median of ${runs} after 1 cold pass.`,
    ...(failure ? ["", `**Run failed:** ${failure}`] : []),
  ];
  for (const r of results) {
    const e = r.engine as string;
    const seedR = r.seed as { ms?: number; counts?: Record<string, number> } | undefined;
    const before = r.baseline as { median_ms: number; incidents: number } | undefined;
    const after = r.baseline_after as { median_ms: number; incidents: number } | undefined;
    const base = after ?? before;
    const rollup = r.rollup as { built_ms: number; how: string; first_report_ms: number } | undefined;
    md.push("", `## ${e}`, "");
    if (r.reused)
      md.push(`- store reused (--reuse): ${r.reused}; every day marked dirty again before the start`);
    if (seedR)
      md.push(`- seeding: ${((seedR.ms ?? 0) / 1000).toFixed(1)} s — ${JSON.stringify(seedR.counts ?? {})}`);
    if (base)
      md.push(
        `- baseline \`select count(*)\` of the year's incidents (${base.incidents}): median **${base.median_ms} ms** after the server stopped${before && after ? ` (${before.median_ms} ms before it started)` : ""}; "× baseline" below divides by it`,
      );
    if (r.ready_ms !== undefined) md.push(`- server spawn → ready: ${r.ready_ms} ms`);
    if (rollup)
      md.push(
        `- rollup build for ${count} incidents: **${(rollup.built_ms / 1000).toFixed(1)} s** (${rollup.how}); the first report after it: ${rollup.first_report_ms} ms`,
      );
    if (r.host_busy_before_api_pct !== undefined)
      md.push(
        `- host busy (all cores, 1 s) before the API passes: ${r.host_busy_before_api_pct} %${r.host_busy_before_page_pct !== undefined ? `; before the page loads: ${r.host_busy_before_page_pct} %` : ""}`,
      );
    if (r.error) md.push(`- **failed:** ${r.error}`);
    const api = r.api as
      | {
          name: string;
          path: string;
          extra: boolean;
          cold_ms: number;
          samples_ms: number[];
          median_ms: number;
          bytes: number;
        }[]
      | undefined;
    if (api) {
      md.push(
        "",
        "| request | median ms | samples | cold ms | × baseline | bytes |",
        "|---|---:|---|---:|---:|---:|",
      );
      for (const a of api)
        md.push(
          `| ${a.extra ? "" : "**"}${a.name}${a.extra ? "" : "**"} | ${a.median_ms} | ${a.samples_ms.join(", ")} | ${a.cold_ms} | ${base ? (a.median_ms / base.median_ms).toFixed(2) : ""} | ${a.bytes} |`,
        );
      const limit = e === "postgres" ? TARGET_MS.postgres : TARGET_MS.pglite;
      const core = api.filter((a) => !a.extra);
      const worst = core.reduce(
        (w, a) => (a.median_ms > w.median_ms ? a : w),
        core[0] as (typeof core)[number],
      );
      targets.push({
        target: `${e}: report and every section < ${limit} ms (median)`,
        value: `report ${api[0]?.median_ms} ms; slowest ${worst.name} ${worst.median_ms} ms`,
        met: core.every((a) => a.median_ms < limit),
      });
    }
    const page = r.page as
      | { cold_ms: number; samples_ms: number[]; median_ms: number; loads: Record<string, unknown>[] }
      | undefined;
    if (page) {
      md.push(
        "",
        `Insights page interactive: median **${page.median_ms} ms** (${page.samples_ms.join(", ")}); cold ${page.cold_ms} ms`,
        "",
        "Page loads, ms from navigation start ([start, end] of each request):",
        "",
        "| load | interactive | DOMContentLoaded | FCP | session | Insights chunk | services | teams | types | /api/v1/metrics |",
        "|---|---:|---:|---:|---|---|---|---|---|---|",
        ...page.loads.map((l, i) => {
          const span = (v: unknown) => (Array.isArray(v) ? v.join("–") : "");
          return `| ${i === 0 ? "cold" : i} | ${l.interactive_ms} | ${l.dom_content_loaded ?? ""} | ${l.first_contentful_paint ?? ""} | ${span(l.session)} | ${span(l.insights_chunk)} | ${span(l.services)} | ${span(l.teams)} | ${span(l.types)} | ${span(l.metrics)} |`;
        }),
      );
      targets.push({
        target: `${e}: Insights page interactive < ${TARGET_MS.page} ms`,
        value: `${page.median_ms} ms`,
        met: page.median_ms < TARGET_MS.page,
      });
    }
  }
  md.push("", "## Targets", "", "| target | measured | met |", "|---|---|---|");
  for (const t of targets) md.push(`| ${t.target} | ${t.value} | ${t.met ? "yes" : "**NO**"} |`);
  fs.writeFileSync(path.join(outDir, "metrics.md"), `${md.join("\n")}\n`);
  fs.writeFileSync(
    path.join(outDir, "metrics.json"),
    `${JSON.stringify({ machine, failure: failure ?? null, targets, results }, null, 2)}\n`,
  );
  console.log(`\n${md.join("\n")}\n\nsummary: ${path.join(outDir, "metrics.md")} (+ metrics.json)`);
}
