#!/usr/bin/env node
// `npm run bench -- --only paging` (or `node bench/paging.mjs`): issue 5's two figures, on PGlite and
// PostgreSQL, medians of 3 runs.
//  1. Alert received → first page delivered: PagerDuty Events v2 alerts at 100/s, each opening a SEV1
//     incident whose policy pages a person by webhook; latency = webhook received − alert sent, measured
//     in this process for every alert. Reference in the same run: a plain Node relay that POSTs each
//     received alert straight to the same receiver (the floor of "HTTP in → HTTP out" on this machine).
//  2. Escalation timer accuracy: 10,000 SEV1 incidents whose level 1 waits 1 minute; lateness of each
//     level-2 escalation = its timeline time − (level-1 page time + 60 s), read from the database after.
import { spawn } from "node:child_process";
import fs from "node:fs";
import { createServer } from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(BENCH, "..");
const TOKEN = "fh_bench-paging-token-0123456789abcdefghijkl";

const HELP = `node bench/paging.mjs [options]
  --engine E        pglite | postgres | both (default both)
  --runs N          runs per figure; medians are reported (default 3)
  --rate N          alerts per second for the latency figure (default 100)
  --seconds S       seconds of alerts per latency run (default 20)
  --timers N        incidents (pending escalation timers) for the accuracy figure (default 10000; 0 skips it)
  --pg URL          PostgreSQL server (default postgres://postgres@127.0.0.1:5432)
  --out FILE        also write the results as JSON to FILE`;

function parseArgs(argv) {
  const o = {
    engines: ["pglite", "postgres"],
    runs: 3,
    rate: 100,
    seconds: 20,
    timers: 10_000,
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
    else if (a === "--rate") o.rate = Number(val());
    else if (a === "--seconds") o.seconds = Number(val());
    else if (a === "--timers") o.timers = Number(val());
    else if (a === "--pg") o.pg = val();
    else if (a === "--out") o.out = val();
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
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : Number.NaN;
};
const r1 = (x) => Math.round(x * 10) / 10;

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// ---------- a webhook receiver that timestamps every page by its summaries ----------
async function startReceiver() {
  const seen = new Map(); // marker → performance.now() of the first message carrying it
  let onMessage = () => {};
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const at = performance.now();
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        const texts = body.items ? body.items.map((i) => i.summary) : [body.marker];
        for (const t of texts) {
          const m = /bench-\d+-\d+/.exec(String(t));
          if (m && !seen.has(m[0])) seen.set(m[0], at);
        }
      } catch {}
      res.writeHead(200).end("ok");
      onMessage();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${server.address().port}/hook`,
    seen,
    set onMessage(fn) {
      onMessage = fn;
    },
    close: () => new Promise((r) => server.close(r)),
  };
}

// ---------- the reference: a plain Node relay (POST in → POST out) ----------
async function startRelay(target) {
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      res.writeHead(202, { "content-type": "application/json" }).end('{"status":"success"}');
      await fetch(target, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ marker: body.payload.summary }),
      }).catch(() => {});
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((r) => server.close(r)),
  };
}

// ---------- Foghorn ----------
async function resetPg(name) {
  const admin = new pg.Client({ connectionString: `${opt.pg}/postgres` });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  await admin.end();
  return `${opt.pg}/${name}`;
}

async function startFoghorn(engine, tag) {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `fh-paging-${tag}-`));
  const config = path.join(dir, "foghorn.config.yaml");
  fs.writeFileSync(
    config,
    // The webhook receiver is on loopback, which the SSRF guard refuses unless named.
    "oncall:\n  throttleSeconds: 0\n  handoffNoticeMinutes: 0\nalerts:\n  rateLimitPerMinute: 0\n" +
      "security:\n  outboundAllow: [127.0.0.1]\n",
  );
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(port),
    FOGHORN_CONFIG: config,
    FOGHORN_BOOTSTRAP_TOKEN: TOKEN,
    FOGHORN_LOG_LEVEL: "warn",
    ...(engine === "postgres"
      ? { DATABASE_URL: await resetPg("foghorn_bench_paging") }
      : { FOGHORN_DATA_DIR: path.join(dir, "data") }),
  };
  const child = spawn(process.execPath, [path.join(REPO, "bin", "foghorn.mjs"), "serve"], {
    cwd: dir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (c) => (out += c));
  child.stderr.on("data", (c) => (out += c));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`foghorn exited:\n${out}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {}
    if (i > 600) throw new Error(`foghorn did not start:\n${out}`);
    await sleep(100);
  }
  return {
    url,
    dir,
    engine,
    databaseUrl: env.DATABASE_URL,
    async stop() {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, sleep(20_000).then(() => child.kill("SIGKILL"))]);
    },
  };
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

/** A person (with a webhook contact method unless `hook` is null), a policy, a service, a PD integration. */
async function setup(fh, { name, hook, delay, secondLevelDelay }) {
  await api(fh, "POST", "/api/v1/users", { username: name });
  if (hook)
    await api(fh, "POST", `/api/v1/users/${name}/contact-methods`, { kind: "webhook", address: hook });
  await api(fh, "POST", "/api/v1/escalation-policies", {
    name,
    levels: [
      { delay_minutes: delay, targets: [{ type: "user", name }] },
      ...(secondLevelDelay ? [{ delay_minutes: secondLevelDelay, targets: [{ type: "user", name }] }] : []),
    ],
  });
  await api(fh, "POST", "/api/v1/services", { name });
  await api(fh, "PATCH", `/api/v1/services/${name}`, { escalation_policy: name });
  const integration = await api(fh, "POST", `/api/v1/services/${name}/integrations`, { kind: "pagerduty" });
  return integration.routing_key;
}

/** Sends `rate` alerts/s for `seconds`; returns per-alert latency (ms) to the receiver, and the loss. */
async function latencyRun(targetUrl, routingKey, receiver, run) {
  receiver.seen.clear(); // markers repeat across engines
  const sent = new Map();
  const total = opt.rate * opt.seconds;
  const started = performance.now();
  const inflight = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / opt.rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const marker = `bench-${run}-${i}`;
    sent.set(marker, performance.now());
    inflight.push(
      fetch(`${targetUrl}/v2/enqueue`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          routing_key: routingKey,
          event_action: "trigger",
          dedup_key: marker,
          payload: { summary: `${marker} checkout latency high`, source: "bench", severity: "critical" },
        }),
      }).then((r) => r.arrayBuffer()),
    );
  }
  await Promise.all(inflight);
  const deadline = performance.now() + 30_000;
  while (performance.now() < deadline && [...sent.keys()].some((m) => !receiver.seen.has(m))) await sleep(50);
  const lat = [];
  let lost = 0;
  for (const [m, t] of sent) {
    const at = receiver.seen.get(m);
    if (at === undefined) lost++;
    else lat.push(at - t);
  }
  return { p50: pct(lat, 50), p99: pct(lat, 99), max: Math.max(...lat), count: lat.length, lost };
}

// ---------- timer accuracy ----------
async function declareMany(fh, service, n) {
  let next = 0;
  const lanes = Array.from({ length: 32 }, async () => {
    while (next < n) {
      const i = next++;
      await api(fh, "POST", "/api/v1/incidents", {
        title: `timer ${i}`,
        severity: "SEV1",
        affected_services: [service],
      });
    }
  });
  await Promise.all(lanes);
}

const LATENESS_SQL = `
  select extract(epoch from (x.at - (s.at + interval '60 seconds'))) * 1000 as late_ms
  from timeline_events s
  join timeline_events x on x.incident_id = s.incident_id and x.kind = 'escalation.escalated'
  where s.kind = 'escalation.started'`;

async function lateness(fh) {
  if (fh.engine === "postgres") {
    const c = new pg.Client({ connectionString: fh.databaseUrl });
    await c.connect();
    const { rows } = await c.query(LATENESS_SQL);
    await c.end();
    return rows.map((r) => Number(r.late_ms));
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const db = new PGlite(path.join(fh.dir, "data", "pglite"));
  const { rows } = await db.query(LATENESS_SQL);
  await db.close();
  return rows.map((r) => Number(r.late_ms));
}

async function timerRun(engine, run) {
  const fh = await startFoghorn(engine, `timers-${run}`);
  try {
    await setup(fh, { name: "timers", hook: null, delay: 1, secondLevelDelay: 60 });
    const t0 = performance.now();
    await declareMany(fh, "timers", opt.timers);
    const declareS = (performance.now() - t0) / 1000;
    // The last timers fall due 60 s after their incident's first page; then give the engine 20 s more.
    const wanted = opt.timers;
    await sleep(Math.max(0, t0 + declareS * 1000 + 80_000 - performance.now()));
    const engineState = await api(fh, "GET", "/api/v1/engine");
    await fh.stop();
    const late = await lateness(fh);
    const fired = late.length;
    return {
      lagAtEnd: engineState.lag_seconds,
      declareSeconds: r1(declareS),
      fired,
      wanted,
      p50: r1(pct(late, 50)),
      p99: r1(pct(late, 99)),
      max: r1(Math.max(...late)),
      within1s: late.filter((x) => x <= 1000).length,
    };
  } finally {
    await fh.stop().catch(() => {});
    fs.rmSync(fh.dir, { recursive: true, force: true });
  }
}

// ---------- main ----------
const results = {
  when: new Date().toISOString(),
  host: os.hostname(),
  cpus: os.cpus().length,
  options: opt,
  latency: {},
  timers: {},
};
const receiver = await startReceiver();
for (const engine of opt.engines) {
  const runs = [];
  for (let run = 1; run <= opt.runs; run++) {
    const fh = await startFoghorn(engine, `latency-${run}`);
    try {
      const key = await setup(fh, { name: "checkout", hook: receiver.url, delay: 60 });
      await latencyRun(fh.url, key, receiver, 1000 + run); // warm-up of the same size
      const foghorn = await latencyRun(fh.url, key, receiver, run);
      const relay = await startRelay(receiver.url);
      const reference = await latencyRun(relay.url, "unused", receiver, 2000 + run);
      await relay.close();
      runs.push({ foghorn, reference });
      console.log(
        `${engine} run ${run}: alert → page p50 ${r1(foghorn.p50)} ms, p99 ${r1(foghorn.p99)} ms (${foghorn.count} pages, ${foghorn.lost} missing); relay reference p50 ${r1(reference.p50)} ms, p99 ${r1(reference.p99)} ms`,
      );
    } finally {
      await fh.stop();
      fs.rmSync(fh.dir, { recursive: true, force: true });
    }
  }
  results.latency[engine] = {
    runs,
    p50: r1(median(runs.map((r) => r.foghorn.p50))),
    p99: r1(median(runs.map((r) => r.foghorn.p99))),
    referenceP50: r1(median(runs.map((r) => r.reference.p50))),
    referenceP99: r1(median(runs.map((r) => r.reference.p99))),
    lost: runs.reduce((n, r) => n + r.foghorn.lost, 0),
  };
  const timerRuns = [];
  for (let run = 1; run <= (opt.timers > 0 ? opt.runs : 0); run++) {
    const t = await timerRun(engine, run);
    timerRuns.push(t);
    console.log(
      `${engine} timers run ${run}: ${t.fired}/${t.wanted} fired (declared in ${t.declareSeconds} s); lateness p50 ${t.p50} ms, p99 ${t.p99} ms, max ${t.max} ms; ${t.within1s} within 1 s`,
    );
  }
  results.timers[engine] = {
    runs: timerRuns,
    p50: r1(median(timerRuns.map((t) => t.p50))),
    p99: r1(median(timerRuns.map((t) => t.p99))),
    max: r1(median(timerRuns.map((t) => t.max))),
  };
}
await receiver.close();

console.log("\n## Paging results (medians of %d runs)\n", opt.runs);
console.log(
  "| engine | alert → page p50 | p99 | relay reference p50 / p99 | p50 ratio | timers | lateness p50 | p99 | max |",
);
console.log("|---|---|---|---|---|---|---|---|---|");
for (const engine of opt.engines) {
  const l = results.latency[engine];
  const t = results.timers[engine];
  console.log(
    `| ${engine} | ${l.p50} ms | ${l.p99} ms | ${l.referenceP50} / ${l.referenceP99} ms | ${r1(l.p50 / l.referenceP50)}× | ${opt.timers} | ${t.p50} ms | ${t.p99} ms | ${t.max} ms |`,
  );
}
if (opt.out) fs.writeFileSync(opt.out, JSON.stringify(results, null, 2));
