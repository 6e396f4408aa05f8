"""Property tests for the inputs with a large space: dates and references, in every written form."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from app.search.index import document_id
from app.vocabulary import normalise_reference
from ingest.parse.header import find_reference, format_reference, parse_date
from ingest.parse.record import parse_text, url_parts

DATES = st.dates(min_value=date(2000, 1, 1), max_value=date(2039, 12, 31))
DIGITS = st.text(alphabet="0123456789", min_size=8, max_size=8)


@given(DATES, st.booleans())
def test_dates_in_words(day: date, padded: bool) -> None:
    written = f"{day.day:02d}" if padded else str(day.day)
    assert parse_date(f"{written} {day:%B %Y}") == day
    assert parse_date(f"{written} {day:%b %Y}") == day


@given(DATES)
def test_dates_iso_and_uk_numeric(day: date) -> None:
    assert parse_date(day.isoformat()) == day
    assert parse_date(f"{day:%d/%m/%Y}") == day


@given(DIGITS, st.sampled_from(["{a} {b} {c}", "{a}-{b}-{c}", "{a}{b}{c}"]))
def test_references_in_every_form_normalise(digits: str, form: str) -> None:
    written = form.format(a=digits[:2], b=digits[2:5], c=digits[5:])
    published = f"{digits[:2]} {digits[2:5]} {digits[5:]}"
    assert format_reference(written) == published
    assert document_id(published) == digits


@given(DIGITS, DATES)
def test_header_reference_and_date_come_out_exactly(digits: str, day: date) -> None:
    published = f"{digits[:2]} {digits[2:5]} {digits[5:]}"
    text = (
        f"Wexmoor District Council ({published})\n\nCategory : Housing > Homelessness\n\n"
        f"Decision : Upheld\n\nDecision date : {day:%d %B %Y}\n\nSummary: Ms B complained.\n"
    )
    record = parse_text(text)
    assert find_reference(text) == published
    assert (record.reference, record.decided_on, record.outcome) == (published, day, "upheld")


SUFFIXES = st.one_of(st.none(), st.sampled_from("abcdefghijklmnopqrstuvwxyzABCZ"))


@given(DIGITS, SUFFIXES, st.sampled_from(["{a} {b} {c}{s}", "{a}-{b}-{c}{s}", "{a}{b}{c}{s}"]))
def test_suffixed_references_round_trip(digits: str, suffix: str | None, form: str) -> None:
    written = form.format(a=digits[:2], b=digits[2:5], c=digits[5:], s=suffix or "")
    published = f"{digits[:2]} {digits[2:5]} {digits[5:]}{(suffix or '').lower()}"
    assert normalise_reference(written) == published
    assert normalise_reference(published) == published  # idempotent
    assert format_reference(digits, suffix) == published
    assert find_reference(f"see complaint {written}, which") == published
    assert (
        url_parts(f"https://www.lgo.org.uk/decisions/health/other/{written.replace(' ', '-')}")[2]
        == published
    )


@given(DIGITS, SUFFIXES)
def test_suffixed_reference_in_a_title_comes_out_exactly(digits: str, suffix: str | None) -> None:
    published = f"{digits[:2]} {digits[2:5]} {digits[5:]}{(suffix or '').lower()}"
    written = f"{digits[:2]} {digits[2:5]} {digits[5:]}{suffix or ''}"
    record = parse_text(f"Mercia City Council ({written})\nSummary: Ms B complained.\n")
    assert (record.reference, record.council_name) == (published, "Mercia City Council")
