#!/usr/bin/env node
// `npm run bench -- --only status` (or `node bench/status.mjs`): issue 8's two figures, per engine.
//  1. GET /status and GET /api/v2/summary.json on Foghorn next to Debian's nginx serving the same bytes as
//     static files, measured in the same rounds: wrk -t2 -c64, 10 s after a 2 s warm-up, median of 3.
//     nginx serves a `foghorn status export` of the same page (the documented server block: try_files,
//     types) plus Foghorn's own /status and /api/v2/summary.json bytes at the same paths.
//  2. Database statements during 10,000 page views: foghorn_db_statements_total from /metrics before and
//     after, next to the same counter over an idle window of the same length (the background loops, such
//     as the alert processor's and the paging engine's polls, query on their own).
// The tools come from ../shared/bench-kit (wrk-run.sh); nginx from Debian (`apt-get install nginx`).
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import { Agent, request } from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(BENCH, "..");
const KIT = path.resolve(REPO, "../shared/bench-kit");
const TOKEN = "fh_bench-status-token-0123456789abcdefghijklm";
const STATUS_DB = "foghorn_bench_status";

const HELP = `node bench/status.mjs [options]
  --engine E        pglite | postgres | both (default both)
  --runs N          wrk rounds; medians are reported (default 3)
  --duration S      measured seconds per wrk run (default 10; 2 s warm-up before each)
  --warmup S        wrk warm-up seconds (default 2)
  --conns N         wrk connections (default 64; 2 threads)
  --views N         page views for the statement count (default 10000)
  --quiet-wait S    before each wrk run wait up to S s for the host to be <15% busy (default 5)
  --status-workers N  Foghorn's server.statusWorkers (default auto: one per core beyond the first);
                    0 measures the main process alone
  --pg URL          PostgreSQL server (default postgres://postgres@127.0.0.1:5432); the database
                    ${STATUS_DB} is dropped and created on every run
  --out DIR         results folder (default bench/results/<UTC timestamp>-status); status.json and
                    status.md are written there`;

function parseArgs(argv) {
  const o = {
    engines: ["pglite", "postgres"],
    runs: 3,
    duration: 10,
    warmup: 2,
    conns: 64,
    views: 10_000,
    quietWait: 5,
    statusWorkers: "auto",
    pg: "postgres://postgres@127.0.0.1:5432",
    out: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--help" || a === "-h") {
      console.log(HELP);
      process.exit(0);
    } else if (a === "--engine") {
      const e = val();
      o.engines = e === "both" ? ["pglite", "postgres"] : [e];
    } else if (a === "--runs") o.runs = Number(val());
    else if (a === "--duration") o.duration = Number(val());
    else if (a === "--warmup") o.warmup = Number(val());
    else if (a === "--conns") o.conns = Number(val());
    else if (a === "--views") o.views = Number(val());
    else if (a === "--quiet-wait") o.quietWait = Number(val());
    else if (a === "--status-workers") o.statusWorkers = val();
    else if (a === "--pg") o.pg = val().replace(/\/+$/, "");
    else if (a === "--out") o.out = path.resolve(val());
    else {
      console.error(`unknown option ${a}\n\n${HELP}`);
      process.exit(2);
    }
  }
  return o;
}
const opt = parseArgs(process.argv.slice(2));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const stamp = new Date()
  .toISOString()
  .replace(/[-:]/g, "")
  .replace(/\.\d+Z$/, "Z")
  .replace("T", "-");
const outDir = opt.out ?? path.join(BENCH, "results", `${stamp}-status`);
const wrkDir = path.join(outDir, "wrk");
fs.mkdirSync(wrkDir, { recursive: true });
const log = (msg) => {
  console.log(msg);
  fs.appendFileSync(path.join(outDir, "status.log"), `${msg}\n`);
};
const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return null;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
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
const have = (cmd) => spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;

for (const tool of ["wrk", "nginx"])
  if (!have(tool)) {
    console.error(
      `bench/status.mjs: ${tool} is missing; install it from Debian:\n  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk nginx`,
    );
    process.exit(1);
  }

const children = new Set(); // processes this script started (only these are ever stopped)
async function stopChild(child, timeoutMs = 20_000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await Promise.race([exited, sleep(timeoutMs).then(() => child.kill("SIGKILL"))]);
}
process.on("SIGINT", async () => {
  for (const c of children) await stopChild(c, 5000);
  process.exit(130);
});

// ---------- Foghorn, with content ----------
async function resetPg() {
  const admin = new pg.Client({ connectionString: `${opt.pg}/postgres`, connectionTimeoutMillis: 5000 });
  await admin.connect();
  await admin.query(`drop database if exists ${STATUS_DB} with (force)`);
  await admin.query(`create database ${STATUS_DB}`);
  await admin.end();
  return `${opt.pg}/${STATUS_DB}`;
}

async function startFoghorn(engine, tmp) {
  const port = await freePort();
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(port),
    HOST: "127.0.0.1",
    FOGHORN_BOOTSTRAP_TOKEN: TOKEN,
    FOGHORN_LOG_LEVEL: "warn",
    FOGHORN_STATUS_SNAPSHOT_DIR: path.join(tmp, "snapshot"),
    FOGHORN_STATUS_WORKERS: String(opt.statusWorkers),
    ...(engine === "postgres"
      ? { DATABASE_URL: await resetPg() }
      : { FOGHORN_DATA_DIR: path.join(tmp, "data") }),
  };
  const logPath = path.join(outDir, `foghorn-${engine}.log`);
  const fd = fs.openSync(logPath, "a");
  const child = spawn(process.execPath, [path.join(REPO, "bin", "foghorn.mjs"), "serve"], {
    cwd: tmp,
    env,
    stdio: ["ignore", fd, fd],
  });
  fs.closeSync(fd);
  children.add(child);
  child.on("exit", () => children.delete(child));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null)
      throw new Error(`foghorn exited:\n${fs.readFileSync(logPath, "utf8").slice(-2000)}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {}
    if (i > 1800) throw new Error("foghorn did not start within 180 s");
    await sleep(100);
  }
  return { url, pid: child.pid, child, env, engine };
}

async function api(fh, method, p, body) {
  const res = await fetch(`${fh.url}${p}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${p} → ${res.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/**
 * A realistic page: a group of three components and two more, a major incident in progress with three
 * external updates (and an internal one), two resolved incidents, a maintenance in progress and one upcoming.
 */
async function addContent(fh) {
  const services = ["api-gateway", "checkout", "search", "webhooks", "postgres-main"];
  for (const name of services) await api(fh, "POST", "/api/v1/services", { name });
  const group = await api(fh, "POST", "/api/v1/status-page/components", {
    name: "Core platform",
    is_group: true,
    position: 1,
  });
  const ids = {};
  for (const [i, [name, service]] of [
    ["API", "api-gateway"],
    ["Checkout", "checkout"],
    ["Search", "search"],
  ].entries())
    ids[name] = (
      await api(fh, "POST", "/api/v1/status-page/components", {
        name,
        group_id: group.id,
        position: i,
        services: [service],
        description: `The ${name} service`,
      })
    ).id;
  ids.Webhooks = (
    await api(fh, "POST", "/api/v1/status-page/components", {
      name: "Webhooks",
      position: 2,
      services: ["webhooks"],
    })
  ).id;
  ids.Database = (
    await api(fh, "POST", "/api/v1/status-page/components", {
      name: "Database",
      position: 3,
      services: ["postgres-main"],
    })
  ).id;
  await api(fh, "PATCH", "/api/v1/status-page/settings", { name: "Acme Cloud" });

  const declare = (title, severity, service) =>
    api(fh, "POST", "/api/v1/incidents", {
      title,
      description: "bench",
      severity,
      affected_services: [service],
    });
  const post = (id, message, status, visibility = "external") =>
    api(fh, "POST", `/api/v1/incidents/${id}/status-updates`, {
      message,
      visibility,
      ...(status ? { status } : {}),
    });
  for (const [title, service] of [
    ["Search results delayed", "search"],
    ["Webhook deliveries retried", "webhooks"],
  ]) {
    const i = await declare(title, "SEV3", service);
    await post(i.id, `${title}: we are looking into it.`);
    await post(i.id, "A fix is rolling out.", "identified");
    await api(fh, "POST", `/api/v1/incidents/${i.id}/status`, { status: "resolved" });
    await post(i.id, "This is resolved.", "resolved");
  }
  const major = await declare("Checkout failing for card payments", "SEV1", "checkout");
  await post(major.id, "SECRET internal: db-7 pgbouncer pool exhausted", undefined, "internal");
  await post(major.id, "Card payments fail for some customers. We are investigating.");
  await post(major.id, "We found the cause: a saturated connection pool. Mitigating.", "identified");
  await post(major.id, "Payments succeed again; we are monitoring.", "monitoring");

  const now = Date.now();
  await api(fh, "POST", "/api/v1/status-page/maintenances", {
    title: "Database upgrade",
    body: "PostgreSQL minor upgrade; writes pause for up to a minute.",
    scheduled_for: new Date(now - 30 * 60_000).toISOString(),
    scheduled_until: new Date(now + 6 * 3600_000).toISOString(),
    component_ids: [ids.Database],
    notify: false,
  });
  await api(fh, "POST", "/api/v1/status-page/maintenances", {
    title: "Search index rebuild",
    body: "Search may return stale results for a few minutes.",
    scheduled_for: new Date(now + 2 * 86_400_000).toISOString(),
    scheduled_until: new Date(now + 2 * 86_400_000 + 3600_000).toISOString(),
    component_ids: [ids.Search],
    notify: false,
  });
  // The snapshot is rebuilt ~150 ms after each change: wait until it shows the last one.
  for (let i = 0; i < 200; i++) {
    const s = await (await fetch(`${fh.url}/api/v2/summary.json`)).json();
    if (
      s.incidents?.some(
        (x) => x.name === "Checkout failing for card payments" && x.status === "monitoring",
      ) &&
      s.scheduled_maintenances?.length >= 2
    )
      return;
    await sleep(100);
  }
  throw new Error("the status page did not show the content within 20 s");
}

// ---------- nginx on a static copy ----------
async function startNginx(root) {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fh-status-nginx-"));
  fs.chmodSync(dir, 0o755);
  // The documented server block (docs/status-page.md), on loopback, with bench-kit's settings for a fair
  // comparison: access_log off, sendfile, 2 workers, keepalive_requests 100000. No gzip (wrk does not ask).
  const conf = `worker_processes auto;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    root ${root};
    index index.html;
    types {
      text/html             html;
      application/json      json;
      application/rss+xml   rss;
      application/atom+xml  atom;
    }
    default_type application/octet-stream;
    charset utf-8;
    charset_types text/html application/json application/rss+xml application/atom+xml;
    add_header Cache-Control "public, max-age=10" always;
    location / { try_files $uri $uri/index.html =404; }
    location /api/v2/ {
      add_header Access-Control-Allow-Origin "*" always;
      add_header Cache-Control "public, max-age=10" always;
      try_files $uri =404;
    }
  }
}
`;
  const confPath = path.join(dir, "nginx.conf");
  fs.writeFileSync(confPath, conf);
  const check = spawnSync("nginx", ["-t", "-q", "-c", confPath, "-e", path.join(dir, "error.log")], {
    encoding: "utf8",
  });
  if (check.status !== 0) throw new Error(`nginx -t: ${check.stderr}`);
  const child = spawn("nginx", ["-c", confPath, "-e", path.join(dir, "error.log"), "-g", "daemon off;"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  children.add(child);
  child.on("exit", () => children.delete(child));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      const r = await fetch(`${url}/`);
      await r.arrayBuffer();
      break;
    } catch {}
    if (i > 100 || child.exitCode !== null)
      throw new Error(`nginx did not start: ${fs.readFileSync(path.join(dir, "error.log"), "utf8")}`);
    await sleep(50);
  }
  return { url, pid: child.pid, child, dir };
}

// ---------- the plain Node reference: bench-kit's node-static.mjs serving one of the same bodies ----------
async function startNodeStatic(file, name) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [path.join(KIT, "servers", "node-static.mjs"), "--port", String(port), "--file", file],
    {
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  children.add(child);
  child.on("exit", () => children.delete(child));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      await (await fetch(`${url}/`)).arrayBuffer();
      break;
    } catch {}
    if (i > 100 || child.exitCode !== null) throw new Error(`node-static (${name}) did not start`);
    await sleep(50);
  }
  return { url, pid: child.pid, child };
}

// ---------- measuring ----------
const agent = new Agent({ keepAlive: true, maxSockets: 32 });
function rawGet(url, headers = {}, via = agent) {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: via }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

function wrk(name, url, pid, round) {
  const args = [
    path.join(KIT, "scripts", "wrk-run.sh"),
    "--name",
    name,
    "--url",
    url,
    "--lua",
    path.join(BENCH, "lua", "report.lua"),
    "--threads",
    "2",
    "--conns",
    String(opt.conns),
    "--duration",
    String(opt.duration),
    "--warmup",
    String(opt.warmup),
    "--quiet-wait",
    String(opt.quietWait),
    "--pid",
    String(pid),
    "--out",
    wrkDir,
    "--env",
    `WRK_LUA_DIR=${path.join(BENCH, "lua")}`,
    "--meta",
    `round=${round}`,
  ];
  const r = spawnSync("bash", args, { encoding: "utf8", maxBuffer: 64 << 20, cwd: REPO });
  fs.appendFileSync(path.join(outDir, "status.log"), r.stderr);
  if (r.status !== 0) throw new Error(`wrk-run.sh ${name} failed (${r.status}):\n${r.stderr.slice(-1500)}`);
  const res = JSON.parse(fs.readFileSync(path.join(wrkDir, `${name}.json`), "utf8"));
  fs.copyFileSync(path.join(wrkDir, `${name}.json`), path.join(wrkDir, `${name}.r${round}.json`));
  const errors = Object.values(res.errors).reduce((a, b) => a + b, 0);
  const row = {
    name,
    round,
    rps: res.rps,
    p50_ms: res.lat_us.p50 / 1000,
    p99_ms: res.lat_us.p99 / 1000,
    errors,
    cpu_ms_per_1k: res.server_cpu_ms_per_1k_req ?? null,
    rss_mb: res.server_rss_mb ?? null,
    other_cpu_pct: res.other_cpu_pct_during ?? null,
  };
  log(
    `  ${name.padEnd(30)} ${Math.round(row.rps).toString().padStart(7)} req/s  p50 ${row.p50_ms.toFixed(2)}  p99 ${row.p99_ms.toFixed(2)} ms  cpu ${row.cpu_ms_per_1k} ms/1k${errors ? `  ERRORS ${JSON.stringify(res.errors)}` : ""}${row.other_cpu_pct > 5 ? `  (other load ${row.other_cpu_pct}%)` : ""}`,
  );
  return row;
}

async function metric(fh, name) {
  // A new connection each time: a kept-alive one may have been closed while wrk ran.
  const text = (await rawGet(`${fh.url}/metrics`, {}, false)).body.toString();
  let sum = 0;
  let found = false;
  for (const line of text.split("\n"))
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) {
      sum += Number(line.split(" ").at(-1));
      found = true;
    }
  return found ? sum : null;
}

/** N page views (the page and the JSON alternately, 32 at a time); the statement counter before and after. */
async function countStatements(fh) {
  const paths = ["/status", "/api/v2/summary.json"];
  const statements0 = await metric(fh, "foghorn_db_statements_total");
  const served0 = await metric(fh, "foghorn_status_page_responses_total");
  const t0 = performance.now();
  let ok = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      for (let i = next++; i < opt.views; i = next++) {
        const r = await rawGet(`${fh.url}${paths[i % 2]}`);
        if (r.status === 200) ok++;
      }
    }),
  );
  const ms = performance.now() - t0;
  const statements1 = await metric(fh, "foghorn_db_statements_total");
  // The same counter over an idle window of the same length: what the background loops issue anyway.
  const idle0 = await metric(fh, "foghorn_db_statements_total");
  await sleep(ms);
  const idle1 = await metric(fh, "foghorn_db_statements_total");
  // Read after the idle window: status workers report their answers every 250 ms.
  const served1 = await metric(fh, "foghorn_status_page_responses_total");
  return {
    views: opt.views,
    ok,
    ms: Math.round(ms),
    statements_during_views: statements1 - statements0,
    statements_idle_same_length: idle1 - idle0,
    status_page_responses: served1 - served0,
  };
}

// ---------- main ----------
const results = { started_at: new Date().toISOString(), opts: opt, engines: {} };
try {
  log(
    `bench status → ${path.relative(process.cwd(), outDir)} (engines ${opt.engines.join(",")}, ${opt.runs} rounds)`,
  );
  for (const engine of opt.engines) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `fh-status-${engine}-`));
    fs.chmodSync(tmp, 0o755);
    let fh;
    let ngx;
    let nodePage;
    let nodeSummary;
    try {
      fh = await startFoghorn(engine, tmp);
      log(`${engine}: foghorn pid ${fh.pid} at ${fh.url}; adding content`);
      await addContent(fh);

      // The static copy: `foghorn status export`, plus Foghorn's own /status and summary.json bytes at the
      // same paths (the export is rendered for the root of a domain; /status links differ by the prefix).
      const site = path.join(tmp, "site");
      const exp = spawnSync(
        process.execPath,
        [path.join(REPO, "bin", "foghorn.mjs"), "status", "export", site, "--json"],
        {
          encoding: "utf8",
          env: { PATH: process.env.PATH, HOME: process.env.HOME, FOGHORN_URL: fh.url, FOGHORN_TOKEN: TOKEN },
        },
      );
      if (exp.status !== 0) throw new Error(`foghorn status export failed: ${exp.stderr}`);
      const exported = JSON.parse(exp.stdout);
      const page = await rawGet(`${fh.url}/status`);
      const summary = await rawGet(`${fh.url}/api/v2/summary.json`);
      fs.mkdirSync(path.join(site, "status"), { recursive: true });
      fs.writeFileSync(path.join(site, "status", "index.html"), page.body);
      fs.writeFileSync(path.join(site, "api", "v2", "summary.json"), summary.body);
      for (const d of [site, path.join(site, "status")]) fs.chmodSync(d, 0o755);
      ngx = await startNginx(site);
      nodePage = await startNodeStatic(path.join(site, "status", "index.html"), "page");
      nodeSummary = await startNodeStatic(path.join(site, "api", "v2", "summary.json"), "summary");

      // Sanity: nginx serves the export (the page at /, an incident page, the JSON) and the same bytes.
      const checks = [];
      const incidentId = JSON.parse(summary.body.toString()).incidents[0]?.id;
      for (const [p, expect] of [
        ["/", null],
        [`/incidents/${incidentId}`, null],
        ["/history.atom", null],
        ["/status", page.body],
        ["/api/v2/summary.json", summary.body],
      ]) {
        const r = await rawGet(`${ngx.url}${p}`);
        const ok = r.status === 200 && (!expect || Buffer.compare(r.body, expect) === 0);
        checks.push({
          path: p,
          status: r.status,
          content_type: r.headers["content-type"],
          same_bytes: expect ? ok : undefined,
        });
        if (!ok) throw new Error(`nginx ${p} → ${r.status} (${r.body.length} B)`);
      }
      const leaked = page.body.toString().includes("SECRET") || summary.body.toString().includes("SECRET");
      if (leaked) throw new Error("an internal update is on the public page");
      log(
        `${engine}: exported ${exported.files} files (${exported.bytes} B); /status ${page.body.length} B, summary.json ${summary.body.length} B; nginx pid ${ngx.pid} at ${ngx.url}`,
      );

      const rows = [];
      for (let round = 1; round <= opt.runs; round++) {
        log(`${engine}: round ${round}/${opt.runs}`);
        const targets = [
          ["status", "foghorn", `${fh.url}/status`, fh.pid],
          ["status", "nginx", `${ngx.url}/status`, ngx.pid],
          ["status", "node", `${nodePage.url}/`, nodePage.pid],
          ["summary", "foghorn", `${fh.url}/api/v2/summary.json`, fh.pid],
          ["summary", "nginx", `${ngx.url}/api/v2/summary.json`, ngx.pid],
          ["summary", "node", `${nodeSummary.url}/`, nodeSummary.pid],
        ];
        for (const [what, server, url, pid] of targets) {
          // Around Foghorn's runs: did anything else happen in the server meanwhile (snapshot rebuilds,
          // SQL statements of the background loops)?
          const before =
            server === "foghorn"
              ? [
                  await metric(fh, "foghorn_status_page_rebuilds_total"),
                  await metric(fh, "foghorn_db_statements_total"),
                ]
              : null;
          const row = { what, server, ...wrk(`${server}-${engine}-${what}`, url, pid, round) };
          if (before) {
            row.rebuilds_during = (await metric(fh, "foghorn_status_page_rebuilds_total")) - before[0];
            row.statements_during = (await metric(fh, "foghorn_db_statements_total")) - before[1];
            log(
              `    (during that run: ${row.rebuilds_during} snapshot rebuilds, ${row.statements_during} SQL statements)`,
            );
          }
          rows.push(row);
        }
      }
      const figure = (what, server, key) =>
        median(rows.filter((r) => r.what === what && r.server === server).map((r) => r[key]));
      const ratios = (what, reference = "nginx") =>
        rows
          .filter((r) => r.what === what && r.server === "foghorn")
          .map((f) => {
            const n = rows.find((r) => r.what === what && r.server === reference && r.round === f.round);
            return n ? f.rps / n.rps : null;
          });
      const summaryFor = (what, bytes) => ({
        bytes,
        foghorn_rps: figure(what, "foghorn", "rps"),
        nginx_rps: figure(what, "nginx", "rps"),
        node_rps: figure(what, "node", "rps"),
        ratio_median_of_rounds: median(ratios(what)),
        ratios_per_round: ratios(what).map((x) => +x.toFixed(3)),
        ratio_to_node_median_of_rounds: median(ratios(what, "node")),
        node_to_nginx_median_of_rounds: median(
          rows
            .filter((r) => r.what === what && r.server === "node")
            .map(
              (n) =>
                n.rps /
                (rows.find((r) => r.what === what && r.server === "nginx" && r.round === n.round)?.rps ??
                  Number.NaN),
            ),
        ),
        foghorn_p50_ms: figure(what, "foghorn", "p50_ms"),
        nginx_p50_ms: figure(what, "nginx", "p50_ms"),
        node_p50_ms: figure(what, "node", "p50_ms"),
        foghorn_p99_ms: figure(what, "foghorn", "p99_ms"),
        nginx_p99_ms: figure(what, "nginx", "p99_ms"),
        foghorn_cpu_ms_per_1k: figure(what, "foghorn", "cpu_ms_per_1k"),
        nginx_cpu_ms_per_1k: figure(what, "nginx", "cpu_ms_per_1k"),
        node_cpu_ms_per_1k: figure(what, "node", "cpu_ms_per_1k"),
        max_other_cpu_pct: Math.max(...rows.filter((r) => r.what === what).map((r) => r.other_cpu_pct ?? 0)),
        errors: rows.filter((r) => r.what === what).reduce((a, r) => a + r.errors, 0),
      });

      log(`${engine}: ${opt.views} page views, statement counter before and after`);
      const statements = await countStatements(fh);
      log(
        `  statements during ${statements.views} views (${statements.ms} ms): ${statements.statements_during_views}; over an idle window as long: ${statements.statements_idle_same_length}; status page answers counted: ${statements.status_page_responses}`,
      );
      results.engines[engine] = {
        page_bytes: page.body.length,
        summary_bytes: summary.body.length,
        export: { files: exported.files, bytes: exported.bytes },
        nginx_checks: checks,
        status: summaryFor("status", page.body.length),
        summary: summaryFor("summary", summary.body.length),
        statements,
        rows,
      };
    } finally {
      await stopChild(ngx?.child);
      await stopChild(nodePage?.child);
      await stopChild(nodeSummary?.child);
      await stopChild(fh?.child);
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
} catch (error) {
  results.failure = error instanceof Error ? error.message : String(error);
  console.error(`bench/status.mjs failed: ${error instanceof Error ? error.stack : error}`);
  process.exitCode = 1;
} finally {
  for (const c of children) await stopChild(c, 5000);
  agent.destroy();
  fs.writeFileSync(path.join(outDir, "status.json"), `${JSON.stringify(results, null, 2)}\n`);
  const md = [
    "| engine | request | body | Foghorn req/s | nginx req/s | Foghorn ÷ nginx (median of rounds; per round) | plain Node req/s (÷ nginx) | Foghorn ÷ plain Node | p50 ms Foghorn / nginx / Node | CPU ms per 1k req Foghorn / nginx / Node | max other load |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const [engine, r] of Object.entries(results.engines))
    for (const [label, f] of [
      ["GET /status", r.status],
      ["GET /api/v2/summary.json", r.summary],
    ])
      md.push(
        `| ${engine} | ${label} | ${f.bytes} B | ${Math.round(f.foghorn_rps)} | ${Math.round(f.nginx_rps)} | **${f.ratio_median_of_rounds?.toFixed(2)}** (${f.ratios_per_round.map((x) => x.toFixed(2)).join(", ")}) | ${Math.round(f.node_rps)} (${f.node_to_nginx_median_of_rounds?.toFixed(2)}) | ${f.ratio_to_node_median_of_rounds?.toFixed(2)} | ${f.foghorn_p50_ms?.toFixed(2)} / ${f.nginx_p50_ms?.toFixed(2)} / ${f.node_p50_ms?.toFixed(2)} | ${f.foghorn_cpu_ms_per_1k} / ${f.nginx_cpu_ms_per_1k} / ${f.node_cpu_ms_per_1k} | ${f.max_other_cpu_pct} % |`,
      );
  md.push(
    "",
    "| engine | page views | statements during the views | statements over an idle window as long | status page answers counted |",
    "|---|---:|---:|---:|---:|",
  );
  for (const [engine, r] of Object.entries(results.engines))
    md.push(
      `| ${engine} | ${r.statements.views} (${r.statements.ms} ms) | ${r.statements.statements_during_views} | ${r.statements.statements_idle_same_length} | ${r.statements.status_page_responses} |`,
    );
  fs.writeFileSync(path.join(outDir, "status.md"), `${md.join("\n")}\n`);
  console.log(`\n${md.join("\n")}\n\nresults: ${path.relative(process.cwd(), outDir)}/status.{json,md}`);
}
