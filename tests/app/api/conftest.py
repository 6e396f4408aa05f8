"""The search corpus with the CSV- and feed-troubling decisions, for export and feed tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import Engine

from app.config import Settings
from app.search.client import MeiliClient
from app.stack import Services
from tests.app.api.bodies import DECISIONS, STATS_EXTRA, load_decisions
from tests.app.search_corpus import LoadedCorpus, scratch_corpus, tricky_documents


@pytest.fixture(scope="module")
async def tricky(
    settings: Settings, services: Services, template_database: str
) -> AsyncIterator[LoadedCorpus]:
    """tests/app/search_corpus.py's decisions plus TRICKY, once per module that asks."""
    async for loaded in scratch_corpus(settings, services, template_database, tricky_documents()):
        yield loaded


@pytest.fixture
async def loaded(
    client: httpx.AsyncClient, engine: Engine, meili: MeiliClient, index_name: str
) -> httpx.AsyncClient:
    """The test's app with bodies.py's decisions and the stats extras loaded (the stats tests;
    test_councils.py overrides it with the decisions alone)."""
    await load_decisions(engine, meili, index_name, DECISIONS + STATS_EXTRA)
    return client
