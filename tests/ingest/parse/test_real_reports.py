"""The twelve real LGSCO Reports of the shared corpus, parsed from pages built the way the site
serves them (tests/lgsco_pages.py): every figure below was checked against the text by hand."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from ingest.parse.model import ParsedDecision, text_fingerprint
from ingest.parse.record import parse_html, parse_text, url_parts
from tests.lgsco_pages import render_report, report_record, report_records

SCHOOL_TRANSPORT = ("15 018 169", "15 019 136", "15 020 236", "15 020 740")
JOINT = ("15 020 256", "16 005 249")
WIRRAL = "Wirral Metropolitan Borough Council"
DUDLEY = "Dudley Metropolitan Borough Council"

# reference: (decided_on, category, category slug, sub-category, sub-category slug,
#             remedy total in pence, compliance confirmed on, body name)
EXPECTED: dict[str, tuple[date, str, str, str, str, int, date | None, str | None]] = {
    "15 020 792": (
        date(2016, 12, 20),
        "Environment and regulation",
        "environment-and-regulation",
        "Drainage",
        "drainage",
        25000,
        date(2017, 9, 12),
        None,
    ),
    "15 018 561": (
        date(2016, 12, 8),
        "Children's care services",
        "children-s-care-services",
        "Friends and family carers",
        "friends-and-family-carers",
        130000,
        date(2017, 7, 28),
        None,
    ),
    "15 016 298": (
        date(2017, 2, 22),
        "Children's care services",
        "children-s-care-services",
        "Friends and family carers",
        "friends-and-family-carers",
        180000,
        date(2017, 8, 25),
        None,
    ),
    "16 000 780": (
        date(2017, 2, 14),
        "Adult care services",
        "adult-care-services",
        "Transition from childrens services",
        "transition-from-childrens-services",
        100000,
        date(2017, 9, 11),
        None,
    ),
    "15 017 863": (
        date(2017, 2, 8),
        "Adult care services",
        "adult-care-services",
        "Assessment and care plan",
        "assessment-and-care-plan",
        0,
        None,
        None,
    ),
    **{
        reference: (
            date(2017, 2, 2),
            "Education",
            "education",
            "School transport",
            "school-transport",
            150000,
            date(2017, 7, 19),
            WIRRAL,
        )
        for reference in SCHOOL_TRANSPORT
    },
    "15 020 256": (
        date(2017, 3, 29),
        "Adult care services",
        "adult-care-services",
        "Assessment and care plan",
        "assessment-and-care-plan",
        200000,
        date(2018, 2, 21),
        None,
    ),
    "16 005 249": (
        date(2017, 3, 29),
        "Housing",
        "housing",
        "Allocations",
        "allocations",
        30000,
        date(2018, 2, 21),
        None,
    ),
    "16 002 186": (
        date(2017, 3, 22),
        "Adult care services",
        "adult-care-services",
        "Charging",
        "charging",
        462800,
        date(2021, 2, 26),
        DUDLEY,
    ),
}


def _parsed(record: dict[str, Any], **render: Any) -> ParsedDecision:
    return parse_html(render_report(record, **render), url=record["url"])


@pytest.fixture(scope="module")
def parsed() -> dict[str, ParsedDecision]:
    return {r["case_id"]: _parsed(r) for r in report_records()}


def test_the_corpus_holds_the_twelve_reports() -> None:
    assert sorted(r["case_id"] for r in report_records()) == sorted(EXPECTED)


@pytest.mark.parametrize("reference", sorted(EXPECTED))
def test_each_report_exactly(parsed: dict[str, ParsedDecision], reference: str) -> None:
    decided, category, category_slug, sub, sub_slug, total, complied, body = EXPECTED[reference]
    record = parsed[reference]
    source = report_record(reference)
    assert record.reference == reference
    assert record.kind == "report"
    assert record.decided_on == decided
    assert (record.category, record.category_slug) == (category, category_slug)
    assert (record.subcategory, record.subcategory_slug) == (sub, sub_slug)
    assert url_parts(source["url"]) == (category_slug, sub_slug, reference)  # agrees with URL
    assert (record.category, record.subcategory) == (source["category"], source["subcategory"])
    assert (record.outcome, record.outcome_text, record.outcome_inferred) == (
        "upheld",
        "Upheld",
        False,
    )
    assert record.remedy_total_pence == total
    assert record.waived_total_pence == 0
    assert record.compliance_confirmed_on == complied
    assert record.further_report is (reference == "16 002 186")
    assert record.council_name == body
    assert record.body_type == "council"
    if body is None:
        assert "no council or body name found" in record.warnings
        assert record.council_slug is None
    else:
        assert "body name read from the text" in record.warnings
    assert "no final decision section found (the page may be truncated)" not in record.warnings
    assert "reference taken from the URL" not in record.warnings  # the title heading has it
    assert record.summary  # bare "Summary" line, or "Summary:" on 16 002 186
    assert {"complaint", "findings", "agreed_action"} <= set(record.sections)
    assert "Ombudsman satisfied" not in record.sections["agreed_action"]
    for furniture in ("Print this page", "cookies", "Make a complaint", "Privacy"):
        assert furniture not in record.body


def test_payments_of_the_reports(parsed: dict[str, ParsedDecision]) -> None:
    def amounts(reference: str) -> list[tuple[int, str]]:
        return [(p.amount_pence, p.kind) for p in parsed[reference].payments]

    assert amounts("15 020 792") == [(25000, "payment")]
    assert amounts("15 018 561") == [(30000, "payment"), (50000, "payment"), (50000, "payment")]
    assert amounts("15 016 298") == [(55000, "payment"), (85000, "payment"), (40000, "payment")]
    assert amounts("16 000 780") == [(100000, "payment")]
    assert amounts("15 017 863") == []
    for reference in SCHOOL_TRANSPORT:
        assert amounts(reference) == [
            (30000, "payment"),
            (10000, "payment"),
            (60000, "payment"),
            (50000, "payment"),
        ]


def test_refund_in_brackets_and_further_report(parsed: dict[str, ParsedDecision]) -> None:
    record = parsed["16 002 186"]
    assert [(p.amount_pence, p.kind, p.reason) for p in record.payments] == [
        (462800, "refund", "the top-up fees paid to date")
    ]
    assert record.payments[0].recipient is None
    assert "refund" in record.remedy_types
    assert "further_report" in record.sections
    assert "full compliance" in record.sections["further_report"]  # its recommendations
    assert "full compliance" not in record.sections["agreed_action"]
    assert record.body.endswith("Ombudsman satisfied with Council's response: 26 February 2021")


def test_joint_investigation_each_council_its_own_payment(
    parsed: dict[str, ParsedDecision],
) -> None:
    for reference in JOINT:
        record = parsed[reference]
        assert [(p.amount_pence, p.payer) for p in record.payments] == [
            (200000, "County Council"),
            (30000, "Borough Council"),
        ]
    county, borough = (parsed[r] for r in JOINT)
    assert county.remedy_total_pence == 200000
    assert borough.remedy_total_pence == 30000
    assert any("usual council tier for Adult care services" in w for w in county.warnings)
    assert any("usual council tier for Housing" in w for w in borough.warnings)


def test_one_text_under_several_references(parsed: dict[str, ParsedDecision]) -> None:
    school = {text_fingerprint(parsed[r].body) for r in SCHOOL_TRANSPORT}
    joint = {text_fingerprint(parsed[r].body) for r in JOINT}
    assert len(school) == 1
    assert len(joint) == 1  # the compliance lines differ ("council's" / "the council's")
    assert school != joint
    others = {
        text_fingerprint(parsed[r].body) for r in EXPECTED if r not in SCHOOL_TRANSPORT + JOINT
    }
    assert len(others) == len(EXPECTED) - len(SCHOOL_TRANSPORT) - len(JOINT)
    assert not others & (school | joint)


def test_named_title_outside_the_article() -> None:
    source = report_record("15 018 169")
    record = _parsed(source, title=f"{WIRRAL} (15 018 169)")
    assert record.council_name == WIRRAL
    assert record.council_slug == "wirral-metropolitan-borough-council"
    assert record.body_type == "council"
    assert "body name read from the text" not in record.warnings
    assert "no council or body name found" not in record.warnings

    county = _parsed(report_record("15 020 256"), title="Somerset County Council (15 020 256)")
    assert county.remedy_total_pence == 200000
    assert not any("joint remedy" in w for w in county.warnings)  # the name says "County"
    borough = _parsed(report_record("15 020 256"), title="Mendip District Council (15 020 256)")
    assert borough.remedy_total_pence == 200000  # "District" is neither payer: by the category
    assert any("usual council tier" in w for w in borough.warnings)


def test_bare_reference_title_without_brackets() -> None:
    source = report_record("15 020 792")
    record = _parsed(source, title="15 020 792")
    assert record.reference == "15 020 792"
    assert record.council_name is None
    assert "reference taken from the URL" not in record.warnings


@pytest.mark.parametrize("reference", sorted(EXPECTED))
def test_without_the_article_header(reference: str) -> None:
    """The URL gives the category, the prose ("The Ombudsman upheld the complaint and found
    fault causing injustice") the outcome; the remedy figures do not change."""
    record = _parsed(report_record(reference), header=False)
    expected = EXPECTED[reference]
    assert record.kind == "report"
    assert (record.category, record.category_slug) == (expected[1], expected[2])
    assert (record.subcategory, record.subcategory_slug) == (expected[3], expected[4])
    assert record.decided_on is None
    assert "no decision date found" in record.warnings
    assert (record.outcome, record.outcome_inferred) == ("upheld", True)
    assert record.remedy_total_pence == expected[5]
    assert record.compliance_confirmed_on == expected[6]


@pytest.mark.parametrize("reference", sorted(EXPECTED))
def test_crawler_text_parses_like_the_page(reference: str) -> None:
    """The crawler's one-line-per-element text (label, value, ">" and sub-category on lines
    of their own) reads the same as the page."""
    source = report_record(reference)
    from_text = parse_text(source["text"], url=source["url"])
    from_page = _parsed(source)
    fields = (
        "reference",
        "kind",
        "decided_on",
        "category",
        "category_slug",
        "subcategory",
        "subcategory_slug",
        "outcome",
        "outcome_text",
        "remedy_total_pence",
        "compliance_confirmed_on",
        "further_report",
        "council_name",
    )
    assert {f: getattr(from_text, f) for f in fields} == {f: getattr(from_page, f) for f in fields}
    assert [p.model_dump() for p in from_text.payments] == [
        p.model_dump() for p in from_page.payments
    ]
