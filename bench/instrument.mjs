// Diagnostics preload for bench/run.mjs (never loaded by the measured servers):
//   node --import ./bench/instrument.mjs bin/foghorn.mjs serve
// Counts the SQL statements the server sends (PGlite: query/exec calls, plus BEGIN+COMMIT per
// transaction; pg: Client#query calls, which include drizzle's begin/commit) and, on every SIGUSR2,
// appends a snapshot {n, at, counts} to $FOGHORN_BENCH_INSTRUMENT_OUT (jsonl). With
// FOGHORN_BENCH_PROFILE_DIR set, odd SIGUSR2s start the V8 CPU profiler and even ones stop it and
// write <dir>/<n>.cpuprofile, so a profile covers exactly one load window (no start-up, no idle).
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

const out = process.env.FOGHORN_BENCH_INSTRUMENT_OUT;
const profDir = process.env.FOGHORN_BENCH_PROFILE_DIR;
let session;
let n = 0;
process.on("SIGUSR2", () => {
  n++;
  const snap = { n, at: Date.now(), counts: { ...counts } };
  if (out) appendFileSync(out, `${JSON.stringify(snap)}\n`);
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
