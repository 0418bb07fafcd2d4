-- wrk script of bench/views.sh: each request is the next line of the targets file given
-- after "--" ("cookie<TAB>path"; threads start at different lines), and done() prints
-- "RESULT req/s p50 p95 p99 max errors" (ms; errors: connect, read, write, timeouts and
-- statuses of 400 or more) on one line.
local targets = {}
local i = 0

function init(args)
  for line in io.lines(args[1]) do
    local cookie, path = line:match("^([^\t]*)\t(.*)$")
    targets[#targets + 1] = {cookie = cookie, path = path}
  end
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16))
  i = math.random(#targets)
end

function request()
  i = i % #targets + 1
  local t = targets[i]
  local h = {}
  if t.cookie ~= "" then h["Cookie"] = t.cookie end
  return wrk.format("GET", t.path, h)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %.1f %.2f %.2f %.2f %.2f %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.timeout + e.status))
end
