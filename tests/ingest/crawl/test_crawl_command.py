"""`ombudsman crawl` as a user runs it, against a local copy of the site; then the API."""

from __future__ import annotations

import httpx

from ingest.demo import generate
from tests.conftest import ombudsman
from tests.ingest.crawl.site import build_site, chaptered, serve

PROBE = ("crawl", "--probe", "--from", "2024-03-01", "--to", "2024-03-31", "--delay", "0")


def summary_row(stderr: str) -> list[str]:
    rows = [line for line in stderr.splitlines() if "│" in line]
    return [cell.strip() for cell in rows[-1].strip("│ ").split("│")]


async def test_crawl_command_then_the_api_serves_the_decisions(
    cli_env: dict[str, str], client: httpx.AsyncClient
) -> None:
    site = build_site()
    with serve(site) as base:
        args = ["crawl", "--base-url", base, "--from", "2024-03-01", "--to", "2024-04-30"]
        done = ombudsman(*args, "--delay", "0", env=cli_env)
        assert done.returncode == 0, done.stderr
        listed_from = len(site.log)
        again = ombudsman(*args, "--delay", "0", env=cli_env)
        assert again.returncode == 0, again.stderr
        # Windows completed long ago, outside the overlap: listing pages only.
        assert site.decision_requests(listed_from) == []
        refreshed = ombudsman(*args, "--delay", "0", "--refresh", env=cli_env)
        assert refreshed.returncode == 0, refreshed.stderr
    assert "crawl summary" in done.stderr
    # windows, fetched, new, updated, unchanged, already stored
    assert summary_row(again.stderr)[:6] == ["2", "0", "0", "0", "0", "13"]
    assert summary_row(refreshed.stderr)[:6] == ["2", "13", "0", "0", "13", "0"]  # all 304
    listed = (await client.get("/v1/decisions", params={"source": "lgsco", "per_page": 100})).json()
    assert listed["meta"]["total"] == 13
    references = {p.truth.reference for p in site.pages if p.truth is not None}
    assert {item["reference"] for item in listed["data"]} == references
    assert all(item["source_url"].startswith(base) for item in listed["data"])


def test_probe_recognises_the_site(cli_env: dict[str, str]) -> None:
    site = build_site()
    demo = next(d for d in generate(40, seed=3) if d.truth.remedy_total_pence)
    report = chaptered(demo, site.pages[0].listed_on, parts=2)
    slug = report.path.rsplit("/", 1)[-1]
    report.path = f"/decisions/aaa-first/other/{slug}"  # sorts first: the page probed
    site.pages.append(report)
    site.robots = "User-agent: *\nDisallow: /private\n"
    with serve(site) as base:
        done = ombudsman(*PROBE, "--base-url", base, env=cli_env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Your search has 13 results" in done.stdout
    assert "decision links: 10" in done.stdout
    assert "the site's structure is recognised" in done.stdout
    assert f"│ {demo.truth.reference}" in done.stdout  # the reference the parser read
    for shown in ("statement", "report", "Upheld", "2024-03-01", "chapters", "1, 2"):
        assert shown in done.stdout, shown
    # the probe stores nothing and reads one listing page and one decision (no chapters)
    paths = [h.path for h in site.log]
    assert paths == ["/robots.txt", "/Decisions/SearchResults", report.path]


def test_probe_fails_on_a_shell_site(cli_env: dict[str, str]) -> None:
    site = build_site()
    site.shells = {(site.pages[0].listed_on.replace(day=1), 1)}
    with serve(site) as base:
        done = ombudsman(*PROBE, "--base-url", base, env=cli_env)
    assert done.returncode == 1
    assert "not recognised" in done.stderr
    assert "no count sentence" in done.stderr
    assert "no decision links" in done.stderr
