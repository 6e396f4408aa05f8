"""The searchable corpus shared by API tests: loaded once per test module that asks for it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from app.config import Settings
from app.stack import Services
from tests.app.search_corpus import LoadedCorpus, loaded_corpus
from tests.conftest import scratch_database


@pytest.fixture(scope="module")
async def corpus(
    settings: Settings, services: Services, template_database: str
) -> AsyncIterator[LoadedCorpus]:
    """1,103 decisions with known answers in their own database and index (search_corpus.py)."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    with scratch_database(services, name, template_database) as url:
        async for loaded in loaded_corpus(settings, services, url, name):
            yield loaded
