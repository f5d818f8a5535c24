-- wrk script: floods captcha endpoints and tallies the answers by status (200 drawn/served, 429 limited, 503 gated).
-- FLOOD_TOKENS (a file of captcha tokens, one a line) makes each request ask for another token's picture, so that every
-- request is a fresh drawing (the worst case); without it every request asks for FLOOD_PATH.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  ok, limited, busy, other = 0, 0, 0, 0
  tokens = {}
  local file = os.getenv("FLOOD_TOKENS")
  if file and file ~= "" then
    for line in io.lines(file) do tokens[#tokens + 1] = line end
  end
  path = os.getenv("FLOOD_PATH") or "/captcha/new"
  next_token = math.random(1, math.max(#tokens, 1))
end

function request()
  if #tokens > 0 then
    next_token = next_token % #tokens + 1
    return wrk.format("GET", "/captcha/image?t=" .. tokens[next_token])
  end
  return wrk.format("GET", path)
end

function response(status, headers, body)
  if status == 200 then ok = ok + 1
  elseif status == 429 then limited = limited + 1
  elseif status == 503 then busy = busy + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  local t = { ok = 0, limited = 0, busy = 0, other = 0 }
  for _, thread in ipairs(threads) do
    t.ok = t.ok + thread:get("ok")
    t.limited = t.limited + thread:get("limited")
    t.busy = t.busy + thread:get("busy")
    t.other = t.other + thread:get("other")
  end
  io.write(string.format("STATUS 200=%d 429=%d 503=%d other=%d\n", t.ok, t.limited, t.busy, t.other))
end
