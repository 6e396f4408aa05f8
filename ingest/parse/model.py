"""The parsed decision: what the parser produces and the loader stores.

Money is held as integer pence so that sums are exact; `public_dict()` renders the record with
the field names and units of SPEC §3 (pounds with two decimals), which is what `ombudsman parse`
prints and what the API serves.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

# The vocabularies are the app's (app/vocabulary.py), so the API never imports the parser.
from app.vocabulary import (
    OUTCOMES,
    REMEDY_TYPES,
    SOURCES,
    BodyType,
    DecisionKind,
    Outcome,
    PaymentKind,
    RemedyType,
    Source,
    pence_to_pounds,
)

__all__ = [
    "OUTCOMES",
    "REMEDY_TYPES",
    "SOURCES",
    "BodyType",
    "DecisionKind",
    "ListingMetadata",
    "Outcome",
    "ParsedDecision",
    "Payment",
    "PaymentKind",
    "RemedyType",
    "Source",
    "Statute",
    "pence_to_pounds",
    "remedy_totals",
    "text_fingerprint",
    "text_hash",
]

# Bump when a parser change alters what a document parses into: `ombudsman ingest` re-parses
# documents whose stored parser_version differs, even when their content is unchanged.
PARSER_VERSION = "3"  # 3: statutes

SECTION_KEYS: tuple[str, ...] = (
    "complaint",
    "role_and_powers",
    "how_considered",
    "findings",
    "analysis",
    "agreed_action",
    "final_decision",
    "further_report",  # Reports: the further report (and its recommendations) when issued
)


class ListingMetadata(BaseModel):
    """What a listing page (or a JSON line) says about a decision besides its text.

    The parser uses each only where the page itself lacks it, with a warning saying so.
    """

    model_config = ConfigDict(extra="ignore")

    decided_on: date | None = None
    category: str | None = None  # "Category" or "Category > Sub-category"
    subcategory: str | None = None  # the listing line names only the sub-category
    outcome_text: str | None = None
    kind: DecisionKind | None = None
    body_name: str | None = None  # from the link text "Body name (NN NNN NNN)"
    summary: str | None = None


class Payment(BaseModel):
    """One sum of money in the remedy section."""

    amount_pence: int = Field(ge=0, description="Amount of one payment, in pence")
    recipient: str | None = None
    count: int = Field(default=1, ge=1, description="2 for 'D and G £200 each'")
    kind: PaymentKind = "payment"
    already_made: bool = False
    reason: str | None = None
    payer: str | None = Field(
        default=None, description="The body that pays, where a joint decision says so"
    )
    own: bool = Field(
        default=True,
        description="Paid by the record's own body: false for another payer's share of a "
        "joint decision (stored, shown, never counted for this body)",
    )

    @property
    def total_pence(self) -> int:
        return self.amount_pence * self.count

    def public_dict(self) -> dict[str, Any]:
        return {
            "amount": pence_to_pounds(self.amount_pence),
            "recipient": self.recipient,
            "count": self.count,
            "kind": self.kind,
            "already_made": self.already_made,
            "reason": self.reason,
            "payer": self.payer,
        }


class Statute(BaseModel):
    """A piece of legislation or guidance a decision relies on (ingest/parse/statutes.py)."""

    act: str = Field(description='"Care Act 2014", "SEND Code of Practice"')
    section: str | None = Field(None, description='"42", "Part 7"; null for the whole Act')
    label: str = Field(description='"Care Act 2014 s42": one value however it was written')
    slug: str = Field(description='"care-act-2014-s42"')


def remedy_totals(payments: list[Payment], has_remedy: bool) -> tuple[int | None, int | None]:
    """(remedy_total_pence, waived_total_pence) as SPEC §3 defines them.

    Payments and refunds the decision asks for count; waivers go to the second sum; money the
    body paid before the decision counts in neither, nor does another payer's share of a joint
    decision (`own` false). Without a remedy section both are None.
    """
    if not has_remedy:
        return None, None
    asked = [p for p in payments if not p.already_made and p.own]
    remedy = sum(p.total_pence for p in asked if p.kind in ("payment", "refund"))
    waived = sum(p.total_pence for p in asked if p.kind == "waiver")
    return remedy, waived


class ParsedDecision(BaseModel):
    """A decision statement as the parser read it. Fields follow SPEC §3."""

    reference: str | None = Field(None, description='As published, "17 015 692"')
    council_name: str | None = None
    council_slug: str | None = None
    body_type: BodyType = "council"
    kind: DecisionKind = "statement"
    category: str | None = None
    subcategory: str | None = None
    category_slug: str | None = None
    subcategory_slug: str | None = None
    outcome: Outcome | None = None
    outcome_text: str | None = None
    outcome_inferred: bool = False
    decided_on: date | None = None
    summary: str = ""
    body: str = ""
    sections: dict[str, str] = Field(default_factory=dict)
    payments: list[Payment] = Field(default_factory=list)
    remedy_total_pence: int | None = None
    waived_total_pence: int | None = None
    remedy_types: list[RemedyType] = Field(default_factory=list)
    complainants: list[str] = Field(default_factory=list)
    deadlines: list[str] = Field(default_factory=list)
    compliance_confirmed_on: date | None = None
    further_report: bool = False
    statutes: list[Statute] = Field(default_factory=list)
    source_url: str | None = None
    source: Source = "file"
    warnings: list[str] = Field(default_factory=list)
    parser_version: str = PARSER_VERSION

    def public_dict(self) -> dict[str, Any]:
        """The record with SPEC §3 names and units (what `ombudsman parse` prints)."""
        return {
            "reference": self.reference,
            "council": (
                {"name": self.council_name, "slug": self.council_slug}
                if self.council_name
                else None
            ),
            "body_type": self.body_type,
            "kind": self.kind,
            "category": self.category,
            "subcategory": self.subcategory,
            "category_slug": self.category_slug,
            "subcategory_slug": self.subcategory_slug,
            "outcome": self.outcome,
            "outcome_text": self.outcome_text,
            "outcome_inferred": self.outcome_inferred,
            "decided_on": self.decided_on.isoformat() if self.decided_on else None,
            "summary": self.summary,
            "body": self.body,
            "sections": self.sections,
            "payments": [p.public_dict() for p in self.payments],
            "remedy_total": pence_to_pounds(self.remedy_total_pence),
            "waived_total": pence_to_pounds(self.waived_total_pence),
            "remedy_types": list(self.remedy_types),
            "complainants": self.complainants,
            "deadlines": self.deadlines,
            "compliance_confirmed_on": (
                self.compliance_confirmed_on.isoformat() if self.compliance_confirmed_on else None
            ),
            "further_report": self.further_report,
            "statutes": [s.model_dump() for s in self.statutes],
            "source_url": self.source_url,
            "source": self.source,
            "warnings": self.warnings,
        }


_COMPLIANCE_LINE = re.compile(r"^ombudsman satisfied with\b.*$", re.IGNORECASE | re.MULTILINE)
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def text_fingerprint(body: str) -> str | None:
    """What makes two references "the same text": the body, normalised, without the closing
    compliance line (its wording differs between copies of one report). None for no text."""
    text = _NOT_WORD.sub(" ", _COMPLIANCE_LINE.sub("", body).lower()).strip()
    if not text:
        return None
    return hashlib.sha256(text.encode()).hexdigest()


def text_hash(summary: str, body: str) -> str:
    """The record's `content_hash`: of the text we parsed (summary, a newline, body), so it
    changes when the decision's words do and not when the page around them does. Migration
    0006 computes the same in SQL for decisions stored before it."""
    return hashlib.sha256(f"{summary}\n{body}".encode()).hexdigest()
