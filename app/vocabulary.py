"""The words the record is made of, shared by the API (`app/`) and the ingest jobs (`ingest/`).

The app never imports `ingest`: the closed vocabularies (outcomes, remedy types, sources, kinds,
body types, statuses), money in pence and pounds, slugs and references live here, and the parser
builds on them. One list each, so a CHECK constraint, a query parameter's enum and the parser's
output cannot drift apart.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Literal

BodyType = Literal["council", "care_provider", "nhs", "school", "other"]
Outcome = Literal["upheld", "not_upheld", "closed_after_initial_enquiries", "other"]
PaymentKind = Literal["payment", "refund", "waiver"]
Source = Literal["lgsco", "file", "synthetic"]
DecisionKind = Literal["statement", "report"]
Status = Literal["published", "removed"]
RemedyType = Literal[
    "apology",
    "financial_payment",
    "service_improvement",
    "procedure_review",
    "staff_training",
    "reassessment",
    "record_correction",
    "reconsider_decision",
    "refund",
    "other",
]

BODY_TYPES: tuple[str, ...] = BodyType.__args__  # type: ignore[attr-defined]
OUTCOMES: tuple[str, ...] = Outcome.__args__  # type: ignore[attr-defined]
PAYMENT_KINDS: tuple[str, ...] = PaymentKind.__args__  # type: ignore[attr-defined]
SOURCES: tuple[str, ...] = Source.__args__  # type: ignore[attr-defined]
KINDS: tuple[str, ...] = DecisionKind.__args__  # type: ignore[attr-defined]
STATUSES: tuple[str, ...] = Status.__args__  # type: ignore[attr-defined]
REMEDY_TYPES: tuple[str, ...] = RemedyType.__args__  # type: ignore[attr-defined]


def pence_to_pounds(pence: int | None) -> float | None:
    """Pounds with two decimals, rounded exactly (via Decimal, never float arithmetic)."""
    if pence is None:
        return None
    return float(Decimal(pence) / 100)


_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def slugify(name: str) -> str:
    """LGSCO's slug style: ASCII, lower case, every run of other characters one hyphen.

    "Children's care services" → "children-s-care-services" (the apostrophe becomes a hyphen,
    as on LGSCO's own URLs). Also used for council slugs so one rule serves the whole API.
    """
    ascii_name = "".join(
        ch if ord(ch) < 128 else ("" if unicodedata.combining(ch) else "-")
        for ch in unicodedata.normalize("NFKD", name)
    )
    return _NON_ALNUM.sub("-", ascii_name.lower()).strip("-")


# --- references --------------------------------------------------------------------------------
# LGSCO references are eight digits written 2-3-3 ("17 015 692"); joint investigations with the
# Health Service Ombudsman add a lower-case letter ("17 002 402b"), which makes another decision.

REFERENCE_PATTERN = r"(\d{2})[ \-]?(\d{3})[ \-]?(\d{3})([a-zA-Z])?"
_REFERENCE_WHOLE = re.compile(rf"^\s*{REFERENCE_PATTERN}\s*$")


def format_reference(digits: str, suffix: str | None = None) -> str:
    """ "17015692" / "17-015-692" (+ "b") → "17 015 692" / "17 002 402b", LGSCO's form."""
    clean = re.sub(r"\D", "", digits)
    return f"{clean[:2]} {clean[2:5]} {clean[5:8]}{(suffix or '').lower()}"


def normalise_reference(text: str) -> str | None:
    """Any spelling of a reference ("17-002-402b", "17002402B", "17 002 402b") in LGSCO's
    published form, or None when `text` is not one reference."""
    match = _REFERENCE_WHOLE.match(text)
    if match is None:
        return None
    return format_reference("".join(match.groups()[:3]), match.group(4))


def reference_slug(reference: str) -> str:
    """The URL form: "17 002 402b" → "17-002-402b" (as on LGSCO's own decision URLs)."""
    return reference.replace(" ", "-")
