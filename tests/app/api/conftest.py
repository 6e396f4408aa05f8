"""The search corpus with the CSV- and feed-troubling decisions, for export and feed tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from app.config import Settings
from app.stack import Services
from tests.app.search_corpus import LoadedCorpus, scratch_corpus, tricky_documents


@pytest.fixture(scope="module")
async def tricky(
    settings: Settings, services: Services, template_database: str
) -> AsyncIterator[LoadedCorpus]:
    """tests/app/search_corpus.py's decisions plus TRICKY, once per module that asks."""
    async for loaded in scratch_corpus(settings, services, template_database, tricky_documents()):
        yield loaded
