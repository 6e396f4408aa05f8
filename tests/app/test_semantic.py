"""Issue 14 on real PostgreSQL and Meilisearch: embeddings stored and indexed, /similar, hybrid
search (`semantic`), boilerplate ranked last and never highlighted, and degraded mode."""

from __future__ import annotations

import json
import math
import re
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, select, update
from sqlmodel import Session, col

from app.api.decisions import meili_search_body
from app.api.query import hybrid_of
from app.config import Settings
from app.models import Decision, Organisation
from app.search.boilerplate import split_body
from app.search.client import MeiliClient
from app.search.embeddings import DIMENSIONS, EMBEDDER, MODEL_NAME, embedder, embedding_text
from app.search.filters import DecisionFilters
from app.search.index import SETTINGS, add_documents, document_for, ensure_index
from app.search.matching import SEMANTIC_NEIGHBOURS
from app.stack import Services
from ingest.demo import generate
from ingest.load import Loader
from ingest.maintenance import rebuild_index
from tests.app.search_corpus import LoadedCorpus, _raw, loaded_corpus, without_search_engine
from tests.conftest import scratch_database

OFSTED = (
    "Under our information sharing agreement, we will share this decision with the Office "
    "for Standards in Education, Children’s Services and Skills (Ofsted)."
)


def _statement(reference: str, summary: str, category: str, considered: str) -> str:
    return (
        f"Quillmoor County Council ({reference})\n\nCategory : {category}\n\n"
        f"Decision : Upheld\n\nDecision date : 12 March 2024\n\nSummary: {summary}\n\n"
        f"The complaint\n1. Mrs D complained about the Council.\n\n"
        f"How I considered this complaint\n2. I considered the information Mrs D provided.\n"
        f"3. {considered}\n\nFinal decision\n4. I have completed my investigation.\n"
    )


# Two decisions made for the boilerplate tests: one about schooling, one about a care home
# whose only "education" is in the Ofsted notice.
ABOUT_SCHOOL = _statement(
    "92 000 001",
    "The Council failed to arrange suitable education for a pupil excluded from school.",
    "Adult care services > Residential care",  # no "education" in the category either
    "I read the Council's records.",
)
ONLY_BOILERPLATE = _statement(
    "92 000 002",
    "The Council delayed a foster carer's allowance for a looked-after child.",
    "Adult care services > Residential care",
    OFSTED,
)


@pytest.fixture(scope="module")
async def corpus(
    settings: Settings, services: Services, template_database: str
) -> AsyncIterator[LoadedCorpus]:
    """The shared API corpus (1,103 decisions) plus the two boilerplate decisions."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    extra = [_raw(ABOUT_SCHOOL, "school"), _raw(ONLY_BOILERPLATE, "ofsted")]
    with scratch_database(services, name, template_database) as url:
        async for loaded in loaded_corpus(settings, services, url, name, extra=extra):
            yield loaded


@pytest.fixture(scope="module")
async def without_meili(
    corpus: LoadedCorpus, settings: Settings, services: Services
) -> AsyncIterator[httpx.AsyncClient]:
    async with without_search_engine(corpus, settings, services) as client:
        yield client


def _rows(engine: Engine, *where: Any) -> list[Decision]:
    with Session(engine) as session:
        return list(session.scalars(select(Decision).where(*where).order_by(col(Decision.id))))


# ---- the model ---------------------------------------------------------------------------------


def test_model_is_local_unit_length_and_deterministic() -> None:
    first = embedder().embed_query("the council did not collect my bins")
    again = embedder().embed(["the council did not collect my bins", "noise"])[0]
    assert len(first) == DIMENSIONS
    assert first == again
    assert math.isclose(math.fsum(x * x for x in first), 1.0, abs_tol=1e-4)


def test_embedding_text_is_what_the_decision_is_about() -> None:
    sections = {
        "complaint": "Mr X complains about missed bins.",
        "role_and_powers": "We investigate complaints about ‘maladministration’.",
        "how_considered": OFSTED,
        "findings": "- The crew missed the road four times.\n- " + OFSTED,
        "final_decision": "I have completed my investigation.",
    }
    text = embedding_text("Bins were missed.", sections)
    assert text.splitlines() == [
        "Bins were missed.",
        "Mr X complains about missed bins.",
        "- The crew missed the road four times.",
    ]
    assert embedding_text("", {}) == ""


# ---- stored and indexed ------------------------------------------------------------------------


async def test_ingest_stores_vector_and_model_and_indexes_them(
    corpus: LoadedCorpus, meili: MeiliClient
) -> None:
    rows = _rows(corpus.engine)
    assert rows
    assert all(r.embedding_model == MODEL_NAME for r in rows)
    assert all(r.embedding is not None and len(r.embedding) == DIMENSIONS for r in rows)
    sample = rows[5]
    expected = embedder().embed_query(embedding_text(sample.summary, sample.sections))
    assert sample.embedding is not None
    assert max(abs(a - b) for a, b in zip(sample.embedding, expected, strict=True)) < 1e-5

    settings = await meili.request("GET", f"/indexes/{corpus.index_name}/settings")
    assert settings["embedders"] == {EMBEDDER: {"source": "userProvided", "dimensions": 256}}
    assert settings["searchableAttributes"][-1] == "boilerplate"
    assert settings["searchableAttributes"] == SETTINGS["searchableAttributes"]
    fetched = await meili.request(
        "POST",
        f"/indexes/{corpus.index_name}/documents/fetch",
        {"filter": f'reference = "{sample.reference}"', "retrieveVectors": True},
    )
    (document,) = fetched["results"]
    (indexed,) = document["_vectors"][EMBEDDER]["embeddings"]
    assert max(abs(a - b) for a, b in zip(indexed, sample.embedding, strict=True)) < 1e-6
    assert document["_vectors"][EMBEDDER]["regenerate"] is False


def test_document_without_a_vector_says_null() -> None:
    decision = Decision(
        reference="20 000 001", summary="s", body="b", source="file", content_hash="x",
        parser_version="1",
    )  # fmt: skip
    assert document_for(decision, None)["_vectors"] == {EMBEDDER: None}
    decision.embedding, decision.embedding_model = [0.5] * DIMENSIONS, "another-model"
    assert document_for(decision, None)["_vectors"] == {EMBEDDER: None}  # never mixed models
    decision.embedding_model = MODEL_NAME
    assert document_for(decision, None)["_vectors"] == {EMBEDDER: [0.5] * DIMENSIONS}


async def test_decision_without_vector_still_indexes(meili: MeiliClient, index_name: str) -> None:
    await ensure_index(meili, index_name)
    organisation = Organisation(
        slug="wexmoor", name="Wexmoor District Council", body_type="council"
    )
    decision = Decision(
        reference="20 000 002", summary="Parking fine", body="Parking fine", source="file",
        content_hash="x", parser_version="1",
    )  # fmt: skip
    await add_documents(meili, index_name, [document_for(decision, organisation)])
    found = await meili.request("POST", f"/indexes/{index_name}/search", {"q": "parking"})
    assert [hit["reference"] for hit in found["hits"]] == ["20 000 002"]


async def test_reindex_keeps_stored_vectors_and_embeddings_flag_recomputes(
    engine: Engine, meili: MeiliClient, index_name: str
) -> None:
    await ensure_index(meili, index_name)
    loading = [_raw(d.text, f"demo:{n}") for n, d in enumerate(generate(12, seed=5))]
    summary = await Loader(engine, meili, index_name).load(loading)
    assert summary.created == 12
    first, second, third, *_ = _rows(engine)
    marker = [1.0] + [0.0] * (DIMENSIONS - 1)  # not what the model computes
    with engine.begin() as connection:
        connection.execute(
            update(Decision).where(col(Decision.id) == first.id).values(embedding=marker)
        )
        connection.execute(
            update(Decision)
            .where(col(Decision.id) == second.id)
            .values(embedding=None, embedding_model=None)
        )
        connection.execute(
            update(Decision)
            .where(col(Decision.id) == third.id)
            .values(embedding=marker, embedding_model="an-older-model")
        )

    await rebuild_index(engine, meili, index_name)
    kept, filled, redone, *_ = _rows(engine)
    assert kept.embedding == marker  # unchanged: not recomputed
    assert filled.embedding is not None
    assert filled.embedding_model == MODEL_NAME
    assert redone.embedding != marker
    assert redone.embedding_model == MODEL_NAME
    fetched = await meili.request(
        "POST",
        f"/indexes/{index_name}/documents/fetch",
        {"filter": f'reference = "{kept.reference}"', "retrieveVectors": True},
    )
    assert fetched["results"][0]["_vectors"][EMBEDDER]["embeddings"] == [marker]

    await rebuild_index(engine, meili, index_name, embeddings=True)
    recomputed = _rows(engine)[0]
    assert recomputed.embedding != marker
    assert recomputed.embedding == embedder().embed_query(
        embedding_text(recomputed.summary, recomputed.sections)
    )


# ---- /v1/decisions/{reference}/similar ---------------------------------------------------------


async def _a_decision(corpus: LoadedCorpus, **params: Any) -> dict[str, Any]:
    response = await corpus.client.get(
        "/v1/decisions", params={"per_page": 1, "source": "synthetic", **params}
    )
    return response.json()["data"][0]


async def test_similar_lists_nearest_others_with_scores(corpus: LoadedCorpus) -> None:
    decision = await _a_decision(corpus, subcategory="refuse-and-recycling")
    response = await corpus.client.get(f"{decision['url']}/similar")
    assert response.status_code == 200, response.text
    body = response.json()
    assert len(body["data"]) == 10
    assert decision["reference"] not in [item["reference"] for item in body["data"]]
    scores = [item["score"] for item in body["data"]]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < s <= 1 for s in scores)
    listed = (await corpus.client.get("/v1/decisions", params={"q": "bins"})).json()["data"][0]
    assert set(body["data"][0]) == set(listed) - {"highlights"} | {"score"}  # a list item
    same = sum(item["subcategory_slug"] == "refuse-and-recycling" for item in body["data"])
    assert same >= 5, body["data"]  # what a decision is about decides what is near it
    assert body["meta"] == {"reference": decision["reference"], "per_page": 10, "warnings": []}
    assert body["links"]["decision"] == decision["url"]
    five = (await corpus.client.get(f"{decision['url']}/similar", params={"per_page": 5})).json()
    assert [i["reference"] for i in five["data"]] == [i["reference"] for i in body["data"][:5]]


async def test_similar_at_other_councils(corpus: LoadedCorpus) -> None:
    decision = await _a_decision(corpus)
    councils = (await corpus.client.get("/v1/councils", params={"per_page": 5})).json()["data"]
    others = [c["slug"] for c in councils if c["slug"] != decision["council"]["slug"]][:2]
    response = await corpus.client.get(
        f"{decision['url']}/similar", params=[("council", others[0]), ("council", others[1])]
    )
    assert response.status_code == 200, response.text
    items = response.json()["data"]
    assert items
    assert {item["council"]["slug"] for item in items} <= set(others)


async def test_similar_upheld_since_2022(corpus: LoadedCorpus) -> None:
    decision = await _a_decision(corpus, outcome="not_upheld")
    response = await corpus.client.get(
        f"{decision['url']}/similar",
        params={"outcome": "upheld", "decided_from": "2022-01-01", "per_page": 20},
    )
    items = response.json()["data"]
    assert len(items) == 20
    assert all(item["outcome"] == "upheld" for item in items)
    assert all(date.fromisoformat(item["decided_on"]) >= date(2022, 1, 1) for item in items)


async def test_similar_problems(corpus: LoadedCorpus) -> None:
    unknown = await corpus.client.get("/v1/decisions/99-999-998/similar")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"].startswith("application/problem+json")
    assert "99 999 998" in unknown.json()["detail"]
    assert (await corpus.client.get("/v1/decisions/nonsense/similar")).status_code == 404
    assert (await corpus.client.get("/v1/decisions/90-000-001b/similar")).status_code == 404
    ok = await corpus.client.get("/v1/decisions/90000001/similar", params={"per_page": 3})
    assert ok.status_code == 200
    assert len(ok.json()["data"]) == 3
    for bad in ({"per_page": 0}, {"per_page": 101}, {"outcome": "maybe"}):
        assert (
            await corpus.client.get("/v1/decisions/90000001/similar", params=bad)
        ).status_code == 422
    typo = await corpus.client.get("/v1/decisions/90000001/similar", params={"counci": "x"})
    assert typo.status_code == 400
    assert "council" in typo.json()["detail"]


async def test_similar_of_a_decision_without_vector_is_empty_with_a_warning(
    corpus: LoadedCorpus, meili: MeiliClient
) -> None:
    (row,) = _rows(corpus.engine, col(Decision.reference) == "90 000 003")
    vector = row.embedding
    with corpus.engine.begin() as connection:
        connection.execute(
            update(Decision).where(col(Decision.id) == row.id).values(embedding=None)
        )
    row.embedding = None
    await add_documents(meili, corpus.index_name, [document_for(row, None)])
    response = await corpus.client.get("/v1/decisions/90-000-003/similar")
    assert response.status_code == 200, response.text
    assert response.json()["data"] == []
    assert "no text to compare" in response.json()["meta"]["warnings"][0]
    with corpus.engine.begin() as connection:  # put the row and index back as they were
        connection.execute(
            update(Decision).where(col(Decision.id) == row.id).values(embedding=vector)
        )
    (stored,) = _rows(corpus.engine, col(Decision.reference) == "90 000 003")
    with Session(corpus.engine) as session:
        organisation = session.get(Organisation, stored.organisation_id)
    await add_documents(meili, corpus.index_name, [document_for(stored, organisation)])


# ---- hybrid search -----------------------------------------------------------------------------


def test_semantic_zero_sends_todays_request() -> None:
    filters = DecisionFilters(outcome=["upheld"])
    assert hybrid_of("ehcp", 0.0) is None
    assert meili_search_body("ehcp", filters, None, 2, 20, ["council"], hybrid_of("ehcp", 0)) == {
        "q": "ehcp",
        "filter": ['outcome IN ["upheld"]'],
        "page": 2,
        "hitsPerPage": 20,
        "attributesToRetrieve": [
            "reference", "council_name", "council_slug", "body_type", "kind", "category",
            "subcategory", "category_slug", "subcategory_slug", "outcome", "outcome_text",
            "decided_on", "summary", "remedy_total_pence", "remedy_types", "status", "source",
            "source_url", "updated_at",
        ],
        "facets": ["council_slug"],
        "attributesToHighlight": ["summary", "body"],
        "attributesToCrop": ["body"],
        "cropLength": 40,
        "highlightPreTag": "\ue000",
        "highlightPostTag": "\ue001",
    }  # fmt: skip
    hybrid = hybrid_of("ehcp", 0.5)
    assert hybrid is not None
    with_meaning = meili_search_body("ehcp", filters, None, 2, 20, ["council"], hybrid)
    assert with_meaning["hybrid"] == {"embedder": "decisions", "semanticRatio": 0.5}
    assert len(with_meaning["vector"]) == DIMENSIONS


async def _export_count(corpus: LoadedCorpus, **params: Any) -> int:
    response = await corpus.client.get(
        "/v1/decisions/export", params={**params, "format": "ndjson"}
    )
    assert response.status_code == 200, response.text
    return len([line for line in response.text.splitlines() if line.strip()])


async def test_hybrid_counts_keyword_matches_among_the_nearest_once(corpus: LoadedCorpus) -> None:
    query: dict[str, Any] = {"q": "bins", "semantic": 0.5}
    keyword = (await corpus.client.get("/v1/decisions", params={**query, "semantic": 0})).json()
    body = (await corpus.client.get("/v1/decisions", params={**query, "facets": "outcome"})).json()
    total = body["meta"]["total"]
    # many of the 100 nearest to "bins" say "bins": counted once
    assert keyword["meta"]["total"] < total < keyword["meta"]["total"] + SEMANTIC_NEIGHBOURS
    assert await _export_count(corpus, **query) == total
    assert sum(v["count"] for v in body["facets"]["outcome"]) <= total
    stats = await corpus.client.get("/v1/stats", params={**query, "group_by": "outcome"})
    by_outcome = {row["key"]: row["count"] for row in stats.json()["data"]}
    assert {v["value"]: v["count"] for v in body["facets"]["outcome"]} == {
        k: n for k, n in by_outcome.items() if k is not None
    }


@pytest.mark.parametrize("facet", ["outcome", "remedy_type", "council", "year", "kind"])
async def test_hybrid_facets_count_the_exported_matches(corpus: LoadedCorpus, facet: str) -> None:
    """Facets of a hybrid search (K + N - N∩K, from counts) equal those of its matches listed."""
    query: dict[str, Any] = {"q": "bins", "semantic": 0.5}
    body = (await corpus.client.get("/v1/decisions", params={**query, "facets": facet})).json()
    response = await corpus.client.get("/v1/decisions/export", params={**query, "format": "ndjson"})
    rows = [json.loads(line) for line in response.text.splitlines() if line.strip()]
    assert len(rows) == body["meta"]["total"]
    listed: Counter[str] = Counter()
    for row in rows:
        listed.update(_facet_values(row, facet))
    assert {v["value"]: v["count"] for v in body["facets"][facet]} == dict(listed)


def _facet_values(row: dict[str, Any], facet: str) -> list[str]:
    if facet == "remedy_type":
        return list(row["remedy_types"] or [])
    if facet == "council":
        return [row["council_slug"]] if row["council_slug"] else []
    if facet == "year":
        return [row["decided_on"][:4]] if row["decided_on"] else []
    return [row[facet]] if row[facet] else []


@pytest.mark.parametrize("semantic", [0.5, 1.0])
async def test_hybrid_totals_agree_with_stats_export_and_feed(
    corpus: LoadedCorpus, semantic: float
) -> None:
    query: dict[str, Any] = {"q": "rubbish left out", "semantic": semantic, "outcome": "upheld"}
    keyword = (await corpus.client.get("/v1/decisions", params={**query, "semantic": 0})).json()
    found = await corpus.client.get("/v1/decisions", params={**query, "facets": "outcome,year"})
    assert found.status_code == 200, found.text
    body = found.json()
    total = body["meta"]["total"]
    assert keyword["meta"]["total"] < total <= keyword["meta"]["total"] + SEMANTIC_NEIGHBOURS
    assert body["facets"]["outcome"][0]["count"] == total  # every match is upheld
    assert sum(v["count"] for v in body["facets"]["year"]) <= total  # some have no date
    stats = (await corpus.client.get("/v1/stats", params={**query, "group_by": "kind"})).json()
    assert sum(row["count"] for row in stats["data"]) == total
    assert await _export_count(corpus, **query) == total
    feed = await corpus.client.get("/v1/decisions/feed.atom", params=query)
    assert feed.status_code == 200
    assert feed.text.count("<entry>") == min(total, 50)
    assert all(item["outcome"] == "upheld" for item in body["data"])
    # meaning finds decisions about refuse collection that the words alone do not
    top = [item["subcategory_slug"] for item in body["data"][:10]]
    by_words = [item["subcategory_slug"] for item in keyword["data"][:10]]
    assert top.count("refuse-and-recycling") >= 3 > by_words.count("refuse-and-recycling"), top


async def test_semantic_validation_and_without_q(corpus: LoadedCorpus) -> None:
    for bad in ("-0.1", "1.5", "half"):
        response = await corpus.client.get("/v1/decisions", params={"q": "x", "semantic": bad})
        assert response.status_code == 422, bad
    plain = await corpus.client.get("/v1/decisions", params={"semantic": 0.5, "per_page": 5})
    assert plain.status_code == 200
    assert "semantic has no effect without q." in plain.json()["meta"]["warnings"]


# ---- boilerplate -------------------------------------------------------------------------------


def test_split_body_sorts_standard_paragraphs_out() -> None:
    sections = {"how_considered": "2. I considered the information Mrs D provided.\n3. " + OFSTED}
    about, boilerplate = split_body(
        "Summary: A school place.\nHow I considered this complaint\n"
        "2. I considered the information Mrs D provided.\n3. " + OFSTED + "\nWhat I found\n"
        "- Officers did not reply. " + "\n- We are not an appeal body. Our role is…",
        sections,
    )
    assert about == "Summary: A school place.\nWhat I found\n- Officers did not reply. "
    assert "Ofsted" in boilerplate
    assert "appeal body" in boilerplate


async def test_education_ranks_the_decision_about_it_above_the_ofsted_notice(
    corpus: LoadedCorpus,
) -> None:
    hits: list[dict[str, Any]] = []
    for page in range(1, 30):
        response = await corpus.client.get(
            "/v1/decisions", params={"q": "education", "per_page": 100, "page": page}
        )
        hits += response.json()["data"]
        if not response.json()["links"]["next"]:
            break
    order = [hit["reference"] for hit in hits]
    assert order.index("92 000 001") < order.index("92 000 002")
    rows = {r.reference: r for r in _rows(corpus.engine)}
    about_it: list[int] = []
    only_boilerplate: list[int] = []
    for position, reference in enumerate(order):
        row = rows[reference]
        about, _ = split_body(row.body, row.sections)
        text = " ".join([row.summary, about, row.category or "", row.subcategory or ""])
        (about_it if re.search(r"educat", text, re.I) else only_boilerplate).append(position)
    assert only_boilerplate, "the corpus has decisions whose only 'education' is the notice"
    assert max(about_it) < min(only_boilerplate)
    for hit in hits:  # highlights never show the standard paragraphs
        assert "Office for Standards" not in hit["highlights"]["body"]
        assert "information sharing" not in hit["highlights"]["body"]


async def test_words_only_in_boilerplate_find_but_never_highlight(corpus: LoadedCorpus) -> None:
    response = await corpus.client.get(
        "/v1/decisions", params={"q": '"information sharing agreement"', "per_page": 50}
    )
    body = response.json()
    assert body["meta"]["total"] > 0
    for hit in body["data"]:
        assert "<mark>" not in hit["highlights"]["body"]
        assert "sharing agreement" not in hit["highlights"]["body"]
    record = (await corpus.client.get("/v1/decisions/92-000-002")).json()["data"]
    assert "Office for Standards in Education" in record["body"]  # the stored body stays whole


# ---- degraded mode and the explorer ------------------------------------------------------------


async def test_without_meilisearch_semantic_and_similar_are_503(
    without_meili: httpx.AsyncClient,
) -> None:
    cases: list[dict[str, Any]] = [{"q": "bins", "semantic": 0.5}, {"semantic": 0.5}]
    for params in cases:
        response = await without_meili.get("/v1/decisions", params=params)
        assert response.status_code == 503, params
        assert response.headers["retry-after"] == "5"
    similar = await without_meili.get("/v1/decisions/90-000-001/similar")
    assert similar.status_code == 503
    assert similar.headers["retry-after"] == "5"
    assert similar.headers["content-type"].startswith("application/problem+json")
    page = await without_meili.get("/decisions/90-000-001")
    assert page.status_code == 200
    assert "Similar decisions" not in page.text
    plain = await without_meili.get("/v1/decisions", params={"semantic": 0})
    assert plain.status_code == 200


async def test_explorer_shows_similar_and_the_meaning_toggle(corpus: LoadedCorpus) -> None:
    page = await corpus.client.get("/decisions/90-000-001")
    assert page.status_code == 200
    assert "Similar decisions" in page.text
    assert page.text.count('<li><a href="/decisions/') >= 5
    search = await corpus.client.get("/", params={"q": "bins", "semantic": "0.5"})
    assert search.status_code == 200
    assert 'name="semantic" value="0.5" checked' in search.text
    assert 'name="semantic" value="0.5">' in (await corpus.client.get("/")).text
