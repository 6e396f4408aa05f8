"""Statutes cited: on hand-written snippets, and on the real decisions and Reports of the shared
corpus against lists checked by reading each text (tests/lgsco_pages.py renders the Reports)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.parse.record import parse_html, parse_text
from ingest.parse.statutes import _BY_NAME, find_statutes
from tests.corpus import decision_text
from tests.lgsco_pages import render_report, report_records


def labels(text: str) -> list[str]:
    return [s.label for s in find_statutes(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # One value however it is written.
        ("It failed its duty under s.42 of the Care Act. Section 42 of the Care Act 2014 says…",
         ["Care Act 2014 s42"]),
        ("Care Act 2014, section 42 and the Care Act 2014 (section 9).",
         ["Care Act 2014 s42", "Care Act 2014 s9"]),
        ("s42 Care Act 2014; section 42(2)(b) of the Care Act", ["Care Act 2014 s42"]),
        ("Children Act 1989, section 17", ["Children Act 1989 s17"]),
        ("sections 17 and 47 of the Children Act 1989", ["Children Act 1989 s17",
                                                       "Children Act 1989 s47"]),
        ("ss. 17, 20 and 47 of the Children Act", ["Children Act 1989 s17", "Children Act 1989 s20",
                                                  "Children Act 1989 s47"]),
        ("Housing Act 1996, Part 7, and Part 7 of the Housing Act 1996",
         ["Housing Act 1996 Part 7"]),
        ("section 188(1) of the Housing Act 1996", ["Housing Act 1996 s188"]),
        # Guidance.
        ("the Homelessness Code of Guidance", ["Homelessness Code of Guidance"]),
        ("the SEND Code of Practice, also the Special Educational Needs and Disability Code of "
         "Practice", ["SEND Code of Practice"]),
        ("the care and support statutory guidance; WORKING TOGETHER TO SAFEGUARD CHILDREN",
         ["Care and Support Statutory Guidance", "Working Together to Safeguard Children"]),
        ("the SEN (SEND) code of practice", ["SEND Code of Practice"]),
        # Whole Acts, once; a sectioned Act is listed by its sections only.
        ("The Equality Act 2010 and the Children and Families Act 2014.",
         ["Equality Act 2010", "Children and Families Act 2014"]),
        ("Under the Care Act 2014 the Council… section 18 of the Care Act 2014.",
         ["Care Act 2014 s18"]),
        # The Ombudsman's own powers are boilerplate, not what the decision relies on.
        ("(Local Government Act 1974, sections 26(1) and 26A(1), as amended)", []),
        ("Health Service Commissioners Act 1993, section 3", []),
        ("I considered the Ombudsman's Assessment Code.", []),
        # An Act we cannot date, or no Act at all, is left out rather than guessed.
        ("section 3 of the Act; the Widgets Act says", []),
        ("Mr X's 3 children", []),
        # A shorthand that names its Act without saying it.
        ("requests for section 17 child in need support", ["Children Act 1989 s17"]),
    ],
)  # fmt: skip
def test_snippets(text: str, expected: list[str]) -> None:
    assert labels(text) == expected


PREFILTERED = [(words, pattern) for words, pattern, _, _ in _BY_NAME]


@settings(max_examples=200)
@given(
    st.sampled_from(PREFILTERED).flatmap(
        lambda entry: st.from_regex(entry[1], fullmatch=True).map(lambda text: (entry[0], text))
    )
)
def test_prefilter_words_are_in_every_citation(cited: tuple[str, str]) -> None:
    """find_statutes looks for a guidance or shorthand pattern only where its words are: every
    text the pattern matches must contain them."""
    words, text = cited
    assert words in text.lower()


def test_statute_fields() -> None:
    (care,) = find_statutes("section 42 of the Care Act 2014")
    assert care.model_dump() == {
        "act": "Care Act 2014", "section": "42", "label": "Care Act 2014 s42",
        "slug": "care-act-2014-s42",
    }  # fmt: skip
    (part,) = find_statutes("Part 7 of the Housing Act 1996")
    assert (part.act, part.section, part.slug) == (
        "Housing Act 1996", "Part 7", "housing-act-1996-part-7",
    )  # fmt: skip
    (guidance,) = find_statutes("the Homelessness Code of Guidance")
    assert (guidance.act, guidance.section) == ("Homelessness Code of Guidance", None)


# Read by hand: Cumbria cites section 47 of the Children Act 1989 (its enquiries) and section 17
# (child in need); its Local Government Act 1974 lines and "statutory guidance" (unnamed) are
# not statutes relied on. Warwickshire cites only the Ombudsman's powers and its Assessment Code.
REAL_DECISIONS = {
    "cumbria-county-council-17-015-692.txt": ["Children Act 1989 s47", "Children Act 1989 s17"],
    "warwickshire-county-council-24-013-077.txt": [],
}
# The twelve Reports name no Act: only 15 018 561 cites "section 17 child in need support"
# (Children Act 1989); "Special Guardianship Order", "mental capacity assessments" and
# "Education, Health and Care Plan" are orders, assessments and plans, not citations.
REAL_REPORTS: dict[str, list[str]] = {"15 018 561": ["Children Act 1989 s17"]}


@pytest.mark.parametrize("name", list(REAL_DECISIONS))
def test_real_decisions(name: str) -> None:
    record = parse_text(decision_text(name))
    assert [s.label for s in record.statutes] == REAL_DECISIONS[name]


def test_real_reports() -> None:
    records = report_records()
    assert len(records) == 12
    for record in records:
        parsed = parse_html(render_report(record), url=record["url"])
        assert parsed.reference == record["case_id"]
        expected = REAL_REPORTS.get(record["case_id"], [])
        assert [s.label for s in parsed.statutes] == expected, record["case_id"]
