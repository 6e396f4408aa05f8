"""Stats and export on the search benchmark's 100,000 decisions (SPEC §6).

- `GET /v1/stats?group_by=council`: under 200 ms (p50 and p99 over sequential requests).
- export of every decision as CSV: under 15 s, the server's peak memory under 300 MB. Peak
  memory is the kernel's high-water mark of the server process (VmHWM), read before and after.
- the explorer's search page (issue 9), which adds two /v1/stats groupings and the category
  list to a faceted search: 1 client, p50 and p99 (no SPEC target; recorded).
- a soak (issue 8): 16 clients for 60 s (`--soak`) over a mix; no errors; RSS sampled every
  10 s, so a longer soak shows whether memory levels off. An export refused because every
  export slot is taken (503 `exports-busy`, by design: EXPORT_CONCURRENCY) is counted apart.
"""

from __future__ import annotations

import http.client
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from bench.search_bench import HOST, Options, get_request, measure_latency


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def bench_stats(port: int, options: Options) -> None:
    request = get_request(port, "/v1/stats?group_by=council")
    result = measure_latency(port, [request], warmup=5, timed=min(options.requests, 100))
    verdict = "meets" if result.p(99) < 200 and not result.errors else "MISSES"
    print(
        f"GET /v1/stats?group_by=council, 1 client: p50 {result.p(50):.1f} ms, "
        f"p99 {result.p(99):.1f} ms, {result.errors} errors, {result.size:,} bytes; "
        f"target < 200 ms: {verdict}"
    )


def bench_export(port: int, pid: int, expected: int) -> None:
    before = _peak_rss_mb(pid)
    conn = http.client.HTTPConnection(HOST, port, timeout=300)
    started = time.perf_counter()
    conn.request("GET", "/v1/decisions/export?format=csv")
    response = conn.getresponse()
    size = lines = 0
    while chunk := response.read(1 << 16):
        size += len(chunk)
        lines += chunk.count(b"\n")
    elapsed = time.perf_counter() - started
    conn.close()
    after = _peak_rss_mb(pid)
    # Lines, not rows: a quoted summary may hold newlines; the row count is checked in tests.
    verdict = "meets" if elapsed < 15 and after < 300 and response.status == 200 else "MISSES"
    print(
        f"export CSV of {expected:,} decisions: HTTP {response.status}, {size / 1e6:,.1f} MB, "
        f"{lines:,} lines in {elapsed:.1f} s; server peak RSS {before:.0f} MB before, "
        f"{after:.0f} MB after; target < 15 s and < 300 MB: {verdict}"
    )


SOAK_PATHS = [
    "/v1/decisions?outcome=upheld&category=education&facets=council,outcome",
    "/v1/decisions?q=delay",
    "/v1/decisions?q=delay&outcome=upheld&facets=council,outcome",
    "/v1/decisions?page=2500&per_page=20",
    "/v1/stats?group_by=council",
    "/v1/stats?group_by=year&outcome=upheld",
    "/v1/decisions/export?format=csv&category=education&outcome=upheld&decided_from=2024-01-01",
    "/v1/decisions/export?format=ndjson&remedy_min=2000&decided_from=2025-01-01",
    "/v1/decisions/feed.atom?outcome=upheld",
    "/?q=delay&outcome=upheld",
]
# Statuses are counted in `response` (per wrk thread) and summed in `done`: an export refused
# for want of a slot (503 exports-busy, Retry-After) is the designed answer, counted apart;
# any other status of 400 or more is an error, as are connect, read, write and timeout errors.
SOAK_SCRIPT = """
paths = {{{paths}}}
counter = 0
local threads = {{}}
setup = function(thread) table.insert(threads, thread) end
init = function(args) busy = 0; failed = 0; s500 = 0; s503 = 0; s504 = 0 end
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
response = function(status, headers, body)
  if status == 503 and string.find(body, "exports%-busy") then busy = busy + 1
  elseif status >= 400 then
    failed = failed + 1
    if status == 500 then s500 = s500 + 1 end
    if status == 503 then s503 = s503 + 1 end
    if status == 504 then s504 = s504 + 1 end
  end
end
done = function(summary, latency, requests)
  local e = summary.errors
  local b, f, x500, x503, x504 = 0, 0, 0, 0, 0
  for _, t in ipairs(threads) do
    b = b + t:get("busy"); f = f + t:get("failed")
    x500 = x500 + t:get("s500"); x503 = x503 + t:get("s503"); x504 = x504 + t:get("s504")
  end
  io.write(string.format(
    'SOAK {{"requests":%d,"duration_us":%d,"errors":%d,"busy":%d,"p50_us":%d,"p99_us":%d,' ..
    '"timeouts":%d,"socket":%d,"s500":%d,"s503":%d,"s504":%d}}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout + f, b,
    latency:percentile(50), latency:percentile(99), e.timeout, e.connect + e.read + e.write,
    x500, x503, x504))
end
"""


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


PAGES = ["/", "/?q=delay&outcome=upheld", "/?category=education&decided_from=2022-01-01"]


def bench_pages(port: int, options: Options) -> None:
    """The first request of a query computes its figures; the next ones find them kept."""
    for target in PAGES:
        conn = http.client.HTTPConnection(HOST, port, timeout=120)
        started = time.perf_counter()
        conn.request("GET", target)
        first = conn.getresponse()
        first.read()
        cold_ms = (time.perf_counter() - started) * 1000
        conn.close()
        result = measure_latency(
            port, [get_request(port, target)], warmup=5, timed=min(options.requests, 100)
        )
        print(
            f"explorer page GET {target}, 1 client: first {cold_ms:.0f} ms (HTTP "
            f"{first.status}), then p50 {result.p(50):.1f} ms, "
            f"p99 {result.p(99):.1f} ms, {result.errors} errors, {result.size:,} bytes"
        )


def bench_soak(port: int, pid: int, seconds: float = 60.0) -> None:
    """16 clients for a minute over a mix of searches, stats, exports and feeds (issue 8)."""
    if not shutil.which("wrk"):
        print("soak: skipped (wrk not installed; `make bench` installs it)")
        return
    paths = ", ".join(f'"{p}"' for p in SOAK_PATHS)
    rss = [_rss_mb(pid)]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        lua.write(SOAK_SCRIPT.format(paths=paths))
        lua.flush()
        with subprocess.Popen(
            ["wrk", "-t1", "-c16", f"-d{seconds:g}s", "--timeout", "30s", "-s", lua.name,
             f"http://{HOST}:{port}"],
            stdout=subprocess.PIPE, text=True,
        ) as wrk:  # fmt: skip
            while True:  # the server's memory every 10 s, to see whether it levels off
                try:
                    out, _ = wrk.communicate(timeout=10)
                    break
                except subprocess.TimeoutExpired:
                    rss.append(_rss_mb(pid))
    rss.append(_rss_mb(pid))
    figures = json.loads(next(x for x in out.splitlines() if x.startswith("SOAK "))[5:])
    rate = figures["requests"] / (figures["duration_us"] / 1e6)
    verdict = "meets" if figures["errors"] == 0 else "MISSES"
    series = ", ".join(f"{mb:.0f}" for mb in rss)
    print(
        f"soak, 16 clients for {seconds:g} s over {len(SOAK_PATHS)} searches/stats/exports/feeds/"
        f"pages: {figures['requests']:,} requests ({rate:,.0f}/s), {figures['errors']} errors, "
        f"{figures['busy']} exports refused as busy (503, by design), "
        f"p50 {figures['p50_us'] / 1000:.1f} ms, p99 {figures['p99_us'] / 1000:.1f} ms; "
        f"errors by kind: {figures['timeouts']} timeouts, {figures['socket']} socket, "
        f"{figures['s500']} 500, {figures['s503']} 503, {figures['s504']} 504; "
        f"server RSS every 10 s (MB): {series}; "
        f"errors must be 0: {verdict}"
    )
