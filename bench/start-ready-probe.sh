#!/usr/bin/env bash
# Vendored from ../shared/bench-kit/scripts/start-ready-probe.sh with ONE change: the poll uses
# `curl -sf`, so "ready" means the first 2xx answer (Foghorn's /readyz answers 503 until storage
# answers), not the first answer of any status. Everything else is the kit's script.
#
# One cold start of a server: spawn COMMAND, poll http://127.0.0.1:PORT/PATH every 10 ms until
# it answers 2xx, record the time-to-ready in ms to READY_FILE, then stop the server (TERM, by
# PID) and wait for it. Used by bench/run.mjs under hyperfine.
#   bench/start-ready-probe.sh 'COMMAND' PORT PATH READY_FILE [TIMEOUT_S]
set -uo pipefail
cmd="$1" port="$2" path="$3" ready_file="$4" timeout="${5:-30}"
t0=$(date +%s%N)
bash -c "exec $cmd" >/dev/null 2>&1 &
pid=$!
ok=0
end=$((t0 + timeout * 1000000000))
while (($(date +%s%N) < end)); do
  if curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$port$path"; then ok=1; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.01
done
t1=$(date +%s%N)
kill -TERM "$pid" 2>/dev/null
for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
((ok)) || { echo "not ready within ${timeout}s: $cmd" >&2; exit 1; }
echo $(((t1 - t0) / 1000000)) >> "$ready_file"
