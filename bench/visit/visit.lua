-- wrk script: each wrk thread is one virtual visitor at a time (run with as many threads as connections, so a thread's
-- requests and answers alternate and each step can be timed), doing what a browser does on a first visit:
--   1. GET /lookup without cookies (the antiforgery cookie comes with the answer);
--   2. GET every captcha picture the page shows: each <img data-captcha-image>, except a lazy one (loading="lazy",
--      the ticket form's picture inside its closed <details>), which a browser does not load until it is opened, and
--      one drawn into the page as a data: URL (checked to be a JPEG; a browser fetches nothing for it);
--   3. POST the lookup with the page's antiforgery and captcha tokens, a (session, ID, name) of the sample, the
--      Testing-only answer; every WRONG_NAME_EVERY-th visit has a wrong name.
-- Every answer is checked (the page has its tokens; a picture is a 200 image; a right name gets the result sheet, a wrong
-- one "not found"). Each step's time is kept in the thread's memory and written by done() to visit-0.txt ("step
-- microseconds ok" per line), summarized by run.sh.
-- The load tool shares the two cores with the portal, so its own work per visit is kept small: plain (not pattern)
-- searches from known anchors, no per-step file writes (a visit's three writes and the pattern scans of a 10 KB page
-- cost wrk about as much CPU per visit as half the portal's own).
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } visit_timespec;
  int clock_gettime(int clk_id, visit_timespec *tp);
]]
local ts = ffi.new("visit_timespec")
local function now_us()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1e6 + tonumber(ts.tv_nsec) / 1e3
end

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

local function unescape(s)
  return (s:gsub("&amp;", "&"):gsub("&#x2B;", "+"):gsub("&#43;", "+"):gsub("&#x2F;", "/"):gsub("&#x3D;", "="))
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
  times = {}      -- one number per step: microseconds * 8 + step code * 2 + ok (read by done())
  next_person = id * 7919
  wrong_every = tonumber(os.getenv("WRONG_NAME_EVERY") or "0")
  visits, wrong, errors, pictures, inline_pictures, lazy_skipped = 0, 0, 0, 0, 0, 0
  step = "form"
  queue = {}       -- the current visit's pending picture URLs
  form = nil       -- the current visit's tokens and cookie
  started = 0
end

local function fail(what)
  errors = errors + 1
  if errors <= 3 then io.stderr:write("visit error: " .. what .. "\n") end
end

function request()
  started = now_us()
  if step == "form" then
    return wrk.format("GET", "/lookup")
  elseif step == "picture" then
    return wrk.format("GET", queue[1], { ["Cookie"] = form.cookie })
  end
  next_person = next_person % #people + 1
  local p = people[next_person]
  local name = p.name
  form.wrong = wrong_every > 0 and (visits + 1) % wrong_every == 0
  if form.wrong then name = name .. "某" end
  local body = "_handler=lookup&__RequestVerificationToken=" .. urlencode(form.antiforgery)
    .. "&Input.SessionCode=" .. urlencode(p.session)
    .. "&Input.IdType=ResidentId&Input.IdNumber=" .. urlencode(p.number)
    .. "&Input.Name=" .. urlencode(name)
    .. "&Input.CaptchaToken=" .. urlencode(form.captcha)
    .. "&Input.CaptchaAnswer=BENCH"
  return wrk.format("POST", "/lookup", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = form.cookie,
  }, body)
end

-- The attribute value that follows an anchor such as 'name="x" value="' (plain searches: no pattern scan of the page).
local function value_after(body, anchor)
  local _, last = body:find(anchor, 1, true)
  if not last then return nil end
  local close = body:find('"', last + 1, true)
  return close and body:sub(last + 1, close - 1) or nil
end

local function record(code, took, ok)
  times[#times + 1] = math.floor(took) * 8 + code * 2 + (ok and 1 or 0)
end

local function parse_form(status, headers, body)
  if status ~= 200 then return nil end
  local cookie = nil
  for k, v in pairs(headers) do
    if k:lower() == "set-cookie" then
      for c in (v .. "\n"):gmatch("([^\n]+)\n") do
        local pair = c:match("^([^;]+)")
        if pair and pair:find("Antiforgery", 1, true) then cookie = pair end
      end
    end
  end
  local antiforgery = value_after(body, 'name="__RequestVerificationToken" value="')
  local captcha = value_after(body, 'name="Input.CaptchaToken" value="')
  if not (cookie and antiforgery and captcha) then return nil end
  local urls, inline = {}, 0
  local at = 1
  while true do
    local open = body:find("<img ", at, true)
    if not open then break end
    local close = body:find(">", open, true)
    if not close then break end
    at = close + 1
    local tag = body:sub(open, close)
    if tag:find("data-captcha-image", 1, true) then
      local src = tag:match('src="([^"]+)"')
      if tag:find('loading="lazy"', 1, true) then
        lazy_skipped = lazy_skipped + 1
      elseif src and src:find("^data:") then
        -- drawn into the page (Features/Captcha/InlineCaptcha): nothing to fetch; it must be a BMP (base64 of "BM")
        if not (src:find("data:image/bmp;base64,Qk", 1, true) == 1 and #src > 200) then return nil end
        inline = inline + 1
      elseif src then
        urls[#urls + 1] = unescape(src)
      end
    end
  end
  if #urls + inline == 0 then return nil end
  return { cookie = cookie, antiforgery = unescape(antiforgery), captcha = unescape(captcha) }, urls, inline
end

function response(status, headers, body)
  local took = now_us() - started
  if step == "form" then
    local parsed, urls, inline = parse_form(status, headers, body)
    record(0, took, parsed)
    if not parsed then fail("form page " .. status); return end
    inline_pictures = inline_pictures + inline
    form, queue, step = parsed, urls, #urls > 0 and "picture" or "lookup"
  elseif step == "picture" then
    local ctype = ""
    for k, v in pairs(headers) do if k:lower() == "content-type" then ctype = v end end
    local ok = status == 200 and ctype:find("^image/") ~= nil and #body > 100
    record(1, took, ok)
    if ok then pictures = pictures + 1 else fail("picture " .. status .. " " .. ctype) end
    table.remove(queue, 1)
    if #queue == 0 then step = "lookup" end
  else
    local ok
    if form.wrong then
      ok = status == 200 and body:find('data-testid="lookup-not-found"', 1, true) ~= nil
      wrong = wrong + 1
    else
      ok = status == 200 and body:find('data-testid="result-sheet"', 1, true) ~= nil
    end
    record(2, took, ok)
    if ok then visits = visits + 1 else fail("lookup " .. status) end
    step, form = "form", nil
  end
end

function done(summary, latency, requests)
  local v, w, e, p, i, l = 0, 0, 0, 0, 0, 0
  local names = { [0] = "form", [1] = "picture", [2] = "lookup" }
  local file = assert(io.open((os.getenv("BENCH_DIR") or ".") .. "/visit-0.txt", "w"))
  for _, t in ipairs(threads) do
    for _, n in ipairs(t:get("times")) do
      local code = math.floor(n / 2) % 4
      file:write(names[code], " ", math.floor(n / 8), " ", n % 2, "\n")
    end
    v = v + t:get("visits")
    w = w + t:get("wrong")
    e = e + t:get("errors")
    p = p + t:get("pictures")
    i = i + t:get("inline_pictures")
    l = l + t:get("lazy_skipped")
  end
  file:close()
  local seconds = summary.duration / 1e6
  io.write(string.format("VISITS visits=%d seconds=%.2f visits_per_s=%.0f requests=%d pictures=%d inline_pictures=%d lazy_pictures_not_loaded=%d wrong_names=%d errors=%d non2xx=%d socket_errors=%d\n",
    v, seconds, v / seconds, summary.requests, p, i, l, w, e, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
