// Diagnostics preload for bench/run.mjs (never loaded by the measured servers):
//   node --import ./bench/instrument.mjs bin/foghorn.mjs serve
// Counts the SQL statements the server sends (PGlite: query/exec calls, plus BEGIN+COMMIT per
// transaction; pg: Client#query calls, which include drizzle's begin/commit) and, on every SIGUSR2,
// appends a snapshot {n, at, counts} to $FOGHORN_BENCH_INSTRUMENT_OUT (jsonl). With
// FOGHORN_BENCH_PROFILE_DIR set, odd SIGUSR2s start the V8 CPU profiler and even ones stop it and
// write <dir>/<n>.cpuprofile, so a profile covers exactly one load window (no start-up, no idle).
// With FOGHORN_BENCH_SQL_TIMES=<file> (PGlite), odd SIGUSR2s start timing every statement sent through
// PGlite's execProtocol and even ones write a table to <file>: total ms, calls and µs per call for each
// statement text (prepared statements are named by the text they were prepared from), slowest first.
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";

const counts = { pglite_query: 0, pglite_exec: 0, pglite_tx: 0, pglite_tx_query: 0, pg_query: 0 };

const pq = PGlite.prototype.query;
PGlite.prototype.query = function (...a) {
  counts.pglite_query++;
  return pq.apply(this, a);
};
const pe = PGlite.prototype.exec;
PGlite.prototype.exec = function (...a) {
  counts.pglite_exec++;
  return pe.apply(this, a);
};
const pt = PGlite.prototype.transaction;
PGlite.prototype.transaction = function (cb) {
  counts.pglite_tx++;
  return pt.call(this, (tx) => {
    for (const m of ["query", "exec"]) {
      const orig = tx[m];
      if (typeof orig === "function")
        tx[m] = (...a) => {
          counts.pglite_tx_query++;
          return orig.apply(tx, a);
        };
    }
    return cb(tx);
  });
};
const cq = pg.Client.prototype.query;
pg.Client.prototype.query = function (...a) {
  counts.pg_query++;
  return cq.apply(this, a);
};

const sqlTimesFile = process.env.FOGHORN_BENCH_SQL_TIMES;
const sqlTimes = new Map();
let timingSql = false;
let timingSince = 0;
if (sqlTimesFile) {
  const decoder = new TextDecoder();
  const names = new Map(); // prepared statement name → its text
  const cString = (bytes, at) => {
    let end = at;
    while (bytes[end] !== 0) end++;
    return [decoder.decode(bytes.subarray(at, end)), end + 1];
  };
  // The frontend messages of one call (Parse, Bind, Describe, Execute, Sync…): their letters and the SQL text.
  const describeMessages = (bytes) => {
    let at = 0;
    let letters = "";
    let text = "";
    while (at + 5 <= bytes.length) {
      const type = String.fromCharCode(bytes[at]);
      const length =
        ((bytes[at + 1] << 24) | (bytes[at + 2] << 16) | (bytes[at + 3] << 8) | bytes[at + 4]) >>> 0;
      letters += type;
      if (type === "P") {
        const [name, next] = cString(bytes, at + 5);
        [text] = cString(bytes, next);
        if (name) names.set(name, text);
      } else if (type === "B") {
        const [, next] = cString(bytes, at + 5);
        const [statement] = cString(bytes, next);
        if (statement) text = names.get(statement) ?? statement;
      } else if (type === "Q") [text] = cString(bytes, at + 5);
      at += 1 + length;
    }
    return `${letters} ${text.replace(/\s+/g, " ").trim().slice(0, 120)}`;
  };
  const execProtocol = PGlite.prototype.execProtocol;
  PGlite.prototype.execProtocol = async function (message, options) {
    // Parse messages are read even while not timing: a statement prepared before the window is named by its text.
    if (!timingSql) {
      if (message[0] === 80) describeMessages(message);
      return execProtocol.call(this, message, options);
    }
    const started = performance.now();
    try {
      return await execProtocol.call(this, message, options);
    } finally {
      const ms = performance.now() - started;
      const key = describeMessages(message);
      const entry = sqlTimes.get(key) ?? { calls: 0, ms: 0 };
      entry.calls++;
      entry.ms += ms;
      sqlTimes.set(key, entry);
    }
  };
}

function writeSqlTimes() {
  const rows = [...sqlTimes].sort((a, b) => b[1].ms - a[1].ms);
  const total = rows.reduce((sum, [, e]) => sum + e.ms, 0);
  const lines = [
    `window ${(performance.now() - timingSince).toFixed(0)} ms, in statements ${total.toFixed(0)} ms`,
  ];
  lines.push("     ms  calls  µs/call  statement");
  for (const [key, e] of rows)
    lines.push(
      `${e.ms.toFixed(0).padStart(7)} ${String(e.calls).padStart(6)} ${((1000 * e.ms) / e.calls).toFixed(0).padStart(8)}  ${key}`,
    );
  writeFileSync(sqlTimesFile, `${lines.join("\n")}\n`);
}

const out = process.env.FOGHORN_BENCH_INSTRUMENT_OUT;
const profDir = process.env.FOGHORN_BENCH_PROFILE_DIR;
let session;
let n = 0;
process.on("SIGUSR2", () => {
  n++;
  const snap = { n, at: Date.now(), counts: { ...counts } };
  if (out) appendFileSync(out, `${JSON.stringify(snap)}\n`);
  if (sqlTimesFile) {
    timingSql = n % 2 === 1;
    if (timingSql) {
      sqlTimes.clear();
      timingSince = performance.now();
    } else writeSqlTimes();
  }
  if (!profDir) return;
  if (n % 2 === 1) {
    session ??= new Session();
    try {
      session.connect();
    } catch {}
    session.post("Profiler.enable", () =>
      session.post("Profiler.setSamplingInterval", { interval: 500 }, () => session.post("Profiler.start")),
    );
  } else {
    session.post("Profiler.stop", (err, res) => {
      if (!err) {
        mkdirSync(profDir, { recursive: true });
        writeFileSync(join(profDir, `${n}.cpuprofile`), JSON.stringify(res.profile));
      }
      if (out)
        appendFileSync(out, `${JSON.stringify({ n, profile: err ? String(err) : `${n}.cpuprofile` })}\n`);
    });
  }
});
