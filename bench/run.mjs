#!/usr/bin/env node
// `npm run bench`: Foghorn's performance figures next to a Node `http` hello-world measured in the
// same run. See bench/README.md. Scenarios: startup (spawn → first 200 from /readyz), create
// (POST /api/v1/incidents under wrk), list (first page of GET /api/v1/incidents over 100k seeded
// incidents), alerts (Alertmanager webhook ingest under wrk next to a Node JSON-POST reference, the
// processor's drain, alert → incident latency), then a short diagnostics pass (SQL statements per
// request, CPU profile by component).
// The real tools and reference server come from ../shared/bench-kit (used by path, not copied).
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { profileMarkdown, summarizeProfile } from "./profile-summary.mjs";

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(BENCH, "..");
const KIT = path.resolve(REPO, "../shared/bench-kit");
const SCENARIOS = ["startup", "list", "create", "alerts", "paging", "status", "metrics", "replicas"];
const APT = "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y wrk hyperfine curl nginx";

const HELP = `npm run bench -- [options]
  --only LIST          scenarios, comma-separated: startup,create,list,alerts,paging (default: all);
                       paging runs bench/paging.mjs (alert → page latency, escalation timer accuracy);
                       status runs bench/status.mjs (GET /status and summary.json next to nginx serving
                       the same bytes, and the SQL statements of 10,000 page views);
                       metrics runs bench/metrics.ts (1,000,000 seeded incidents: rollup build, GET
                       /api/v1/metrics and every section over one year, Insights page interactive)
                       replicas runs bench/replicas.mjs (PostgreSQL only: ingest events/s with 3
                       replicas vs 1 on one PostgreSQL, and PostgreSQL back up → first 202)
  --engine E           pglite | postgres | both (default both)
  --runs N             wrk runs per figure; the median is reported (default 3)
  --startup-runs N     cold starts per startup figure (default 5, plus 1 warm-up)
  --duration S         measured seconds per wrk run (default 10; 2 s warm-up before each)
  --warmup S           wrk warm-up seconds (default 2)
  --count N            incidents seeded for the list scenario (default 100000); when given, also
                       for the metrics scenario (default 1000000; e.g. --count 20000 for a quick run)
  --list-conns LIST    wrk connection counts for the list scenario (default 4,16)
  --create-conns N     wrk connections for the create scenario (default 16)
  --list-status S      the one status filter of the list query (default resolved)
  --alerts-conns N     wrk connections for the alerts ingest scenario (default 64)
  --alerts-card N      distinct alert groups per wrk thread and round (WRK_VARY_CARD, default 1000)
  --alerts-trials N    alert → incident trials per engine, one at a time (default 200, + 5 warm-up)
  --poll-ms N          poll interval of the alert → incident trials (default 2)
  --drain-timeout S    after each ingest run, wait at most S s for the processor to drain (default 60)
  --quiet-wait S       before each wrk run wait up to S s for the host to be <15% busy (default 5)
  --pg URL             PostgreSQL server (default postgres://postgres@127.0.0.1:5432); the
                       database foghorn_bench is dropped and created on every run
  --no-profile         skip the diagnostics pass (statements per request + CPU profile)
  --profile-duration S seconds of load per profiled scenario (default 5)
  --out DIR            results folder (default bench/results/<UTC timestamp>)
  --keep               keep the temporary PGlite folders (printed at the end)`;

// ---------- options ----------
function parseArgs(argv) {
  const o = {
    only: [...SCENARIOS],
    engines: ["pglite", "postgres"],
    runs: 3,
    startupRuns: 5,
    duration: 10,
    warmup: 2,
    count: 100_000,
    listConns: [4, 16],
    createConns: 16,
    listStatus: "resolved",
    alertsConns: 64,
    alertsCard: 1000,
    alertsTrials: 200,
    pollMs: 2,
    drainTimeout: 60,
    quietWait: 5,
    pg: "postgres://postgres@127.0.0.1:5432",
    profile: true,
    profileDuration: 5,
    out: undefined,
    keep: false,
  };
  const list = (v) =>
    v
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes("=") ? a.split(/=(.*)/s) : [a, undefined];
    const val = () => inline ?? argv[++i];
    switch (flag) {
      case "--only":
        o.only = list(val());
        break;
      case "--engine": {
        const e = val();
        o.engines = e === "both" ? ["pglite", "postgres"] : [e];
        break;
      }
      case "--runs":
        o.runs = Number(val());
        break;
      case "--startup-runs":
        o.startupRuns = Number(val());
        break;
      case "--duration":
        o.duration = Number(val());
        break;
      case "--warmup":
        o.warmup = Number(val());
        break;
      case "--count":
        o.count = Number(val());
        o.countGiven = true;
        break;
      case "--list-conns":
        o.listConns = list(val()).map(Number);
        break;
      case "--create-conns":
        o.createConns = Number(val());
        break;
      case "--list-status":
        o.listStatus = val();
        break;
      case "--alerts-conns":
        o.alertsConns = Number(val());
        break;
      case "--alerts-card":
        o.alertsCard = Number(val());
        break;
      case "--alerts-trials":
        o.alertsTrials = Number(val());
        break;
      case "--poll-ms":
        o.pollMs = Number(val());
        break;
      case "--drain-timeout":
        o.drainTimeout = Number(val());
        break;
      case "--quiet-wait":
        o.quietWait = Number(val());
        break;
      case "--pg":
        o.pg = val().replace(/\/+$/, "");
        break;
      case "--no-profile":
        o.profile = false;
        break;
      case "--profile-duration":
        o.profileDuration = Number(val());
        break;
      case "--out":
        o.out = path.resolve(val());
        break;
      case "--keep":
        o.keep = true;
        break;
      case "-h":
      case "--help":
        console.log(HELP);
        process.exit(0);
        break;
      default:
        console.error(`unknown option ${a}\n\n${HELP}`);
        process.exit(2);
    }
  }
  for (const s of o.only)
    if (!SCENARIOS.includes(s)) {
      console.error(`--only: unknown scenario ${s} (${SCENARIOS.join(", ")})`);
      process.exit(2);
    }
  for (const e of o.engines)
    if (!["pglite", "postgres"].includes(e)) {
      console.error(`--engine: pglite, postgres or both`);
      process.exit(2);
    }
  for (const [k, v] of Object.entries({
    runs: o.runs,
    startupRuns: o.startupRuns,
    duration: o.duration,
    count: o.count,
    createConns: o.createConns,
    alertsConns: o.alertsConns,
    alertsCard: o.alertsCard,
    alertsTrials: o.alertsTrials,
    pollMs: o.pollMs,
    drainTimeout: o.drainTimeout,
  }))
    if (!Number.isInteger(v) || v < 1) {
      console.error(`--${k} must be a positive integer`);
      process.exit(2);
    }
  return o;
}
const opt = parseArgs(process.argv.slice(2));
const has = (s) => opt.only.includes(s);

// ---------- small helpers ----------
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const stamp = new Date()
  .toISOString()
  .replace(/[-:]/g, "")
  .replace(/\.\d+Z$/, "Z")
  .replace("T", "-");
const outDir = opt.out ?? path.join(BENCH, "results", stamp);
const wrkDir = path.join(outDir, "wrk");
const rawDir = path.join(outDir, "raw");
const logDir = path.join(outDir, "logs");
for (const d of [wrkDir, rawDir, logDir]) fs.mkdirSync(d, { recursive: true });
const logFile = path.join(outDir, "bench.log");
const t0 = Date.now();
const elapsed = () => `${Math.round((Date.now() - t0) / 1000)}s`.padStart(5);
function log(msg) {
  const line = `[${elapsed()}] ${msg}`;
  console.log(line);
  fs.appendFileSync(logFile, `${line}\n`);
}
const detail = (text) => fs.appendFileSync(logFile, text.endsWith("\n") ? text : `${text}\n`);
function have(cmd) {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
}
function median(xs) {
  const s = xs.filter((x) => typeof x === "number" && Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return null;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}
const firstLine = (cmd, args) => {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  return (r.stdout || r.stderr || "").split("\n")[0].trim();
};

// ---------- preflight: tools ----------
function ensureTools() {
  const need = ["curl"];
  if (has("list") || has("create") || has("alerts")) need.push("wrk");
  if (has("status")) need.push("wrk", "nginx");
  if (has("startup")) need.push("hyperfine");
  let missing = need.filter((c) => !have(c));
  if (!missing.length) return;
  console.log(
    `bench: missing tool(s): ${missing.join(", ")}. They come from Debian; install with:\n  ${APT}`,
  );
  if (process.getuid?.() === 0 && have("apt-get")) {
    console.log("bench: running as root with apt-get available: installing them now…");
    const r = spawnSync("sh", ["-c", APT], { stdio: "inherit" });
    missing = need.filter((c) => !have(c));
    if (r.status === 0 && !missing.length) return;
  }
  console.error(
    `bench: cannot continue without ${missing.join(", ")} (run the apt-get command above as root)`,
  );
  process.exit(1);
}
ensureTools();
if (!fs.existsSync(path.join(KIT, "scripts", "wrk-run.sh"))) {
  console.error(
    `bench: bench-kit not found at ${KIT} (expected next to the repository: ../shared/bench-kit)`,
  );
  process.exit(1);
}

// ---------- preflight: PostgreSQL ----------
const BENCH_DB = "foghorn_bench";
const ALERTS_DB = "foghorn_bench_alerts"; // the alerts scenario's own database, also re-created per run
const pgAdminUrl = `${opt.pg}/postgres`;
const pgBenchUrl = `${opt.pg}/${BENCH_DB}`;
const skipped = [];
async function pgAdmin(statements) {
  const c = new pg.Client({ connectionString: pgAdminUrl, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    const out = [];
    for (const s of statements) out.push(await c.query(s));
    return out;
  } finally {
    await c.end();
  }
}
let pgVersion = null;
if (opt.engines.includes("postgres")) {
  try {
    const [r] = await pgAdmin(["show server_version"]);
    pgVersion = r.rows[0].server_version;
  } catch (error) {
    const why = `PostgreSQL not reachable at ${opt.pg} (${error.message}); postgres figures skipped`;
    console.warn(`bench: ${why}`);
    skipped.push(why);
    opt.engines = opt.engines.filter((e) => e !== "postgres");
  }
}
async function freshPgDb() {
  await pgAdmin([`drop database if exists ${BENCH_DB} with (force)`, `create database ${BENCH_DB}`]);
}

// ---------- processes we start (only these are ever stopped) ----------
const TOKEN = `fh_${randomBytes(32).toString("base64url")}`;
const AUTH = `Authorization: Bearer ${TOKEN}`;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "foghorn-bench-"));
const started = new Set();

function cleanEnv(extra = {}) {
  const env = { ...process.env };
  for (const k of Object.keys(env))
    if (k.startsWith("FOGHORN_") || ["DATABASE_URL", "PORT", "HOST"].includes(k)) delete env[k];
  return { ...env, ...extra };
}
function serverEnv(engine, store, port, extra = {}) {
  return cleanEnv({
    PORT: String(port),
    HOST: "127.0.0.1",
    FOGHORN_BOOTSTRAP_TOKEN: TOKEN,
    FOGHORN_LOG_LEVEL: "warn",
    ...(engine === "pglite" ? { FOGHORN_DATA_DIR: store } : { DATABASE_URL: store }),
    ...extra,
  });
}
async function waitHttp(url, child, timeoutMs, logPath, anyStatus = false) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const tail = logPath && fs.existsSync(logPath) ? fs.readFileSync(logPath, "utf8").slice(-2000) : "";
      throw new Error(
        `process exited (${child.exitCode ?? child.signalCode}) before ${url} answered 200\n${tail}`,
      );
    }
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await r.arrayBuffer();
      if (r.ok || anyStatus) return;
    } catch {}
    await sleep(25);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000}s`);
}
async function spawnServer(name, args, env, readyPath, port, { anyStatus = false } = {}) {
  const logPath = path.join(logDir, `${name}.log`);
  const fd = fs.openSync(logPath, "a");
  const child = spawn(process.execPath, args, { cwd: REPO, env, stdio: ["ignore", fd, fd] });
  fs.closeSync(fd);
  started.add(child);
  const info = { name, exit: null };
  child.on("exit", (code, signal) => {
    started.delete(child);
    info.exit = { code, signal, at: Date.now() };
    if (!stopping.has(child)) {
      const why = `${name} (pid ${child.pid}) exited unexpectedly: code ${code}, signal ${signal}`;
      incidents.push(why);
      detail(`!! ${why}`);
    }
  });
  const url = `http://127.0.0.1:${port}`;
  const ts = performance.now();
  await waitHttp(`${url}${readyPath}`, child, 180_000, logPath, anyStatus);
  return { name, child, pid: child.pid, url, port, readyMs: Math.round(performance.now() - ts), logPath };
}
async function startFoghorn(name, engine, store, { nodeArgs = [], extraEnv = {} } = {}) {
  const port = await freePort();
  const s = await spawnServer(
    name,
    [...nodeArgs, path.join(REPO, "bin", "foghorn.mjs"), "serve"],
    serverEnv(engine, store, port, extraEnv),
    "/readyz",
    port,
  );
  return { ...s, engine };
}
async function startHello() {
  const port = await freePort();
  return spawnServer(
    "hello-node-static",
    [path.join(KIT, "servers", "node-static.mjs"), "--port", String(port)],
    cleanEnv(),
    "/",
    port,
  );
}
const stopping = new Set(); // children we are stopping ourselves
const incidents = []; // unexpected server exits, reported in the summary
const alive = (s) => s?.child && s.child.exitCode === null && s.child.signalCode === null;
async function stop(server) {
  const c = server?.child;
  if (!c || c.exitCode !== null || c.signalCode !== null) return;
  stopping.add(c);
  const exited = new Promise((r) => c.once("exit", r));
  c.kill("SIGTERM");
  if (await Promise.race([exited.then(() => true), sleep(20_000).then(() => false)])) return;
  c.kill("SIGKILL");
  await exited;
}
async function stopAll() {
  await Promise.all([...started].map((child) => stop({ child })));
}
process.on("SIGINT", async () => {
  console.log("\nbench: interrupted, stopping servers…");
  await stopAll();
  process.exit(130);
});

// ---------- wrk through bench-kit's wrk-run.sh ----------
const results = []; // one row per measured wrk run
/**
 * CPU ticks of the PostgreSQL backends serving foghorn_bench or foghorn_bench_alerts (process title
 * "postgres: 15/main: postgres foghorn_bench 127.0.0.1(…) …"). They are not children of the Foghorn
 * process, so wrk-run.sh would count them as "other" load; this puts them in their own column.
 */
function pgBackendTicks() {
  const ticks = new Map(); // pid → user+system ticks
  for (const pid of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (!cmd.startsWith("postgres: ") || !(cmd.includes(` ${BENCH_DB} `) || cmd.includes(` ${ALERTS_DB} `)))
        continue;
      const st = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const rest = st.slice(st.lastIndexOf(")") + 2).split(" ");
      ticks.set(pid, Number(rest[11]) + Number(rest[12]));
    } catch {
      // the process exited meanwhile
    }
  }
  return ticks;
}
/**
 * Backend CPU between two snapshots, per backend: one that started meanwhile counts from 0; one that exited
 * meanwhile (the pool closes idle connections after 10 s) is lost, so this can under-count, never go negative.
 */
function pgTicksSince(before) {
  let sum = 0;
  for (const [pid, t] of pgBackendTicks()) sum += t - (before.get(pid) ?? 0);
  return sum;
}

function wrkRun({
  name,
  url,
  lua,
  env = {},
  conns,
  pid,
  out = wrkDir,
  warmup = opt.warmup,
  duration = opt.duration,
  meta = {},
  engine,
  quietWait = opt.quietWait,
}) {
  // Warm-up here rather than inside wrk-run.sh, so the PostgreSQL backend CPU snapshot below covers
  // only the measured window (+ wrk-run.sh's short quiet check, when the backends are idle).
  const warmupStartMs = Date.now();
  let warm = null;
  if (warmup > 0) {
    const w = spawnSync(
      "timeout",
      [
        "--kill-after=5",
        String(warmup + 20),
        "wrk",
        `-t2`,
        `-c${conns}`,
        `-d${warmup}s`,
        "--timeout",
        "5s",
        "-s",
        lua,
        url,
      ],
      { encoding: "utf8", cwd: REPO, env: { ...process.env, WRK_LUA_DIR: path.join(BENCH, "lua"), ...env } },
    );
    detail(`$ wrk warm-up ${warmup}s ${name}: ${w.status === 0 ? "ok" : `exit ${w.status}`}`);
    // report.lua prints "JSON {…}" even without WRK_JSON: the alerts scenario counts warm-up events too
    const line = (w.stdout ?? "").split("\n").find((l) => l.startsWith("JSON "));
    try {
      warm = line ? JSON.parse(line.slice(5)) : null;
    } catch {
      warm = null;
    }
  }
  const pg0 = engine === "postgres" ? pgBackendTicks() : null;
  const args = [
    path.join(KIT, "scripts", "wrk-run.sh"),
    "--name",
    name,
    "--url",
    url,
    "--lua",
    lua,
    "--threads",
    "2",
    "--conns",
    String(conns),
    "--duration",
    String(duration),
    "--warmup",
    "0",
    "--quiet-wait",
    String(quietWait),
    "--out",
    out,
    // the kit's wrk scripts dofile() report.lua from WRK_LUA_DIR: ours adds p95 (bench/lua/report.lua)
    "--env",
    `WRK_LUA_DIR=${path.join(BENCH, "lua")}`,
    ...Object.entries(env).flatMap(([k, v]) => ["--env", `${k}=${v}`]),
    ...(pid ? ["--pid", String(pid)] : []),
    ...Object.entries(meta).flatMap(([k, v]) => ["--meta", `${k}=${v}`]),
  ];
  const r = spawnSync("bash", args, { encoding: "utf8", maxBuffer: 64 << 20, cwd: REPO });
  detail(`$ wrk-run.sh ${args.slice(1).join(" ")}\n${r.stderr}`);
  if (r.status !== 0) throw new Error(`wrk-run.sh ${name} failed (${r.status}):\n${r.stderr.slice(-1500)}`);
  const res = JSON.parse(fs.readFileSync(path.join(out, `${name}.json`), "utf8"));
  // wrk's output is tee'd to NAME.txt as it runs: its mtime is when wrk printed its summary (wrk's end)
  const wrkEndMs = fs.statSync(path.join(out, `${name}.txt`)).mtimeMs;
  if (engine === "postgres") {
    const dbTicks = pgTicksSince(pg0);
    res.db_cpu_ms_per_1k_req = res.requests ? +((1e6 * dbTicks) / CLK_TCK / res.requests).toFixed(1) : null;
    const dbPct = Math.round((100 * dbTicks) / (res.duration_s * CLK_TCK * os.cpus().length));
    if (res.other_cpu_pct_during !== undefined)
      res.other_cpu_pct_during = Math.max(0, res.other_cpu_pct_during - dbPct);
    res.db_cpu_pct_during = dbPct;
    fs.writeFileSync(path.join(out, `${name}.json`), `${JSON.stringify(res, null, 2)}\n`);
    // keep bench-kit's results.jsonl (read by summarize.mjs) in step: its last line is this run
    const jsonl = path.join(out, "results.jsonl");
    const lines = fs.readFileSync(jsonl, "utf8").trim().split("\n");
    lines[lines.length - 1] = JSON.stringify(res);
    fs.writeFileSync(jsonl, `${lines.join("\n")}\n`);
  }
  const round = meta.round ?? "x";
  fs.copyFileSync(path.join(out, `${name}.json`), path.join(rawDir, `${name}.r${round}.json`));
  fs.copyFileSync(path.join(out, `${name}.txt`), path.join(rawDir, `${name}.r${round}.txt`));
  return { ...res, warmup: warm, warmup_start_ms: warmupStartMs, wrk_end_ms: wrkEndMs };
}
const ms = (us) => (us === null || us === undefined ? null : us / 1000);
const WRK_TIMEOUT_MS = 5000; // wrk-run.sh's --timeout 5s
function record(scenario, engine, conns, round, res) {
  const errs = Object.values(res.errors).reduce((a, b) => a + b, 0);
  // no request completed: wrk's histogram is empty and says 0 ms; that is "no answer", not fast
  if (!res.requests) res.lat_us = Object.fromEntries(Object.keys(res.lat_us).map((k) => [k, null]));
  const row = {
    scenario,
    engine,
    conns,
    round,
    name: res.name,
    rps: res.rps,
    requests: res.requests,
    p50_ms: ms(res.lat_us.p50),
    p90_ms: ms(res.lat_us.p90),
    p95_ms: ms(res.lat_us.p95),
    p99_ms: ms(res.lat_us.p99),
    max_ms: ms(res.lat_us.max),
    errors: errs,
    non2xx: res.errors.status,
    cpu_ms_per_1k: res.server_cpu_ms_per_1k_req ?? null,
    db_cpu_ms_per_1k: res.db_cpu_ms_per_1k_req ?? null,
    rss_mb: res.server_rss_mb ?? null,
    other_cpu_pct: res.other_cpu_pct_during ?? null,
    host_busy_before: res.host_busy_pct_before ?? null,
  };
  // wrk leaves answers slower than its --timeout (5 s) out of the latency histogram and counts them as
  // timeouts: when they are more than (100 − q) % of the requests, the true pq is ≥ 5 s, not what wrk says
  if (res.requests && res.errors.timeout)
    for (const q of [50, 90, 95, 99])
      if (res.errors.timeout / res.requests > 1 - q / 100) row[`p${q}_ms`] = WRK_TIMEOUT_MS;
  results.push(row);
  const f = (x) => (x === null ? "-" : x.toFixed(1));
  log(
    `  ${res.name.padEnd(24)} ${Math.round(res.rps).toString().padStart(7)} req/s  p50 ${f(row.p50_ms)}  p95 ${f(row.p95_ms)}  p99 ${f(row.p99_ms)} ms` +
      `${errs ? `  ERRORS ${JSON.stringify(res.errors)}` : ""}${row.other_cpu_pct > 5 ? `  (other load ${row.other_cpu_pct}%)` : ""}`,
  );
  return row;
}

// ---------- seeding ----------
const stores = {
  pglite: path.join(tmp, "pglite-main"),
  postgres: pgBenchUrl,
};
const seedInfo = {};
function seed(engine) {
  const args = [
    "--import",
    "tsx",
    path.join(BENCH, "seed.ts"),
    "--count",
    String(opt.count),
    ...(engine === "pglite" ? ["--data-dir", stores.pglite] : ["--database-url", stores.postgres]),
  ];
  const ts = Date.now();
  const r = spawnSync(process.execPath, args, { cwd: REPO, encoding: "utf8", env: cleanEnv() });
  detail(`$ node ${args.join(" ")}\n${r.stdout}${r.stderr}`);
  if (r.status !== 0) throw new Error(`seed (${engine}) failed:\n${r.stderr.slice(-2000)}`);
  const info = JSON.parse(r.stdout.trim().split("\n").pop());
  seedInfo[engine] = { ...info, wall_ms: Date.now() - ts };
  log(`seeded ${opt.count} incidents into ${engine} in ${(info.ms / 1000).toFixed(1)} s (${info.statuses})`);
}

// ---------- host load (the machine is shared): same method as bench-kit's lib/common.sh ----------
const CLK_TCK = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;
function cpuLine() {
  return fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
}
async function hostBusyPct(windowMs = 1000) {
  const a = cpuLine();
  await sleep(windowMs);
  const b = cpuLine();
  const d = b.map((x, i) => x - (a[i] ?? 0));
  const total = d.reduce((x, y) => x + y, 0);
  return total > 0 ? Math.round((100 * (total - d[3] - d[4])) / total) : 0;
}
async function waitQuiet(maxS) {
  const until = Date.now() + maxS * 1000;
  let busy = await hostBusyPct();
  while (busy > 15 && Date.now() < until) busy = await hostBusyPct();
  return busy;
}
/** user+nice+system ticks of the whole machine (irq/steal left out, as in the kit). */
const hostTaskTicks = () => {
  const c = cpuLine();
  return c[0] + c[1] + c[2];
};
/** CPU ticks of this process's reaped children (hyperfine and everything under it). */
function childrenTicks() {
  const f = fs.readFileSync("/proc/self/stat", "utf8");
  const rest = f.slice(f.lastIndexOf(")") + 2).split(" ");
  return Number(rest[13]) + Number(rest[14]);
}

// ---------- startup (hyperfine + vendored start-ready-probe.sh) ----------
const startup = [];
async function hyperfineServer({ name, kind, cmd, readyPath, prepare, runs = opt.startupRuns, note }) {
  const port = await freePort();
  const readyFile = path.join(tmp, `${name}.ready`);
  fs.writeFileSync(readyFile, "");
  const jsonPath = path.join(rawDir, `startup-${name}.json`);
  const full = cmd.replaceAll("{port}", String(port));
  const probe = `bash ${path.join(BENCH, "start-ready-probe.sh")} '${full}' ${port} '${readyPath}' ${readyFile} 90`;
  const args = [
    "--style",
    "basic",
    "--warmup",
    "1",
    "--runs",
    String(runs),
    "--export-json",
    jsonPath,
    "-n",
    name,
    ...(prepare ? ["--prepare", prepare] : []),
    probe,
  ];
  const busyBefore = await waitQuiet(opt.quietWait);
  const h0 = hostTaskTicks();
  const c0 = childrenTicks();
  const w0 = Date.now();
  const r = spawnSync("hyperfine", args, { encoding: "utf8", cwd: REPO, env: cleanEnv() });
  const otherPct = Math.max(
    0,
    Math.round(
      (100 * (hostTaskTicks() - h0 - (childrenTicks() - c0))) /
        (((Date.now() - w0) / 1000) * CLK_TCK * os.cpus().length),
    ),
  );
  detail(`$ hyperfine ${args.join(" ")}\n${r.stdout}${r.stderr}`);
  const times = fs.readFileSync(readyFile, "utf8").trim().split("\n").filter(Boolean).map(Number).slice(1); // drop warm-up
  if (r.status !== 0 || !times.length) {
    // the probe discards the server's output: start it once more, capturing it, to say why
    const again = spawnSync("bash", ["-c", `exec ${full}`], {
      encoding: "utf8",
      cwd: REPO,
      env: cleanEnv(),
      timeout: 15_000,
      killSignal: "SIGTERM",
    });
    const out = `${again.stdout}${again.stderr}`.trim().slice(-1500);
    throw new Error(
      `startup ${name} failed (${(r.stderr || r.stdout).trim().split("\n")[0]}); its output when started again:\n${out}`,
    );
  }
  const row = {
    name,
    kind,
    median_ms: median(times),
    min_ms: Math.min(...times),
    max_ms: Math.max(...times),
    runs: times.length,
    times_ms: times,
    host_busy_pct_before: busyBefore,
    other_cpu_pct: otherPct,
    note,
  };
  startup.push(row);
  log(
    `  ${name.padEnd(30)} median ${row.median_ms} ms  (min ${row.min_ms}, max ${row.max_ms}, n=${row.runs})${otherPct > 5 ? `  (other load ${otherPct}%)` : ""}`,
  );
}
function hyperfineCli(name, cmd, runs) {
  const jsonPath = path.join(rawDir, `startup-${name}.json`);
  const args = [
    "-N",
    "--style",
    "basic",
    "--warmup",
    "2",
    "--runs",
    String(runs),
    "--export-json",
    jsonPath,
    "-n",
    name,
    cmd,
  ];
  const r = spawnSync("hyperfine", args, { encoding: "utf8" });
  detail(`$ hyperfine ${args.join(" ")}\n${r.stdout}${r.stderr}`);
  if (r.status !== 0) throw new Error(`hyperfine ${name} failed: ${r.stderr}`);
  const res = JSON.parse(fs.readFileSync(jsonPath, "utf8")).results[0];
  const times = res.times.map((t) => Math.round(t * 1000));
  const row = {
    name,
    kind: "reference",
    median_ms: Math.round(res.median * 1000),
    min_ms: Math.min(...times),
    max_ms: Math.max(...times),
    runs: times.length,
    times_ms: times,
    note: "hyperfine -N: process start to exit",
  };
  startup.push(row);
  log(`  ${name.padEnd(30)} median ${row.median_ms} ms`);
}
async function runStartup() {
  log(
    `startup: spawn → first 2xx from the ready path, ${opt.startupRuns} runs each after 1 warm-up (hyperfine + bench/start-ready-probe.sh)`,
  );
  const node = process.execPath;
  const bin = path.join(REPO, "bin", "foghorn.mjs");
  const fog = (storeEnv) =>
    `env -u DATABASE_URL -u FOGHORN_DATA_DIR PORT={port} HOST=127.0.0.1 ${storeEnv} FOGHORN_BOOTSTRAP_TOKEN=${TOKEN} FOGHORN_LOG_LEVEL=warn ${node} ${bin} serve`;
  hyperfineCli("node-bare-cli", `${node} -e 0`, Math.max(opt.startupRuns, 10));
  await hyperfineServer({
    name: "node-http-ready",
    kind: "reference",
    cmd: `${node} ${path.join(KIT, "servers", "node-static.mjs")} --port {port}`,
    readyPath: "/",
    note: "bench-kit servers/node-static.mjs, first answer on /",
  });
  if (opt.engines.includes("pglite")) {
    const fresh = path.join(tmp, "startup-new");
    await hyperfineServer({
      name: "pglite-new-folder",
      kind: "pglite",
      cmd: fog(`FOGHORN_DATA_DIR=${fresh}`),
      readyPath: "/readyz",
      prepare: `rm -rf ${fresh}`,
      note: "first start: initdb + migrations + admin bootstrap",
    });
    const existing = path.join(tmp, "startup-existing");
    await hyperfineServer({
      name: "pglite-existing-folder",
      kind: "pglite",
      cmd: fog(`FOGHORN_DATA_DIR=${existing}`),
      readyPath: "/readyz",
      note: "folder made by the warm-up start (migrated, admin present, no incidents)",
    });
    if (seedInfo.pglite)
      await hyperfineServer({
        name: "pglite-existing-100k",
        kind: "pglite",
        cmd: fog(`FOGHORN_DATA_DIR=${stores.pglite}`),
        readyPath: "/readyz",
        note: `folder with ${opt.count} seeded incidents`,
      });
  }
  if (opt.engines.includes("postgres"))
    await hyperfineServer({
      name: "postgres-existing-db",
      kind: "postgres",
      cmd: fog(`DATABASE_URL=${stores.postgres}`),
      readyPath: "/readyz",
      note: seedInfo.postgres
        ? `database with ${opt.count} seeded incidents`
        : "database migrated by the warm-up start",
    });
}

// ---------- load scenarios ----------
const createLua = path.join(KIT, "lua", "post-body.lua");
const createEnv = {
  WRK_BODY_FILE: path.join(BENCH, "fixtures", "create-incident.json"),
  WRK_EXTRA_HEADERS: AUTH,
  WRK_VARY_KEY: "title",
  WRK_VARY_CARD: "1000",
};
const listPath = () =>
  `/api/v1/incidents?sort=-created_at&limit=50&status=${encodeURIComponent(opt.listStatus)}`;
const listLua = path.join(KIT, "lua", "get-headers.lua");
const helloLua = path.join(BENCH, "lua", "report.lua");
const checks = [];

/**
 * fetch, once more when the connection failed before any answer: a keep-alive socket left idle while
 * spawnSync(wrk) blocked this process was closed by the server (keepAliveTimeout) and undici only notices
 * on reuse ("other side closed").
 */
async function fetchRetry(url, init) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (error) {
      const code = error?.cause?.code;
      if (attempt >= 3 || !["UND_ERR_SOCKET", "ECONNRESET", "EPIPE"].includes(code)) throw error;
      detail(`fetch ${url}: ${code} (${error.cause?.message}), trying again`);
      await sleep(50);
    }
  }
}
async function api(server, p, init = {}) {
  const r = await fetchRetry(`${server.url}${p}`, {
    ...init,
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...init.headers },
  });
  const text = await r.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: r.status, body, bytes: text.length };
}
async function sanity(server, scenario) {
  const e = server.engine;
  if (scenario === "list") {
    const r = await api(server, listPath());
    const ok =
      r.status === 200 && Array.isArray(r.body.items) && r.body.items.length === Math.min(50, opt.count);
    checks.push({ engine: e, check: `GET list first page → 200 with 50 items (${r.bytes} bytes)`, ok });
    const v = await api(server, "/api/v1/incidents/INC-1/timeline/verify");
    checks.push({
      engine: e,
      check: "seeded INC-1 timeline hash chain verifies",
      ok: v.status === 200 && v.body.ok === true,
    });
  }
  if (scenario === "create") {
    const r = await api(server, "/api/v1/incidents", {
      method: "POST",
      body: fs.readFileSync(createEnv.WRK_BODY_FILE),
    });
    checks.push({ engine: e, check: `POST create → 201 (${r.bytes} bytes)`, ok: r.status === 201 });
  }
  for (const c of checks.filter((x) => x.engine === e && !x.ok))
    throw new Error(`sanity check failed on ${e}: ${c.check}`);
}

const helloDone = new Set(); // "round:conns" measured, shared by the list and create rounds
async function runLoad(scenario) {
  const hello = await startHello();
  const servers = {};
  for (const e of opt.engines) {
    servers[e] = await startFoghorn(`foghorn-${e}-${scenario}`, e, stores[e]);
    log(`started foghorn on ${e} (pid ${servers[e].pid}, ready in ${servers[e].readyMs} ms)`);
    await sanity(servers[e], scenario);
  }
  const ensure = async (e) => {
    if (alive(servers[e])) return servers[e];
    log(
      `  !! foghorn on ${e} is not running (${JSON.stringify(servers[e].child.exitCode ?? servers[e].child.signalCode)}); restarting it (see logs/)`,
    );
    servers[e] = await startFoghorn(`foghorn-${e}-${scenario}-restart${incidents.length}`, e, stores[e]);
    return servers[e];
  };
  const helloRun = (c, round) => {
    if (helloDone.has(`${round}:${c}`)) return;
    helloDone.add(`${round}:${c}`);
    record(
      "hello",
      "node-http",
      c,
      round,
      wrkRun({
        name: `hello-c${c}`,
        url: `${hello.url}/`,
        lua: helloLua,
        conns: c,
        pid: hello.pid,
        meta: { round },
      }),
    );
  };
  try {
    if (scenario === "list") {
      log(
        `list: GET ${listPath()} over ${opt.count} incidents, wrk -t2 -c{${opt.listConns}} ${opt.duration}s (+${opt.warmup}s warm-up), ${opt.runs} rounds`,
      );
      for (let round = 1; round <= opt.runs; round++)
        for (const c of opt.listConns) {
          helloRun(c, round);
          for (const e of opt.engines)
            record(
              "list",
              e,
              c,
              round,
              wrkRun({
                name: `list-${e}-c${c}`,
                url: `${(await ensure(e)).url}${listPath()}`,
                lua: listLua,
                env: { WRK_EXTRA_HEADERS: AUTH },
                conns: c,
                pid: servers[e].pid,
                engine: e,
                meta: { round },
              }),
            );
        }
    }
    if (scenario === "create") {
      const c = opt.createConns;
      log(
        `create: POST /api/v1/incidents (${fs.statSync(createEnv.WRK_BODY_FILE).size} B seed-002 body, 1000 distinct titles per wrk thread), wrk -t2 -c${c} ${opt.duration}s (+${opt.warmup}s warm-up), ${opt.runs} rounds`,
      );
      for (let round = 1; round <= opt.runs; round++) {
        helloRun(c, round);
        for (const e of opt.engines)
          record(
            "create",
            e,
            c,
            round,
            wrkRun({
              name: `create-${e}-c${c}`,
              url: `${(await ensure(e)).url}/api/v1/incidents`,
              lua: createLua,
              env: createEnv,
              conns: c,
              pid: servers[e].pid,
              engine: e,
              meta: { round },
            }),
          );
      }
    }
  } finally {
    for (const s of Object.values(servers)) await stop(s);
    await stop(hello);
  }
}

// ---------- alerts: Alertmanager webhook ingest, the processor's drain, alert → incident ----------
const ALERT_FIXTURE = path.join(REPO, "test", "fixtures", "alertmanager-webhook-firing.json");
const alertsDir = path.join(outDir, "alerts");
const alertStores = {
  pglite: path.join(tmp, "pglite-alerts"),
  postgres: `${opt.pg}/${ALERTS_DB}`,
};
const alertLatency = []; // one row per engine: alert → incident visible
const alertStore = {}; // per engine: the store read directly after the run (alerts-store.ts)
const ownEvents = { pglite: 0, postgres: 0 }; // events the bench itself sent (sanity, drain markers, trials)
const ingestLua = path.join(KIT, "lua", "post-body.lua");
const fixtureText = () => fs.readFileSync(ALERT_FIXTURE, "utf8");
/** The fixture with every "fingerprint" and "groupKey" value prefixed, as post-body.lua's WRK_VARY_KEY does. */
const prefixKeys = (text, prefix) => text.replace(/("(?:fingerprint|groupKey)"\s*:\s*")/g, `$1${prefix}`);
const ackedOf = (res) =>
  res.requests - res.errors.status + (res.warmup ? res.warmup.requests - res.warmup.errors.status : 0);

async function freshAlertsStore(engine) {
  if (engine === "postgres")
    await pgAdmin([`drop database if exists ${ALERTS_DB} with (force)`, `create database ${ALERTS_DB}`]);
  else fs.rmSync(alertStores.pglite, { recursive: true, force: true });
}
async function pgAlertsQuery(text) {
  const c = new pg.Client({ connectionString: alertStores.postgres, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    return (await c.query(text)).rows;
  } finally {
    await c.end();
  }
}
/** A service "checkout" and an Alertmanager integration without rate limit (0 = unlimited). */
async function setupAlertmanagerIntegration(server) {
  const svc = await api(server, "/api/v1/services", {
    method: "POST",
    body: JSON.stringify({ name: "checkout" }),
  });
  if (svc.status !== 201)
    throw new Error(`POST /api/v1/services → ${svc.status} ${JSON.stringify(svc.body)}`);
  const int = await api(server, "/api/v1/services/checkout/integrations", {
    method: "POST",
    body: JSON.stringify({ kind: "alertmanager", rate_limit_per_minute: 0 }),
  });
  if (int.status !== 201 || typeof int.body.url !== "string")
    throw new Error(`POST …/integrations → ${int.status} ${JSON.stringify(int.body)}`);
  return { path: new URL(int.body.url).pathname, routingKey: int.body.routing_key };
}
/** One webhook POST with keys prefixed by `prefix`; resolves when answered (202 = committed). */
async function postAlert(server, hook, prefix) {
  const body = prefixKeys(fixtureText(), prefix);
  const t = performance.now();
  const r = await fetchRetry(`${server.url}${hook.path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": "Alertmanager/0.25.0" },
    body,
  });
  const text = await r.text();
  const ackMs = performance.now() - t;
  if (r.status !== 202) throw new Error(`webhook POST → ${r.status} ${text.slice(0, 300)}`);
  ownEvents[server.engine]++;
  return { dedupKey: JSON.parse(text).dedup_key, t, ackMs };
}
// Polling for the drain marker costs the server CPU (auth, query, JSON): every 50 ms keeps that to a few %.
const DRAIN_POLL_MS = 50;
/** Polls GET /api/v1/alerts until the alert of `dedupKey` is listed; the epoch ms it was seen, or null. */
async function waitAlert(server, dedupKey, timeoutMs, everyMs) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await api(server, "/api/v1/alerts?limit=5");
    const hit = r.status === 200 && r.body.items?.find((a) => a.dedup_key === dedupKey);
    if (hit) return { at: Date.now(), alert: hit };
    if (Date.now() > until) return null;
    await sleep(everyMs);
  }
}
/**
 * After a wrk run: one more event (a marker) is committed after every acknowledged one; the inbox is applied
 * in id order, so once the marker's alert is listed the processor has caught up with everything before it.
 */
async function drainAfter(server, hook, res, label) {
  const e = server.engine;
  let backlog = null;
  if (e === "postgres")
    backlog = Number(
      (await pgAlertsQuery("select count(*) as n from alert_inbox where dead_at is null"))[0]?.n ?? 0,
    );
  const marker = await postAlert(server, hook, `drain-${label}-`);
  const seen = await waitAlert(server, marker.dedupKey, opt.drainTimeout * 1000, DRAIN_POLL_MS);
  const acked = ackedOf(res);
  const drainMs = seen ? Math.max(0, Math.round(seen.at - res.wrk_end_ms)) : null;
  return {
    acked_events: acked,
    backlog_at_end: backlog,
    drain_ms: drainMs,
    // warm-up start → processor caught up: every event acknowledged in that window was applied within it
    e2e_eps: seen ? +(acked / ((seen.at - res.warmup_start_ms) / 1000)).toFixed(1) : null,
  };
}

function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return null;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
/** Alert received → incident visible: one event at a time, each with a new group key (= a new incident). */
async function alertToIncident(server, hook) {
  const e = server.engine;
  const top = async () => {
    const r = await api(server, "/api/v1/incidents?sort=-created_at&limit=1");
    const id = r.body.items?.[0]?.id;
    return id ? Number(String(id).replace(/^INC-/, "")) : 0;
  };
  // the incident this alert is attached to, as the alerts API says (not related_alerts: its wording changes)
  const opened = async (number, dedupKey) =>
    ((await api(server, "/api/v1/alerts?limit=5")).body.items ?? []).some(
      (a) => a.dedup_key === dedupKey && a.incident === `INC-${number}`,
    );
  const visible = [];
  const acks = [];
  const polls = [];
  let mismatched = 0;
  let timedOut = 0;
  const warm = 5;
  for (let i = 0; i < opt.alertsTrials + warm; i++) {
    let before = await top();
    const sent = await postAlert(server, hook, `lat-${i}-`);
    let n = 0;
    let ms = null;
    for (;;) {
      const number = await top();
      const at = performance.now();
      n++;
      if (number > before) {
        // a newer incident: the one this alert opened? (checked outside the timed poll; anything else,
        // e.g. a backlog still being applied, is counted and polling goes on)
        if (await opened(number, sent.dedupKey)) {
          ms = at - sent.t;
          break;
        }
        mismatched++;
        before = number;
      }
      if (performance.now() - sent.t > 5000) break;
      await sleep(opt.pollMs);
    }
    if (ms === null) {
      timedOut++;
      continue;
    }
    if (i >= warm) {
      visible.push(ms);
      acks.push(sent.ackMs);
      polls.push(n);
    }
    await sleep(10);
  }
  const r2 = (x) => (x === null ? null : +x.toFixed(2));
  const row = {
    engine: e,
    trials: visible.length,
    p50_ms: r2(pct(visible, 50)),
    p90_ms: r2(pct(visible, 90)),
    p99_ms: r2(pct(visible, 99)),
    max_ms: r2(pct(visible, 100)),
    ack_p50_ms: r2(pct(acks, 50)),
    ack_p99_ms: r2(pct(acks, 99)),
    polls_median: median(polls),
    timed_out: timedOut,
    mismatched,
    samples_ms: visible.map((x) => +x.toFixed(2)),
  };
  alertLatency.push(row);
  log(
    `  alert → incident on ${e}: p50 ${row.p50_ms} ms  p90 ${row.p90_ms}  p99 ${row.p99_ms}  max ${row.max_ms} (n=${row.trials}; webhook answered in p50 ${row.ack_p50_ms} ms${timedOut ? `; ${timedOut} TIMED OUT` : ""}${mismatched ? `; ${mismatched} MISMATCHED` : ""})`,
  );
}

/** The store read directly (server stopped): inbox empty? every acknowledged event applied? */
function checkAlertsStore(engine) {
  const args = [
    "--import",
    "tsx",
    path.join(BENCH, "alerts-store.ts"),
    ...(engine === "pglite" ? ["--data-dir", alertStores.pglite] : ["--database-url", alertStores.postgres]),
  ];
  const r = spawnSync(process.execPath, args, { cwd: REPO, encoding: "utf8", env: cleanEnv() });
  detail(`$ node ${args.join(" ")}\n${r.stdout}${r.stderr}`);
  if (r.status !== 0) throw new Error(`alerts-store (${engine}) failed:\n${r.stderr.slice(-2000)}`);
  const st = JSON.parse(r.stdout.trim().split("\n").pop());
  const runs = results.filter((x) => x.scenario === "alerts" && x.engine === engine);
  const acked = runs.reduce((a, x) => a + x.acked_wrk, 0) + ownEvents[engine];
  // wrk stops with up to -c requests in flight: the server may commit (and apply) them unacknowledged
  const inflightBound = runs.length * 2 * opt.alertsConns;
  const extra = st.events_applied - acked;
  // the processor's own complaints in the server log (warn level): a failed batch is re-applied one event
  // per transaction, which is slow; a failed event is retried and finally set aside (dead)
  const logText = (name) => {
    const f = path.join(logDir, name);
    return fs.existsSync(f) ? fs.readFileSync(f, "utf8") : "";
  };
  const serverLog = logText(`foghorn-${engine}-alerts.log`);
  const count = (text, needle) => text.split(needle).length - 1;
  const row = {
    ...st,
    batch_failures: count(serverLog, "alert batch failed"),
    event_failures: count(serverLog, '"alert event failed"'),
    log_mb: +(Buffer.byteLength(serverLog) / 2 ** 20).toFixed(1),
    acked_events: acked,
    wrk_events_acked: acked - ownEvents[engine],
    own_events: ownEvents[engine],
    unacknowledged_applied: extra,
    inflight_bound: inflightBound,
    durable: st.events_applied + st.inbox_pending >= acked,
    processed: st.inbox_pending === 0 && st.inbox_dead === 0 && extra >= 0,
  };
  alertStore[engine] = row;
  checks.push({
    engine,
    check: `alerts: every acknowledged event applied — ${acked} answered 202, ${st.events_applied} applied (sum of alerts.event_count; +${extra} sent while wrk stopped, ≤ ${inflightBound}), inbox ${st.inbox_pending} pending / ${st.inbox_dead} dead; ${st.alerts} alerts, ${st.incidents} incidents`,
    ok: row.durable && row.processed,
  });
  log(
    `  store (${engine}): ${acked} events acknowledged, ${st.events_applied} applied, inbox ${st.inbox_pending} pending / ${st.inbox_dead} dead, ${st.alerts} alerts, ${st.incidents} incidents; ${row.batch_failures} processor batches failed and were re-applied one event at a time (server log ${row.log_mb} MB)`,
  );
}

async function runAlerts() {
  fs.mkdirSync(alertsDir, { recursive: true });
  const c = opt.alertsConns;
  const refPort = await freePort();
  const ref = await spawnServer(
    "ref-node-json-post",
    [path.join(KIT, "servers", "node-json-post.mjs"), "--port", String(refPort)],
    cleanEnv(),
    "/",
    refPort,
    { anyStatus: true }, // it answers 405 to GET
  );
  const servers = {};
  const hooks = {};
  try {
    for (const e of opt.engines) {
      await freshAlertsStore(e);
      servers[e] = await startFoghorn(`foghorn-${e}-alerts`, e, alertStores[e]);
      hooks[e] = await setupAlertmanagerIntegration(servers[e]);
      const first = await postAlert(servers[e], hooks[e], "sanity-");
      const seen = await waitAlert(servers[e], first.dedupKey, 10_000, 5);
      checks.push({
        engine: e,
        check: `alerts: webhook POST of the fixture → 202, then its alert is listed with an incident (${seen?.alert.incident ?? "none"})`,
        ok: Boolean(seen?.alert.incident),
      });
      log(`started foghorn on ${e} for alerts (pid ${servers[e].pid}, ready in ${servers[e].readyMs} ms)`);
      if (!seen?.alert.incident)
        throw new Error(`sanity check failed on ${e}: the fixture did not open an incident`);
    }
    log(
      `alerts: POST ${path.relative(REPO, ALERT_FIXTURE)} (2 alerts, 1 group) to /webhooks/alertmanager/<key>, WRK_VARY_KEY=fingerprint,groupKey ×${opt.alertsCard} per wrk thread, wrk -t2 -c${c} ${opt.duration}s (+${opt.warmup}s warm-up), ${opt.runs} rounds; the processor drains after each run`,
    );
    for (let round = 1; round <= opt.runs; round++) {
      // each round its own groups (r<round>- prefix), so every round opens the same number of new alerts
      const body = path.join(alertsDir, `alertmanager-webhook-firing.r${round}.json`);
      fs.writeFileSync(body, prefixKeys(fixtureText(), `r${round}-`));
      const env = {
        WRK_BODY_FILE: body,
        WRK_VARY_KEY: "fingerprint,groupKey",
        WRK_VARY_CARD: String(opt.alertsCard),
      };
      const quiet = async () => String(await waitQuiet(opt.quietWait));
      const refRes = wrkRun({
        name: `json-post-c${c}`,
        url: `${ref.url}/`,
        lua: ingestLua,
        env,
        conns: c,
        pid: ref.pid,
        quietWait: 0,
        meta: { round, host_busy_pct_before: await quiet() },
      });
      record("json-post", "node-http", c, round, refRes);
      for (const e of opt.engines) {
        const s = servers[e];
        if (!alive(s)) throw new Error(`foghorn on ${e} is not running (see logs/)`);
        // quiet check before the warm-up, none between warm-up and measurement: the processor's backlog
        // carries over as it would under a real sustained load
        const res = wrkRun({
          name: `alerts-${e}-c${c}`,
          url: `${s.url}${hooks[e].path}`,
          lua: ingestLua,
          env,
          conns: c,
          pid: s.pid,
          engine: e,
          quietWait: 0,
          meta: { round, host_busy_pct_before: await quiet() },
        });
        const row = record("alerts", e, c, round, res);
        Object.assign(row, { acked_wrk: ackedOf(res) }, await drainAfter(s, hooks[e], res, `r${round}`));
        log(
          `    ${e}: ${row.acked_wrk} events acknowledged (warm-up + run); processor caught up ${row.drain_ms === null ? `NOT within ${opt.drainTimeout} s` : `${(row.drain_ms / 1000).toFixed(1)} s after wrk stopped`}${row.backlog_at_end !== null ? ` (backlog ${row.backlog_at_end})` : ""}; end-to-end ${row.e2e_eps ?? "-"} events/s`,
        );
      }
    }
    log(
      `alert → incident: ${opt.alertsTrials} trials per engine (+5 warm-up), one at a time, polling every ${opt.pollMs} ms`,
    );
    for (const e of opt.engines) {
      // start from an applied inbox, else the trials measure the backlog
      const marker = await postAlert(servers[e], hooks[e], "before-trials-");
      const seen = await waitAlert(servers[e], marker.dedupKey, opt.drainTimeout * 1000, DRAIN_POLL_MS);
      if (!seen)
        log(`  !! ${e}: the inbox was not applied within ${opt.drainTimeout} s; trials start anyway`);
      await alertToIncident(servers[e], hooks[e]);
    }
  } finally {
    for (const s of Object.values(servers)) await stop(s);
    await stop(ref);
  }
  for (const e of opt.engines) checkAlertsStore(e);
}

// ---------- diagnostics: statements per request + CPU profile by component ----------
const diag = [];
function statementCount(c) {
  return c.pglite_query + c.pglite_exec + c.pglite_tx_query + 2 * c.pglite_tx + c.pg_query;
}
async function runDiagnostics(scenario) {
  const diagOut = path.join(outDir, "diag");
  fs.mkdirSync(diagOut, { recursive: true });
  for (const e of opt.engines) {
    const snaps = path.join(diagOut, `${e}-${scenario}-snapshots.jsonl`);
    const profDir = path.join(diagOut, `${e}-${scenario}-profiles`);
    const s = await startFoghorn(`diag-${e}-${scenario}`, e, stores[e], {
      nodeArgs: ["--import", path.join(BENCH, "instrument.mjs")],
      extraEnv: { FOGHORN_BENCH_INSTRUMENT_OUT: snaps, FOGHORN_BENCH_PROFILE_DIR: profDir },
    });
    // warm the JIT and the token cache a little, outside the measured window
    for (let i = 0; i < 20; i++) {
      if (scenario === "list") await api(s, listPath());
      if (scenario === "create")
        await api(s, "/api/v1/incidents", { method: "POST", body: fs.readFileSync(createEnv.WRK_BODY_FILE) });
    }
    const read = () =>
      fs.existsSync(snaps)
        ? fs
            .readFileSync(snaps, "utf8")
            .trim()
            .split("\n")
            .filter(Boolean)
            .map((l) => JSON.parse(l))
        : [];
    const signal = async (wantProfile) => {
      const before = read().length;
      process.kill(s.pid, "SIGUSR2");
      for (let i = 0; i < 200; i++) {
        const all = read();
        if (all.length >= before + (wantProfile ? 2 : 1)) return all;
        await sleep(25);
      }
      throw new Error("instrumented server did not answer SIGUSR2");
    };
    try {
      const plan = [];
      if (scenario === "list")
        plan.push({
          scenario: "list",
          conns: Math.min(...opt.listConns),
          url: `${s.url}${listPath()}`,
          lua: listLua,
          env: { WRK_EXTRA_HEADERS: AUTH },
        });
      if (scenario === "create")
        plan.push({
          scenario: "create",
          conns: opt.createConns,
          url: `${s.url}/api/v1/incidents`,
          lua: createLua,
          env: createEnv,
        });
      for (const p of plan) {
        const a = (await signal(false)).filter((x) => x.counts).at(-1);
        const res = wrkRun({
          name: `diag-${p.scenario}-${e}`,
          url: p.url,
          lua: p.lua,
          env: p.env,
          conns: p.conns,
          pid: s.pid,
          engine: e,
          out: diagOut,
          warmup: 0,
          duration: opt.profileDuration,
          meta: { round: "diag" },
        });
        await sleep(200);
        const all = await signal(true);
        const b = all.filter((x) => x.counts).at(-1);
        const profEntry = all.filter((x) => x.profile).at(-1);
        const profFile = profEntry ? path.join(profDir, profEntry.profile) : null;
        const stmts = statementCount(b.counts) - statementCount(a.counts);
        const summary =
          profFile && fs.existsSync(profFile)
            ? summarizeProfile(profFile, { requests: res.requests, top: 12 })
            : null;
        const row = {
          engine: e,
          scenario: p.scenario,
          conns: p.conns,
          requests: res.requests,
          rps: res.rps,
          errors: Object.values(res.errors).reduce((x, y) => x + y, 0),
          statements: stmts,
          statements_per_request: +(stmts / res.requests).toFixed(2),
          transactions_per_request:
            e === "pglite" ? +((b.counts.pglite_tx - a.counts.pglite_tx) / res.requests).toFixed(2) : null,
          cpu_ms_per_1k: res.server_cpu_ms_per_1k_req ?? null,
          db_cpu_ms_per_1k: res.db_cpu_ms_per_1k_req ?? null,
          profile: profFile ? path.relative(outDir, profFile) : null,
          profile_summary: summary,
        };
        diag.push(row);
        const topB = summary?.buckets
          .slice(0, 3)
          .map((x) => `${x.name} ${x.pct_of_busy}%`)
          .join(", ");
        log(
          `  diag ${p.scenario}/${e}: ${row.statements_per_request} SQL statements per request; main thread: ${topB ?? "no profile"}`,
        );
      }
    } finally {
      await stop(s);
    }
  }
}

/**
 * Alerts diagnostics on an instrumented server with a fresh store: one profile while wrk posts webhooks
 * (intake and processor share the main thread), one while the processor drains what was left.
 */
async function runAlertsDiagnostics() {
  const diagOut = path.join(outDir, "diag");
  fs.mkdirSync(diagOut, { recursive: true });
  const c = opt.alertsConns;
  const body = path.join(alertsDir, "alertmanager-webhook-firing.diag.json");
  fs.writeFileSync(body, prefixKeys(fixtureText(), "diag-"));
  for (const e of opt.engines) {
    await freshAlertsStore(e);
    const snaps = path.join(diagOut, `${e}-alerts-snapshots.jsonl`);
    const profDir = path.join(diagOut, `${e}-alerts-profiles`);
    const s = await startFoghorn(`diag-${e}-alerts`, e, alertStores[e], {
      nodeArgs: ["--import", path.join(BENCH, "instrument.mjs")],
      extraEnv: { FOGHORN_BENCH_INSTRUMENT_OUT: snaps, FOGHORN_BENCH_PROFILE_DIR: profDir },
    });
    const read = () =>
      fs.existsSync(snaps)
        ? fs
            .readFileSync(snaps, "utf8")
            .trim()
            .split("\n")
            .filter(Boolean)
            .map((l) => JSON.parse(l))
        : [];
    const signal = async (wantProfile) => {
      const before = read().length;
      process.kill(s.pid, "SIGUSR2");
      for (let i = 0; i < 400; i++) {
        const all = read();
        if (all.length >= before + (wantProfile ? 2 : 1)) return all;
        await sleep(25);
      }
      throw new Error("instrumented server did not answer SIGUSR2");
    };
    const window = async (scenario, requests, extra) => {
      const all = await signal(true);
      const b = all.filter((x) => x.counts).at(-1);
      const a = all.filter((x) => x.counts).at(-2);
      const profEntry = all.filter((x) => x.profile).at(-1);
      const profFile = profEntry ? path.join(profDir, profEntry.profile) : null;
      const stmts = statementCount(b.counts) - statementCount(a.counts);
      const summary =
        profFile && fs.existsSync(profFile)
          ? summarizeProfile(profFile, { requests: requests || undefined, top: 12 })
          : null;
      const row = {
        engine: e,
        scenario,
        conns: c,
        requests,
        statements: stmts,
        statements_per_request: requests ? +(stmts / requests).toFixed(2) : null,
        transactions_per_request:
          e === "pglite" && requests
            ? +((b.counts.pglite_tx - a.counts.pglite_tx) / requests).toFixed(2)
            : null,
        profile: profFile ? path.relative(outDir, profFile) : null,
        profile_summary: summary,
        ...extra,
      };
      diag.push(row);
      const topB = summary?.buckets
        .slice(0, 3)
        .map((x) => `${x.name} ${x.pct_of_busy}%`)
        .join(", ");
      log(
        `  diag ${scenario}/${e}: ${stmts} SQL statements${requests ? ` (${row.statements_per_request} per event)` : ""}; main thread: ${topB ?? "no profile"}`,
      );
      return row;
    };
    try {
      const hook = await setupAlertmanagerIntegration(s);
      for (let i = 0; i < 20; i++) await postAlert(s, hook, `diag-warm-${i}-`);
      await sleep(500);
      // the quiet-machine check before the profile window, not inside it
      await waitQuiet(opt.quietWait);
      await signal(false);
      const res = wrkRun({
        name: `diag-alerts-${e}`,
        url: `${s.url}${hook.path}`,
        lua: ingestLua,
        env: {
          WRK_BODY_FILE: body,
          WRK_VARY_KEY: "fingerprint,groupKey",
          WRK_VARY_CARD: String(opt.alertsCard),
        },
        conns: c,
        pid: s.pid,
        engine: e,
        out: diagOut,
        warmup: 0,
        duration: opt.profileDuration,
        quietWait: 0,
        meta: { round: "diag" },
      });
      const acked = res.requests - res.errors.status;
      const backlog =
        e === "postgres"
          ? Number(
              (await pgAlertsQuery("select count(*) as n from alert_inbox where dead_at is null"))[0]?.n ?? 0,
            )
          : null;
      await window("alerts-ingest", acked, {
        rps: res.rps,
        p99_ms: ms(res.lat_us.p99),
        cpu_ms_per_1k: res.server_cpu_ms_per_1k_req ?? null,
        db_cpu_ms_per_1k: res.db_cpu_ms_per_1k_req ?? null,
      });
      await signal(false);
      const t = Date.now();
      const marker = await postAlert(s, hook, "diag-drain-");
      const seen = await waitAlert(s, marker.dedupKey, opt.drainTimeout * 1000, DRAIN_POLL_MS);
      await window("alerts-drain", backlog ?? 0, {
        backlog,
        drain_ms: seen ? seen.at - t : null,
        note: `processor alone after ${acked} events were acknowledged in ${opt.profileDuration} s${backlog !== null ? ` (${backlog} still in the inbox)` : ""}`,
      });
    } finally {
      await stop(s);
    }
  }
}

// ---------- summary ----------
function aggregate() {
  const groups = new Map();
  for (const r of results) {
    const k = `${r.scenario}|${r.engine}|${r.conns}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(r);
  }
  const rows = [];
  for (const [, rs] of groups) {
    const { scenario, engine, conns } = rs[0];
    rows.push({
      scenario,
      engine,
      conns,
      n: rs.length,
      disturbed: rs.filter((r) => (r.other_cpu_pct ?? 0) > 5).length,
      rps: median(rs.map((r) => r.rps)),
      rps_min: Math.min(...rs.map((r) => r.rps)),
      rps_max: Math.max(...rs.map((r) => r.rps)),
      p50_ms: median(rs.map((r) => r.p50_ms)),
      p90_ms: median(rs.map((r) => r.p90_ms)),
      p95_ms: median(rs.map((r) => r.p95_ms)),
      p99_ms: median(rs.map((r) => r.p99_ms)),
      cpu_ms_per_1k: median(rs.map((r) => r.cpu_ms_per_1k)),
      db_cpu_ms_per_1k: median(rs.map((r) => r.db_cpu_ms_per_1k)),
      errors: rs.reduce((a, r) => a + r.errors, 0),
      non2xx: rs.reduce((a, r) => a + (r.non2xx ?? 0), 0),
      other_cpu_pct_max: Math.max(...rs.map((r) => r.other_cpu_pct ?? 0)),
      ...(scenario === "alerts"
        ? {
            backlog: median(rs.map((r) => r.backlog_at_end)),
            drain_ms: median(rs.map((r) => r.drain_ms)),
            drain_max_ms: Math.max(...rs.map((r) => r.drain_ms ?? Number.POSITIVE_INFINITY)),
            e2e_eps: median(rs.map((r) => r.e2e_eps)),
            undrained: rs.filter((r) => r.drain_ms === null).length,
          }
        : {}),
    });
  }
  for (const r of rows) {
    // alerts ingest is compared with the Node JSON-POST reference, everything else with hello
    const refScenario = r.scenario === "alerts" ? "json-post" : r.scenario === "json-post" ? null : "hello";
    const h = refScenario && rows.find((x) => x.scenario === refScenario && x.conns === r.conns);
    r.x_hello = h && r.scenario !== "hello" ? r.rps / h.rps : null;
    r.cpu_x_hello =
      h && r.scenario !== "hello" && r.cpu_ms_per_1k && h.cpu_ms_per_1k
        ? r.cpu_ms_per_1k / h.cpu_ms_per_1k
        : null;
  }
  const order = { list: 0, create: 1, hello: 2, alerts: 3, "json-post": 4 };
  return rows.sort(
    (a, b) => order[a.scenario] - order[b.scenario] || a.conns - b.conns || a.engine.localeCompare(b.engine),
  );
}

function targets(agg) {
  const t = [];
  const su = startup.find((s) => s.name === "pglite-existing-folder");
  if (su)
    t.push({
      target: "cold start, PGlite, existing folder: median < 1.5 s",
      value: `${su.median_ms} ms`,
      met: su.median_ms < 1500,
    });
  for (const [e, min] of [
    ["pglite", 1000],
    ["postgres", 2000],
  ]) {
    const r = agg.find((x) => x.scenario === "create" && x.engine === e);
    if (r)
      t.push({
        target: `POST create on ${e}: ≥ ${min}/s at -c${r.conns}, p99 < 50 ms`,
        value: `${Math.round(r.rps)}/s, p99 ${r.p99_ms.toFixed(1)} ms`,
        met: r.rps >= min && r.p99_ms < 50 && r.errors === 0,
      });
  }
  for (const r of agg.filter((x) => x.scenario === "list"))
    t.push({
      target: `GET list (status=${opt.listStatus}, ${opt.count} stored) on ${r.engine} at -c${r.conns}: p95 < 20 ms`,
      value: `p95 ${r.p95_ms.toFixed(1)} ms (${Math.round(r.rps)}/s)`,
      met: r.p95_ms < 20 && r.errors === 0,
    });
  for (const [e, min] of [
    ["pglite", 5000],
    ["postgres", 8000],
  ]) {
    const r = agg.find((x) => x.scenario === "alerts" && x.engine === e);
    if (r)
      t.push({
        target: `Alertmanager webhook ingest on ${e}: ≥ ${min.toLocaleString("en")} events/s at -c${r.conns}, p99 < 50 ms, 0 non-2xx`,
        value: `${Math.round(r.rps)} events/s (${Math.round(2 * r.rps)} alerts/s, ${r.x_hello ? f2(r.x_hello) : "?"} × reference), p99 ${r.p99_ms >= WRK_TIMEOUT_MS ? "≥ 5000" : f1(r.p99_ms)} ms, ${r.non2xx} non-2xx, ${r.errors} errors (timeouts)`,
        met: r.rps >= min && r.p99_ms < 50 && r.errors === 0,
      });
    const st = alertStore[e];
    if (st)
      t.push({
        target: `every acknowledged event durable and applied on ${e}`,
        value: `${st.acked_events} answered 202, ${st.events_applied} applied, inbox ${st.inbox_pending} pending / ${st.inbox_dead} dead`,
        met: st.durable && st.processed,
      });
    const l = alertLatency.find((x) => x.engine === e);
    if (l)
      t.push({
        target: `alert received → incident visible in the API on ${e}: p99 < 100 ms`,
        value: `p99 ${l.p99_ms} ms (p50 ${l.p50_ms}, n=${l.trials})`,
        met: l.p99_ms !== null && l.p99_ms < 100 && l.timed_out === 0 && l.mismatched === 0,
      });
  }
  return t;
}

function machine() {
  const cpu = (fs.readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.*)/) ?? [])[1] ?? "?";
  const git = (a) => spawnSync("git", ["-C", REPO, ...a], { encoding: "utf8" }).stdout.trim();
  return {
    date_utc: new Date(t0).toISOString(),
    host_cpus: os.cpus().length,
    cpu_model: cpu,
    kernel: os.release(),
    mem_gb: +(os.totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    wrk: firstLine("wrk", ["-v"]).replace(/\s*\[.*$/, ""),
    hyperfine: have("hyperfine") ? firstLine("hyperfine", ["--version"]) : null,
    postgres: pgVersion,
    pglite: JSON.parse(
      fs.readFileSync(path.join(REPO, "node_modules", "@electric-sql", "pglite", "package.json"), "utf8"),
    ).version,
    git_commit: git(["rev-parse", "--short", "HEAD"]),
    git_dirty_files: git(["status", "--porcelain"]).split("\n").filter(Boolean).length,
    loadavg_at_start: os.loadavg().map((x) => +x.toFixed(2)),
  };
}

const f1 = (x) => (x === null || x === undefined ? "" : x.toFixed(1));
const f2 = (x) => (x === null || x === undefined ? "" : x < 0.1 ? x.toPrecision(2) : x.toFixed(2));
function loadTable(agg) {
  const lines = [
    "| scenario | engine | wrk -c | req/s (median) | min–max | × hello req/s | p50 ms | p90 ms | p95 ms | p99 ms | server CPU ms / 1k req | × hello CPU | PostgreSQL backends CPU ms / 1k req | errors | disturbed runs |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of agg.filter((x) => ["list", "create", "hello"].includes(x.scenario)))
    lines.push(
      `| ${r.scenario} | ${r.engine} | ${r.conns} | **${Math.round(r.rps)}** | ${Math.round(r.rps_min)}–${Math.round(r.rps_max)} | ${r.x_hello ? f2(r.x_hello) : "1.00"} | ${f1(r.p50_ms)} | ${f1(r.p90_ms)} | ${f1(r.p95_ms)} | ${f1(r.p99_ms)} | ${f1(r.cpu_ms_per_1k)} | ${r.cpu_x_hello ? f1(r.cpu_x_hello) : ""} | ${f1(r.db_cpu_ms_per_1k)} | ${r.errors} | ${r.disturbed}/${r.n} |`,
    );
  return lines.join("\n");
}
function alertsTables(agg) {
  const rows = agg.filter((x) => x.scenario === "alerts" || x.scenario === "json-post");
  const sec = (x) => (x === null || x === undefined || !Number.isFinite(x) ? "—" : (x / 1000).toFixed(1));
  const lat = (x) => (x !== null && x >= WRK_TIMEOUT_MS ? `≥ ${WRK_TIMEOUT_MS}` : f1(x));
  const out = [
    "| server | wrk -c | events/s = req/s (median) | min–max | alerts/s | × reference | p50 ms | p90 ms | p99 ms | non-2xx | errors (wrk timeouts > 5 s) | server CPU ms / 1k events | PostgreSQL backends CPU ms / 1k | inbox backlog when wrk stopped | processor caught up after, s (median / max) | end-to-end events/s | disturbed runs |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of rows)
    out.push(
      `| ${r.scenario === "alerts" ? `Foghorn ${r.engine}` : "reference: Node http, JSON.parse, 202"} | ${r.conns} | **${Math.round(r.rps)}** | ${Math.round(r.rps_min)}–${Math.round(r.rps_max)} | ${Math.round(2 * r.rps)} | ${r.x_hello ? f2(r.x_hello) : "1.00"} | ${lat(r.p50_ms)} | ${lat(r.p90_ms)} | ${lat(r.p99_ms)} | ${r.non2xx} | ${r.errors} | ${f1(r.cpu_ms_per_1k)} | ${f1(r.db_cpu_ms_per_1k)} | ${r.backlog ?? ""} | ${r.scenario === "alerts" ? `${sec(r.drain_ms)} / ${r.undrained ? `> ${opt.drainTimeout}` : sec(r.drain_max_ms)}` : ""} | ${r.e2e_eps ? Math.round(r.e2e_eps) : ""} | ${r.disturbed}/${r.n} |`,
    );
  if (alertLatency.length) {
    out.push(
      "",
      `Alert received → incident visible (one webhook at a time, a new group each, \`GET /api/v1/incidents?sort=-created_at&limit=1\` polled every ${opt.pollMs} ms from the moment the POST is sent):`,
      "",
      "| engine | trials | p50 ms | p90 ms | p99 ms | max ms | webhook answered (202), p50 / p99 ms | median polls | timed out (> 5 s) | wrong incident |",
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    );
    for (const l of alertLatency)
      out.push(
        `| ${l.engine} | ${l.trials} | ${l.p50_ms} | ${l.p90_ms} | **${l.p99_ms}** | ${l.max_ms} | ${l.ack_p50_ms} / ${l.ack_p99_ms} | ${l.polls_median} | ${l.timed_out} | ${l.mismatched} |`,
      );
  }
  if (Object.keys(alertStore).length) {
    out.push(
      "",
      "The store read directly after the server stopped (`bench/alerts-store.ts`): events acknowledged (202) by the server vs applied by the processor (sum of `alerts.event_count`):",
      "",
      "| engine | answered 202 (wrk + bench's own) | applied | applied but unacknowledged (in flight when wrk stopped) | inbox pending | inbox dead | alerts | incidents | processor batches that failed (log) | server log MB |",
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    );
    for (const [e, st] of Object.entries(alertStore))
      out.push(
        `| ${e} | ${st.acked_events} (${st.wrk_events_acked} + ${st.own_events}) | ${st.events_applied} | ${st.unacknowledged_applied} (≤ ${st.inflight_bound}) | ${st.inbox_pending} | ${st.inbox_dead} | ${st.alerts} | ${st.incidents} | ${st.batch_failures} | ${st.log_mb} |`,
      );
  }
  return out.join("\n");
}
function startupTable() {
  const ref = startup.find((s) => s.name === "node-http-ready");
  const lines = [
    "| what | median ms | min–max ms | runs | × node http ready | other load % | note |",
    "|---|---:|---:|---:|---:|---:|---|",
  ];
  for (const s of startup)
    lines.push(
      `| ${s.name} | **${s.median_ms}** | ${s.min_ms}–${s.max_ms} | ${s.runs} | ${ref && s.name !== "node-bare-cli" ? f1(s.median_ms / ref.median_ms) : ""} | ${s.other_cpu_pct ?? ""} | ${s.note ?? ""} |`,
    );
  return lines.join("\n");
}
function diagTable() {
  const lines = [
    "| scenario | engine | requests | SQL statements / request | transactions / request | server CPU ms / 1k req | PostgreSQL backends CPU ms / 1k req | top main-thread components (self time) |",
    "|---|---|---:|---:|---:|---:|---:|---|",
  ];
  for (const d of diag)
    lines.push(
      `| ${d.scenario} | ${d.engine} | ${d.requests || ""} | ${d.statements_per_request ?? `${d.statements} in all`} | ${d.transactions_per_request ?? (d.engine === "postgres" ? "(in pg)" : "")} | ${f1(d.cpu_ms_per_1k)} | ${f1(d.db_cpu_ms_per_1k)} | ${
        d.profile_summary?.buckets
          .slice(0, 4)
          .map((b) => `${b.name} ${b.pct_of_busy}%`)
          .join("; ") ?? ""
      } |`,
    );
  return lines.join("\n");
}

function kitSummary() {
  const r = spawnSync(
    process.execPath,
    [
      path.join(KIT, "scripts", "summarize.mjs"),
      wrkDir,
      "--median",
      "--ref",
      results.some((r) => r.scenario === "hello")
        ? `hello-c${opt.createConns}`
        : `json-post-c${opt.alertsConns}`,
    ],
    { encoding: "utf8" },
  );
  return r.status === 0 ? r.stdout.trim() : `(summarize.mjs failed: ${r.stderr.trim()})`;
}

function writeSummary(agg, tgt, m, failure) {
  const md = [
    `# Foghorn bench — ${m.date_utc}`,
    "",
    `Machine: ${m.host_cpus} vCPU ${m.cpu_model}, ${m.mem_gb} GB, kernel ${m.kernel}; Node ${m.node}; ${m.wrk}; ${m.hyperfine ?? ""}; PostgreSQL ${m.postgres ?? "n/a"}; PGlite ${m.pglite}.`,
    `Repo at ${m.git_commit}${m.git_dirty_files ? ` + ${m.git_dirty_files} uncommitted files` : ""}. Load average at start: ${m.loadavg_at_start.join(" ")}.`,
    "wrk (2 threads) and the server share the same cores with other jobs on this machine: **compare the ratios to the hello-world reference measured in this same run**, not absolute numbers.",
    `Options: ${JSON.stringify({ only: opt.only, engines: opt.engines, runs: opt.runs, startupRuns: opt.startupRuns, duration: opt.duration, warmup: opt.warmup, count: opt.count, listConns: opt.listConns, createConns: opt.createConns, listStatus: opt.listStatus, alertsConns: opt.alertsConns, alertsCard: opt.alertsCard, alertsTrials: opt.alertsTrials, pollMs: opt.pollMs, drainTimeout: opt.drainTimeout })}`,
    ...(skipped.length ? ["", ...skipped.map((s) => `**Skipped:** ${s}`)] : []),
    ...(failure ? ["", `**Run failed:** ${failure}`] : []),
    ...(incidents.length ? ["", ...incidents.map((i) => `**Server exit during the run:** ${i}`)] : []),
    "",
    "## Targets",
    "",
    "| target | measured (median) | met |",
    "|---|---|---|",
    ...tgt.map((t) => `| ${t.target} | ${t.value} | ${t.met ? "yes" : "**NO**"} |`),
  ];
  if (startup.length) md.push("", "## Cold start (spawn → first 2xx)", "", startupTable());
  if (agg.length)
    md.push(
      "",
      "## Load (wrk -t2, medians over rounds)",
      "",
      `Each figure is the median of ${opt.runs} runs of ${opt.duration} s (after ${opt.warmup} s warm-up); latency columns are the median of each run's percentile (wrk --latency histogram; p95 added via bench/lua/report.lua). "hello" = bench-kit servers/node-static.mjs (Node http, constant 5 KB body) with the same wrk settings in the same rounds. "disturbed" = runs where other processes used > 5 % of the machine.`,
      "",
      loadTable(agg),
    );
  if (agg.some((x) => x.scenario === "alerts") || alertLatency.length)
    md.push(
      "",
      "## Alerts: Alertmanager webhook ingest (wrk -t2, medians over rounds)",
      "",
      `POST of test/fixtures/alertmanager-webhook-firing.json (2 alerts in one group = 1 event per request) to the integration's /webhooks/alertmanager/<key> (rate_limit_per_minute 0 = unlimited), bench-kit lua/post-body.lua with WRK_VARY_KEY=fingerprint,groupKey, ${opt.alertsCard} groups per wrk thread and round (each round has its own groups). ${opt.runs} runs of ${opt.duration} s after ${opt.warmup} s warm-up; a 202 is answered only after the event is committed to alert_inbox. "reference" = bench-kit servers/node-json-post.mjs (Node http: read the body, JSON.parse, 202) with the same wrk settings and bodies in the same rounds. After each run a marker event is posted and its alert awaited: "caught up after" is wrk's end → marker applied; "end-to-end" = events acknowledged (warm-up + run) / (warm-up start → caught up).`,
      "",
      alertsTables(agg),
    );
  if (Object.keys(seedInfo).length)
    md.push(
      "",
      "## Seed",
      "",
      ...Object.entries(seedInfo).map(
        ([e, s]) => `- ${e}: ${s.seeded} incidents in ${(s.ms / 1000).toFixed(1)} s — ${s.statuses}`,
      ),
    );
  if (checks.length)
    md.push(
      "",
      "## Sanity checks",
      "",
      ...checks.map((c) => `- ${c.ok ? "ok" : "FAILED"} ${c.engine}: ${c.check}`),
    );
  if (diag.length) {
    md.push(
      "",
      "## Diagnostics (instrumented server, not the measured one)",
      "",
      `A separate server started with \`--import bench/instrument.mjs\` counts SQL statements (PGlite: query/exec + BEGIN/COMMIT per transaction; pg: Client#query) and records a V8 CPU profile of the main thread during ${opt.profileDuration} s of the same load. On PostgreSQL the database's own CPU is in the postgres processes, not in the profile.`,
      "",
      diagTable(),
    );
    for (const d of diag)
      if (d.profile_summary)
        md.push("", profileMarkdown(d.profile_summary, `${d.scenario} on ${d.engine} (${d.profile})`));
  }
  if (results.length) md.push("", "## bench-kit view (scripts/summarize.mjs --median)", "", kitSummary());
  md.push(
    "",
    `Raw wrk output and JSON: raw/, wrk/results.jsonl; server logs: logs/; full log: bench.log. Total time ${elapsed().trim()}.`,
  );
  fs.writeFileSync(path.join(outDir, "summary.md"), `${md.join("\n")}\n`);
  fs.writeFileSync(
    path.join(outDir, "summary.json"),
    `${JSON.stringify({ machine: m, options: opt, skipped, failure: failure ?? null, server_exits: incidents, targets: tgt, startup, load: agg, runs: results, seed: seedInfo, checks, alert_latency: alertLatency, alert_store: alertStore, diagnostics: diag }, null, 2)}\n`,
  );
}

function printConsole(agg, tgt) {
  console.log("");
  if (startup.length) {
    console.log("cold start (spawn → first 2xx)      median ms");
    for (const s of startup) console.log(`  ${s.name.padEnd(32)} ${String(s.median_ms).padStart(7)}`);
  }
  if (agg.length) {
    console.log(
      "\nscenario   engine     -c    req/s  ×ref    p50   p90   p95   p99 ms  CPU/1k  err   (alerts: ×ref = × node JSON-POST, else × hello)",
    );
    for (const r of agg)
      console.log(
        `  ${r.scenario.padEnd(10)}${r.engine.padEnd(10)}${String(r.conns).padStart(3)} ${String(Math.round(r.rps)).padStart(8)}  ${(r.x_hello ? f2(r.x_hello) : "1.00").padStart(5)} ${f1(r.p50_ms).padStart(5)} ${f1(r.p90_ms).padStart(5)} ${f1(r.p95_ms).padStart(5)} ${f1(r.p99_ms).padStart(5)}    ${f1(r.cpu_ms_per_1k).padStart(6)} ${String(r.errors).padStart(4)}`,
      );
  }
  if (diag.length) {
    console.log("\ndiagnostics: SQL statements / request, main-thread time");
    for (const d of diag)
      console.log(
        `  ${d.scenario.padEnd(14)}${d.engine.padEnd(10)} ${String(d.statements_per_request ?? "-").padStart(5)}  ${
          d.profile_summary?.buckets
            .slice(0, 3)
            .map((b) => `${b.name} ${b.pct_of_busy}%`)
            .join(", ") ?? ""
        }`,
      );
  }
  if (alertLatency.length) {
    console.log("\nalert → incident visible   p50    p90    p99 ms  (n)");
    for (const l of alertLatency)
      console.log(
        `  ${l.engine.padEnd(24)}${String(l.p50_ms).padStart(6)} ${String(l.p90_ms).padStart(6)} ${String(l.p99_ms).padStart(6)}  (${l.trials})`,
      );
  }
  if (tgt.length) {
    console.log("\ntargets");
    for (const t of tgt) console.log(`  ${t.met ? "MET   " : "MISSED"} ${t.target}: ${t.value}`);
  }
  console.log(
    `\nsummary: ${path.relative(process.cwd(), path.join(outDir, "summary.md"))} (+ summary.json)   total ${elapsed().trim()}`,
  );
}

// ---------- main ----------
let failure;
try {
  log(
    `foghorn bench → ${path.relative(process.cwd(), outDir)}  (scenarios: ${opt.only.join(",")}; engines: ${opt.engines.join(",")})`,
  );
  if (opt.engines.includes("postgres")) await freshPgDb();
  if (has("list")) for (const e of opt.engines) seed(e);
  if (has("startup")) await runStartup();
  // list first (it needs the seeded data as seeded; create adds incidents), each followed by its
  // diagnostics pass on the same data
  for (const scenario of ["list", "create"]) {
    if (!has(scenario)) continue;
    await runLoad(scenario);
    if (opt.profile) {
      log(`diagnostics (${scenario}): SQL statements per request and CPU profile on an instrumented server`);
      await runDiagnostics(scenario);
    }
  }
  if (has("alerts")) {
    await runAlerts();
    if (opt.profile) {
      log(
        "diagnostics (alerts): SQL statements and CPU profiles (ingest, then drain) on an instrumented server",
      );
      await runAlertsDiagnostics();
    }
  }
  if (has("paging")) {
    log("paging: alert → first page latency at 100 alerts/s, escalation timers (bench/paging.mjs)");
    const engine = opt.engines.length === 2 ? "both" : (opt.engines[0] ?? "both");
    const result = spawnSync(
      process.execPath,
      [
        path.join(BENCH, "paging.mjs"),
        "--engine",
        engine,
        "--runs",
        String(opt.runs),
        "--pg",
        opt.pg,
        "--out",
        path.join(outDir, "paging.json"),
      ],
      { stdio: "inherit" },
    );
    if (result.status !== 0) throw new Error(`bench/paging.mjs exited with ${result.status}`);
  }
  if (has("status")) {
    log(
      "status: GET /status and /api/v2/summary.json next to nginx (same bytes), statements per page view (bench/status.mjs)",
    );
    const engine = opt.engines.length === 2 ? "both" : (opt.engines[0] ?? "both");
    const result = spawnSync(
      process.execPath,
      [
        path.join(BENCH, "status.mjs"),
        "--engine",
        engine,
        "--runs",
        String(opt.runs),
        "--duration",
        String(opt.duration),
        "--warmup",
        String(opt.warmup),
        "--quiet-wait",
        String(opt.quietWait),
        "--pg",
        opt.pg,
        "--out",
        path.join(outDir, "status"),
      ],
      { stdio: "inherit" },
    );
    if (result.status !== 0) throw new Error(`bench/status.mjs exited with ${result.status}`);
  }
  if (has("replicas")) {
    log(
      "replicas: ingest with 3 replicas vs 1 on one PostgreSQL; recovery after a restart (bench/replicas.mjs)",
    );
    const result = spawnSync(
      process.execPath,
      [
        path.join(BENCH, "replicas.mjs"),
        "--runs",
        String(opt.runs),
        "--seconds",
        String(opt.duration),
        "--warmup",
        String(opt.warmup),
        "--pg",
        opt.pg,
        "--out",
        path.join(outDir, "replicas.json"),
      ],
      { stdio: "inherit", cwd: REPO },
    );
    if (result.status !== 0) throw new Error(`bench/replicas.mjs exited with ${result.status}`);
  }
  if (has("metrics")) {
    log(
      "metrics: rollup build, GET /api/v1/metrics and every section over one year, Insights page (bench/metrics.ts)",
    );
    const engine = opt.engines.length === 2 ? "both" : (opt.engines[0] ?? "both");
    const result = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        path.join(BENCH, "metrics.ts"),
        "--engine",
        engine,
        "--runs",
        String(opt.runs),
        ...(opt.countGiven ? ["--count", String(opt.count)] : []),
        "--pg",
        opt.pg,
        "--out",
        path.join(outDir, "metrics"),
      ],
      { stdio: "inherit", cwd: REPO },
    );
    if (result.status !== 0) throw new Error(`bench/metrics.ts exited with ${result.status}`);
  }
} catch (error) {
  failure = error instanceof Error ? error.message.split("\n")[0] : String(error);
  console.error(`\nbench failed: ${error instanceof Error ? error.stack : error}`);
  process.exitCode = 1;
} finally {
  await stopAll();
  const agg = aggregate();
  const tgt = targets(agg);
  writeSummary(agg, tgt, machine(), failure);
  printConsole(agg, tgt);
  if (opt.keep) console.log(`kept temporary data in ${tmp}`);
  else fs.rmSync(tmp, { recursive: true, force: true });
}
