"""Names for slugs (councils, categories, sub-categories), cached for a minute.

Facets return slugs; a result page shows names. Looking 300 council names up on every search
cost a quarter of the API's time per faceted request (measured), so the names are read once
and kept, and read again when they are a minute old or a slug turns up that they lack (new
data), at most once a second.
"""

from __future__ import annotations

import difflib
import time
from dataclasses import dataclass, field

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Engine, func, select

from app.search.filters import DECISIONS, ORGANISATIONS

MAX_AGE_S = 60.0
MIN_AGE_FOR_MISS_S = 1.0


@dataclass
class Labels:
    council: dict[str, str] = field(default_factory=dict)
    category: dict[str, str] = field(default_factory=dict)
    subcategory: dict[str, str] = field(default_factory=dict)
    read_at: float = float("-inf")


class LabelCache:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.labels = Labels()

    def stale(self, wanted: dict[str, list[str]] | None = None) -> bool:
        """Too old, or lacking a wanted slug (and not read within the last second)."""
        age = time.monotonic() - self.labels.read_at
        if age > MAX_AGE_S:
            return True
        if age < MIN_AGE_FOR_MISS_S or not wanted:
            return False
        return any(
            slug not in getattr(self.labels, kind)
            for kind, slugs in wanted.items()
            for slug in slugs
        )

    def refresh(self) -> Labels:
        with self.engine.connect() as conn:
            councils = dict(conn.execute(select(ORGANISATIONS.c.slug, ORGANISATIONS.c.name)).all())
            names = {}
            for kind in ("category", "subcategory"):
                slug, name = DECISIONS.c[f"{kind}_slug"], DECISIONS.c[kind]
                rows = conn.execute(
                    select(slug, func.min(name)).where(slug.is_not(None)).group_by(slug)
                )
                names[kind] = dict(rows.all())
        self.labels = Labels(councils, names["category"], names["subcategory"], time.monotonic())
        return self.labels


async def current_labels(request: Request, wanted: dict[str, list[str]]) -> Labels:
    """The app's labels, read again first when stale for what is `wanted`."""
    cache: LabelCache = request.app.state.labels
    return await run_in_threadpool(cache.refresh) if cache.stale(wanted) else cache.labels


def council_warnings(known: dict[str, str], slugs: list[str]) -> list[str]:
    """A warning for each council slug that names no body, with the closest names."""
    warnings = []
    for slug in slugs:
        if slug in known:
            continue
        close = difflib.get_close_matches(slug, list(known), n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(known[c] for c in close)}?" if close else ""
        warnings.append(f"No council matches {slug!r}{hint}")
    return warnings
