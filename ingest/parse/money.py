"""Money strings → integer pence.

Decisions state sums as "£300", "£1,250.50", occasionally "£2k"; everything downstream adds
pence, so the conversion must be exact (Decimal, never float) and must refuse what it cannot
read rather than guess.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# One amount as written after a pound sign: digits with optional thousands commas, optional
# pence, optional "k"/"m" multiplier ("£2k", "£1.5m"). Compiled once; used by remedies too.
MONEY_RE = re.compile(
    r"£\s?(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?"
    r"(?:\s?(?P<mult>k|m|thousand|million)\b)?",
    re.IGNORECASE,
)

_MULTIPLIERS = {"k": 1_000, "thousand": 1_000, "m": 1_000_000, "million": 1_000_000}


def _to_pence(num: str, frac: str | None, mult: str | None) -> int | None:
    if frac and len(frac) > 2 and not mult:
        return None  # "£1.005" is not a sum of money anyone pays
    try:
        value = Decimal(num.replace(",", "") + ("." + frac if frac else ""))
    except InvalidOperation:
        return None
    if mult:
        value *= _MULTIPLIERS[mult.lower()]
    pence = value * 100
    if pence != pence.to_integral_value():
        return None  # "£1.2345k" would be a fraction of a penny: not a real sum
    return int(pence)


def match_to_pence(match: re.Match[str]) -> int | None:
    """Pence for a `MONEY_RE` match (None if it denotes a fraction of a penny)."""
    return _to_pence(match.group("num"), match.group("frac"), match.group("mult"))


def parse_money(text: str) -> int | None:
    """Pence for the first sum of money in `text`, or None when there is none.

    >>> parse_money("£1,250.50")
    125050
    >>> parse_money("£2k")
    200000
    """
    match = MONEY_RE.search(text)
    if match is None:
        return None
    return match_to_pence(match)


def format_pence(pence: int) -> str:
    """ "£1,234.56" / "£300" — how the parser writes sums into reasons and warnings."""
    pounds, rest = divmod(pence, 100)
    return f"£{pounds:,}" if rest == 0 else f"£{pounds:,}.{rest:02d}"
