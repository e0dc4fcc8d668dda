-- Vendored from ../shared/bench-kit/lua/report.lua with ONE change: "p95" is added to lat_us
-- (the issue asks for p95; wrk's latency:percentile(95) gives it from the same histogram).
-- bench/run.mjs points wrk-run.sh's WRK_LUA_DIR here, so the kit's post-body.lua and
-- get-headers.lua (used unchanged, by path) load this reporter instead of the kit's.
-- Shared wrk reporter: on done(), write one JSON object with throughput, latency percentiles
-- (microseconds) and error counts to the file named by $WRK_JSON (if set).
function done(summary, latency, requests)
  local path = os.getenv("WRK_JSON")
  local secs = summary.duration / 1e6
  local e = summary.errors
  local non2xx = e.status
  local function p(q) return latency:percentile(q) end
  local json = string.format(
    '{"requests":%d,"duration_s":%.3f,"rps":%.1f,"bytes":%d,"mb_per_s":%.2f,' ..
    '"lat_us":{"mean":%.0f,"stdev":%.0f,"min":%d,"p50":%d,"p75":%d,"p90":%d,"p95":%d,"p99":%d,"p999":%d,"max":%d},' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}',
    summary.requests, secs, summary.requests / secs, summary.bytes, summary.bytes / secs / 1048576,
    latency.mean, latency.stdev, latency.min, p(50), p(75), p(90), p(95), p(99), p(99.9), latency.max,
    e.connect, e.read, e.write, non2xx, e.timeout)
  if path and path ~= "" then
    local f = assert(io.open(path, "w"))
    f:write(json, "\n")
    f:close()
  end
  io.write("JSON ", json, "\n")
end
