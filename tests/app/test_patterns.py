"""The parameter patterns the schema publishes and the rules the server applies are one:
every value a pattern admits is served, and values it refuses are refused (issue 18). The
whole-API run is tests/app/test_schema_conformance.py; these pin the rules value by value."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.api import patterns
from app.api.query import _day, _pence, _slugs
from app.problems import ProblemError


@given(st.from_regex(patterns.DAY, fullmatch=True))
def test_every_day_the_pattern_admits_is_a_real_one(value: str) -> None:
    assert isinstance(_day("decided_from", value), date)


@given(st.from_regex(patterns.AMOUNT, fullmatch=True))
def test_every_amount_the_pattern_admits_is_below_a_billion(value: str) -> None:
    pence = _pence("remedy_min", value)
    assert pence is not None
    assert 0 <= pence < 10**9 * 100


@given(st.from_regex(patterns.NAMED).filter(lambda v: len(v) <= patterns.MAX_VALUE_CHARS))
def test_every_name_the_pattern_admits_has_a_slug(value: str) -> None:
    assert len(_slugs("council", [value])) == 1


@given(st.text(max_size=20))
def test_the_server_refuses_exactly_what_the_day_pattern_refuses(value: str) -> None:
    admitted = re.fullmatch(patterns.DAY.removeprefix("^").removesuffix("$"), value) is not None
    try:
        _day("decided_to", value)
        served = True
    except ProblemError:
        served = False
    assert served == admitted


@pytest.mark.parametrize(
    ("value", "served"),
    [
        ("2024-02-29", True),
        ("2023-02-29", False),
        ("1900-02-29", False),
        ("2000-02-29", True),
        ("2024-04-31", False),
        ("-999y", True),
        ("-1000y", False),
        ("-9999m", True),
        ("2024-01-01\n", False),  # Python's $ would let the newline through
        (" 2024-01-01", False),
        ("20240101", False),  # date.fromisoformat takes it; the schema does not
        ("", False),
    ],
)
def test_days_at_the_edges(value: str, served: bool) -> None:
    try:
        _day("decided_from", value)
        assert served
    except ProblemError:
        assert not served


@pytest.mark.parametrize(
    ("value", "pence"),
    [("1000", 100000), ("£1,000.50", 100050), ("999,999,999.99", 99999999999)],
)
def test_amounts(value: str, pence: int) -> None:
    assert _pence("remedy_min", value) == pence


@pytest.mark.parametrize("value", ["1e3", "1,0000", "1000000000", "-5", " 5", "5\n", ""])
def test_amounts_refused(value: str) -> None:
    with pytest.raises(ProblemError):
        _pence("remedy_max", value)


@pytest.mark.parametrize("value", ["", "!!!", "ß", "①", "x" * 201])
def test_names_refused(value: str) -> None:
    with pytest.raises(ProblemError):
        _slugs("council", [value])


def test_facet_lists() -> None:
    rule = re.compile(patterns.comma_list(["council", "outcome"]))
    assert [bool(rule.search(v)) for v in ("council", "council, outcome", "council,,outcome")] == [
        True,
        True,
        False,
    ]
