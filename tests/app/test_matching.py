"""Full-text matches as a SQL condition: the same set Meilisearch finds, as one parameter."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from app.search.filters import DECISIONS, DecisionFilters
from app.search.matching import matching_references, reference_in
from tests.app.search_corpus import SYNTHETIC, LoadedCorpus


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
