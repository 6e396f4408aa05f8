"""`ombudsman crawl` as a user runs it, against a local copy of the site; then the API."""

from __future__ import annotations

import httpx

from tests.conftest import ombudsman
from tests.ingest.crawl.site import build_site, serve


async def test_crawl_command_then_the_api_serves_the_decisions(
    cli_env: dict[str, str], client: httpx.AsyncClient
) -> None:
    site = build_site()
    with serve(site) as base:
        args = ["crawl", "--base-url", base, "--from", "2024-03-01", "--to", "2024-04-30"]
        done = ombudsman(*args, "--delay", "0", env=cli_env)
        assert done.returncode == 0, done.stderr
        again = ombudsman(*args, "--delay", "0", env=cli_env)
        assert again.returncode == 0, again.stderr
    assert "crawl summary" in done.stderr
    rows = [line for line in again.stderr.splitlines() if "│" in line]
    assert [cell.strip() for cell in rows[-1].strip("│ ").split("│")][:6] == [
        "2",
        "13",
        "0",
        "0",
        "13",
        "0",
    ]  # fmt: skip   windows, fetched (all 304), new, updated, unchanged, already stored
    listed = (await client.get("/v1/decisions", params={"source": "lgsco", "per_page": 100})).json()
    assert listed["meta"]["total"] == 13
    references = {p.truth.reference for p in site.pages if p.truth is not None}
    assert {item["reference"] for item in listed["data"]} == references
    assert all(item["source_url"].startswith(base) for item in listed["data"])
