"""Stats and export on the search benchmark's 100,000 decisions (SPEC §6).

- `GET /v1/stats?group_by=council`: under 200 ms (p50 and p99 over sequential requests).
- export of every decision as CSV: under 15 s, the server's peak memory under 300 MB. Peak
  memory is the kernel's high-water mark of the server process (VmHWM), read before and after.
"""

from __future__ import annotations

import http.client
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
