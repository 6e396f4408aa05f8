"""/reconcile, the Reconciliation API OpenRefine speaks: the protocol's shapes, and the names a
reporter's spreadsheet holds (abbreviations, "&", "Royal Borough of", no "Council", typos, a
care provider, a name we do not hold). Fictional bodies, with decisions so figures exist."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Any

import jsonschema
import pytest

from app.config import Settings
from app.stack import Services
from app.vocabulary import slugify
from ingest.parse.model import ParsedDecision
from tests.app import reconcile_schemas as schemas
from tests.app.search_corpus import LoadedCorpus, records_as_documents, scratch_corpus

BODIES = {
    "Quillmoor County Council": ("council", 3, 2),
    "Quillmoor Borough Council": ("council", 1, 0),
    "Briskthorpe Metropolitan Borough Council": ("council", 2, 1),
    "Royal Borough of Ashvale and Wexmouth": ("council", 1, 1),
    "Creskthorpe District Council": ("council", 1, 0),
    "Elm and Oak City Council": ("council", 1, 1),
    "Bluebell Meadow Care Homes Limited": ("care_provider", 2, 2),
}


def _records() -> Iterator[ParsedDecision]:
    n = 0
    for name, (body_type, count, upheld) in BODIES.items():
        for i in range(count):
            n += 1
            record = ParsedDecision(
                reference=f"80 000 {n:03d}",
                council_name=name,
                council_slug=slugify(name),
                body_type=body_type,
                outcome="upheld" if i < upheld else "not_upheld",
                decided_on=date(2024, 1, n),
                summary=f"Decision {n}.",
                sections={"complaint": "A complaint."},
                remedy_total_pence=10000 * n if i < upheld else 0,
                waived_total_pence=0,
                source="synthetic",
            )
            yield record


@pytest.fixture(scope="module")
async def corpus(
    settings: Settings, services: Services, template_database: str
) -> AsyncIterator[LoadedCorpus]:
    documents = records_as_documents(_records())
    async for loaded in scratch_corpus(settings, services, template_database, base=documents):
        yield loaded


async def _get(corpus: LoadedCorpus, path: str, **params: Any) -> Any:
    response = await corpus.client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def _reconcile(corpus: LoadedCorpus, queries: dict[str, Any], post: bool = True) -> Any:
    if post:
        response = await corpus.client.post("/reconcile", data={"queries": json.dumps(queries)})
    else:
        response = await corpus.client.get("/reconcile", params={"queries": json.dumps(queries)})
    assert response.status_code == 200, response.text
    body = response.json()
    jsonschema.validate(body, schemas.RESULT_BATCH)
    return body


async def test_the_manifest(corpus: LoadedCorpus) -> None:
    manifest = await _get(corpus, "/reconcile")
    jsonschema.validate(manifest, schemas.MANIFEST)
    assert manifest["identifierSpace"] == "http://testserver/v1/councils/"
    assert manifest["view"]["url"] == "http://testserver/councils/{{id}}"
    assert manifest["defaultTypes"][0]["id"] == "body"


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("Quillmoor CC", "quillmoor-county-council"),
        ("Quillmoor BC", "quillmoor-borough-council"),
        ("Briskthorpe MBC", "briskthorpe-metropolitan-borough-council"),
        ("Creskthorpe DC", "creskthorpe-district-council"),
        ("Elm & Oak City Council", "elm-and-oak-city-council"),
        ("Ashvale & Wexmouth", "royal-borough-of-ashvale-and-wexmouth"),
        ("The Royal Borough of Ashvale and Wexmouth", "royal-borough-of-ashvale-and-wexmouth"),
        ("Creskthorpe District", "creskthorpe-district-council"),  # no "Council"
        ("Creskthrope District Council", "creskthorpe-district-council"),  # a typo
        ("Briskthorp Metropolitan Borough", "briskthorpe-metropolitan-borough-council"),
        ("Bluebell Meadow Care Homes Ltd", "bluebell-meadow-care-homes-limited"),
    ],
)
async def test_names_a_reporter_types_are_sure_matches(
    corpus: LoadedCorpus, query: str, slug: str
) -> None:
    found = (await _reconcile(corpus, {"q0": {"query": query, "type": "body"}}))["q0"]["result"]
    assert found[0]["id"] == slug
    assert found[0]["match"] is True
    assert [c["match"] for c in found[1:]] == [False] * (len(found) - 1)


@pytest.mark.parametrize("query", ["Nowhere Council", "Quillmoor", "Kent County Council"])
async def test_unknown_or_ambiguous_names_get_no_match(corpus: LoadedCorpus, query: str) -> None:
    found = (await _reconcile(corpus, {"q0": {"query": query}}, post=False))["q0"]["result"]
    assert not any(c["match"] for c in found)


async def test_a_batch_answers_every_key_with_its_limit(corpus: LoadedCorpus) -> None:
    queries = {f"q{i}": {"query": name, "limit": 2} for i, name in enumerate(BODIES)}
    batch = await _reconcile(corpus, queries)
    assert set(batch) == set(queries)
    assert all(len(answer["result"]) <= 2 for answer in batch.values())
    wrong = await _reconcile(corpus, {"q0": {"query": "Quillmoor CC", "type": "Q515"}})
    assert wrong == {"q0": {"result": []}}


async def test_suggest_and_preview(corpus: LoadedCorpus) -> None:
    suggested = await _get(corpus, "/reconcile/suggest/entity", prefix="bluebell")
    jsonschema.validate(suggested, schemas.SUGGEST)
    assert suggested["result"][0]["id"] == "bluebell-meadow-care-homes-limited"
    card = await corpus.client.get(
        "/reconcile/preview", params={"id": "bluebell-meadow-care-homes-limited"}
    )
    assert card.status_code == 200
    assert "Bluebell Meadow Care Homes Limited" in card.text
    assert "2 decisions · upheld 100% (34%–100%), too few decisions to compare" in card.text
    missing = await corpus.client.get("/reconcile/preview", params={"id": "no-such-body"})
    assert missing.status_code == 404


async def test_data_extension_gives_the_figures_of_v1(corpus: LoadedCorpus) -> None:
    proposed = await _get(corpus, "/reconcile/properties", type="body")
    jsonschema.validate(proposed, schemas.PROPERTIES)
    ids = ["quillmoor-county-council", "no-such-body"]
    wanted = [
        {"id": p}
        for p in ("decisions", "upheld", "upheld_rate", "upheld_rate_low", "rate_reliable")
    ]
    response = await corpus.client.post(
        "/reconcile", data={"extend": json.dumps({"ids": ids, "properties": wanted})}
    )
    assert response.status_code == 200, response.text
    extension = response.json()
    jsonschema.validate(extension, schemas.EXTENSION)
    council = (await _get(corpus, "/v1/councils/quillmoor-county-council"))["data"]
    row = extension["rows"]["quillmoor-county-council"]
    assert row == {
        "decisions": [{"int": council["decisions"]}],
        "upheld": [{"int": council["upheld"]}],
        "upheld_rate": [{"float": council["upheld_rate"]}],
        "upheld_rate_low": [{"float": council["upheld_rate_low"]}],
        "rate_reliable": [{"str": "false"}],
    }
    assert council["decisions"] == 3
    assert extension["rows"]["no-such-body"] == {p["id"]: [] for p in wanted}


@pytest.mark.parametrize(
    "data",
    [
        {"queries": "{not json"},
        {"queries": "[]"},
        {"queries": json.dumps({"q0": {"query": ""}})},
        {"extend": json.dumps({"ids": ["x"], "properties": [{"id": "salary"}]})},
    ],
)
async def test_bad_batches_are_problems(corpus: LoadedCorpus, data: dict[str, str]) -> None:
    response = await corpus.client.post("/reconcile", data=data)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


async def test_jsonp_for_old_clients(corpus: LoadedCorpus) -> None:
    response = await corpus.client.get("/reconcile", params={"callback": "jQuery_1"})
    assert response.text.startswith("jQuery_1({")
    bad = await corpus.client.get("/reconcile", params={"callback": "alert(1)//"})
    assert bad.status_code == 422
