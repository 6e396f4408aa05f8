"""Full-text matches as a SQL condition: the same set Meilisearch finds, as one parameter."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from app.config import Settings
from app.search.filters import DECISIONS, DecisionFilters
from app.search.matching import matching_references, reference_in
from app.stack import Services
from tests.app.search_corpus import SYNTHETIC, LoadedCorpus, loaded_corpus
from tests.conftest import scratch_database


@pytest.fixture(scope="module")
async def corpus(
    settings: Settings, services: Services, template_database: str
) -> AsyncIterator[LoadedCorpus]:
    name = f"test_{uuid.uuid4().hex[:12]}"
    with scratch_database(services, name, template_database) as url:
        async for loaded in loaded_corpus(settings, services, url, name):
            yield loaded


async def test_every_match_and_only_matches(corpus: LoadedCorpus) -> None:
    meili = corpus.app.state.meili
    everything = await matching_references(meili, corpus.index_name, "", DecisionFilters())
    assert len(everything) == len(set(everything)) == SYNTHETIC + 3
    ehcp = await matching_references(
        meili, corpus.index_name, "EHCP", DecisionFilters(council=["quillmoor-county-council"])
    )
    assert sorted(ehcp) == ["90 000 001", "90 000 002"]
    with Session(corpus.engine) as session:
        assert (
            session.scalar(
                select(func.count()).select_from(DECISIONS).where(reference_in(everything))
            )
            == SYNTHETIC + 3
        )
        assert (
            session.scalar(select(func.count()).select_from(DECISIONS).where(reference_in(ehcp)))
            == 2
        )
        assert (
            session.scalar(select(func.count()).select_from(DECISIONS).where(reference_in([]))) == 0
        )
