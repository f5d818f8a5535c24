-- wrk script: each request is a real lookup POST (form + antiforgery token + a fresh, single-use captcha token).
-- Inputs come from files written by run.sh: lookups.csv (session,id_number,name), tokens-*.txt (captcha tokens),
-- form.env (antiforgery cookie and token).
local counter = 0
local threads = {}

local function read_lines(path)
  local lines = {}
  local f = assert(io.open(path, "r"))
  for line in f:lines() do lines[#lines + 1] = line end
  f:close()
  return lines
end

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  local dir = os.getenv("BENCH_DIR") or "."
  people = {}
  for i, line in ipairs(read_lines(dir .. "/lookups.csv")) do
    if i > 1 then
      local session, number, name = line:match("^([^,]*),([^,]*),(.*)$")
      people[#people + 1] = { session = session, number = number, name = name }
    end
  end
  tokens = read_lines(dir .. "/tokens-" .. id .. ".txt")
  local env = {}
  for _, line in ipairs(read_lines(dir .. "/form.env")) do
    local k, v = line:match("^([^=]+)=(.*)$")
    env[k] = v
  end
  cookie = env.COOKIE
  antiforgery = env.TOKEN
  next_person = id * 7919
  next_token = 1
  wrong_every = tonumber(os.getenv("WRONG_NAME_EVERY") or "0")
  sent = 0
  wrong = 0
  missing_tokens = 0
end

function request()
  next_person = next_person % #people + 1
  local p = people[next_person]
  local token = tokens[next_token]
  if token == nil then
    missing_tokens = missing_tokens + 1
    token = tokens[#tokens]
  end
  next_token = next_token + 1
  sent = sent + 1
  local name = p.name
  if wrong_every > 0 and sent % wrong_every == 0 then
    name = name .. "某"
    wrong = wrong + 1
  end
  local body = "_handler=lookup&__RequestVerificationToken=" .. urlencode(antiforgery)
    .. "&Input.SessionCode=" .. urlencode(p.session)
    .. "&Input.IdType=ResidentId&Input.IdNumber=" .. urlencode(p.number)
    .. "&Input.Name=" .. urlencode(name)
    .. "&Input.CaptchaToken=" .. urlencode(token)
    .. "&Input.CaptchaAnswer=BENCH"
  return wrk.format("POST", "/lookup", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
  }, body)
end

found = 0
notfound = 0
other = 0

function response(status, headers, body)
  if status == 200 and body:find('data%-testid="result%-sheet"') then
    found = found + 1
  elseif status == 200 and body:find('data%-testid="lookup%-not%-found"') then
    notfound = notfound + 1
  else
    other = other + 1
    if other <= 3 then io.stderr:write("unexpected response " .. status .. "\n") end
  end
end

function done(summary, latency, requests)
  local f, nf, o, mt = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    f = f + t:get("found")
    nf = nf + t:get("notfound")
    o = o + t:get("other")
    mt = mt + t:get("missing_tokens")
  end
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT requests=%d seconds=%.1f rps=%.0f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f found=%d not_found=%d other=%d non2xx=%d socket_errors=%d tokens_reused=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    f, nf, o, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, mt))
end
