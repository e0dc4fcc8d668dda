#!/usr/bin/env node
// `npm run bench`: Foghorn's performance figures next to a Node `http` hello-world measured in the
// same run. See bench/README.md. Scenarios: startup (spawn → first 200 from /readyz), create
// (POST /api/v1/incidents under wrk), list (first page of GET /api/v1/incidents over 100k seeded
// incidents), then a short diagnostics pass (SQL statements per request, CPU profile by component).
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
const SCENARIOS = ["startup", "list", "create"];
const APT = "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y wrk hyperfine curl";

const HELP = `npm run bench -- [options]
  --only LIST          scenarios, comma-separated: startup,create,list (default: all)
  --engine E           pglite | postgres | both (default both)
  --runs N             wrk runs per figure; the median is reported (default 3)
  --startup-runs N     cold starts per startup figure (default 5, plus 1 warm-up)
  --duration S         measured seconds per wrk run (default 10; 2 s warm-up before each)
  --warmup S           wrk warm-up seconds (default 2)
  --count N            incidents seeded for the list scenario (default 100000)
  --list-conns LIST    wrk connection counts for the list scenario (default 4,16)
  --create-conns N     wrk connections for the create scenario (default 16)
  --list-status S      the one status filter of the list query (default resolved)
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
      console.error(`--only: unknown scenario ${s} (startup, create, list)`);
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
  if (has("list") || has("create")) need.push("wrk");
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
async function waitHttp(url, child, timeoutMs, logPath) {
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
      if (r.ok) return;
    } catch {}
    await sleep(25);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000}s`);
}
async function spawnServer(name, args, env, readyPath, port) {
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
  await waitHttp(`${url}${readyPath}`, child, 180_000, logPath);
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
 * CPU ticks of the PostgreSQL backends serving foghorn_bench (process title
 * "postgres: 15/main: postgres foghorn_bench 127.0.0.1(…) …"). They are not children of the Foghorn
 * process, so wrk-run.sh would count them as "other" load; this puts them in their own column.
 */
function pgBackendTicks() {
  let sum = 0;
  for (const pid of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (!cmd.startsWith("postgres: ") || !cmd.includes(` ${BENCH_DB} `)) continue;
      const st = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const rest = st.slice(st.lastIndexOf(")") + 2).split(" ");
      sum += Number(rest[11]) + Number(rest[12]);
    } catch {
      // the process exited meanwhile
    }
  }
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
}) {
  // Warm-up here rather than inside wrk-run.sh, so the PostgreSQL backend CPU snapshot below covers
  // only the measured window (+ wrk-run.sh's short quiet check, when the backends are idle).
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
  }
  const pg0 = engine === "postgres" ? pgBackendTicks() : 0;
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
    String(opt.quietWait),
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
  if (engine === "postgres") {
    const dbTicks = pgBackendTicks() - pg0;
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
  return res;
}
const ms = (us) => (us === null || us === undefined ? null : us / 1000);
function record(scenario, engine, conns, round, res) {
  const errs = Object.values(res.errors).reduce((a, b) => a + b, 0);
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

async function api(server, p, init = {}) {
  const r = await fetch(`${server.url}${p}`, {
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
      other_cpu_pct_max: Math.max(...rs.map((r) => r.other_cpu_pct ?? 0)),
    });
  }
  for (const r of rows) {
    const h = rows.find((x) => x.scenario === "hello" && x.conns === r.conns);
    r.x_hello = h && r.scenario !== "hello" ? r.rps / h.rps : null;
    r.cpu_x_hello =
      h && r.scenario !== "hello" && r.cpu_ms_per_1k && h.cpu_ms_per_1k
        ? r.cpu_ms_per_1k / h.cpu_ms_per_1k
        : null;
  }
  const order = { list: 0, create: 1, hello: 2 };
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
  for (const r of agg)
    lines.push(
      `| ${r.scenario} | ${r.engine} | ${r.conns} | **${Math.round(r.rps)}** | ${Math.round(r.rps_min)}–${Math.round(r.rps_max)} | ${r.x_hello ? f2(r.x_hello) : "1.00"} | ${f1(r.p50_ms)} | ${f1(r.p90_ms)} | ${f1(r.p95_ms)} | ${f1(r.p99_ms)} | ${f1(r.cpu_ms_per_1k)} | ${r.cpu_x_hello ? f1(r.cpu_x_hello) : ""} | ${f1(r.db_cpu_ms_per_1k)} | ${r.errors} | ${r.disturbed}/${r.n} |`,
    );
  return lines.join("\n");
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
      `| ${d.scenario} | ${d.engine} | ${d.requests} | ${d.statements_per_request} | ${d.transactions_per_request ?? "(in pg)"} | ${f1(d.cpu_ms_per_1k)} | ${f1(d.db_cpu_ms_per_1k)} | ${
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
    [path.join(KIT, "scripts", "summarize.mjs"), wrkDir, "--median", "--ref", `hello-c${opt.createConns}`],
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
    `Options: ${JSON.stringify({ only: opt.only, engines: opt.engines, runs: opt.runs, startupRuns: opt.startupRuns, duration: opt.duration, warmup: opt.warmup, count: opt.count, listConns: opt.listConns, createConns: opt.createConns, listStatus: opt.listStatus })}`,
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
    `${JSON.stringify({ machine: m, options: opt, skipped, failure: failure ?? null, server_exits: incidents, targets: tgt, startup, load: agg, runs: results, seed: seedInfo, checks, diagnostics: diag }, null, 2)}\n`,
  );
}

function printConsole(agg, tgt) {
  console.log("");
  if (startup.length) {
    console.log("cold start (spawn → first 2xx)      median ms");
    for (const s of startup) console.log(`  ${s.name.padEnd(32)} ${String(s.median_ms).padStart(7)}`);
  }
  if (agg.length) {
    console.log("\nscenario engine     -c    req/s  ×hello   p50   p90   p95   p99 ms  CPU/1k  err");
    for (const r of agg)
      console.log(
        `  ${r.scenario.padEnd(7)}${r.engine.padEnd(10)}${String(r.conns).padStart(3)} ${String(Math.round(r.rps)).padStart(8)}  ${(r.x_hello ? f2(r.x_hello) : "1.00").padStart(5)} ${f1(r.p50_ms).padStart(5)} ${f1(r.p90_ms).padStart(5)} ${f1(r.p95_ms).padStart(5)} ${f1(r.p99_ms).padStart(5)}    ${f1(r.cpu_ms_per_1k).padStart(6)} ${String(r.errors).padStart(4)}`,
      );
  }
  if (diag.length) {
    console.log("\ndiagnostics: SQL statements / request, main-thread time");
    for (const d of diag)
      console.log(
        `  ${d.scenario.padEnd(7)}${d.engine.padEnd(10)} ${String(d.statements_per_request).padStart(5)}  ${
          d.profile_summary?.buckets
            .slice(0, 3)
            .map((b) => `${b.name} ${b.pct_of_busy}%`)
            .join(", ") ?? ""
        }`,
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
