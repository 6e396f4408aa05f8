"""The explorer's figures for one query (charts and the category list), kept for a minute.

A reporter pages through results, re-orders them, opens a decision and comes back: the figures
of a query do not change with its page or order, and with `q` they cost about a second on
100,000 decisions (Meilisearch listing every match for PostgreSQL to count; measured in
docs/benchmarks.md). So they are computed once per (q, filters) and kept `MAX_AGE_S`, the
lifetime every response already has in HTTP caches (caching.py: `max-age=60`). The API's
/v1/stats computes afresh each time; the page shows the same numbers, at most a minute old.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session

from app.api import categories, stats
from app.api.query import full_text_references
from app.search.filters import DecisionFilters

MAX_AGE_S = 60.0
MAX_ENTRIES = 256  # a few kilobytes each: the rows, never the matching references
TOP_COUNCILS = 10


@dataclasses.dataclass(frozen=True)
class Figures:
    by_year: list[dict[str, Any]]  # /v1/stats?group_by=year&sort=key rows
    top_councils: list[dict[str, Any]]  # /v1/stats?group_by=council&sort=-count&limit=10 rows
    categories: list[dict[str, Any]]  # /v1/categories data (the form's choices)


def _key(text: str, filters: DecisionFilters, semantic: float = 0.0) -> Hashable:
    values = dataclasses.astuple(filters)
    return text, semantic, tuple(tuple(v) if isinstance(v, list) else v for v in values)


class FiguresCache:
    """Least recently used first out; an entry older than `max_age_s` is computed again."""

    def __init__(
        self,
        max_entries: int = MAX_ENTRIES,
        max_age_s: float = MAX_AGE_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_entries = max_entries
        self.max_age_s = max_age_s
        self.clock = clock
        self._entries: OrderedDict[Hashable, tuple[float, Figures]] = OrderedDict()
        self._pending: dict[Hashable, asyncio.Future[Figures]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    async def get(
        self, request: Request, q: str | None, filters: DecisionFilters, semantic: float = 0.0
    ) -> Figures:
        text = (q or "").strip()
        key = _key(text, filters, semantic)
        kept = self._entries.get(key)
        if kept is not None and self.clock() - kept[0] < self.max_age_s:
            self._entries.move_to_end(key)
            return kept[1]
        # One computation per query at a time: when the figures of a popular query expire, the
        # readers arriving meanwhile wait for it rather than each listing every match again
        # (measured: sixteen at once overloaded Meilisearch into timeouts). Shielded, so a reader
        # who leaves does not cancel it for the others; it has its own session for that reason.
        pending = self._pending.get(key)
        if pending is None:
            pending = asyncio.ensure_future(self._compute(key, request, text, filters, semantic))
            self._pending[key] = pending
            pending.add_done_callback(lambda _: self._pending.pop(key, None))
        return await asyncio.shield(pending)

    async def _compute(
        self,
        key: Hashable,
        request: Request,
        text: str,
        filters: DecisionFilters,
        semantic: float = 0.0,
    ) -> Figures:
        """Compute the figures and keep them (once, however many readers wait for them)."""
        # The matching references are asked of Meilisearch once, for both groupings.
        references = await full_text_references(request, text, filters, semantic)
        engine = request.app.state.engine
        min_n = request.app.state.settings.min_rate_n

        def compute() -> Figures:
            with Session(engine) as session:
                return Figures(
                    by_year=stats.compute(
                        session, filters, references, "year", "key", 1000, 1, min_n
                    )[0],
                    top_councils=stats.compute(
                        session, filters, references, "council", "-count", TOP_COUNCILS, 1, min_n
                    )[0],
                    categories=categories.list_categories(session)["data"],
                )

        figures = await run_in_threadpool(compute)
        self._entries[key] = (self.clock(), figures)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
        return figures
