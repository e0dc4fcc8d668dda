#!/usr/bin/env node
// `npm run bench -- --only replicas` (or `node bench/replicas.mjs`): issue 11's two figures, medians of 3.
//  1. Ingest throughput, 3 replicas vs 1 on one PostgreSQL, same run: PagerDuty Events v2 triggers (each a new
//     dedup key) posted for --seconds by a Node load generator (a child process, --conns keep-alive
//     connections spread over the replicas), after a warm-up; events/s = 202s / seconds. Each run uses a
//     fresh database on --pg (created, dropped after); 1 and 3 replicas alternate within each round.
//  2. Recovery: 3 replicas on a private PostgreSQL cluster (Debian initdb/pg_ctl as the postgres user, a free
//     port) while senders post continuously; PostgreSQL is stopped (fast), kept down --down seconds and
//     started; time = PostgreSQL accepting connections again (polled every 5 ms) → the first 202.
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import pg from "pg";

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(BENCH, "..");
const TOKEN = "fh_bench-replicas-token-0123456789abcdefghij";
const execFileAsync = promisify(execFile);

const HELP = `node bench/replicas.mjs [options]
  --runs N          rounds per figure; medians are reported (default 3)
  --seconds S       measured seconds of load per throughput run (default 10)
  --warmup S        unmeasured seconds of the same load before each (default 2)
  --conns N         concurrent connections of the load generator (default 32)
  --down S          seconds PostgreSQL stays down in each recovery run (default 3)
  --skip-recovery   throughput only
  --pg URL          PostgreSQL server for the throughput figure (default postgres://postgres@127.0.0.1:5432)
  --out FILE        also write the results as JSON to FILE`;

function parseArgs(argv) {
  const o = {
    runs: 3,
    seconds: 10,
    warmup: 2,
    conns: 32,
    down: 3,
    recovery: true,
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
    } else if (a === "--runs") o.runs = Number(val());
    else if (a === "--seconds") o.seconds = Number(val());
    else if (a === "--warmup") o.warmup = Number(val());
    else if (a === "--conns") o.conns = Number(val());
    else if (a === "--down") o.down = Number(val());
    else if (a === "--skip-recovery") o.recovery = false;
    else if (a === "--pg") o.pg = val();
    else if (a === "--out") o.out = val();
    else if (a === "--load") o.load = JSON.parse(val());
    else {
      console.error(`unknown option ${a}\n${HELP}`);
      process.exit(2);
    }
  }
  return o;
}

const opt = parseArgs(process.argv.slice(2));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : Number.NaN;
};
const log = (m) => console.log(`[replicas] ${m}`);

// ---------- load generator (child process: `--load {...}`) ----------
/** Posts triggers with new dedup keys over `conns` keep-alive connections until `seconds` pass; prints counts. */
async function loadGenerator({ urls, routingKey, conns, seconds, prefix }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: conns });
  const counts = { ok: 0, non2xx: 0, errors: 0, statuses: {} };
  const end = performance.now() + seconds * 1000;
  let n = 0;
  const one = (url, body) =>
    new Promise((resolve) => {
      const req = http.request(
        url,
        {
          method: "POST",
          agent,
          headers: { "content-type": "application/json", "content-length": body.length },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("error", () => resolve(0));
      req.end(body);
    });
  const worker = async (w) => {
    const url = `${urls[w % urls.length]}/v2/enqueue`;
    while (performance.now() < end) {
      const key = `${prefix}-${w}-${n++}`;
      const body = Buffer.from(
        JSON.stringify({
          routing_key: routingKey,
          event_action: "trigger",
          dedup_key: key,
          payload: { summary: `Checkout latency high (${key})`, source: "bench", severity: "error" },
        }),
      );
      const status = await one(url, body);
      if (status === 202) counts.ok++;
      else if (status === 0) counts.errors++;
      else {
        counts.non2xx++;
        counts.statuses[status] = (counts.statuses[status] ?? 0) + 1;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: conns }, (_, w) => worker(w)));
  counts.seconds = (performance.now() - started) / 1000;
  agent.destroy();
  process.stdout.write(`${JSON.stringify(counts)}\n`);
}

if (opt.load) {
  await loadGenerator(opt.load);
  process.exit(0);
}

function runLoad(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), "--load", JSON.stringify(args)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    child.on("exit", (code) => {
      if (code !== 0) reject(new Error(`load generator exited with ${code}`));
      else resolve(JSON.parse(out.trim().split("\n").at(-1)));
    });
  });
}

// ---------- Foghorn replicas ----------
const bundle = path.join(REPO, "dist", "main.mjs");
const SERVE = `const { run } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
process.exitCode = await run(["serve"]);`;
const started = new Set();

async function startReplica(databaseUrl, configPath) {
  const child = spawn(process.execPath, ["--input-type=module", "-e", SERVE], {
    cwd: REPO,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      PORT: "0",
      DATABASE_URL: databaseUrl,
      FOGHORN_CONFIG: configPath,
      FOGHORN_BOOTSTRAP_TOKEN: TOKEN,
      FOGHORN_LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.add(child);
  const exited = new Promise((r) => child.on("exit", r));
  exited.then(() => started.delete(child));
  let out = "";
  const url = await new Promise((ok, fail) => {
    const onData = (chunk) => {
      out = (out + chunk.toString()).slice(-20_000);
      const m = /Foghorn listening on (http:\/\/[^"\s]+)/.exec(out);
      if (m?.[1]) ok(m[1]);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (c) => fail(new Error(`replica exited with ${c} before listening:\n${out}`)));
  });
  // Keep reading (a full pipe would block the replica), but only keep the tail.
  return { child, url, exited, output: () => out };
}

async function startReplicas(n, databaseUrl, configPath) {
  const first = await startReplica(databaseUrl, configPath); // migrates, creates the admin
  const others = await Promise.all(
    Array.from({ length: n - 1 }, () => startReplica(databaseUrl, configPath)),
  );
  return [first, ...others];
}

async function stopReplicas(replicas) {
  for (const r of replicas) r.child.kill("SIGTERM");
  const timer = setTimeout(() => {
    for (const r of replicas) r.child.kill("SIGKILL");
  }, 20_000);
  await Promise.all(replicas.map((r) => r.exited));
  clearTimeout(timer);
}

async function api(url, p, body) {
  const res = await fetch(`${url}${p}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${p}: ${res.status} ${text}`);
  return JSON.parse(text);
}

/** A service with an unlimited PagerDuty integration (the limiter is not what is measured). */
async function pagerDutyKey(url) {
  await api(url, "/api/v1/services", { name: "checkout" });
  const integration = await api(url, "/api/v1/services/checkout/integrations", {
    kind: "pagerduty",
    rate_limit_per_minute: 0,
  });
  return integration.routing_key;
}

async function adminQuery(sql) {
  const client = new pg.Client({ connectionString: `${opt.pg}/postgres` });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

// ---------- private PostgreSQL cluster (for the recovery figure) ----------
function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function privateCluster() {
  const base = "/usr/lib/postgresql";
  const major = fs
    .readdirSync(base)
    .filter((v) => fs.existsSync(path.join(base, v, "bin", "pg_ctl")))
    .sort((a, b) => Number(b) - Number(a))[0];
  if (!major) throw new Error("no PostgreSQL server binaries in /usr/lib/postgresql/*/bin");
  const bin = path.join(base, major, "bin");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "foghorn-bench-pg-"));
  const asRoot = os.userInfo().uid === 0;
  if (asRoot) {
    const id = async (flag) => Number((await execFileAsync("id", [flag, "postgres"])).stdout.trim());
    fs.chownSync(dir, await id("-u"), await id("-g"));
  }
  const run = (tool, args) =>
    asRoot
      ? execFileAsync("runuser", ["-u", "postgres", "--", path.join(bin, tool), ...args], { cwd: dir })
      : execFileAsync(path.join(bin, tool), args, { cwd: dir });
  const data = path.join(dir, "data");
  await run("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
  const port = await freePort();
  // Log lines start with the wall-clock time in ms: "ready to accept connections" is when it is back up.
  const o = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c "log_line_prefix=%m "`;
  const cluster = {
    port,
    url: (db) => `postgres://postgres@127.0.0.1:${port}/${db}`,
    start: () => run("pg_ctl", ["-D", data, "-o", o, "-l", path.join(dir, "log"), "-w", "-t", "30", "start"]),
    /** Wall-clock times (ms) at which the server logged that it accepts connections. */
    readyTimes: () =>
      fs
        .readFileSync(path.join(dir, "log"), "utf8")
        .split("\n")
        .filter((l) => l.includes("ready to accept connections"))
        .map((l) => Date.parse(`${l.slice(0, 23).replace(" ", "T")}Z`)),
    stop: (mode = "fast") => run("pg_ctl", ["-D", data, "-m", mode, "-w", "-t", "30", "stop"]),
    async destroy() {
      await cluster.stop("immediate").catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  await cluster.start();
  return cluster;
}

/** CPU ms (user + system) a process used so far, from /proc/<pid>/stat. */
function processCpuMs(pid) {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime, stime in clock ticks (100/s)
  } catch {
    return 0;
  }
}

async function xacts(db) {
  const r = await adminQuery(
    `select xact_commit::bigint as c, xact_rollback::bigint as r from pg_stat_database where datname = '${db}'`,
  );
  return { commits: Number(r.rows[0]?.c ?? 0), rollbacks: Number(r.rows[0]?.r ?? 0) };
}

/** Jiffies of all CPUs from /proc/stat: busy (not idle or iowait) and total. */
function cpuTimes() {
  const f = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - (f[3] ?? 0) - (f[4] ?? 0), total };
}

// ---------- the figures ----------
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "foghorn-bench-replicas-"));
const configPath = path.join(tmp, "foghorn.config.yaml");
fs.writeFileSync(configPath, "alerts:\n  rateLimitPerMinute: 0\n");
const results = { throughput: [], recovery: [], options: { ...opt } };

async function throughputRun(n, round) {
  const db = `foghorn_bench_replicas_${n}_${round}`;
  await adminQuery(`drop database if exists ${db} with (force)`);
  await adminQuery(`create database ${db}`);
  let replicas = [];
  try {
    replicas = await startReplicas(n, `${opt.pg}/${db}`, configPath);
    const routingKey = await pagerDutyKey(replicas[0].url);
    const urls = replicas.map((r) => r.url);
    const base = { urls, routingKey, conns: opt.conns };
    await runLoad({ ...base, seconds: opt.warmup, prefix: `w${n}-${round}` });
    const cpu0 = cpuTimes();
    const x0 = await xacts(db);
    const p0 = replicas.map((r) => processCpuMs(r.child.pid));
    const res = await runLoad({ ...base, seconds: opt.seconds, prefix: `m${n}-${round}` });
    const p1 = replicas.map((r) => processCpuMs(r.child.pid));
    const x1 = await xacts(db);
    const cpu1 = cpuTimes();
    // The whole machine's busy share during the run (Foghorn, PostgreSQL, the load generator and anything
    // else: on a shared machine a round with much more than the others was disturbed).
    const busy = (cpu1.busy - cpu0.busy) / (cpu1.total - cpu0.total);
    const perEvent = (x) => (res.ok ? x / res.ok : Number.NaN);
    const row = {
      replicas: n,
      round,
      eps: res.ok / res.seconds,
      machine_busy: busy,
      load1: os.loadavg()[0],
      // Where it goes: PostgreSQL transactions (commits + rollbacks) per event, and the replicas' CPU per event.
      commits_per_event: perEvent(x1.commits - x0.commits),
      rollbacks_per_event: perEvent(x1.rollbacks - x0.rollbacks),
      replica_cpu_ms_per_event: perEvent(p1.reduce((a, b) => a + b, 0) - p0.reduce((a, b) => a + b, 0)),
      ...res,
    };
    results.throughput.push(row);
    log(
      `round ${round}: ${n} replica${n > 1 ? "s" : ""}: ${Math.round(row.eps)} events/s (${res.ok} × 202, ${res.non2xx} other, ${res.errors} errors; machine ${Math.round(100 * busy)} % busy, load ${row.load1.toFixed(1)}; per event: ${row.commits_per_event.toFixed(2)} commits, ${row.rollbacks_per_event.toFixed(2)} rollbacks, replicas ${row.replica_cpu_ms_per_event.toFixed(2)} CPU ms)`,
    );
  } finally {
    await stopReplicas(replicas);
    await adminQuery(`drop database if exists ${db} with (force)`).catch(() => {});
  }
}

async function recoveryRuns() {
  const cluster = await privateCluster();
  let replicas = [];
  try {
    const client = new pg.Client({ connectionString: cluster.url("postgres") });
    await client.connect();
    await client.query("create database foghorn");
    await client.end();
    replicas = await startReplicas(3, cluster.url("foghorn"), configPath);
    const routingKey = await pagerDutyKey(replicas[0].url);
    for (let round = 1; round <= opt.runs; round++) {
      // Senders: 6 concurrent, each posting a new trigger as soon as the last one was answered (20 ms pause
      // after a 503), spread over the replicas; every answer is recorded with its time.
      const answers = [];
      let sending = true;
      let n = 0;
      const sender = async (w) => {
        const url = `${replicas[w % replicas.length].url}/v2/enqueue`;
        while (sending) {
          const key = `rec-${round}-${w}-${n++}`;
          let status = 0;
          try {
            const res = await fetch(url, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({
                routing_key: routingKey,
                event_action: "trigger",
                dedup_key: key,
                payload: { summary: `Recovery probe ${key}`, source: "bench", severity: "error" },
              }),
              signal: AbortSignal.timeout(20_000),
            });
            status = res.status;
            await res.arrayBuffer();
          } catch {}
          answers.push({ status, at: performance.now(), wall: Date.now() });
          if (status !== 202) await sleep(20);
        }
      };
      const senders = Array.from({ length: 6 }, (_, w) => sender(w));
      await sleep(1000);
      await cluster.stop();
      const down = performance.now();
      await sleep(opt.down * 1000);
      const starting = performance.now();
      await cluster.start();
      // Back up = the time PostgreSQL logged "ready to accept connections" (wall clock, ms).
      const ready = cluster.readyTimes().at(-1) ?? Number.NaN;
      const deadline = performance.now() + 60_000;
      const firstAfter = () => answers.find((a) => a.status === 202 && a.at > starting);
      while (!firstAfter() && performance.now() < deadline) await sleep(5);
      const first = firstAfter();
      await sleep(500);
      sending = false;
      await Promise.all(senders);
      // Answered after the stop completed and before the start was asked for.
      const whileDown = answers.filter((a) => a.at > down && a.at < starting);
      const statuses = {};
      for (const a of whileDown) statuses[a.status] = (statuses[a.status] ?? 0) + 1;
      const row = {
        round,
        recovery_ms: first ? first.wall - ready : null,
        start_ms: ready - (Date.now() - (performance.now() - starting)),
        while_down: statuses,
      };
      results.recovery.push(row);
      log(
        `recovery round ${round}: first 202 ${row.recovery_ms === null ? "never (60 s)" : `${Math.round(row.recovery_ms)} ms`} after PostgreSQL logged "ready" (${Math.round(row.start_ms)} ms after pg_ctl start); answers while down: ${JSON.stringify(statuses)}`,
      );
      await sleep(1000);
    }
  } finally {
    await stopReplicas(replicas);
    await cluster.destroy();
  }
}

const onSignal = () => {
  for (const c of started) c.kill("SIGKILL");
  process.exit(130);
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

try {
  // Refresh the dist/ bundle once (bin/foghorn.mjs rebuilds it when a source is newer).
  await execFileAsync(process.execPath, [path.join(REPO, "bin", "foghorn.mjs"), "--version"], { cwd: REPO });
  log(
    `throughput: PagerDuty triggers (new dedup key each), ${opt.conns} connections, ${opt.seconds} s after ${opt.warmup} s warm-up, ${opt.runs} rounds of 1 and 3 replicas on ${opt.pg}`,
  );
  for (let round = 1; round <= opt.runs; round++)
    for (const n of round % 2 ? [1, 3] : [3, 1]) await throughputRun(n, round);
  if (opt.recovery) {
    log(`recovery: 3 replicas on a private PostgreSQL cluster, down ${opt.down} s, ${opt.runs} rounds`);
    await recoveryRuns();
  }
} finally {
  for (const c of started) c.kill("SIGKILL");
  fs.rmSync(tmp, { recursive: true, force: true });
}

const one = median(results.throughput.filter((r) => r.replicas === 1).map((r) => r.eps));
const three = median(results.throughput.filter((r) => r.replicas === 3).map((r) => r.eps));
const perRound = Array.from({ length: opt.runs }, (_, i) => {
  const a = results.throughput.find((r) => r.replicas === 1 && r.round === i + 1);
  const b = results.throughput.find((r) => r.replicas === 3 && r.round === i + 1);
  return a && b ? b.eps / a.eps : Number.NaN;
});
const recovery = median(results.recovery.map((r) => r.recovery_ms ?? Number.POSITIVE_INFINITY));
const med = (n, k) => median(results.throughput.filter((r) => r.replicas === n).map((r) => r[k]));
results.summary = {
  commits_per_event: { 1: med(1, "commits_per_event"), 3: med(3, "commits_per_event") },
  rollbacks_per_event: { 1: med(1, "rollbacks_per_event"), 3: med(3, "rollbacks_per_event") },
  replica_cpu_ms_per_event: { 1: med(1, "replica_cpu_ms_per_event"), 3: med(3, "replica_cpu_ms_per_event") },
  eps_1: one,
  eps_3: three,
  ratio: three / one,
  ratio_per_round: perRound,
  recovery_ms: opt.recovery ? recovery : null,
  machine: { cpus: os.cpus().length, load: os.loadavg() },
};
const f0 = (x) => (Number.isFinite(x) ? String(Math.round(x)) : "–");
console.log(`
| figure                                             | median (${opt.runs} rounds) | per round                                   | target | met |
| -------------------------------------------------- | ------------- | ------------------------------------------- | ------ | --- |
| ingest, 1 replica (events/s)                       | ${f0(one)} | ${results.throughput
  .filter((r) => r.replicas === 1)
  .map((r) => f0(r.eps))
  .join(", ")} | | |
| ingest, 3 replicas (events/s)                      | ${f0(three)} | ${results.throughput
  .filter((r) => r.replicas === 3)
  .map((r) => f0(r.eps))
  .join(", ")} | | |
| 3 replicas ÷ 1 replica                             | ${(three / one).toFixed(2)} | ${perRound.map((x) => x.toFixed(2)).join(", ")} | ≥ 0.8 | ${three / one >= 0.8 ? "yes" : "no"} |
| PostgreSQL commits / event, 1 → 3 replicas        | ${results.summary.commits_per_event[1].toFixed(2)} → ${results.summary.commits_per_event[3].toFixed(2)} | | | |
| PostgreSQL rollbacks / event, 1 → 3 replicas      | ${results.summary.rollbacks_per_event[1].toFixed(2)} → ${results.summary.rollbacks_per_event[3].toFixed(2)} | | | |
| replicas' CPU ms / event, 1 → 3 replicas           | ${results.summary.replica_cpu_ms_per_event[1].toFixed(2)} → ${results.summary.replica_cpu_ms_per_event[3].toFixed(2)} | | | |
${opt.recovery ? `| PostgreSQL back → first 202 (ms)                   | ${f0(recovery)} | ${results.recovery.map((r) => f0(r.recovery_ms ?? Number.NaN)).join(", ")} | < 2000 | ${recovery < 2000 ? "yes" : "no"} |` : ""}`);
if (opt.out) fs.writeFileSync(opt.out, JSON.stringify(results, null, 2));
