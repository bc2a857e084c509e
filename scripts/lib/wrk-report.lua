-- wrk's closing hook for scripts/load: one JSON line with throughput and latency percentiles
-- (milliseconds), read back into the report.
wrk.headers["Accept-Encoding"] = "gzip"

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout + summary.errors.status
  io.write(string.format(
    '{"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,'
      .. '"bytes":%d,"errors":%d,"non_2xx":%d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.bytes, errors, summary.errors.status))
end
