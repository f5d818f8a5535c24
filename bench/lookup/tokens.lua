-- wrk script: collects fresh captcha tokens (GET /captcha/new) into tokens-<thread>.txt for lookup.lua.
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end
function init(args)
  local dir = os.getenv("BENCH_DIR") or "."
  out = assert(io.open(dir .. "/tokens-" .. id .. ".txt", "w"))
  out:setvbuf("line")
end
function request()
  return wrk.format("GET", "/captcha/new")
end
function response(status, headers, body)
  local token = body:match('"token":"([^"]+)"')
  if token then out:write(token, "\n") end
end
