"""What the real LGSCO site does that earlier samples did not: suffixed references, URL variants,
the real taxonomy, Reports beside Statements, body names outside the article or only in the
prose, NHS bodies and schools, listing metadata. Hand-written (fictional) decisions."""

from __future__ import annotations

from datetime import date

import pytest

from ingest.parse.header import body_name_in_text, body_type_for, find_reference, infer_outcome
from ingest.parse.model import ListingMetadata
from ingest.parse.record import parse_html, parse_text, url_parts

STATEMENT = """\
{title}
Category : Health > Other
Decision : Upheld
Decision date : 03 Apr 2018
The Ombudsman's final decision:
Summary: Mr J complains about his late father's care. The Council and the Trust were at fault.
The complaint
Mr J complains about the care his father received, as set out in complaint 17 002 402b.
Agreed action
Pay Mr J £300 for his distress.
Final decision
We found fault causing injustice.
"""


def test_suffixed_reference_in_the_title() -> None:
    record = parse_text(STATEMENT.format(title="Mercia Clinical Commissioning Group (17 002 402b)"))
    assert record.reference == "17 002 402b"
    assert record.council_name == "Mercia Clinical Commissioning Group"
    assert record.body_type == "nhs"
    assert record.warnings == []
    plain = parse_text(STATEMENT.format(title="Mercia City Council (17 002 402)"))
    assert plain.reference == "17 002 402"  # a different decision
    capital = parse_text(STATEMENT.format(title="Mercia City Council (17 002 402B)"))
    assert capital.reference == "17 002 402b"


def test_suffixed_reference_in_the_url_and_text() -> None:
    text = STATEMENT.format(title="")
    for url in (
        "https://www.lgo.org.uk/decisions/health/other/17-002-402b",
        "https://www.lgo.org.uk/decisions/health/other/17002402b",
        "http://lgo.org.uk/decisions/health/other/17-002-402B?displaypref=1",
    ):
        record = parse_text(text, url=url)
        assert record.reference == "17 002 402b", url
        assert "reference taken from the URL" in record.warnings
    assert find_reference("see 17 002 402b.") == "17 002 402b"
    assert find_reference("see 17-002-402B, and") == "17 002 402b"
    assert find_reference("see 17 002 402 b") == "17 002 402"
    assert find_reference("17 002 402") == "17 002 402"


def test_url_disagreeing_only_in_the_suffix_is_reported() -> None:
    text = STATEMENT.format(title="Mercia City Council (17 002 402)")
    record = parse_text(text, url="https://www.lgo.org.uk/decisions/health/other/17-002-402b")
    assert record.reference == "17 002 402"
    assert "URL reference 17 002 402b differs from the page's; page used" in record.warnings


@pytest.mark.parametrize(
    "url",
    [
        "https://www.lgo.org.uk/decisions/education/school-transport/15-018-169",
        "http://www.lgo.org.uk/decisions/education/school-transport/15-018-169",
        "https://lgo.org.uk/decisions/education/school-transport/15-018-169",
        "https://www.lgo.org.uk/decisions/education/school-transport/15018169",
        "https://www.lgo.org.uk/decisions/education/school-transport/15-018-169?displaypref=0|1",
        "https://www.lgo.org.uk/decisions/education/school-transport/15-018-169?displaypref=1",
        "https://www.lgo.org.uk/decisions/education/school-transport/15-018-169?chapter=2",
        "https://www.lgo.org.uk/decisions/education/school-transport/15-018-169/",
        "https://www.lgo.org.uk/decisions/education/school-transport/15-018-169#top",
        " https://www.lgo.org.uk/decisions/education/school-transport/15-018-169 ",
    ],
)
def test_url_variants(url: str) -> None:
    assert url_parts(url) == ("education", "school-transport", "15 018 169")


def test_url_without_reference_or_decisions() -> None:
    assert url_parts("https://www.lgo.org.uk/decisions/education") == ("education", None, None)
    assert url_parts("https://www.lgo.org.uk/news/15-018-169") == (None, None, None)


NEW_LAYOUT = """\
Mercia City Council (24 000 101)
The Ombudsman's final decision:
Summary: We will not investigate Mr V's complaint. He could appeal to a tribunal.
The complaint
Mr V complains about a penalty charge.
Final decision
We will not investigate Mr V's complaint because he could appeal.
"""


def test_url_slugs_from_the_real_table() -> None:
    url = "https://www.lgo.org.uk/decisions/adult-care-services/transition-from-childrens-services/24-000-101"
    record = parse_text(NEW_LAYOUT, url=url)
    assert (record.category, record.subcategory) == (
        "Adult care services",
        "Transition from childrens services",
    )
    assert (record.category_slug, record.subcategory_slug) == (
        "adult-care-services",
        "transition-from-childrens-services",
    )
    assert not any("unknown" in w for w in record.warnings)


def test_unknown_slugs_are_kept_as_the_site_has_them() -> None:
    url = "https://www.lgo.org.uk/decisions/highways-and-transport/blue-badges/24-000-101"
    record = parse_text(NEW_LAYOUT, url=url)
    assert (record.category_slug, record.subcategory_slug) == (
        "highways-and-transport",
        "blue-badges",
    )
    assert (record.category, record.subcategory) == ("Highways and transport", "Blue badges")
    assert "unknown category slug 'highways-and-transport'" in record.warnings
    assert "unknown subcategory slug 'blue-badges'" in record.warnings

    # a known category with a sub-category slug it does not have: never borrowed from another
    url = "https://www.lgo.org.uk/decisions/housing/drainage/24-000-101"
    record = parse_text(NEW_LAYOUT, url=url)
    assert (record.category_slug, record.subcategory_slug) == ("housing", "drainage")
    assert (record.category, record.subcategory) == ("Housing", "Drainage")
    assert "unknown subcategory slug 'drainage'" in record.warnings
    assert "unknown category slug 'housing'" not in record.warnings


def test_stated_names_take_the_tables_spelling_and_slug() -> None:
    text = NEW_LAYOUT.replace(
        "The Ombudsman's final decision:",
        "Category : CHILDRENS CARE SERVICES > friends and family carers\n"
        "The Ombudsman's final decision:",
    )
    record = parse_text(text)
    assert (record.category, record.subcategory) == (
        "Children's care services",
        "Friends and family carers",
    )
    assert (record.category_slug, record.subcategory_slug) == (
        "children-s-care-services",
        "friends-and-family-carers",
    )
    transition = parse_text(
        text.replace(
            "CHILDRENS CARE SERVICES > friends and family carers",
            "Adult care services > Transition from children’s services",
        )
    )
    assert transition.subcategory == "Transition from childrens services"
    assert transition.subcategory_slug == "transition-from-childrens-services"

    unknown = parse_text(
        text.replace("CHILDRENS CARE SERVICES > friends and family carers", "Space > Moon")
    )
    assert (unknown.category, unknown.category_slug) == ("Space", "space")
    assert "unknown category 'Space'" in unknown.warnings


def test_crawler_header_lines_join_the_category() -> None:
    text = (
        "Category :\nEnvironment and regulation\n>\nDrainage\nDecision :\nUpheld\n"
        "Decision date :\n20 Dec 2016\nSummary\nA woman complains.\nThe complaint\nShe says so.\n"
    )
    record = parse_text(text)
    assert (record.category, record.subcategory) == ("Environment and regulation", "Drainage")
    assert record.outcome_text == "Upheld"
    assert record.decided_on == date(2016, 12, 20)
    assert record.summary == "A woman complains."
    assert record.body.startswith("Summary\nA woman complains.")


REPORT = """\
Category : Housing > Homelessness
Decision : Upheld
Decision date : 01 Mar 2017
Summary
A man complains the council did not help him when he was homeless.
The complaint
The man complains the council failed to provide interim accommodation.
Finding
The Ombudsman upheld the complaint and found fault causing injustice.
Recommendations
To remedy the injustice caused, the council has agreed to:
pay the man £500 for his distress.
{closing}
"""


@pytest.mark.parametrize(
    ("closing", "expected"),
    [
        ("Ombudsman satisfied with council's response: 12 September 2017", date(2017, 9, 12)),
        ("Ombudsman satisfied with the council's response: 21 February 2018.", date(2018, 2, 21)),
        ("Ombudsman satisfied with Council's response: 26 February 2021", date(2021, 2, 26)),
        ("Ombudsman satisfied with council response: 1 May 2019", date(2019, 5, 1)),
        ("Ombudsman satisfied with council’s response: 3rd June 2019.", date(2019, 6, 3)),
    ],
)
def test_report_compliance_line(closing: str, expected: date) -> None:
    record = parse_text(REPORT.format(closing=closing))
    assert record.kind == "report"
    assert record.compliance_confirmed_on == expected
    assert record.sections["agreed_action"].endswith("pay the man £500 for his distress.")
    assert record.body.endswith(closing)
    assert record.remedy_total_pence == 50000
    assert record.further_report is False
    assert record.warnings == ["no reference found", "no council or body name found"]


def test_report_without_compliance_line_is_a_report_by_its_layout() -> None:
    record = parse_text(REPORT.format(closing=""))
    assert record.kind == "report"
    assert record.compliance_confirmed_on is None
    assert record.sections["findings"].startswith("The Ombudsman upheld the complaint")


def test_statement_layout_and_listing_kind() -> None:
    assert parse_text(NEW_LAYOUT).kind == "statement"
    listed = parse_text(REPORT.format(closing=""), metadata=ListingMetadata(kind="statement"))
    assert listed.kind == "statement"
    assert "kind taken from the listing" in listed.warnings
    # a statement without a final decision section still warns, a report never does
    cut = NEW_LAYOUT[: NEW_LAYOUT.index("Final decision")]
    assert "no final decision section found (the page may be truncated)" in parse_text(cut).warnings


def test_further_report_recommendations_add_no_money() -> None:
    closing = (
        "Further report\nWe are issuing this further report because the council has not "
        "complied.\nRecommendations\nThe council should pay the man the £500 we recommended, "
        "and a further £250 for the delay in complying.\n"
        "Ombudsman satisfied with council's response: 26 February 2021"
    )
    record = parse_text(REPORT.format(closing=closing))
    assert record.further_report is True
    assert record.kind == "report"
    assert record.remedy_total_pence == 50000
    assert [p.amount_pence for p in record.payments] == [50000]
    assert "a further £250" in record.sections["further_report"]
    assert record.compliance_confirmed_on == date(2021, 2, 26)


@pytest.mark.parametrize(
    ("name", "body_type"),
    [
        ("NHS Mercia Clinical Commissioning Group", "nhs"),
        ("Mercia CCG", "nhs"),
        ("Mercia Hospitals NHS Foundation Trust", "nhs"),
        ("NHS Mercia and Wessex Integrated Care Board", "nhs"),
        ("Mercia ICB", "nhs"),
        ("St Anne's Hospital", "nhs"),
        ("Hillside Primary School", "school"),
        ("Mercia Academy", "school"),
        ("Wessex Sixth Form College", "school"),
        ("Mercia City Council", "council"),
        ("Acme Care Homes Ltd", "care_provider"),
        ("Transport for London", "other"),
    ],
)
def test_nhs_and_school_body_types(name: str, body_type: str) -> None:
    assert body_type_for(name, None) == body_type


def test_body_name_from_the_listing() -> None:
    text = REPORT.format(closing="")
    record = parse_text(text, metadata=ListingMetadata(body_name="Mercia City Council"))
    assert record.council_name == "Mercia City Council"
    assert record.council_slug == "mercia-city-council"
    assert "body name taken from the listing" in record.warnings
    assert "no council or body name found" not in record.warnings
    titled = parse_text(
        text, metadata=ListingMetadata(body_name="Mercia City Council (17 002 402)")
    )
    assert titled.council_name == "Mercia City Council"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "The family complains Dudley Metropolitan Borough Council refused to help.",
            "Dudley Metropolitan Borough Council",
        ),
        (
            "They complain about the way Wirral Metropolitan Borough Council handled it.",
            "Wirral Metropolitan Borough Council",
        ),
        ("In March Kent County Council ended the care.", "Kent County Council"),
        ("Mr B complained to Brighton and Hove City Council.", "Brighton and Hove City Council"),
        ("Mrs C says Sunny Homes Care Limited overcharged.", "Sunny Homes Care Limited"),
        ("She complains Brightwell Care Ltd did not visit.", "Brightwell Care Ltd"),
        (
            "He complains NHS Mercia Clinical Commissioning Group refused funding.",
            "NHS Mercia Clinical Commissioning Group",
        ),
        ("The London Borough of Hackney refused.", "London Borough of Hackney"),
        ("A man complains that the county council and borough council did not help.", None),
        ("She complains the Council failed to act.", None),
        ("The County Council has agreed to pay.", None),
        ("He asked the Trust’s mental health services.", None),
    ],
)
def test_body_name_in_text(text: str, name: str | None) -> None:
    assert body_name_in_text(text) == name


def test_body_name_read_from_the_summary() -> None:
    text = REPORT.format(closing="").replace(
        "A man complains the council", "A man complains Mercia City Council"
    )
    record = parse_text(text)
    assert record.council_name == "Mercia City Council"
    assert "body name read from the text" in record.warnings


def test_listing_fills_each_field_the_page_lacks_with_a_warning() -> None:
    bare = "The complaint\nMr B complains the council did not help.\nAgreed action\nApologise.\n"
    metadata = ListingMetadata(
        decided_on=date(2020, 1, 2),
        category="Housing",
        subcategory="Homelessness",
        outcome_text="Upheld",
        kind="statement",
        body_name="Mercia City Council",
        summary="Mr B complains the council did not help him.",
    )
    record = parse_text(bare, metadata=metadata)
    assert record.decided_on == date(2020, 1, 2)
    assert (record.category, record.subcategory) == ("Housing", "Homelessness")
    assert (record.category_slug, record.subcategory_slug) == ("housing", "homelessness")
    assert record.outcome_text == "Upheld"
    assert record.council_name == "Mercia City Council"
    assert record.summary == "Mr B complains the council did not help him."
    for warning in (
        "decision date taken from the listing",
        "category taken from the listing",
        "sub-category taken from the listing",
        "outcome taken from the listing",
        "kind taken from the listing",
        "body name taken from the listing",
        "summary taken from the listing",
    ):
        assert warning in record.warnings


def test_listing_sub_category_under_the_urls_category() -> None:
    url = "https://www.lgo.org.uk/decisions/housing/24-000-101"
    record = parse_text(NEW_LAYOUT, url=url, metadata=ListingMetadata(subcategory="Allocations"))
    assert (record.category, record.subcategory) == ("Housing", "Allocations")
    assert record.subcategory_slug == "allocations"
    assert "sub-category taken from the listing" in record.warnings
    # the page beats the URL, the URL beats the listing
    other = parse_text(
        NEW_LAYOUT, url=url, metadata=ListingMetadata(category="Planning > Enforcement")
    )
    assert (other.category, other.subcategory) == ("Housing", None)


def test_title_outside_the_article_in_any_heading_or_the_title_element() -> None:
    article = '<article id="article"><p>Summary: Mr B complains.</p></article>'
    for html in (
        f"<html><body><h1>Mercia City Council (17 002 402b)</h1>{article}</body></html>",
        f"<html><body><h4>Mercia City Council (17 002 402b)</h4>{article}</body></html>",
        "<html><head><title>Mercia City Council (17 002 402b) - Local Government and Social "
        f"Care Ombudsman</title></head><body>{article}</body></html>",
        f"<html><head><title>Mercia City Council (17 002 402b) | LGSCO</title></head>"
        f"<body><h1>(17 002 402b)</h1>{article}</body></html>",
    ):
        record = parse_html(html)
        assert (record.reference, record.council_name) == ("17 002 402b", "Mercia City Council")
    bare = parse_html(f"<html><body><h1>(15 020 792)</h1>{article}</body></html>")
    assert (bare.reference, bare.council_name) == ("15 020 792", None)


def test_upheld_when_fault_causing_injustice_and_a_remedy() -> None:
    text = (
        "We found no fault in how the council assessed Mrs B. We found fault causing injustice "
        "in its delay."
    )
    assert infer_outcome(text, has_remedy=True) == "upheld"
    assert infer_outcome(text) == "not_upheld"  # without a remedy: the earliest statement
    assert infer_outcome("We did not find fault causing injustice.", has_remedy=True) == (
        "not_upheld"
    )
