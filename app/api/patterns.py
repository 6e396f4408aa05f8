"""What the query parameters accept, as regular expressions the OpenAPI schema publishes and the
server enforces: one pattern each, so a request the schema allows is a request the API serves,
and one it forbids is refused (issue 18; `schemathesis run --checks all` holds us to both).

Written in the common subset of ECMA-262 (JSON Schema), Python and Rust (pydantic) regular
expressions: `[0-9]` rather than `\\d` (which is Unicode-wide in Python and Rust, ASCII in ECMA),
non-capturing groups, no look-arounds. An empty value is refused everywhere (a 422 naming the
parameter): leave the parameter out instead. The explorer's pages drop the blank fields a form
sends before they reach these rules (app/explorer/links.py:drop_empty_parameters).
"""

from __future__ import annotations

import re

_YEAR = "[1-9][0-9]{3}"
# Month and day: 1–28 in every month, 29–30 in all but February, 31 in the long months...
_MONTH_DAY = (
    "(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])"
    "|(?:0[13-9]|1[0-2])-(?:29|30)"
    "|(?:0[13578]|1[02])-31)"
)
# ...and 29 February in leap years (divisible by 4, centuries only by 400).
_LEAP_DAY = "(?:[1-9][0-9](?:0[48]|[2468][048]|[13579][26])|(?:[2468][048]|[13579][26])00)-02-29"
# A time ago: days, weeks and months up to 9,999, years up to 999 (all after year 1).
RELATIVE = "-(?:[0-9]{1,4}[dwm]|[0-9]{1,3}y)"
DAY = f"^(?:{_YEAR}-{_MONTH_DAY}|{_LEAP_DAY}|{RELATIVE})$"

# A moment: an ISO date, optionally with a time (hours and minutes, optionally seconds and up
# to six decimals) and a UTC offset (Z or ±HH:MM, up to 14 hours, as real zones are; no offset
# is UTC); or a time ago, as DAY.
_TIME = (
    "T(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\\.[0-9]{1,6})?)?"
    "(?:Z|[+-](?:0[0-9]|1[0-4]):[0-5][0-9])?"
)
INSTANT = f"^(?:(?:{_YEAR}-{_MONTH_DAY}|{_LEAP_DAY})(?:{_TIME})?|{RELATIVE})$"

# Pounds: digits, optionally grouped by commas, optionally pence, optionally a £ sign; below
# a billion.
AMOUNT = r"^£?(?:[0-9]{1,9}|[0-9]{1,3}(?:,[0-9]{3}){1,2})(?:\.[0-9]{1,2})?$"

# A slug or a name: something with a letter or digit in it (its slug is then never empty).
NAMED = "[A-Za-z0-9]"
MAX_VALUE_CHARS = 200


def comma_list(names: list[str]) -> str:
    """A comma list of one or more of these names, spaces around each allowed."""
    item = " *(?:" + "|".join(names) + ") *"
    return f"^{item}(?:,{item})*$"


def matcher(pattern: str) -> re.Pattern[str]:
    """`pattern` for Python with JSON Schema's meaning: a search anywhere in the value, and a
    final `$` that is the end of the value (Python's `$` also matches before a final newline).
    """
    return re.compile(pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern)
