"""What the crawler has done, kept in PostgreSQL (crawl_window, crawl_page).

A window is complete once every listing page was read, the links found match the stated count
and every decision it lists was handled (stored, gone or failed), so the next nightly run
starts from the last complete window; a window begun and not completed is kept with no
completion time, and the nightly run takes it up again. A page is recorded only after its
decision is stored, so a crawl killed halfway refetches nothing it had already stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import Engine, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import SQLModel

from app.models import utcnow

WINDOWS = SQLModel.metadata.tables["crawl_window"]
PAGES = SQLModel.metadata.tables["crawl_page"]
DECISIONS = SQLModel.metadata.tables["decision"]


CRAWL_LOCK_KEY = 0x4F4D4255  # one crawl at a time per database (a PostgreSQL advisory lock)


@contextmanager
def crawl_lock(engine: Engine) -> Iterator[bool]:
    """Hold the crawl lock for the block, if no other crawl holds it: yields whether it does.
    Released at the end of the block, or by PostgreSQL when a killed crawl's connection ends."""
    with engine.connect() as conn:
        held = bool(conn.scalar(select(func.pg_try_advisory_lock(CRAWL_LOCK_KEY))))
        conn.commit()
        try:
            yield held
        finally:
            if held:
                conn.scalar(select(func.pg_advisory_unlock(CRAWL_LOCK_KEY)))
                conn.commit()


def completed_windows(engine: Engine) -> set[tuple[date, date]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(WINDOWS.c.first_day, WINDOWS.c.last_day).where(
                WINDOWS.c.completed_at.is_not(None)
            )
        )
        return {(first, last) for first, last in rows}


def last_completed_day(engine: Engine) -> date | None:
    with engine.connect() as conn:
        return conn.scalar(
            select(func.max(WINDOWS.c.last_day)).where(WINDOWS.c.completed_at.is_not(None))
        )


def complete_window(engine: Engine, first: date, last: date, results: int | None) -> None:
    statement = insert(WINDOWS).values(
        first_day=first, last_day=last, results=results, completed_at=utcnow()
    )
    with engine.begin() as conn:
        conn.execute(
            statement.on_conflict_do_update(
                index_elements=["first_day", "last_day"],
                set_={"results": results, "completed_at": statement.excluded.completed_at},
            )
        )


def pages(engine: Engine, urls: list[str]) -> dict[str, dict[str, Any]]:
    """What is known of these pages: status, validators, error."""
    if not urls:
        return {}
    with engine.connect() as conn:
        rows = conn.execute(select(PAGES).where(PAGES.c.url.in_(urls))).mappings()
        return {row["url"]: dict(row) for row in rows}


def record_pages(engine: Engine, rows: list[dict[str, Any]]) -> None:
    """Upsert page records: url, status, etag, last_modified, content_hash, error."""
    if not rows:
        return
    statement = insert(PAGES)
    columns = ("status", "etag", "last_modified", "content_hash", "error")
    with engine.begin() as conn:
        conn.execute(
            statement.on_conflict_do_update(
                index_elements=["url"],
                set_={**{c: statement.excluded[c] for c in columns}, "fetched_at": func.now()},
            ),
            [{c: row.get(c) for c in ("url", *columns)} for row in rows],
        )


def incomplete_window(engine: Engine, first: date, last: date, results: int | None) -> None:
    """Record a window as begun but not complete (a rerun, even a nightly one, resumes it)."""
    statement = insert(WINDOWS).values(
        first_day=first, last_day=last, results=results, completed_at=None
    )
    with engine.begin() as conn:
        conn.execute(
            statement.on_conflict_do_update(
                index_elements=["first_day", "last_day"],
                set_={"results": results, "completed_at": None},
            )
        )


def incomplete_windows(engine: Engine, before: date) -> list[tuple[date, date]]:
    """Windows ending before `before` that a run began and none completed (nor a completed
    window covering them), oldest first: the nightly run takes them up again."""
    done = WINDOWS.alias("done")
    covered = (
        select(done.c.first_day)
        .where(
            done.c.completed_at.is_not(None),
            done.c.first_day <= WINDOWS.c.first_day,
            done.c.last_day >= WINDOWS.c.last_day,
        )
        .exists()
    )
    with engine.connect() as conn:
        rows = conn.execute(
            select(WINDOWS.c.first_day, WINDOWS.c.last_day)
            .where(WINDOWS.c.completed_at.is_(None), WINDOWS.c.last_day < before, ~covered)
            .order_by(WINDOWS.c.first_day, WINDOWS.c.last_day)
        )
        return [(first, last) for first, last in rows]


def stored_decision_urls(engine: Engine, first: date, last: date) -> set[str]:
    """source_url of the published LGSCO decisions dated first..last."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(DECISIONS.c.source_url).where(
                DECISIONS.c.source == "lgsco",
                DECISIONS.c.status == "published",
                DECISIONS.c.source_url.is_not(None),
                DECISIONS.c.decided_on.between(first, last),
            )
        )
        return {url for (url,) in rows}


def mark_removed(engine: Engine, url: str, day: date) -> int:
    """The decision stored from `url` is gone from the site: status 'removed', removed_on the
    day first found gone (an earlier day is kept), to be sent to Meilisearch again. Nothing is
    deleted. The number of decisions newly marked."""
    with engine.begin() as conn:
        result = conn.execute(
            update(DECISIONS)
            .where(
                DECISIONS.c.source_url == url,
                or_(DECISIONS.c.status != "removed", DECISIONS.c.removed_on.is_(None)),
            )
            .values(
                status="removed",
                removed_on=func.coalesce(DECISIONS.c.removed_on, day),
                indexed=False,
                updated_at=func.now(),
            )
        )
        return result.rowcount or 0


def republish(engine: Engine, urls: list[str]) -> int:
    """Decisions marked removed whose page answers again: published once more (the loader does
    this for a changed page; an unchanged one is not rewritten, so it is done here)."""
    if not urls:
        return 0
    with engine.begin() as conn:
        result = conn.execute(
            update(DECISIONS)
            .where(DECISIONS.c.source_url.in_(urls), DECISIONS.c.status == "removed")
            .values(status="published", removed_on=None, indexed=False, updated_at=func.now())
        )
        return result.rowcount or 0
