-- wrk script for bench/collector-load.sh: every request one new honest attempt (one per
-- request, as phones send them), about 10 % resends of an attempt already sent (duplicates).
-- The body is the template of `cargo run -p kepu-collector --example sample-attempt` with
-- @ID@, @PERSON@ and @REGION@ filled in; each person plays two attempts, in one county.
-- Environment: KEPU_BODY (the template file), KEPU_RUN (a prefix that makes ids unique per run).

local regions = { "410102", "410105", "410302", "410502", "411702", "440106", "440103", "440304", "110101", "310115" }
local threads = {}
local next_thread = 0

function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
  table.insert(threads, thread)
end

-- Per-thread globals (wrk reads them from each thread in done()).
template, prefix, counter = nil, nil, 0

function init(args)
  local f = assert(io.open(os.getenv("KEPU_BODY"), "r"))
  template = f:read("*a"):gsub("%s+$", "")
  f:close()
  prefix = (os.getenv("KEPU_RUN") or "run") .. "-" .. tid
  counter = 0
  accepted, duplicate, rejected, other, resent = 0, 0, 0, 0, 0
  math.randomseed(os.time() + tid)
end

function request()
  local n
  if counter > 100 and math.random() < 0.1 then
    n = math.random(0, counter - 1)
    resent = resent + 1
  else
    n = counter
    counter = counter + 1
  end
  local person = math.floor(n / 2)
  local body = template:gsub("@ID@", prefix .. "-" .. n)
    :gsub("@PERSON@", "b" .. prefix .. "p" .. person)
    :gsub("@REGION@", regions[(person % #regions) + 1])
  return wrk.format("POST", "/v1/attempts", { ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  if status ~= 200 then
    other = other + 1
  elseif body:find('"accepted"', 1, true) then
    accepted = accepted + 1
  elseif body:find('"duplicate"', 1, true) then
    duplicate = duplicate + 1
  else
    rejected = rejected + 1
  end
end

function done(summary, latency, requests)
  local a, d, r, o, s, u = 0, 0, 0, 0, 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("accepted")
    d = d + t:get("duplicate")
    r = r + t:get("rejected")
    o = o + t:get("other")
    s = s + t:get("resent")
    u = u + t:get("counter")
  end
  local seconds = summary.duration / 1e6
  io.write(string.format("requests %d in %.1f s: %.0f/s; accepted %d (%.0f attempts/s), duplicate %d, rejected %d, non-200 %d; socket errors %d\n",
    summary.requests, seconds, summary.requests / seconds, a, a / seconds, d, r, o,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  io.write(string.format("latency ms: p50 %.2f, p90 %.2f, p99 %.2f, max %.2f\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("distinct attempt ids sent %d, resends %d\n", u, s))
  io.write(string.format("RESULT accepted=%d duplicate=%d rejected=%d other=%d distinct=%d\n", a, d, r, o, u))
end
