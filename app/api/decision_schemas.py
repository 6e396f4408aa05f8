"""Response shapes of /v1/decisions: every field described, with an example, for /docs."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class CouncilRef(BaseModel):
    name: str = Field(description="Name as published", examples=["Cumbria County Council"])
    slug: str = Field(description="URL slug", examples=["cumbria-county-council"])


class Highlights(BaseModel):
    summary: str = Field(
        description="The summary with matched words in <mark>…</mark>; everything else is "
        "HTML-escaped, so it can be inserted as HTML",
        examples=["Mr Q complains about the Council&#x27;s <mark>apology</mark>."],
    )
    body: str = Field(
        description="A cropped snippet of the full text around the matches, marked and escaped "
        "like `summary`",
        examples=["…will provide Mr Q with a sincere <mark>apology</mark> and pay…"],
    )


class DecisionFields(BaseModel):
    """The key fields every view of a decision carries."""

    reference: str = Field(description="As published", examples=["17 015 692"])
    url: str = Field(description="This decision in the API", examples=["/v1/decisions/17-015-692"])
    council: CouncilRef | None = Field(
        description="The body complained about; null when neither the page, the listing nor "
        "the text names it (the decision is still searched and counted)"
    )
    body_type: str | None = Field(
        description="council, care_provider, nhs, school or other; null without a body",
        examples=["council"],
    )
    kind: str = Field(
        description="statement (the usual decision) or report (a formal public report)",
        examples=["statement"],
    )
    category: str | None = Field(
        description="LGSCO category", examples=["Children's care services"]
    )
    subcategory: str | None = Field(description="LGSCO sub-category", examples=["Child protection"])
    category_slug: str | None = Field(
        description="Category slug", examples=["children-s-care-services"]
    )
    subcategory_slug: str | None = Field(
        description="Sub-category slug", examples=["child-protection"]
    )
    outcome: str | None = Field(
        description="upheld, not_upheld, closed_after_initial_enquiries or other",
        examples=["upheld"],
    )
    outcome_text: str | None = Field(description="Outcome as published", examples=["Upheld"])
    decided_on: date | None = Field(description="Decision date", examples=["2019-05-07"])
    summary: str = Field(description="The decision's summary", examples=["Mr Q complains…"])
    remedy_total: float | None = Field(
        description="Pounds the decision asks the body to pay or refund; null without a remedy "
        "section",
        examples=[1100.0],
    )
    remedy_types: list[str] = Field(
        description="Kinds of remedy", examples=[["apology", "financial_payment"]]
    )
    status: str = Field(
        description="published, or removed: the LGSCO page has gone since we stored it (the "
        "record is kept)",
        examples=["published"],
    )
    source: str = Field(
        description="lgsco, file or synthetic (fictional demo data)", examples=["lgsco"]
    )
    source_url: str | None = Field(
        description="The decision's page on the LGSCO website",
        examples=[
            "https://www.lgo.org.uk/decisions/children-s-care-services/child-protection/17-015-692"
        ],
    )


class ListedFields(DecisionFields):
    """What every list of decisions (search, similar) carries of each."""

    updated_at: datetime | None = Field(
        None,
        description="Last added, changed or removed (what `updated_since` and "
        "sort=-updated_at use); null only for a document indexed before it was recorded",
        examples=["2026-12-01T09:30:00Z"],
    )


class DecisionSummary(ListedFields):
    """What a result list needs: key fields and the summary, not the full text."""

    highlights: Highlights | None = Field(
        None, description="With `q`: where the words matched; null without `q`"
    )


class FacetValue(BaseModel):
    value: str = Field(description="The value to filter by", examples=["kent-county-council"])
    label: str = Field(description="How to show it", examples=["Kent County Council"])
    count: int = Field(description="Matching decisions with this value", examples=[42])
    url: str = Field(
        description="This query with the value applied",
        examples=["/v1/decisions?q=ehcp&council=kent-county-council"],
    )


class ListMeta(BaseModel):
    total: int = Field(description="Exact number of matching decisions", examples=[1234])
    page: int = Field(description="This page, from 1", examples=[1])
    per_page: int = Field(description="Results per page", examples=[20])
    pages: int = Field(description="Number of pages", examples=[62])
    warnings: list[str] = Field(
        description="What the query could not do as asked, e.g. an unknown council",
        examples=[["No council matches 'kentt'; did you mean kent-county-council?"]],
    )


class Links(BaseModel):
    self: str = Field(description="This page", examples=["/v1/decisions?q=ehcp&page=2"])
    next: str | None = Field(
        description="The next page, if any", examples=["/v1/decisions?q=ehcp&page=3"]
    )
    prev: str | None = Field(
        description="The previous page, if any", examples=["/v1/decisions?q=ehcp&page=1"]
    )


class DecisionList(BaseModel):
    data: list[DecisionSummary] = Field(description="This page of matching decisions")
    meta: ListMeta = Field(description="Counts and paging")
    facets: dict[str, list[FacetValue]] = Field(
        description="For each facet asked for in `facets`, every value with its count",
        examples=[
            {
                "outcome": [
                    {
                        "value": "upheld",
                        "label": "Upheld",
                        "count": 3,
                        "url": "/v1/decisions?outcome=upheld",
                    }
                ]
            }
        ],
    )
    links: Links = Field(description="Links to this, the next and the previous page")


class PaymentOut(BaseModel):
    amount: float = Field(description="One payment, in pounds", examples=[200.0])
    recipient: str | None = Field(description="Who is paid, as written", examples=["D and G"])
    count: int = Field(description="How many people get `amount` each", examples=[2])
    kind: str = Field(description="payment, refund or waiver", examples=["payment"])
    already_made: bool = Field(
        description="Paid before the decision (not in remedy_total)", examples=[False]
    )
    reason: str | None = Field(
        description="What the money is for", examples=["to recognise the distress caused"]
    )
    payer: str | None = Field(
        description="The body that pays, where a joint decision says so; `remedy_total` counts "
        "only the payments of this record's own body",
        examples=["County Council"],
    )


class StatuteOut(BaseModel):
    act: str = Field(
        description="The Act with its year, or the guidance", examples=["Care Act 2014"]
    )
    section: str | None = Field(
        description="Section number (sub-sections are one value) or `Part N`; null for the whole "
        "Act or guidance",
        examples=["42"],
    )
    label: str = Field(
        description="One value however the decision wrote it; the `statute` filter and facet "
        "take it",
        examples=["Care Act 2014 s42"],
    )
    slug: str = Field(description="The label as a slug", examples=["care-act-2014-s42"])


class VersionOut(BaseModel):
    content_hash: str = Field(description="Hash of that earlier text", examples=["9f2c…"])
    seen_from: datetime = Field(
        description="When we first held it", examples=["2026-11-23T19:00:00Z"]
    )
    seen_to: datetime = Field(
        description="When it was replaced by the next text", examples=["2026-12-01T09:30:00Z"]
    )


class DecisionRecord(DecisionFields):
    """The full record (SPEC §3)."""

    outcome_inferred: bool = Field(
        description="True when the outcome was read from prose, not a Decision line",
        examples=[False],
    )
    body: str = Field(description="Full decision text, page furniture removed", examples=["…"])
    sections: dict[str, str] = Field(
        description="complaint, role_and_powers, how_considered, findings, analysis, "
        "agreed_action (a report's Recommendations), final_decision, further_report (a "
        "report issued because the body did not comply): whichever exist",
        examples=[{"final_decision": "I have completed my investigation…"}],
    )
    payments: list[PaymentOut] = Field(description="Every sum of money in the remedy section")
    waived_total: float | None = Field(
        description="Pounds of debts or charges waived", examples=[0.0]
    )
    complainants: list[str] = Field(description="Pseudonyms as written", examples=[["Mr Q"]])
    deadlines: list[str] = Field(
        description="Deadlines of the remedy",
        examples=[["within four weeks of the final decision"]],
    )
    compliance_confirmed_on: date | None = Field(
        description="When the Ombudsman said it was satisfied with the body's response "
        "(reports); null when not (yet) confirmed",
        examples=["2018-02-21"],
    )
    further_report: bool = Field(
        description="A further report was issued because the body did not comply",
        examples=[False],
    )
    related_references: list[str] = Field(
        description="Other references published with the same text (one report per council "
        "or per complainant)",
        examples=[["15 019 136", "15 020 236"]],
    )
    removed_on: date | None = Field(
        description="The day we first found the LGSCO page gone (status removed)",
        examples=[None],
    )
    statutes: list[StatuteOut] = Field(
        description="Legislation and guidance the decision relies on, in order of first "
        "citation (not the Ombudsman's own standard citations of its powers)",
        examples=[[{"act": "Children Act 1989", "section": "47",
                    "label": "Children Act 1989 s47", "slug": "children-act-1989-s47"}]],
    )  # fmt: skip
    content_hash: str | None = Field(
        description="SHA-256 of the text we parsed (summary and body): changes when the "
        "decision's words do; null only for a record not re-read since hashes were kept",
        examples=["3b5d5c3712955042212316173ccf37be800c8a8d5f6e1d9b0f0bb3f1f2e3a4b5"],
    )
    versions: list[VersionOut] = Field(
        description="Earlier texts of this decision, oldest first: each hash and when we held "
        "it (the current text is `content_hash`, held since the last `seen_to`)",
        examples=[[]],
    )
    warnings: list[str] = Field(
        description="What the parser could not read or had to guess", examples=[[]]
    )
    ingested_at: datetime = Field(description="First stored", examples=["2026-11-23T19:00:00Z"])
    updated_at: datetime = Field(description="Last changed", examples=["2026-11-23T19:00:00Z"])


class DecisionOut(BaseModel):
    data: DecisionRecord = Field(description="The decision")


class SimilarDecision(ListedFields):
    """A decision like the one asked about, with how alike the two are."""

    score: float = Field(
        description="Similarity from 0 to 1 (Meilisearch's ranking score: 1 is the same "
        "meaning, 0.5 unrelated); the list is in descending order of it",
        examples=[0.93],
    )


class SimilarMeta(BaseModel):
    reference: str = Field(description="The decision they are like", examples=["17 015 692"])
    per_page: int = Field(description="At most this many", examples=[10])
    warnings: list[str] = Field(
        description="Why the list may be empty or short (e.g. a decision with no text to compare)",
        examples=[[]],
    )


class SimilarLinks(BaseModel):
    self: str = Field(
        description="This list", examples=["/v1/decisions/17-015-692/similar?per_page=5"]
    )
    decision: str = Field(description="The decision itself", examples=["/v1/decisions/17-015-692"])


class SimilarList(BaseModel):
    data: list[SimilarDecision] = Field(
        description="The most similar decisions matching the filters, the decision itself "
        "excluded, most similar first"
    )
    meta: SimilarMeta = Field(description="What was asked")
    links: SimilarLinks = Field(description="Links to this list and to the decision")
