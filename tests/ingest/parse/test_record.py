"""Whole-record parsing: layouts, precedence of page / URL / metadata, partial pages."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.parse.model import ListingMetadata, Payment
from ingest.parse.record import parse_html, parse_text, url_parts

# Written the way LGSCO writes them, but not a real decision (fictional body and reference).
CARE_PROVIDER = """\
Skip to main content
Home > Decisions > Adult care services
Meadowbank Care Homes Ltd (23 017 441)

Category : Adult care services > Residential care

Decision : Upheld: maladministration and injustice

Decision date : 14 Mar 2024

On this page
Summary
The complaint
What I found
Agreed action
Final decision

The Ombudsman's final decision:

Summary: Mrs T complains the care home did not tell her about her mother's fall and charged \
her for a room after her mother died. The care provider was at fault. It has agreed to \
apologise, refund the charges and pay Mrs T £300 for her distress.

The complaint
  1. Mrs T complains on behalf of her late mother, Mrs U, that Meadowbank Care Homes Ltd \
(the care provider):
  - did not tell her promptly when her mother fell in May 2023; and
  - charged £1,960 for the room for four weeks after her mother died.
Back to top

The Ombudsman's role and powers
  1. We investigate complaints about adult social care providers.
Back to top

How I considered this complaint
  1. I considered the information Mrs T and the care provider sent.
Back to top

What I found
  1. The contract allowed three days' fees after a death. The care provider charged \
£1,960, which was £490 a week for four weeks.
  2. The care provider offered Mrs T £100 in April 2024, which she accepted and which was paid.
Back to top

Agreed action
  1. Within four weeks of the final decision, the care provider agreed to:
  • apologise to Mrs T for failing to tell her about the fall;
  • refund Mrs T £1,330 of the room charges;
  • pay Mrs T a further £300, on top of the £100 it has already paid, to recognise her distress.
  2. Within three months of the final decision, the care provider will review its procedures \
for contacting families after a fall and provide training to its staff.
Back to top

Final decision
  1. I have completed my investigation. There was fault by the care provider which caused \
injustice to Mrs T.
Back to top

Investigator's decision on behalf of the Ombudsman
Print this page
Review your privacy settings
"""


def test_care_provider_decision_not_in_the_corpus() -> None:
    record = parse_text(CARE_PROVIDER)
    assert record.reference == "23 017 441"
    assert record.council_name == "Meadowbank Care Homes Ltd"
    assert record.council_slug == "meadowbank-care-homes-ltd"
    assert record.body_type == "care_provider"
    assert (record.category, record.subcategory) == ("Adult care services", "Residential care")
    assert (record.category_slug, record.subcategory_slug) == (
        "adult-care-services",
        "residential-care",
    )
    assert record.outcome == "upheld"
    assert record.outcome_text == "Upheld: maladministration and injustice"
    assert record.outcome_inferred is False
    assert record.decided_on == date(2024, 3, 14)
    assert record.complainants == ["Mrs T"]
    assert record.payments == [
        Payment(
            amount_pence=133000, recipient="Mrs T", kind="refund", reason="of the room charges"
        ),
        Payment(
            amount_pence=30000,
            recipient="Mrs T",
            reason="a further £300 in addition to the £100 it has already paid; "
            "to recognise her distress",
        ),
        Payment(
            amount_pence=10000,
            recipient="Mrs T",
            already_made=True,
            reason="already paid before the decision; the £100 it has already paid",
        ),
    ]
    assert record.remedy_total_pence == 163000
    assert record.waived_total_pence == 0
    assert record.remedy_types == [
        "apology",
        "financial_payment",
        "procedure_review",
        "staff_training",
        "refund",
    ]
    assert record.deadlines == [
        "within four weeks of the final decision",
        "within three months of the final decision",
    ]
    assert record.warnings == []
    assert record.summary.startswith("Mrs T complains the care home")
    assert record.body.startswith("The Ombudsman's final decision:")
    assert record.body.endswith("which caused injustice to Mrs T.")
    for furniture in ("Back to top", "Print this page", "privacy", "On this page", "Skip"):
        assert furniture not in record.body


def test_the_findings_amounts_are_not_remedies() -> None:
    amounts = [p.amount_pence for p in parse_text(CARE_PROVIDER).payments]
    assert 196000 not in amounts  # the charge quoted as a fact in "What I found"
    assert 49000 not in amounts


NEW_LAYOUT = """\
Northshire District Council (23 004 512)
The Ombudsman's final decision:
Summary: We will not investigate Mr V's complaint about a parking fine. He could appeal to \
the traffic tribunal.
The complaint
- Mr V complains the Council wrongly issued him a penalty charge notice.
The Ombudsman's role and powers
- We cannot investigate where someone could appeal to a tribunal.
My assessment
- Mr V could appeal to the tribunal.
Final decision
- We will not investigate Mr V's complaint because he could appeal.
Investigator's decision on behalf of the Ombudsman
"""
NEW_URL = (
    "https://www.lgo.org.uk/decisions/transport-and-highways/parking-and-other-penalties/23-004-512"
)


def test_new_layout_with_url_giving_the_category() -> None:
    record = parse_text(NEW_LAYOUT, url=NEW_URL)
    assert record.reference == "23 004 512"
    assert (record.category, record.subcategory) == (
        "Transport and highways",
        "Parking and other penalties",
    )
    assert (record.category_slug, record.subcategory_slug) == (
        "transport-and-highways",
        "parking-and-other-penalties",
    )
    assert record.outcome == "closed_after_initial_enquiries"
    assert record.outcome_inferred is True
    assert record.outcome_text is None
    assert record.decided_on is None
    assert record.payments == []
    assert record.remedy_total_pence is None
    assert record.remedy_types == []
    assert record.source_url == NEW_URL
    assert record.complainants == ["Mr V"]
    assert record.warnings == [
        "outcome inferred from prose",
        "no decision date found",
        "no remedy section found",
    ]


def test_metadata_fills_only_what_the_page_lacks() -> None:
    metadata = ListingMetadata(
        decided_on=date(2024, 1, 9), category="Housing > Homelessness", outcome_text="Upheld"
    )
    record = parse_text(NEW_LAYOUT, url=NEW_URL, metadata=metadata)
    assert record.decided_on == date(2024, 1, 9)
    assert record.category == "Transport and highways"  # the URL beats listing metadata
    assert record.outcome == "upheld"  # a published outcome beats prose inference
    assert record.outcome_text == "Upheld"
    assert record.outcome_inferred is False
    assert "no decision date found" not in record.warnings

    stated = parse_text(CARE_PROVIDER, metadata=metadata)
    assert stated.decided_on == date(2024, 3, 14)  # the page's own date wins
    assert stated.category == "Adult care services"
    assert stated.outcome_text == "Upheld: maladministration and injustice"

    no_url = parse_text(NEW_LAYOUT, metadata=ListingMetadata(category="Housing > Homelessness"))
    assert (no_url.category, no_url.subcategory) == ("Housing", "Homelessness")
    assert (no_url.category_slug, no_url.subcategory_slug) == ("housing", "homelessness")


def test_url_that_disagrees_with_the_page() -> None:
    url = "https://www.lgo.org.uk/decisions/housing/homelessness/99-999-999"
    record = parse_text(CARE_PROVIDER, url=url)
    assert record.reference == "23 017 441"
    assert record.category == "Adult care services"
    assert record.warnings == [
        "URL reference 99 999 999 differs from the page's; page used",
        "URL category 'housing' differs from the page's; page used",
    ]


def test_unknown_url_slugs_yield_readable_names_with_warnings() -> None:
    url = "https://www.lgo.org.uk/decisions/space-services/moon-s-landings/23-004-512"
    record = parse_text(NEW_LAYOUT, url=url)
    assert (record.category, record.subcategory) == ("Space services", "Moon's landings")
    assert (record.category_slug, record.subcategory_slug) == ("space-services", "moon-s-landings")
    assert "unknown category slug 'space-services'" in record.warnings
    assert "unknown subcategory slug 'moon-s-landings'" in record.warnings


def test_url_parts() -> None:
    assert url_parts(NEW_URL) == (
        "transport-and-highways",
        "parking-and-other-penalties",
        "23 004 512",
    )
    assert url_parts("/decisions/housing/23004512") == ("housing", None, "23 004 512")
    assert url_parts("https://example.org/other/page") == (None, None, None)
    assert url_parts("http://[bad") == (None, None, None)
    assert url_parts(None) == (None, None, None)


def test_reference_only_in_the_url() -> None:
    record = parse_text("Summary: Mrs B complains.\nThe complaint\nMrs B complains.", url=NEW_URL)
    assert record.reference == "23 004 512"
    assert "reference taken from the URL" in record.warnings
    assert record.council_name is None
    assert "no council or body name found" in record.warnings


def test_truncated_page() -> None:
    cut = CARE_PROVIDER[: CARE_PROVIDER.index("What I found\n  1.")]
    record = parse_text(cut)
    assert record.reference == "23 017 441"
    assert record.decided_on == date(2024, 3, 14)
    assert record.outcome == "upheld"
    assert record.payments == []
    assert record.remedy_total_pence is None
    assert record.warnings == [
        "no final decision section found (the page may be truncated)",
        "no remedy section found",
    ]


def test_page_cut_inside_the_title() -> None:
    record = parse_text("Meadowbank Care Homes Ltd (23 01")
    assert record.reference is None
    assert record.warnings[:2] == ["no reference found", "no council or body name found"]


def test_empty_text() -> None:
    record = parse_text("")
    assert record.reference is None
    assert record.body == ""
    assert record.warnings == [
        "no text found",
        "no reference found",
        "no council or body name found",
        "no category found",
        "no summary found",
        "no outcome found",
        "no decision date found",
        "no remedy section found",
    ]


def test_unreadable_date_and_unknown_outcome_are_reported() -> None:
    text = CARE_PROVIDER.replace("14 Mar 2024", "sometime in spring").replace(
        "Upheld: maladministration and injustice", "Settled"
    )
    record = parse_text(text)
    assert record.decided_on is None
    assert record.outcome == "other"
    assert record.outcome_text == "Settled"
    assert "unreadable decision date 'sometime in spring'" in record.warnings
    assert "unrecognised outcome 'Settled'; recorded as other" in record.warnings


def test_html_and_text_of_the_same_decision_agree() -> None:
    paragraphs = "".join(f"<p>{line}</p>" for line in CARE_PROVIDER.split("\n") if line.strip())
    html = f'<html><body><nav>Menu</nav><article id="article">{paragraphs}</article></body></html>'
    from_html = parse_html(html, source="lgsco")
    from_text = parse_text(CARE_PROVIDER, source="lgsco")
    assert from_html.model_dump(exclude={"body"}) == from_text.model_dump(exclude={"body"})
    assert from_html.source == "lgsco"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_parse_text_never_raises(text: str) -> None:
    record = parse_text(text)
    assert isinstance(record.warnings, list)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Acme Council (12 345 678)",
                "Category : Housing > Homelessness",
                "Decision : Upheld",
                "Decision date : 30 February 2020",
                "Summary:",
                "Agreed action",
                "Final decision",
                "Pay Mr A £",
                "£1,2,3.4.5k each",
                "Pay D and G £200 each a month for for",
                "in addition to £",
                "Back to top",
                "<p>",
                "Decision",
                "<h1>Acme Council (12 345 678b)</h1>",
                "<title>(12 345 678) - LGSCO</title>",
                "12 345 678",
                "Category :",
                ">",
                "Summary",
                "Finding",
                "Recommendations",
                "Further report",
                "The County Council has agreed to:",
                "The Borough Council has agreed to:",
                "pay him £1,000 made up of:",
                "£500 for x",
                "refund the fees (£4,628)",
                "Ombudsman satisfied with council's response: 31 February 2020",
                "Ombudsman satisfied with council's response:",
            ]
        ),
        max_size=30,
    ),
    st.text(max_size=20),
)
def test_parse_never_raises_on_decision_like_fragments(lines: list[str], tail: str) -> None:
    text = "\n".join(lines) + tail
    parse_text(text)
    parse_html(text)
