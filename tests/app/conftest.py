"""The searchable corpus shared by API tests: loaded once per test module that asks for it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from app.config import Settings
from app.main import create_app
from app.stack import Services
from tests.app.search_corpus import LoadedCorpus, scratch_corpus


@pytest.fixture(scope="module")
async def corpus(
    settings: Settings, services: Services, template_database: str
) -> AsyncIterator[LoadedCorpus]:
    """1,103 decisions with known answers in their own database and index (search_corpus.py)."""
    async for loaded in scratch_corpus(settings, services, template_database):
        yield loaded


CORS_ORIGIN = "https://news.example"


@pytest.fixture
def cors_client(settings: Settings, test_services: Services, index_name: str) -> httpx.AsyncClient:
    """A client of an app that allows CORS_ORIGIN (its lifespan is not needed for /healthz)."""
    configured = settings.model_copy(
        update={"meili_index": index_name, "cors_origins": [CORS_ORIGIN]}
    )
    transport = httpx.ASGITransport(app=create_app(configured, test_services))
    return httpx.AsyncClient(transport=transport, base_url="http://t")
