"""The relevance benchmark's judged queries name the demo corpus's real taxonomy: a query whose
sub-category the demo never generates has nothing to find (it broke `make bench` once, after the
taxonomy became the real site's)."""

from __future__ import annotations

from collections import Counter

from bench.semantic_bench import judged_set
from ingest.demo import generate


def test_every_judged_query_has_relevant_decisions_in_the_relevance_corpus() -> None:
    truths = [d.truth for d in generate(2000, seed=0)]  # the corpus _relevance loads
    categories = {t.category_slug for t in truths}
    relevant = Counter(t.subcategory_slug for t in truths)
    queries = judged_set()
    assert len(queries) >= 40
    for judged in queries:
        assert judged.categories <= categories, judged.q
        found = sum(relevant[s] for s in judged.subcategories)
        assert found or judged.real, f"{judged.q!r}: no decision of {sorted(judged.subcategories)}"
