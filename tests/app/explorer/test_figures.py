"""The explorer's figures cache: kept a minute per (q, filters), least recently used out."""

from __future__ import annotations

import httpx
from fastapi import FastAPI, Request
from sqlalchemy import Engine
from sqlmodel import Session

from app.explorer.figures import FiguresCache
from app.search.client import MeiliClient
from app.search.filters import DecisionFilters
from tests.app.api.bodies import DECISIONS, load_decisions


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _request() -> Request:
    return Request({"type": "http", "app": FastAPI()})  # without q, nothing asks Meilisearch


async def test_kept_for_max_age_then_computed_again(
    engine: Engine, meili: MeiliClient, index_name: str
) -> None:
    await load_decisions(engine, meili, index_name, DECISIONS)
    clock = Clock()
    cache = FiguresCache(max_age_s=60, clock=clock)
    wexmoor = DecisionFilters(council=["wexmoor-district-council"])
    with Session(engine) as session:
        first = await cache.get(_request(), session, None, wexmoor)
        assert [(row["key"], row["count"]) for row in first.by_year] == [
            ("2022", 1),
            ("2023", 2),
            ("2024", 3),
        ]
        assert [row["key"] for row in first.top_councils] == ["wexmoor-district-council"]
        assert await cache.get(_request(), session, "  ", wexmoor) is first  # blank q is no q
        clock.now = 59.9
        assert await cache.get(_request(), session, None, wexmoor) is first
        clock.now = 60.0
        again = await cache.get(_request(), session, None, wexmoor)
    assert again is not first
    assert again == first


async def test_least_recently_used_goes_first(engine: Engine) -> None:
    cache = FiguresCache(max_entries=2, clock=Clock())
    a, b, c = (DecisionFilters(outcome=[o]) for o in ("upheld", "not_upheld", "other"))
    with Session(engine) as session:
        kept_a = await cache.get(_request(), session, None, a)
        await cache.get(_request(), session, None, b)
        assert await cache.get(_request(), session, None, a) is kept_a  # a is now the newest
        await cache.get(_request(), session, None, c)  # b goes
        assert len(cache) == 2
        assert await cache.get(_request(), session, None, a) is kept_a


async def test_the_page_serves_the_kept_figures(client: httpx.AsyncClient, app: FastAPI) -> None:
    await client.get("/?outcome=upheld&page=1")
    await client.get("/?outcome=upheld&page=2&sort=decided_on")
    assert len(app.state.explorer_figures) == 1  # paging and order share the figures
