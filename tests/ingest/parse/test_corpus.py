"""The exact values issue 4 requires for the two shared LGSCO decisions."""

from __future__ import annotations

from datetime import date

import pytest

from ingest.parse.model import ParsedDecision, Payment
from ingest.parse.record import parse_text
from tests.corpus import CUMBRIA, WARWICKSHIRE, decision_text


@pytest.fixture(scope="module")
def cumbria() -> ParsedDecision:
    return parse_text(decision_text(CUMBRIA))


@pytest.fixture(scope="module")
def warwickshire() -> ParsedDecision:
    return parse_text(decision_text(WARWICKSHIRE))


def test_cumbria_header(cumbria: ParsedDecision) -> None:
    assert cumbria.reference == "17 015 692"
    assert cumbria.council_name == "Cumbria County Council"
    assert cumbria.council_slug == "cumbria-county-council"
    assert cumbria.body_type == "council"
    assert cumbria.category == "Children's care services"
    assert cumbria.subcategory == "Child protection"
    assert cumbria.category_slug == "children-s-care-services"
    assert cumbria.subcategory_slug == "child-protection"
    assert cumbria.outcome == "upheld"
    assert cumbria.outcome_text == "Upheld"
    assert cumbria.outcome_inferred is False
    assert cumbria.decided_on == date(2019, 5, 7)
    assert cumbria.complainants == ["Mr Q"]
    assert cumbria.warnings == []


def test_cumbria_payments(cumbria: ParsedDecision) -> None:
    rows = [
        (p.amount_pence, p.recipient, p.count, p.kind, p.already_made) for p in cumbria.payments
    ]
    assert rows == [
        (30000, "Mr Q", 1, "payment", False),
        (20000, "Mr Q", 1, "payment", False),
        (20000, "Mr Q", 1, "payment", False),
        (20000, "D and G", 2, "payment", False),
    ]
    assert cumbria.payments[0].reason == (
        "to recognise the distress, uncertainty, and frustration caused by the significant "
        "delays in the complaints process"
    )
    assert cumbria.remedy_total_pence == 110000
    assert cumbria.waived_total_pence == 0
    assert cumbria.public_dict()["remedy_total"] == 1100.0


def test_cumbria_remedy_types_and_deadlines(cumbria: ParsedDecision) -> None:
    assert {"apology", "financial_payment", "procedure_review"} <= set(cumbria.remedy_types)
    assert cumbria.deadlines == [
        "within four weeks of the final decision",
        "within three months of the final decision",
    ]


def test_cumbria_sections_and_body(cumbria: ParsedDecision) -> None:
    assert list(cumbria.sections) == [
        "complaint",
        "role_and_powers",
        "how_considered",
        "findings",
        "analysis",
        "agreed_action",
        "final_decision",
    ]
    assert cumbria.summary.startswith("Mr Q complains about the Council’s actions")
    assert cumbria.summary.endswith("to review its action log to ensure targets are set.")
    assert cumbria.body.endswith(
        "a financial remedy to recognise the distress, uncertainty, and inconvenience caused by "
        "the faults identified."
    )
    for furniture in ("Back to top", "cookie", "Print this page", "privacy", "LGO logogram"):
        assert furniture not in cumbria.body
    assert "Early Help" in cumbria.sections["findings"]  # sub-headings stay in their section
    assert cumbria.sections["final_decision"].startswith("1. I find fault with the Council")


def test_cumbria_amounts_outside_the_remedy_are_not_counted(cumbria: ParsedDecision) -> None:
    # The summary and final decision mention "a financial remedy" too: no extra rows.
    assert len(cumbria.payments) == 4
    assert sum(p.total_pence for p in cumbria.payments) == 110000


def test_warwickshire(warwickshire: ParsedDecision) -> None:
    assert warwickshire.reference == "24 013 077"
    assert warwickshire.council_name == "Warwickshire County Council"
    assert warwickshire.outcome == "upheld"
    assert warwickshire.outcome_inferred is True
    assert warwickshire.outcome_text is None
    assert warwickshire.decided_on is None
    assert "no decision date found" in warwickshire.warnings
    assert "outcome inferred from prose" in warwickshire.warnings
    assert "no category found" in warwickshire.warnings
    assert warwickshire.category is None
    assert warwickshire.complainants == ["Mr X"]
    assert warwickshire.payments == [
        Payment(
            amount_pence=50000,
            recipient="Mr X",
            count=1,
            kind="payment",
            already_made=False,
            reason=(
                "in recognition of the likely uncertainty and distress caused by the following "
                "upheld points of complaint"
            ),
        )
    ]
    assert warwickshire.remedy_total_pence == 50000
    assert "apology" not in warwickshire.remedy_types
    assert warwickshire.remedy_types == ["financial_payment"]
    assert warwickshire.deadlines == ["within four weeks of the final decision"]
    assert warwickshire.body.endswith("the injustice caused by Mr X.")
    assert "Investigator's decision" not in warwickshire.body


def test_warwickshire_category_from_url() -> None:
    record = parse_text(
        decision_text(WARWICKSHIRE),
        url="https://www.lgo.org.uk/decisions/children-s-care-services/other/24-013-077",
    )
    assert record.category == "Children's care services"
    assert record.subcategory == "Other"
    assert record.category_slug == "children-s-care-services"
    assert record.subcategory_slug == "other"
    assert record.source_url is not None
    assert "no category found" not in record.warnings
