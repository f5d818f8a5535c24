-- wrk script: each request is a real enterprise API call (POST /api/v1/exam/result with the bench key and a consenting
-- employee). Inputs from run.sh: requests.csv (employee_id,exam_type) and key.txt in API_DIR. Every answer is checked:
-- a success answer, or no_result (a consenting candidate whose session holds no score for them); anything else counts.
local counter = 0
local threads = {}

local function read_lines(path)
  local lines = {}
  local f = assert(io.open(path, "r"))
  for line in f:lines() do lines[#lines + 1] = line end
  f:close()
  return lines
end

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  local dir = os.getenv("API_DIR") or "."
  requests = {}
  for i, line in ipairs(read_lines(dir .. "/requests.csv")) do
    if i > 1 then
      local employee, exam = line:match("^([^,]*),(.*)$")
      requests[#requests + 1] = '{"employee_id": "' .. employee .. '", "exam_type": "' .. exam .. '"}'
    end
  end
  key = read_lines(dir .. "/key.txt")[1]
  next_request = id * 7919
end

function request()
  next_request = next_request % #requests + 1
  return wrk.format("POST", "/api/v1/exam/result", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. key,
  }, requests[next_request])
end

success = 0
noresult = 0
other = 0

function response(status, headers, body)
  if status == 200 and body:find('"status":"success"', 1, true) then
    success = success + 1
  elseif status == 404 and body:find('"code":"no_result"', 1, true) then
    noresult = noresult + 1
  else
    other = other + 1
    if other <= 3 then io.stderr:write("unexpected response " .. status .. " " .. body:sub(1, 200) .. "\n") end
  end
end

function done(summary, latency, requests)
  local s, n, o = 0, 0, 0
  for _, t in ipairs(threads) do
    s = s + t:get("success")
    n = n + t:get("noresult")
    o = o + t:get("other")
  end
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT requests=%d seconds=%.1f rps=%.0f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f success=%d no_result=%d other=%d non2xx=%d socket_errors=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    s, n, o, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
