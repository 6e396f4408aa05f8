"""The real site's fields through the API: suffixed references, decisions without a named body,
reports with compliance and further reports, removed pages, payers, texts shared by references.

The records are built directly (not parsed), so these tests pin what the loader stores, the
index holds and the API serves, whatever the parser makes of a page.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import update

from app.config import Settings
from app.models import Decision
from app.search.client import MeiliClient
from app.search.index import document_for
from app.stack import Services
from ingest.load import Loader
from ingest.parse.model import ParsedDecision, Payment
from tests.app.search_corpus import LoadedCorpus, records_as_documents, scratch_corpus

SHARED_TEXT = "The complaint\nThe same report, published once per complainant.\nFinding\nFault."


def _record(reference: str, **fields: Any) -> ParsedDecision:
    base: dict[str, Any] = {
        "reference": reference,
        "council_name": "Quillmoor County Council",
        "council_slug": "quillmoor-county-council",
        "category": "Education",
        "category_slug": "education",
        "subcategory": "School transport",
        "subcategory_slug": "school-transport",
        "outcome": "upheld",
        "outcome_text": "Upheld",
        "decided_on": date(2017, 2, 2),
        "summary": f"Summary of {reference}.",
        "body": f"Summary of {reference}.\nThe text of {reference}.",
        "remedy_total_pence": 0,
        "waived_total_pence": 0,
        "source": "lgsco",
    }
    return ParsedDecision(**{**base, **fields})


RECORDS = [
    _record("17 002 402", summary="Without the letter."),
    _record(
        "17 002 402b",
        summary="With the letter: a joint investigation with the Health Service Ombudsman.",
        council_name="Quillmoor Clinical Commissioning Group",
        council_slug="quillmoor-clinical-commissioning-group",
        body_type="nhs",
        category="Health",
        category_slug="health",
        subcategory="Other",
        subcategory_slug="other",
    ),
    _record("16 000 001", council_name=None, council_slug=None, summary="No body is named."),
    _record(
        "16 000 002",
        kind="report",
        compliance_confirmed_on=date(2018, 2, 21),
        payments=[
            Payment(amount_pence=200000, recipient="him", payer="County Council"),
            Payment(amount_pence=30000, recipient="him", payer="Borough Council", own=False),
        ],
        remedy_total_pence=200000,
    ),
    _record("16 000 003", kind="report", further_report=True),
    *(
        _record(reference, kind="report", body=SHARED_TEXT)
        for reference in ("15 018 169", "15 019 136", "15 020 236")
    ),
]


@pytest.fixture(scope="module")
async def corpus(
    settings: Settings, services: Services, template_database: str
) -> AsyncIterator[LoadedCorpus]:
    async for loaded in scratch_corpus(
        settings, services, template_database, base=records_as_documents(RECORDS)
    ):
        # A page that has gone from the site since: what the crawler records, then indexes.
        with loaded.engine.begin() as connection:
            connection.execute(
                update(Decision)
                .where(Decision.reference == "16 000 003")  # type: ignore[arg-type]
                .values(status="removed", removed_on=date(2026, 11, 30), indexed=False)
            )
        async with MeiliClient(services.meili_url, services.meili_key, timeout=60) as meili:
            assert await Loader(loaded.engine, meili, loaded.index_name).index_pending() == 1
        yield loaded


async def _get(corpus: LoadedCorpus, path: str, params: Any = None) -> Any:
    response = await corpus.client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("form", ["17 002 402b", "17-002-402b", "17002402b", "17002402B"])
async def test_a_suffixed_reference_is_its_own_decision(corpus: LoadedCorpus, form: str) -> None:
    record = (await _get(corpus, f"/v1/decisions/{form}"))["data"]
    assert record["reference"] == "17 002 402b"
    assert record["url"] == "/v1/decisions/17-002-402b"
    assert record["body_type"] == "nhs"
    plain = (await _get(corpus, "/v1/decisions/17-002-402"))["data"]
    assert plain["reference"] == "17 002 402"
    assert plain["summary"] == "Without the letter."


async def test_a_decision_without_a_named_body_is_served_and_counted(
    corpus: LoadedCorpus,
) -> None:
    record = (await _get(corpus, "/v1/decisions/16-000-001"))["data"]
    assert record["council"] is None
    assert record["body_type"] is None
    listed = await _get(corpus, "/v1/decisions", {"q": "No body is named"})
    assert [item["council"] for item in listed["data"]] == [None]
    stats = await _get(corpus, "/v1/stats", {"group_by": "council"})
    nameless = [row for row in stats["data"] if row["key"] is None]
    assert [(row["label"], row["count"]) for row in nameless] == [("Body not named", 1)]
    assert stats["meta"]["total"] == len(RECORDS)
    page = await corpus.client.get("/decisions/16-000-001")
    assert page.status_code == 200
    assert "Body not named" in page.text


async def test_report_fields_and_filters(corpus: LoadedCorpus) -> None:
    record = (await _get(corpus, "/v1/decisions/16-000-002"))["data"]
    assert record["kind"] == "report"
    assert record["compliance_confirmed_on"] == "2018-02-21"
    assert record["further_report"] is False
    assert [(p["amount"], p["payer"]) for p in record["payments"]] == [
        (2000.0, "County Council"),
        (300.0, "Borough Council"),
    ]
    assert record["remedy_total"] == 2000.0

    async def references(**params: Any) -> list[str]:
        body = await _get(corpus, "/v1/decisions", {**params, "sort": "decided_on"})
        return sorted(item["reference"] for item in body["data"])

    assert await references(further_report="true") == ["16 000 003"]
    assert await references(compliance_confirmed="true") == ["16 000 002"]
    assert len(await references(kind="report")) == 5
    assert await references(
        kind="report", compliance_confirmed="false", further_report="false"
    ) == [
        "15 018 169",
        "15 019 136",
        "15 020 236",
    ]
    assert await references(status="removed") == ["16 000 003"]
    assert len(await references(status="published")) == len(RECORDS) - 1


async def test_kind_facet_and_grouping_agree(corpus: LoadedCorpus) -> None:
    body = await _get(corpus, "/v1/decisions", {"facets": "kind,status"})
    kinds = {v["value"]: v["count"] for v in body["facets"]["kind"]}
    assert kinds == {"report": 5, "statement": 3}
    assert {v["value"]: v["count"] for v in body["facets"]["status"]} == {
        "published": 7,
        "removed": 1,
    }
    stats = await _get(corpus, "/v1/stats", {"group_by": "kind", "sort": "key"})
    assert [(r["key"], r["label"], r["count"]) for r in stats["data"]] == [
        ("report", "Report", 5),
        ("statement", "Statement", 3),
    ]


async def test_related_references_share_the_text(corpus: LoadedCorpus) -> None:
    record = (await _get(corpus, "/v1/decisions/15-019-136"))["data"]
    assert record["related_references"] == ["15 018 169", "15 020 236"]
    alone = (await _get(corpus, "/v1/decisions/16-000-002"))["data"]
    assert alone["related_references"] == []


async def test_removed_decision_is_kept_with_its_day(corpus: LoadedCorpus) -> None:
    record = (await _get(corpus, "/v1/decisions/16-000-003"))["data"]
    assert (record["status"], record["removed_on"]) == ("removed", "2026-11-30")


async def test_export_carries_the_new_columns(corpus: LoadedCorpus) -> None:
    response = await corpus.client.get(
        "/v1/decisions/export", params={"format": "ndjson", "kind": "report"}
    )
    assert response.status_code == 200
    rows = {row["reference"]: row for row in map(_json, response.text.splitlines())}
    assert rows["16 000 002"]["compliance_confirmed_on"] == "2018-02-21"
    assert rows["16 000 002"]["payments"] == (
        "£2,000.00 to him by County Council; £300.00 to him by Borough Council"
    )
    assert rows["16 000 003"]["status"] == "removed"
    assert rows["16 000 003"]["removed_on"] == "2026-11-30"
    assert rows["16 000 003"]["further_report"] is True
    assert rows["15 020 236"]["related_references"] == ["15 018 169", "15 019 136"]
    csv = await corpus.client.get("/v1/decisions/export", params={"further_report": "true"})
    header, row = csv.text.lstrip("\ufeff").splitlines()[:2]
    assert header.endswith(
        "kind,compliance_confirmed_on,further_report,related_references,status,removed_on"
    )
    assert row.endswith("report,,true,,removed,2026-11-30")


def _json(line: str) -> Any:
    import json

    return json.loads(line)


def test_an_index_document_without_a_body_has_null_council_fields() -> None:
    decision = Decision(
        reference="16 000 001", source="lgsco", content_hash="x", parser_version="2"
    )
    document = document_for(decision, None)
    assert document["id"] == "16000001"
    assert (document["council_slug"], document["council_name"]) == (None, None)
    assert (document["kind"], document["status"]) == ("statement", "published")


async def test_another_bodys_share_is_never_this_councils(corpus: LoadedCorpus) -> None:
    profile = (await _get(corpus, "/v1/councils/quillmoor-county-council"))["data"]
    assert [(p["reference"], p["amount"]) for p in profile["largest_payments"]] == [
        ("16 000 002", 2000.0)
    ]
    assert profile["remedy_total"] == 2000.0
    page = await corpus.client.get("/decisions/16-000-002")
    assert "Paid by" in page.text
    assert "not another's share of the joint decision" in page.text


async def test_nhs_bodies_are_listed_and_profiled(corpus: LoadedCorpus) -> None:
    listed = await _get(corpus, "/v1/councils", {"body_type": "nhs"})
    assert [(c["slug"], c["body_type"]) for c in listed["data"]] == [
        ("quillmoor-clinical-commissioning-group", "nhs")
    ]
    profile = (await _get(corpus, "/v1/councils/quillmoor-clinical-commissioning-group"))["data"]
    assert profile["comparison"]["body_type"] == "nhs"


async def test_a_nul_in_the_type_ahead_is_no_server_error(corpus: LoadedCorpus) -> None:
    listed = await _get(corpus, "/v1/councils", {"q": "Quill\x00moor County"})
    assert [c["slug"] for c in listed["data"]] == ["quillmoor-county-council"]


@pytest.mark.parametrize("form", ["17002402B", "17 002 402b"])
async def test_the_explorer_page_of_a_suffixed_reference(corpus: LoadedCorpus, form: str) -> None:
    response = await corpus.client.get(f"/decisions/{form}")
    assert response.status_code == 308
    assert response.headers["location"] == "/decisions/17-002-402b"
    page = await corpus.client.get("/decisions/17-002-402b")
    assert "Quillmoor Clinical Commissioning Group" in page.text
