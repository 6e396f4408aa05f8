"""The explorer's figures cache: kept a minute per (q, filters), least recently used out, and
computed once however many readers ask at the same time."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import FastAPI, Request
from sqlalchemy import Engine

from app.config import Settings
from app.explorer import figures as figures_module
from app.explorer.figures import FiguresCache
from app.search.client import MeiliClient
from app.search.filters import DecisionFilters
from tests.app.api.bodies import DECISIONS, load_decisions


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _request(engine: Engine) -> Request:
    app = FastAPI()  # without q, nothing asks Meilisearch: the engine is all the cache uses
    app.state.engine = engine
    app.state.settings = Settings()
    return Request({"type": "http", "app": app})


WEXMOOR = DecisionFilters(council=["wexmoor-district-council"])


async def test_kept_for_max_age_then_computed_again(
    engine: Engine, meili: MeiliClient, index_name: str
) -> None:
    await load_decisions(engine, meili, index_name, DECISIONS)
    clock = Clock()
    cache = FiguresCache(max_age_s=60, clock=clock)
    first = await cache.get(_request(engine), None, WEXMOOR)
    years = [(row["key"], row["count"]) for row in first.by_year]
    assert years == [("2022", 1), ("2023", 2), ("2024", 3)]
    assert [row["key"] for row in first.top_councils] == ["wexmoor-district-council"]
    assert await cache.get(_request(engine), "  ", WEXMOOR) is first  # blank q is no q
    clock.now = 59.9
    assert await cache.get(_request(engine), None, WEXMOOR) is first
    clock.now = 60.0
    again = await cache.get(_request(engine), None, WEXMOOR)
    assert again is not first
    assert again == first


async def test_least_recently_used_goes_first(engine: Engine) -> None:
    cache = FiguresCache(max_entries=2, clock=Clock())
    a, b, c = (DecisionFilters(outcome=[o]) for o in ("upheld", "not_upheld", "other"))
    kept_a = await cache.get(_request(engine), None, a)
    await cache.get(_request(engine), None, b)
    assert await cache.get(_request(engine), None, a) is kept_a  # a is now the newest
    await cache.get(_request(engine), None, c)  # b goes
    assert len(cache) == 2
    assert await cache.get(_request(engine), None, a) is kept_a


async def test_readers_at_the_same_time_share_one_computation(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real = figures_module.stats.compute

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(args[3])  # the grouping
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(figures_module.stats, "compute", counting)
    cache = FiguresCache(clock=Clock())
    results = await asyncio.gather(*(cache.get(_request(engine), None, WEXMOOR) for _ in range(8)))
    assert all(result is results[0] for result in results)
    assert calls == ["year", "council"]


async def test_the_page_serves_the_kept_figures(client: httpx.AsyncClient, app: FastAPI) -> None:
    await client.get("/?outcome=upheld&page=1")
    await client.get("/?outcome=upheld&page=2&sort=decided_on")
    assert len(app.state.explorer_figures) == 1  # paging and order share the figures
