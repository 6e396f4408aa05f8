"""Money strings → integer pence, exactly."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.parse.money import format_pence, parse_money


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("£300", 30000),
        ("£1,250.50", 125050),
        ("£1250.5", 125050),
        ("£2k", 200000),
        ("£2K", 200000),
        ("£1.5k", 150000),
        ("£2 thousand", 200000),
        ("£1m", 100000000),
        ("£ 75", 7500),
        ("pay Mr Q £0.99 now", 99),
        ("£10,000,000", 1000000000),
    ],
)
def test_parse_money(text: str, pence: int) -> None:
    assert parse_money(text) == pence


@pytest.mark.parametrize("text", ["", "300", "no money here", "£", "£k"])
def test_no_money(text: str) -> None:
    assert parse_money(text) is None


def test_fraction_of_a_penny_is_refused() -> None:
    assert parse_money("£1.2345k") == 123450  # £1,234.50: whole pence, fine
    assert parse_money("£1.234567k") is None
    assert parse_money("£1.005") is None


@pytest.mark.parametrize(("pence", "text"), [(30000, "£300"), (125050, "£1,250.50"), (5, "£0.05")])
def test_format_pence(pence: int, text: str) -> None:
    assert format_pence(pence) == text


def _variants(pence: int) -> list[str]:
    pounds, rest = divmod(pence, 100)
    forms = [format_pence(pence), f"£{pounds}.{rest:02d}", f"£{pounds:,}.{rest:02d}"]
    if rest == 0:
        forms += [f"£{pounds}", f"£{pounds:,}"]
        if pounds % 1000 == 0 and pounds:
            forms += [f"£{pounds // 1000}k", f"£{pounds // 1000:,}k"]
    return forms


@given(st.integers(min_value=0, max_value=10**11))
def test_round_trip_every_written_form(pence: int) -> None:
    for text in _variants(pence):
        assert parse_money(f"pay Mr B {text} to recognise") == pence, text


@given(st.integers(min_value=1, max_value=10**6))
def test_round_trip_thousands(thousands: int) -> None:
    assert parse_money(f"£{thousands}k") == thousands * 100_000
