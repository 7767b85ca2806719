-- wrk script for HTTP/1.1 pipelining: every write carries DEPTH copies of the same GET request
-- (default 16), so each connection keeps DEPTH requests in flight; wrk still counts responses one
-- by one, so Requests/sec stays comparable with the unpipelined runs.
--   wrk -t1 -c64 -d5s -s benchmarks/pipeline.lua http://127.0.0.1:PORT/ -- 16
local batch

function init(args)
  local depth = tonumber(args[1]) or 16
  batch = string.rep(wrk.format("GET", wrk.path), depth)
end

function request()
  return batch
end
