"""Header reading: outcome variants, outcome inference, dates, body types, references."""

from __future__ import annotations

from datetime import date

import pytest

from ingest.parse.header import (
    body_type_for,
    find_reference,
    infer_outcome,
    normalise_outcome,
    parse_date,
    read_header,
)


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("Upheld", "upheld"),
        ("Not upheld", "not_upheld"),
        ("Closed after initial enquiries", "closed_after_initial_enquiries"),
        ("Upheld: maladministration and injustice", "upheld"),
        ("Upheld: maladministration, no injustice", "upheld"),
        ("Not upheld: no maladministration", "not_upheld"),
        ("Closed after initial enquiries: out of jurisdiction", "closed_after_initial_enquiries"),
        ("Closed after initial enquiries: no further action", "closed_after_initial_enquiries"),
        ("Premature", "other"),
        ("Investigation discontinued", "other"),
        ("Withdrawn", "other"),
        ("Referred back for local resolution", "other"),
        ("Advice given", "other"),
        ("Incomplete/Invalid", "other"),
        ("UPHELD", "upheld"),
        ("not upheld.", "not_upheld"),
    ],
)
def test_every_published_outcome_variant(text: str, outcome: str) -> None:
    assert normalise_outcome(text) == (outcome, True)


def test_unknown_outcome_is_other_and_flagged() -> None:
    assert normalise_outcome("Settled by arrangement") == ("other", False)
    assert normalise_outcome("") == (None, False)


@pytest.mark.parametrize(
    ("prose", "outcome"),
    [
        ("We upheld this complaint about how the Council handled it.", "upheld"),
        ("I have upheld Mrs B's complaint.", "upheld"),
        ("We found fault causing injustice and the Council agreed to pay Mrs B.", "upheld"),
        ("There was fault by the Council.", "upheld"),
        ("We have not found fault with the Council's actions.", "not_upheld"),
        ("We did not find fault in how the Council assessed Mr C.", "not_upheld"),
        ("There was no fault in the way the Council acted.", "not_upheld"),
        ("We will not investigate this complaint about parking.", "closed_after_initial_enquiries"),
        ("We cannot investigate Mr D's complaint.", "closed_after_initial_enquiries"),
        ("The complaint is outside our jurisdiction.", "closed_after_initial_enquiries"),
        ("The Council repaired the road last week.", None),
        ("We will investigate Mr D's complaint.", None),
    ],
)
def test_outcome_inference(prose: str, outcome: str | None) -> None:
    assert infer_outcome(prose) == outcome


def test_inference_earliest_statement_wins_and_summary_first() -> None:
    assert infer_outcome("We upheld the complaint. We will not investigate the rest.") == "upheld"
    assert infer_outcome("", "We have not found fault.") == "not_upheld"
    assert infer_outcome("We upheld it.", "We have not found fault.") == "upheld"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("07 May 2019", date(2019, 5, 7)),
        ("7 May 2019", date(2019, 5, 7)),
        ("7th Sept 2019", date(2019, 9, 7)),
        ("2019-05-07", date(2019, 5, 7)),
        ("07/05/2019", date(2019, 5, 7)),
        ("31 February 2019", None),
        ("soon", None),
    ],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("name", "category", "body_type"),
    [
        ("Cumbria County Council", None, "council"),
        ("London Borough of Hackney", None, "council"),
        ("Royal Borough of Kingston upon Thames", None, "council"),
        ("City of London Corporation", None, "council"),
        ("Acme Care Homes Ltd", "Adult care services", "care_provider"),
        ("Sunrise Nursing Home", None, "care_provider"),
        ("Helping Hands Homecare Limited", None, "care_provider"),
        ("Bluebell Support", "Adult care services", "care_provider"),
        ("Transport for London", "Highways and transport", "other"),
        ("Greater Manchester Combined Authority", None, "other"),
    ],
)
def test_body_type(name: str, category: str | None, body_type: str) -> None:
    assert body_type_for(name, category) == body_type


def test_references() -> None:
    assert find_reference("17-015-692") == "17 015 692"
    assert find_reference("ref 17015692.") == "17 015 692"
    assert find_reference("ref 170156921") is None


def test_header_with_label_and_value_on_separate_lines() -> None:
    lines = [
        "Acme Care Ltd (22 001 002)",
        "Category",
        "Adult care services > Residential care",
        "Decision",
        "Upheld",
        "Decision date",
        "01 February 2023",
        "Summary: Mrs T complains.",
        "Decision",
        "We upheld it.",
    ]
    header = read_header(lines)
    assert header.name == "Acme Care Ltd"
    assert header.reference == "22 001 002"
    assert header.fields == {
        "category": "Adult care services > Residential care",
        "decision": "Upheld",
        "decision date": "01 February 2023",
    }
    assert header.end == 7
