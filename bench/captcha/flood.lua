-- wrk script: floods the captcha endpoints and tallies the answers by status (200 served, 429 limited, 503 gated).
-- FLOOD_MODE=pair: each connection alternates GET /captcha/new and GET /captcha/image of the token it just got, so every
--                  picture is a fresh drawing (the worst case: a flood from many addresses gets past the per-address limits);
-- otherwise every request asks for FLOOD_PATH (default /captcha/new).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  ok, limited, busy, other, drawn = 0, 0, 0, 0, 0
  pair = os.getenv("FLOOD_MODE") == "pair"
  path = os.getenv("FLOOD_PATH") or "/captcha/new"
  pending = {}
end

function request()
  if pair and #pending > 0 then
    return wrk.format("GET", "/captcha/image?t=" .. table.remove(pending))
  end
  return wrk.format("GET", path)
end

function response(status, headers, body)
  if status == 200 then ok = ok + 1
  elseif status == 429 then limited = limited + 1
  elseif status == 503 then busy = busy + 1
  else other = other + 1 end
  if pair and status == 200 then
    local token = body:match('"token":"([^"]+)"')
    if token then pending[#pending + 1] = token else drawn = drawn + 1 end
  end
end

function done(summary, latency, requests)
  local t = { ok = 0, limited = 0, busy = 0, other = 0, drawn = 0 }
  for _, thread in ipairs(threads) do
    for k, _ in pairs(t) do t[k] = t[k] + thread:get(k) end
  end
  io.write(string.format("STATUS 200=%d 429=%d 503=%d other=%d pictures=%d\n", t.ok, t.limited, t.busy, t.other, t.drawn))
end
