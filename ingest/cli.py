"""The `ombudsman` command: parse, ingest, reindex, check, demo-data, serve.

Commands that need the database find the services `make run` started (or start their own, or use
DATABASE_URL / MEILI_URL), apply migrations, and leave the services as they found them.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import json
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from app.config import Settings, get_settings

if TYPE_CHECKING:
    from ingest.demo import Length

cli = typer.Typer(
    name="ombudsman",
    help="Ombudsearch: parse, load and serve LGSCO decisions.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
log = logging.getLogger("ombudsearch.cli")
T = TypeVar("T")
out = Console()
err = Console(stderr=True)


@cli.callback()
def _group() -> None:
    """Ombudsearch: parse, load and serve LGSCO decisions."""


def _configure_logging(settings: Settings) -> None:
    """One root handler (JSON lines with LOG_FORMAT=json), request ids in every line."""
    from app.observability import configure_logging

    configure_logging(settings.log_level, json=settings.log_format == "json")
    # Libraries narrate every request and migration step at INFO: keep the log for our events.
    for noisy in ("httpx", "alembic"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))


@contextmanager
def _database(settings: Settings) -> Iterator[tuple[Any, Any]]:
    """(engine, services) on migrated, running services, for the length of the block."""
    from app import migrate
    from app.db import make_engine
    from app.stack import local_services

    with local_services(settings) as services:
        migrate.upgrade(services.database_url)
        engine = make_engine(services.database_url, pool_size=2)
        try:
            yield engine, services
        finally:
            engine.dispose()


def _meili(services: Any) -> Any:
    """A Meilisearch client; create it inside the event loop that will use it."""
    from app.search.client import MeiliClient

    return MeiliClient(services.meili_url, services.meili_key, timeout=30)


# -- parse -------------------------------------------------------------------------------------


@cli.command()
def parse(
    file: Path = typer.Argument(..., help="A .txt, .html or .jsonl file"),
    url: str | None = typer.Option(None, help="The decision's LGSCO page, for category and link"),
) -> None:
    """Print the parsed record as JSON (one per line for .jsonl). Needs no database."""
    from ingest.documents import iter_documents

    if not file.is_file():
        err.print(f"[red]cannot read {file}: no such file[/red]")
        raise typer.Exit(2)
    results = list(iter_documents(file, url=url))
    if file.suffix.lower() == ".jsonl":
        for result in results:
            if result.record is None:
                line = result.location.rsplit(":", 1)[-1]
                row: dict[str, Any] = {"line": int(line) if line.isdigit() else None}
                row["error"] = result.error
            else:
                row = result.record.public_dict()
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    result = results[0]
    if result.record is None:
        err.print(f"[red]cannot parse {result.location}: {result.error}[/red]")
        raise typer.Exit(2)
    sys.stdout.write(json.dumps(result.record.public_dict(), ensure_ascii=False, indent=2) + "\n")


# -- ingest ------------------------------------------------------------------------------------


def _read_url_map(path: Path) -> dict[str, str]:
    """A JSON object {path: url}, or CSV rows `path,url`."""
    text = path.read_text(encoding="utf-8")
    if text.lstrip().startswith("{"):
        loaded = json.loads(text)
        return {str(k): str(v) for k, v in loaded.items()}
    return {row[0]: row[1] for row in csv.reader(text.splitlines()) if len(row) >= 2}


def _count_documents(paths: list[Path]) -> int:
    from ingest.documents import iter_paths

    total = 0
    for file in iter_paths(paths):
        if file.suffix.lower() == ".jsonl" and file.is_file():
            with file.open("rb") as fh:
                total += sum(1 for line in fh if line.strip())
        else:
            total += 1
    return total


def run_ingest(
    settings: Settings, engine: Any, services: Any, paths: list[Path], url_map: dict[str, str]
) -> Any:
    """Ingest `paths` with a progress display; return the load Summary."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from app.search.index import ensure_index
    from ingest.documents import RawDocument, iter_raw_documents
    from ingest.load import Loader, Summary

    def documents() -> Iterator[RawDocument]:
        for path in paths:
            yield from iter_raw_documents(path, url_map=url_map)

    total = _count_documents(paths)

    async def go(progress: Progress | None) -> Summary:
        async with _meili(services) as meili:
            await ensure_index(meili, settings.meili_index)
            loader = Loader(engine, meili, settings.meili_index)
            return await loader.load(documents(), on_progress=reporter(progress))

    def reporter(progress: Progress | None) -> Any:
        task = progress.add_task("ingesting", total=total) if progress else None
        logged = 0

        def report(summary: Summary) -> None:
            nonlocal logged
            if progress is not None and task is not None:
                progress.update(task, completed=summary.seen)
            elif summary.seen // 1000 > logged // 1000:
                log.info("%d/%d documents", summary.seen, total)
            logged = summary.seen

        return report

    if err.is_terminal:
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, TimeElapsedColumn(), TimeRemainingColumn(), console=err) as bar:
            return asyncio.run(go(bar))
    return asyncio.run(go(None))


def _print_summary(summary: Any, report: Path | None) -> None:
    table = Table(title="ingest summary")
    for name in ("seen", "created", "updated", "unchanged", "failed"):
        table.add_column(name, justify="right")
    table.add_row(
        *(str(getattr(summary, n)) for n in ("seen", "created", "updated", "unchanged", "failed"))
    )
    err.print(table)
    if summary.created == summary.updated == 0:
        err.print("nothing written: every readable document is already stored unchanged")
    for failure in summary.failures:
        err.print(f"[red]failed[/red] {failure.location}: {failure.reason}")
    if report is not None:
        err.print(f"failures written to {report}")


@cli.command()
def ingest(
    paths: list[Path] = typer.Argument(..., help="Files or folders (.txt, .html, .jsonl)"),
    url_map: Path | None = typer.Option(
        None, help="JSON object or CSV mapping file paths to their LGSCO URLs"
    ),
) -> None:
    """Parse and load documents; idempotent. Exit 1 if any document failed."""
    settings = get_settings()
    _configure_logging(settings)
    mapping = _read_url_map(url_map) if url_map else {}
    with _database(settings) as (engine, services):
        summary = run_ingest(settings, engine, services, paths, mapping)
    report = None
    if summary.failures:
        report = settings.data_dir / "reports" / f"ingest-{summary.run_id}.json"
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(json.dumps([f.__dict__ for f in summary.failures], indent=2))
    _print_summary(summary, report)
    if summary.failed:
        raise typer.Exit(1)


# -- crawl -------------------------------------------------------------------------------------


def _day_option(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=name) from None


@cli.command()
def crawl(
    from_day: str | None = typer.Option(
        None, "--from", help="First decision date to list (default: nightly, see README)"
    ),
    to_day: str | None = typer.Option(None, "--to", help="Last decision date (default: today)"),
    base_url: str | None = typer.Option(None, help="The website (default: CRAWL_BASE_URL)"),
    max_pages: int | None = typer.Option(None, min=1, help="Stop after fetching N pages"),
    concurrency: int | None = typer.Option(None, min=1, max=8, help="Requests in flight"),
    delay: float | None = typer.Option(None, min=0, help="Seconds between request starts"),
    refresh: bool = typer.Option(
        False, "--refresh", help="Refetch stored pages conditionally (304 costs nothing)"
    ),
    probe: bool = typer.Option(
        False,
        "--probe",
        help="Fetch one listing page and its first decision, print what was recognised, store "
        "nothing; exit 1 when the site's structure is not recognised",
    ),
) -> None:
    """Fetch decisions from the LGSCO website and ingest them; resumable and incremental."""
    from ingest.crawl.client import PoliteClient
    from ingest.crawl.run import CrawlBlocked, Crawler, CrawlSummary, default_range

    settings = get_settings()
    _configure_logging(settings)
    first, last = _day_option(from_day, "--from"), _day_option(to_day, "--to")
    user_agent = f"Ombudsearch/0.1 (+{settings.crawl_contact_url})"

    def client() -> PoliteClient:
        return PoliteClient(
            base_url or settings.crawl_base_url,
            user_agent=user_agent,
            delay_s=settings.crawl_delay_s if delay is None else delay,
            concurrency=concurrency or settings.crawl_concurrency,
            timeout_s=settings.crawl_timeout_s,
            retries=settings.crawl_retries,
        )

    if probe:
        _probe(client, first, last, settings)
        return

    from app.search.index import ensure_index
    from ingest.crawl import state
    from ingest.load import Loader

    async def go(engine: Any, services: Any) -> CrawlSummary:
        start, end = default_range(engine, date.today(), settings.crawl_overlap_days)
        start, end = first or start, last or end
        # Nightly (no --from): windows an earlier run began and did not complete come too.
        again = state.incomplete_windows(engine, start) if first is None else []
        log.info("crawling decisions dated %s to %s", start, end)
        if again:
            log.info("and %d incomplete earlier windows: %s", len(again), again)
        async with _meili(services) as meili, client() as polite:
            await ensure_index(meili, settings.meili_index)
            loader = Loader(engine, meili, settings.meili_index)
            crawler = Crawler(
                engine,
                loader,
                polite,
                max_pages=max_pages,
                on_progress=progress,
                refresh=refresh,
                overlap_days=settings.crawl_overlap_days,
                listing_params=settings.crawl_listing_params,
            )
            return await crawler.run(start, end, also=again)

    bar = _pages_bar() if err.is_terminal else None
    task = bar.add_task("crawling", total=None) if bar else None

    def progress(summary: CrawlSummary) -> None:
        if bar is not None and task is not None:
            bar.update(task, completed=summary.pages_fetched)
        elif summary.pages_fetched % 100 == 0:
            log.info("%d decision pages fetched", summary.pages_fetched)

    try:
        with bar or contextlib.nullcontext(), _database(settings) as (engine, services):
            summary = asyncio.run(go(engine, services))
    except CrawlBlocked as exc:
        err.print(f"[red]crawl stopped: {exc}[/red]")
        raise typer.Exit(1) from None
    table = Table(title="crawl summary")
    load = summary.load
    figures = {
        "windows": summary.windows,
        "pages fetched": summary.pages_fetched,
        "new": load.created,
        "updated": load.updated,
        "unchanged": load.unchanged + summary.not_modified,
        "already stored": summary.already_stored,
        "gone (404/410)": summary.gone,
        "failed": summary.failed,
        "seconds": round(summary.seconds, 1),
    }
    for name in figures:
        table.add_column(name, justify="right")
    table.add_row(*(str(v) for v in figures.values()))
    err.print(table)
    err.print(
        f"listing pages {summary.listing_pages}, chapters {summary.chapters_fetched}, "
        f"newly removed {summary.removed}, republished {summary.republished}, "
        f"known gone {summary.already_gone}, skipped by robots.txt {summary.disallowed}"
    )
    for url, reason in summary.failures:
        err.print(f"[red]failed[/red] {url}: {reason}")
    for window_first, window_last, problem in summary.incomplete:
        err.print(
            f"[yellow]window {window_first}..{window_last} left incomplete[/yellow]: {problem}; "
            "the next run reads it again"
        )
    if summary.stopped_early:
        err.print(f"stopped after {max_pages} pages; run again to continue")
    if summary.failed:
        raise typer.Exit(1)


def _probe(client: Callable[[], Any], first: date | None, last: date | None, settings: Any) -> None:
    """`crawl --probe`: one listing page and its first decision, what was recognised; no
    database. Exit 1 when the site's structure is not recognised."""
    from datetime import timedelta
    from urllib.parse import urlsplit

    from ingest.crawl.probe import ProbeReport, probe
    from ingest.parse.model import pence_to_pounds

    if first is None or last is None:
        # The calendar month CRAWL_OVERLAP_DAYS ago: LGSCO publishes about three months after
        # the decision date, so a recent month may list nothing yet.
        some_day = (last or date.today()) - timedelta(days=settings.crawl_overlap_days)
        first = first or some_day.replace(day=1)
        next_month = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        last = last or next_month - timedelta(days=1)

    async def go() -> ProbeReport:
        async with client() as polite:
            return await probe(polite, first, last, listing_params=settings.crawl_listing_params)

    report = asyncio.run(go())
    out.print(f"[bold]listing[/bold] {report.listing_url} → HTTP {report.listing_status}")
    if report.crawl_delay is not None:
        out.print(f"robots.txt Crawl-delay: {report.crawl_delay:g} s")
    if report.listing is not None:
        listing = report.listing
        out.print(f"count sentence: {listing.count_sentence!r} (results: {listing.total})")
        out.print(f"decision links: {len(listing.decisions)}")
        table = Table(title="listing lines")
        for name in ("path", "kind", "outcome", "date", "body name", "sub-category"):
            table.add_column(name, overflow="fold")
        for item in listing.decisions:
            meta = item.metadata
            table.add_row(
                urlsplit(item.url).path,
                meta.kind or "—",
                meta.outcome_text or "—",
                meta.decided_on.isoformat() if meta.decided_on else "—",
                meta.body_name or "—",
                meta.subcategory or "—",
            )
        out.print(table)
    if report.decision_url:
        out.print(f"[bold]decision[/bold] {report.decision_url} → HTTP {report.decision_status}")
    if report.header:
        out.print("header fields: " + "; ".join(f"{k}: {v}" for k, v in report.header.items()))
    if report.record is not None:
        record = report.record
        table = Table(title="decision page as the parser reads it")
        table.add_column("field")
        table.add_column("value", overflow="fold")
        rows = {
            "reference": record.reference,
            "body name": record.council_name,
            "body type": record.body_type,
            "kind": record.kind,
            "category": record.category,
            "sub-category": record.subcategory,
            "outcome": record.outcome,
            "outcome text": record.outcome_text,
            "decision date": record.decided_on.isoformat() if record.decided_on else None,
            "chapters": ", ".join(str(n) for n in report.chapters),
            "payments": "; ".join(
                f"£{pence_to_pounds(p.amount_pence):,.2f} × {p.count}"
                + (f" to {p.recipient}" if p.recipient else "")
                for p in record.payments
            ),
            "remedy total": (
                f"£{pence_to_pounds(record.remedy_total_pence):,.2f}"
                if record.remedy_total_pence is not None
                else None
            ),
            "warnings": "; ".join(record.warnings),
        }
        for name, value in rows.items():
            table.add_row(name, "—" if value in (None, "") else str(value))
        out.print(table)
    if report.problems:
        for problem in report.problems:
            err.print(f"[red]not recognised:[/red] {problem}")
        raise typer.Exit(1)
    out.print("[green]the site's structure is recognised[/green]")


def _pages_bar() -> Any:
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.completed} decision pages fetched"))
    return Progress(*columns, TimeElapsedColumn(), console=err)


# -- reindex and check -------------------------------------------------------------------------


def _with_meili(settings: Settings, work: Callable[[Any, Any], Awaitable[T]]) -> T:
    """Run `work(engine, meili)` on the running (or started) services, in one event loop."""

    async def go(engine: Any, services: Any) -> T:
        async with _meili(services) as meili:
            return await work(engine, meili)

    with _database(settings) as (engine, services):
        return asyncio.run(go(engine, services))


@cli.command()
def reindex(
    embeddings: bool = typer.Option(
        False,
        "--embeddings",
        help="Recompute every stored embedding first (after changing the model or what is "
        "embedded); without it only the missing ones are computed.",
    ),
) -> None:
    """Rebuild the Meilisearch index from PostgreSQL into a new index, then swap it in."""
    from ingest.maintenance import rebuild_index

    settings = get_settings()
    _configure_logging(settings)
    count = _with_meili(
        settings,
        lambda e, m: rebuild_index(e, m, settings.meili_index, embeddings=embeddings),
    )
    err.print(f"reindexed {count} decisions into {settings.meili_index}")


@cli.command()
def check() -> None:
    """Compare PostgreSQL and Meilisearch; exit 1 on drift."""
    from ingest.maintenance import compare

    settings = get_settings()
    _configure_logging(settings)
    drift = _with_meili(settings, lambda e, m: compare(e, m, settings.meili_index))
    table = Table(title="PostgreSQL and Meilisearch")
    table.add_column("check")
    table.add_column("value", justify="right")
    table.add_row("decisions in PostgreSQL", str(drift.in_postgres))
    table.add_row("documents in Meilisearch", str(drift.in_meilisearch))
    table.add_row("missing from Meilisearch", str(len(drift.missing)))
    table.add_row("stale in Meilisearch", str(len(drift.stale)))
    table.add_row("in Meilisearch only", str(len(drift.extra)))
    out.print(table)
    for label, refs in (("missing", drift.missing), ("stale", drift.stale), ("extra", drift.extra)):
        if refs:
            out.print(f"{label}: {', '.join(refs[:20])}{' …' if len(refs) > 20 else ''}")
    if not drift.ok:
        out.print("[red]drift found: run `ombudsman reindex`[/red]")
        raise typer.Exit(1)
    out.print("in step")


# -- demo-data and serve -----------------------------------------------------------------------


@cli.command("demo-data")
def demo_data(
    count: int = typer.Option(2000, "--count", min=1, help="How many decisions"),
    seed: int = typer.Option(0, help="Same seed, same corpus"),
    out_file: Path | None = typer.Option(
        None, "--out", help="Write JSON lines here instead of loading them"
    ),
    length: str = typer.Option(
        "short",
        help="short (about 650 words each) or realistic (the real corpus's lengths: median "
        "about 1,800 words, one in ten over 4,000)",
    ),
) -> None:
    """Generate the synthetic corpus (fictional councils, source: synthetic) and load it."""
    from ingest.demo import write_jsonl

    if length not in ("short", "realistic"):
        raise typer.BadParameter("short or realistic", param_hint="--length")
    lengths: Length = "realistic" if length == "realistic" else "short"
    settings = get_settings()
    _configure_logging(settings)
    if out_file is not None:
        written = write_jsonl(out_file, count, seed, lengths)
        err.print(f"wrote {written} synthetic decisions to {out_file}")
        return
    target = settings.data_dir / f"demo-{count}-{seed}-{length}.jsonl"
    target.parent.mkdir(parents=True, exist_ok=True)
    write_jsonl(target, count, seed, lengths)
    with _database(settings) as (engine, services):
        summary = run_ingest(settings, engine, services, [target], {})
    _print_summary(summary, None)


def load_demo_if_empty(settings: Settings, engine: Any, services: Any) -> None:
    """First start of `make run`: load the synthetic demo corpus into an empty database."""
    from sqlalchemy import func, select
    from sqlmodel import Session

    from app.models import Decision
    from ingest.demo import write_jsonl

    if settings.demo_count <= 0:
        return
    with Session(engine) as session:
        if session.scalar(select(func.count()).select_from(Decision)):
            return
    log.info(
        "empty database: loading %d SYNTHETIC demo decisions (fictional councils, "
        "source=synthetic); set DEMO_COUNT=0 to skip",
        settings.demo_count,
    )
    target = settings.data_dir / f"demo-{settings.demo_count}-0.jsonl"
    # With DATABASE_URL and MEILI_URL set nothing else creates DATA_DIR.
    target.parent.mkdir(parents=True, exist_ok=True)
    write_jsonl(target, settings.demo_count, 0)
    summary = run_ingest(settings, engine, services, [target], {})
    log.info("demo corpus loaded: %d created, %d failed", summary.created, summary.failed)


@cli.command()
def serve(
    host: str | None = typer.Option(None, help="Address to bind (default: HOST setting)"),
    port: int | None = typer.Option(None, help="Port (default: PORT setting)"),
    workers: int | None = typer.Option(
        None, min=1, max=64, help="Worker processes (default: WORKERS setting)"
    ),
) -> None:
    """Serve the API: start the local services if needed, migrate, load the demo, listen."""
    import uvicorn

    from app.main import create_app
    from app.stack import local_services

    settings = get_settings()
    _configure_logging(settings)
    with local_services(settings) as services:
        with _database(settings) as (engine, services):
            load_demo_if_empty(settings, engine, services)
        common: dict[str, Any] = {
            "host": host or settings.host,
            "port": port or settings.port,
            "log_level": settings.log_level.lower(),
            "log_config": None,  # keep our logging: one format, request ids
        }
        count = workers or settings.workers
        if count == 1:
            uvicorn.run(create_app(settings, services), **common)
            return
        if settings.rate_limit_enabled and settings.rate_limit_storage.endswith("memory://"):
            log.warning(
                "%d workers with RATE_LIMIT_STORAGE=memory://: each counts on its own, so a "
                "client may get %d times the rate; set a Redis URI to share one count",
                count,
                count,
            )
        # Each worker builds its app from the environment: hand it the services found here.
        os.environ["DATABASE_URL"] = services.database_url
        os.environ["MEILI_URL"] = services.meili_url
        if services.meili_key:
            os.environ["MEILI_MASTER_KEY"] = services.meili_key
        uvicorn.run("app.serving:app_from_environment", factory=True, workers=count, **common)


def main() -> None:
    cli()
