"""The Wilson score interval against values worked by hand (and published tables)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.api.rates import rate_fields, wilson


def test_none_of_two() -> None:
    low, high = wilson(0, 2) or (None, None)
    assert low == 0.0
    assert high == pytest.approx(0.6576, abs=5e-5)


def test_one_of_one() -> None:
    low, high = wilson(1, 1) or (None, None)
    assert low == pytest.approx(0.2065, abs=5e-5)
    assert high == 1.0


def test_fifty_of_a_hundred() -> None:
    low, high = wilson(50, 100) or (None, None)
    assert low == pytest.approx(0.4038, abs=5e-5)
    assert high == pytest.approx(0.5962, abs=5e-5)


def test_none_of_none() -> None:
    assert wilson(0, 0) is None
    assert rate_fields(0, 0, 30) == {
        "upheld_rate": None,
        "upheld_rate_low": None,
        "upheld_rate_high": None,
        "rate_reliable": False,
    }


def test_fields_are_rounded_and_flag_reliability() -> None:
    assert rate_fields(50, 100, 30) == {
        "upheld_rate": 0.5,
        "upheld_rate_low": 0.4038,
        "upheld_rate_high": 0.5962,
        "rate_reliable": True,
    }
    assert rate_fields(1, 29, 30)["rate_reliable"] is False
    assert rate_fields(1, 30, 30)["rate_reliable"] is True


def test_impossible_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="3 successes of 2"):
        wilson(3, 2)


@given(st.integers(min_value=1, max_value=100_000).flatmap(
    lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
))  # fmt: skip
def test_interval_holds_the_rate_within_zero_and_one(counts: tuple[int, int]) -> None:
    upheld, n = counts
    low, high = wilson(upheld, n) or (None, None)
    assert low is not None
    assert high is not None
    assert 0.0 <= low <= upheld / n <= high <= 1.0
    fields = rate_fields(upheld, n, 30)
    assert 0.0 <= fields["upheld_rate_low"] <= fields["upheld_rate"]
    assert fields["upheld_rate"] <= fields["upheld_rate_high"] <= 1.0
