-- wrk script: POST the same webhook on every request, then write one result line for run.sh.
--   BENCH_BODY   file with the request body (bench/payloads/kili-onsubmit-2k.json)
--   BENCH_AUTH   value of the Authorization header (scenario C's Kili secret; unset: no header)
--   BENCH_OUT    file the result line is appended to (tab-separated, see done() below)
--   BENCH_LABEL  scenario label written in that line
-- The request is built once (wrk.format in init would be the same): no Lua runs per request, so wrk
-- spends its core on sockets, not on the script.
local body_file = assert(os.getenv("BENCH_BODY"), "BENCH_BODY is not set")
local f = assert(io.open(body_file, "rb"))
wrk.body = f:read("*a")
f:close()
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local auth = os.getenv("BENCH_AUTH")
if auth and auth ~= "" then
  wrk.headers["Authorization"] = auth
end

function done(summary, latency, requests)
  local out = os.getenv("BENCH_OUT")
  if not out or out == "" then
    return
  end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  local line = table.concat({
    os.getenv("BENCH_LABEL") or "?",
    summary.requests,
    string.format("%.3f", seconds),
    string.format("%.1f", summary.requests / seconds),
    latency:percentile(50.0),
    latency:percentile(90.0),
    latency:percentile(99.0),
    latency:percentile(99.9),
    latency.max,
    string.format("%.1f", latency.mean),
    e.connect + e.read + e.write + e.timeout,
    e.status,
  }, "\t")
  local o = assert(io.open(out, "a"))
  o:write(line .. "\n")
  o:close()
end
