#!/usr/bin/env node
// Where does the server's main thread spend its time? Reads a V8 .cpuprofile (from
// bench/instrument.mjs or `node --cpu-prof`) and buckets self time by component.
//   node bench/profile-summary.mjs FILE.cpuprofile [--requests N] [--top 15]
import fs from "node:fs";
import { SourceMap } from "node:module";
import { fileURLToPath } from "node:url";

// bin/foghorn.mjs may run an esbuild bundle (dist/foghorn.mjs); profiles name the bundle, so frames
// in it are mapped back to their src/ file through the bundle's source map when there is one.
const maps = new Map();
function sourceMapFor(url) {
  if (!maps.has(url)) {
    let sm = null;
    try {
      const file = url.startsWith("file://") ? fileURLToPath(url) : url;
      if (fs.existsSync(`${file}.map`))
        sm = new SourceMap(JSON.parse(fs.readFileSync(`${file}.map`, "utf8")));
    } catch {
      sm = null;
    }
    maps.set(url, sm);
  }
  return maps.get(url);
}
function originalFrame(frame) {
  const { url, lineNumber, columnNumber } = frame;
  if (!url || url.includes("/node_modules/") || !/\/dist\/[^/]+\.m?js$/.test(url))
    return { url, line: lineNumber + 1 };
  const entry = sourceMapFor(url)?.findEntry(lineNumber, columnNumber);
  return entry?.originalSource
    ? { url: entry.originalSource, line: entry.originalLine + 1 }
    : { url, line: lineNumber + 1 };
}

const BUCKETS = [
  ["PGlite (WASM + JS)", (u) => u.startsWith("wasm://") || u.includes("@electric-sql/pglite")],
  ["pg driver", (u) => /\/node_modules\/(pg|pg-protocol|pg-pool|pg-types|postgres-[a-z]+|pgpass)\//.test(u)],
  ["drizzle-orm", (u) => u.includes("/node_modules/drizzle-orm/")],
  [
    "fastify (+find-my-way, avvio…)",
    (u) =>
      /\/node_modules\/(fastify|@fastify\/[^/]+|find-my-way|avvio|light-my-request|fast-json-stringify|fast-querystring|secure-json-parse|toad-cache|process-warning|abstract-logging)\//.test(
        u,
      ),
  ],
  ["zod", (u) => u.includes("/node_modules/zod/")],
  [
    "pino (logging)",
    (u) =>
      /\/node_modules\/(pino|pino-std-serializers|sonic-boom|thread-stream|fast-redact|quick-format-unescaped|atomic-sleep|on-exit-leak-free)\//.test(
        u,
      ),
  ],
  ["prom-client (metrics)", (u) => /\/node_modules\/(prom-client|tdigest|bintrees)\//.test(u)],
  ["tsx loader", (u) => u.includes("/node_modules/tsx/") || u.includes("/node_modules/esbuild/")],
  ["other node_modules", (u) => u.includes("/node_modules/")],
  ["foghorn src/http", (u) => u.includes("/src/http/")],
  ["foghorn src/app", (u) => u.includes("/src/app/")],
  ["foghorn src/domain", (u) => u.includes("/src/domain/")],
  ["foghorn src/store", (u) => u.includes("/src/store/")],
  ["foghorn other src", (u) => u.includes("/src/")],
  ["node core (http, net, streams…)", (u) => u.startsWith("node:")],
];
const FS_OPS = new Set([
  "read",
  "write",
  "writeString",
  "writeBuffer",
  "writeBuffers",
  "open",
  "close",
  "fsync",
  "fdatasync",
  "fstat",
  "lstat",
  "stat",
  "readdir",
  "mkdir",
  "rename",
  "unlink",
  "ftruncate",
  "utimes",
  "futimes",
]);
// Inclusive time of these functions (summed, not double counted under recursion).
const INCLUSIVE = [
  "authenticate",
  "bearerAuth",
  "declareIncident",
  "listIncidents",
  "listIncidentPage",
  "parseInput",
  "incidentView",
  "hashTimelineEvent",
  "chainEvents",
  "execute",
  "transaction",
  "serialize",
  "stringify",
  // alert ingestion (webhook → inbox) and the processor (inbox → alerts, incidents)
  "parseAlertmanagerWebhook",
  "unstorableStrings",
  "enqueueInbox",
  "insertInboxRows",
  "processInbox",
  "claimInboxRows",
  "applyRows",
  "findOpenAlerts",
  "applyAlertEvent",
  "openAlert",
  "findOpenIncidentForKey",
  "insertDeclaredIncidents",
  "insertAlert",
  "onIncident",
  "lockIncidentById",
  "applyChange",
  "updateAlerts",
  "upsertMembers",
  "insertAlertLog",
  "touchIntegrations",
  "deleteInboxRows",
];

export function summarizeProfile(file, { requests, top = 15 } = {}) {
  const prof = JSON.parse(fs.readFileSync(file, "utf8"));
  const nodes = new Map(prof.nodes.map((n) => [n.id, n]));
  // self time per node from samples + timeDeltas (more exact than hitCount x interval)
  const self = new Map();
  const deltas = prof.timeDeltas ?? [];
  for (let i = 0; i < prof.samples.length; i++) {
    const dt = deltas[i + 1] ?? deltas[i] ?? 0;
    self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + dt);
  }
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const totalUs = prof.endTime - prof.startTime;
  const buckets = new Map();
  const fns = new Map();
  let idleUs = 0;
  for (const [id, us] of self) {
    const n = nodes.get(id);
    const fn = n.callFrame.functionName;
    const { url, line } = originalFrame(n.callFrame);
    let bucket;
    if (fn === "(idle)") {
      idleUs += us;
      continue;
    }
    if (fn === "(garbage collector)") bucket = "GC";
    else if (fn === "(program)") bucket = "(program: native, not attributed)";
    else if (!url && FS_OPS.has(fn)) bucket = "fs syscalls (sync read/write…: PGlite's NODEFS)";
    else if (!url) bucket = "native builtins (JSON, crypto, …)";
    else bucket = BUCKETS.find(([, test]) => test(url))?.[0] ?? "other";
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + us);
    const key = `${fn || "(anonymous)"} ${url ? url.replace(/^.*\/(node_modules|src)\//, "$1/").replace(/^file:\/\//, "") : ""}:${line}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
  }
  const busyUs = [...buckets.values()].reduce((a, b) => a + b, 0);
  // inclusive times
  const incl = new Map();
  for (const [id, us] of self) {
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const name = nodes.get(cur).callFrame.functionName;
      if (INCLUSIVE.includes(name) && !seen.has(name)) {
        seen.add(name);
        incl.set(name, (incl.get(name) ?? 0) + us);
      }
    }
  }
  const per = (us) => (requests ? +((us / 1000 / requests) * 1000).toFixed(1) : null); // µs per request
  return {
    file,
    wall_ms: Math.round(totalUs / 1000),
    busy_ms: Math.round(busyUs / 1000),
    idle_pct: Math.round((100 * idleUs) / totalUs),
    requests: requests ?? null,
    buckets: [...buckets]
      .sort((a, b) => b[1] - a[1])
      .map(([name, us]) => ({
        name,
        ms: Math.round(us / 1000),
        pct_of_busy: +((100 * us) / busyUs).toFixed(1),
        us_per_req: per(us),
      })),
    top_self: [...fns]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({
        name,
        ms: Math.round(us / 1000),
        pct_of_busy: +((100 * us) / busyUs).toFixed(1),
      })),
    inclusive: [...incl]
      .sort((a, b) => b[1] - a[1])
      .map(([name, us]) => ({
        name,
        ms: Math.round(us / 1000),
        pct_of_busy: +((100 * us) / busyUs).toFixed(1),
        us_per_req: per(us),
      })),
  };
}

export function profileMarkdown(s, title) {
  const out = [
    `#### ${title}`,
    "",
    `Profile window ${s.wall_ms} ms, main thread busy ${s.busy_ms} ms (idle ${s.idle_pct} %)` +
      (s.requests
        ? `, ${s.requests} requests → ${((s.busy_ms * 1000) / s.requests).toFixed(0)} µs main-thread CPU per request`
        : "") +
      ".",
    "",
    "| component (self time) | ms | % of busy | µs / request |",
    "|---|---:|---:|---:|",
  ];
  for (const b of s.buckets) out.push(`| ${b.name} | ${b.ms} | ${b.pct_of_busy} | ${b.us_per_req ?? ""} |`);
  out.push("", "| function (inclusive) | ms | % of busy | µs / request |", "|---|---:|---:|---:|");
  for (const b of s.inclusive) out.push(`| ${b.name} | ${b.ms} | ${b.pct_of_busy} | ${b.us_per_req ?? ""} |`);
  out.push("", "| top self time | ms | % of busy |", "|---|---:|---:|");
  for (const b of s.top_self) out.push(`| \`${b.name}\` | ${b.ms} | ${b.pct_of_busy} |`);
  return out.join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  const arg = (n) => {
    const i = process.argv.indexOf(`--${n}`);
    return i > 0 ? Number(process.argv[i + 1]) : undefined;
  };
  if (!file) {
    console.error("usage: profile-summary.mjs FILE.cpuprofile [--requests N] [--top 15]");
    process.exit(2);
  }
  console.log(
    profileMarkdown(summarizeProfile(file, { requests: arg("requests"), top: arg("top") ?? 15 }), file),
  );
}
