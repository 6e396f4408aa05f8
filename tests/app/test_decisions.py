"""GET /v1/decisions and /v1/decisions/{reference} on real services with known answers."""

from __future__ import annotations

import html
from typing import Any

import pytest

from app.api.decision_schemas import DecisionList, SimilarList
from app.search.client import MeiliClient
from app.search.index import ensure_index, send_all
from tests.app.search_corpus import SYNTHETIC, LoadedCorpus

TOTAL = SYNTHETIC + 3


async def get(corpus: LoadedCorpus, params: Any = None, path: str = "/v1/decisions") -> Any:
    response = await corpus.client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def test_no_parameters_lists_everything_newest_first(corpus: LoadedCorpus) -> None:
    body = await get(corpus)
    assert body["meta"] == {
        "total": TOTAL, "page": 1, "per_page": 20, "pages": 56, "warnings": []
    }  # fmt: skip
    days = [item["decided_on"] for item in body["data"]]
    assert days == sorted(days, reverse=True)
    assert "body" not in body["data"][0]
    assert body["links"]["next"] == "/v1/decisions?page=2"
    assert body["links"]["prev"] is None


async def test_exact_record_fields_in_the_list(corpus: LoadedCorpus) -> None:
    body = await get(corpus, {"council": "Quillmoor County Council", "sort": "decided_on"})
    refs = [(i["reference"], i["outcome"], i["remedy_total"]) for i in body["data"]]
    assert refs == [("90 000 001", "upheld", 1250.5), ("90 000 002", "not_upheld", None)]
    first = body["data"][0]
    assert first["council"] == {
        "name": "Quillmoor County Council",
        "slug": "quillmoor-county-council",
    }
    assert first["url"] == "/v1/decisions/90-000-001"
    assert first["category"] == "Education"
    assert first["subcategory_slug"] == "special-educational-needs"


async def test_synonym_and_phrase_search(corpus: LoadedCorpus) -> None:
    ehcp = await get(corpus, {"q": "EHCP", "council": "quillmoor-county-council"})
    assert sorted(i["reference"] for i in ehcp["data"]) == ["90 000 001", "90 000 002"]
    phrase = await get(corpus, {"q": '"bin collections"', "council": "ashvale-borough-council"})
    assert [i["reference"] for i in phrase["data"]] == ["90 000 003"]
    excluded = await get(corpus, {"q": "plan -son", "council": "quillmoor-county-council"})
    assert [i["reference"] for i in excluded["data"]] == ["90 000 002"]


async def test_highlights_mark_matches_and_escape_markup(corpus: LoadedCorpus) -> None:
    body = await get(corpus, {"q": "script", "council": "quillmoor-county-council"})
    [item] = body["data"]
    summary = item["highlights"]["summary"]
    assert "<script" not in summary
    assert "<mark>script</mark>" in summary
    unmarked = summary.replace("<mark>", "").replace("</mark>", "")
    assert unmarked == (
        "A page that says &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; about the EHC plan "
        "&amp; more."
    )
    assert html.unescape(unmarked) == item["summary"]
    plain = await get(corpus, {"council": "quillmoor-county-council"})
    assert plain["data"][0]["highlights"] is None


async def test_each_filter_alone(corpus: LoadedCorpus) -> None:
    remedy = await get(corpus, {"remedy_min": "1250.50", "remedy_max": "1250.50"})
    assert [i["reference"] for i in remedy["data"]] == ["90 000 001"]
    dated = await get(corpus, {"decided_from": "2021-06-01", "decided_to": "2021-06-01"})
    assert "90 000 003" in [i["reference"] for i in dated["data"]]
    assert all(i["decided_on"] == "2021-06-01" for i in dated["data"])
    for outcome in ("upheld", "not_upheld"):
        body = await get(corpus, {"outcome": outcome, "per_page": 100})
        assert {i["outcome"] for i in body["data"]} == {outcome}
    typed = await get(corpus, {"remedy_type": "refund", "per_page": 100})
    assert typed["meta"]["total"] > 0
    assert all("refund" in i["remedy_types"] for i in typed["data"])
    by_slug = await get(corpus, {"category": "children-s-care-services"})
    by_name = await get(corpus, {"category": "Children's care services"})
    assert by_slug["meta"]["total"] == by_name["meta"]["total"] > 0


async def test_repeats_are_or_and_parameters_are_and(corpus: LoadedCorpus) -> None:
    upheld = (await get(corpus, {"outcome": "upheld"}))["meta"]["total"]
    not_upheld = (await get(corpus, {"outcome": "not_upheld"}))["meta"]["total"]
    both = (await get(corpus, {"outcome": ["upheld", "not_upheld"]}))["meta"]["total"]
    assert both == upheld + not_upheld
    anded = await get(corpus, {"outcome": "upheld", "council": "quillmoor-county-council"})
    assert [i["reference"] for i in anded["data"]] == ["90 000 001"]


async def test_sorting_both_ways(corpus: LoadedCorpus) -> None:
    up = await get(corpus, {"sort": "remedy_total", "remedy_min": "0", "per_page": 100})
    totals = [i["remedy_total"] for i in up["data"]]
    assert totals == sorted(totals)
    down = await get(corpus, {"sort": "-remedy_total", "per_page": 100})
    totals = [i["remedy_total"] for i in down["data"] if i["remedy_total"] is not None]
    assert totals == sorted(totals, reverse=True)
    old = await get(corpus, {"sort": "decided_on"})
    days = [i["decided_on"] for i in old["data"]]
    assert days == sorted(days)


async def test_paging_reaches_the_last_match(corpus: LoadedCorpus) -> None:
    last = await get(corpus, {"per_page": 100, "page": 12})
    assert last["meta"]["pages"] == 12
    assert len(last["data"]) == TOTAL - 1_100
    assert last["links"]["next"] is None
    beyond = await get(corpus, {"per_page": 100, "page": 13})
    assert beyond["data"] == []
    seen: set[str] = set()
    for page in range(1, 13):
        body = await get(corpus, {"per_page": 100, "page": page, "sort": "decided_on"})
        seen |= {i["reference"] for i in body["data"]}
    assert len(seen) == TOTAL


async def test_facets_count_every_value_with_links(corpus: LoadedCorpus) -> None:
    body = await get(corpus, {"facets": "council,outcome,year,category", "q": "council"})
    councils = body["facets"]["council"]
    assert len(councils) > 100  # no cut at Meilisearch's default of 100 values
    assert sum(f["count"] for f in body["facets"]["outcome"]) == body["meta"]["total"]
    quill = next(f for f in councils if f["value"] == "quillmoor-county-council")
    assert quill["label"] == "Quillmoor County Council"
    query = "facets=council%2Coutcome%2Cyear%2Ccategory&q=council"
    assert quill["url"] == f"/v1/decisions?{query}&council=quillmoor-county-council"
    upheld = next(f for f in body["facets"]["outcome"] if f["value"] == "upheld")
    assert upheld["label"] == "Upheld"
    year = body["facets"]["year"][0]
    assert year["url"].endswith(
        f"decided_from={year['value']}-01-01&decided_to={year['value']}-12-31"
    )
    followed = await get(corpus, path=quill["url"])
    assert followed["meta"]["total"] == quill["count"]


async def test_unknown_council_warns_with_suggestions(corpus: LoadedCorpus) -> None:
    body = await get(corpus, {"council": "Quilmoor County Council"})
    assert body["data"] == []
    assert body["meta"]["total"] == 0
    [warning] = body["meta"]["warnings"]
    assert warning.startswith(
        "No council matches 'quilmoor-county-council'; did you mean Quillmoor County Council, "
    )


@pytest.mark.parametrize(
    ("params", "status", "detail"),
    [
        ({"counci": "kent"}, 400, "Unknown query parameter: 'counci' (did you mean 'council'?)."),
        ({"per_page": "0"}, 422, None),
        ({"per_page": "101"}, 422, None),
        ({"page": "0"}, 422, None),
        ({"outcome": "won"}, 422, None),
        ({"sort": "random"}, 422, None),
        (
            {"facets": "colour"},
            422,
            "facets: unknown facet 'colour'; use a comma list of council, category, subcategory, "
            "outcome, year, remedy_type, kind, status",
        ),
        (
            {"remedy_min": "lots"},
            422,
            "remedy_min: 'lots' is not an amount in pounds (e.g. 1000 or 250.50)",
        ),
        (
            {"decided_from": "yesterday"},
            422,
            "decided_from: 'yesterday' is not a date: use YYYY-MM-DD or a time ago such as -30d, "
            "-12m, -2y",
        ),
        ({"q": "x" * 501}, 422, None),
    ],
)
async def test_bad_parameters_are_problems(
    corpus: LoadedCorpus, params: dict[str, str], status: int, detail: str | None
) -> None:
    response = await corpus.client.get("/v1/decisions", params=params)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    if detail is not None:
        assert response.json()["detail"].startswith(detail)


@pytest.mark.parametrize("form", ["90 000 001", "90-000-001", "90000001"])
async def test_a_record_by_any_form_of_its_reference(corpus: LoadedCorpus, form: str) -> None:
    body = await get(corpus, path=f"/v1/decisions/{form}")
    record = body["data"]
    assert record["reference"] == "90 000 001"
    assert record["remedy_total"] == 1250.5
    assert record["payments"] == [
        {"amount": 1250.5, "recipient": "Ms B", "count": 1, "kind": "payment",
         "already_made": False, "reason": "for the distress caused", "payer": None}
    ]  # fmt: skip
    assert record["deadlines"] == ["within one month of the final decision"]
    assert set(record["sections"]) == {"complaint", "agreed_action", "final_decision"}


@pytest.mark.parametrize("form", ["99 999 999", "17-015", "abc"])
async def test_unknown_reference_is_404_problem(corpus: LoadedCorpus, form: str) -> None:
    response = await corpus.client.get(f"/v1/decisions/{form}")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "EHCP", "facets": "council,outcome,year,statute,remedy_type"},
        {"council": "quillmoor-county-council", "sort": "-remedy_total", "per_page": 3},
        {"q": "bin collections", "semantic": 0.5, "facets": "category"},
        {"page": 999},
    ],
)
async def test_search_pages_are_exactly_what_the_model_gives(
    corpus: LoadedCorpus, params: dict[str, Any]
) -> None:
    """The page is encoded without FastAPI validating it (app/api/encoded.py): it must be a
    fixed point of DecisionList, every field present, named and typed as the schema says."""
    body = await get(corpus, params)
    assert DecisionList.model_validate(body).model_dump(mode="json") == body


async def test_similar_lists_are_exactly_what_the_model_gives(corpus: LoadedCorpus) -> None:
    body = await get(corpus, {"per_page": 5}, path="/v1/decisions/90-000-001/similar")
    assert body["data"]
    assert SimilarList.model_validate(body).model_dump(mode="json") == body


async def test_send_all_stops_at_its_limit(
    corpus: LoadedCorpus, meili: MeiliClient, index_name: str
) -> None:
    """The benchmark measures index sizes on a sample: `limit` sends that many, in batches."""
    await ensure_index(meili, index_name)
    sent = await send_all(meili, corpus.engine, index_name, batch_size=400, limit=1000)
    stats = await meili.request("GET", f"/indexes/{index_name}/stats")
    assert sent == stats["numberOfDocuments"] == 1000
