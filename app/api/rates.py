"""Uphold rates with their uncertainty: the 95% Wilson score interval and a reliability flag.

A council with 2 upheld of 3 decisions "upholds 67%", but so might one with 200 of 300: the
interval says how far each could be from its long-run rate. Wilson's interval (not the normal
approximation) stays within 0–1 and is sensible for small counts and rates near 0 or 1, which is
where reporters most need the warning. `rate_reliable` is false below MIN_RATE_N decisions with a
known outcome (app/config.py), the point under which the explorer greys a rate.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import Field

Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution
DIGITS = 4  # as upheld_rate


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """(low, high) of the Wilson score interval for `successes` of `n`; None when n is 0."""
    if n <= 0:
        return None
    if not 0 <= successes <= n:
        raise ValueError(f"{successes} successes of {n}")
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    # The exact bounds at 0 and n (rounding must not put them on the wrong side of the rate).
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


def rate_fields(upheld: int, known: int, min_n: int) -> dict[str, Any]:
    """`upheld_rate`, `upheld_rate_low`, `upheld_rate_high` (4 dp; null when `known` is 0) and
    `rate_reliable` for `upheld` of `known` decisions with a known outcome."""
    interval = wilson(upheld, known)
    if interval is None:
        return {
            "upheld_rate": None,
            "upheld_rate_low": None,
            "upheld_rate_high": None,
            "rate_reliable": False,
        }
    # Rounding is monotone, so low <= rate <= high still holds after it.
    return {
        "upheld_rate": round(upheld / known, DIGITS),
        "upheld_rate_low": round(interval[0], DIGITS),
        "upheld_rate_high": round(interval[1], DIGITS),
        "rate_reliable": known >= min_n,
    }


def overlap(a_low: float, a_high: float, b_low: float, b_high: float) -> bool:
    """Whether two intervals share any value."""
    return a_low <= b_high and b_low <= a_high


RELIABILITY_NOTE = (
    "Rates from fewer than {n} decisions with a known outcome are shown in grey: with so few, "
    "the true rate could be far from it (the range in brackets is the 95% interval)."
)


# The response fields `rate_fields` fills, declared once for every model that shows a rate.
UPHELD_RATE: Any = Field(
    description="upheld ÷ decisions with a known outcome, 0–1 to 4 decimal places; null when "
    "none has a known outcome",
    examples=[0.6098],
)
UPHELD_RATE_LOW: Any = Field(
    description="Lower end of the 95% Wilson score interval of `upheld_rate`, 4 dp; null when "
    "none has a known outcome",
    examples=[0.4583],
)
UPHELD_RATE_HIGH: Any = Field(
    description="Upper end of the 95% Wilson score interval of `upheld_rate`, 4 dp; null when "
    "none has a known outcome",
    examples=[0.7426],
)
RATE_RELIABLE: Any = Field(
    description="At least MIN_RATE_N (default 30) decisions with a known outcome: below that, "
    "the rate says little (see the interval)",
    examples=[True],
)
