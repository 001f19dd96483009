-- wrk script of the modgate benchmark (bench/wrk.ts).
-- With BENCH_PATHS set to a file of request paths, requests take those paths in turn (each
-- wrk thread starting at the top); without it, every request is for the URL's own path.
-- When the run is over, one line `BENCH_RESULT {json}` reports the exact totals.

init = function(args)
  local file = os.getenv("BENCH_PATHS")
  if file == nil or file == "" then return end
  local reqs = {}
  for line in io.lines(file) do
    if line ~= "" then reqs[#reqs + 1] = wrk.format("GET", line) end
  end
  local i = 0
  request = function()
    i = i + 1
    if i > #reqs then i = 1 end
    return reqs[i]
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"durationUs":%d,"requests":%d,"bytes":%d,"connectErrors":%d,' ..
    '"readErrors":%d,"writeErrors":%d,"statusErrors":%d,"timeouts":%d,' ..
    '"p50Us":%d,"p99Us":%d}\n',
    summary.duration, summary.requests, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(99)))
end
