"""What the crawler has done, kept in PostgreSQL (crawl_window, crawl_page).

A window is complete once every decision it lists was handled (stored, gone or failed), so the
next nightly run starts from the last complete window. A page is recorded only after its
decision is stored, so a crawl killed halfway refetches nothing it had already stored.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import SQLModel

from app.models import utcnow

WINDOWS = SQLModel.metadata.tables["crawl_window"]
PAGES = SQLModel.metadata.tables["crawl_page"]


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
