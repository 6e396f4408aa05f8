"""The search corpus with the CSV- and feed-troubling decisions, for export and feed tests."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from app.config import Settings
from app.stack import Services
from tests.app.search_corpus import LoadedCorpus, loaded_corpus, tricky_documents
from tests.conftest import scratch_database


@pytest.fixture(scope="module")
async def tricky(
    settings: Settings, services: Services, template_database: str
) -> AsyncIterator[LoadedCorpus]:
    """tests/app/search_corpus.py's decisions plus TRICKY, once per module that asks."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    with scratch_database(services, name, template_database) as url:
        async for loaded in loaded_corpus(settings, services, url, name, tricky_documents()):
            yield loaded
