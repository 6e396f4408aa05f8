"""The Jinja2 environment of the explorer, with the few formats its pages share."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates

from app.api.councils import rate_words
from app.api.decisions import reference_path

HERE = Path(__file__).parent
STATIC = HERE / "static"

SECTION_TITLES = {
    "complaint": "The complaint",
    "role_and_powers": "Our role and powers",
    "how_considered": "How I considered this complaint",
    "findings": "What I found",
    "analysis": "Analysis",
    "agreed_action": "Agreed action",
    "final_decision": "Final decision",
    "further_report": "Further report",
}


def pounds(value: float | int | Decimal | None) -> str:
    """£1,100 or £1,100.50: pence only when there are any; an en dash for no remedy."""
    if value is None:
        return "–"
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    return f"£{amount:,.0f}" if amount == amount.to_integral_value() else f"£{amount:,.2f}"


def short_pounds(value: float) -> str:
    """An axis label: £0, £500, £12k, £1.5m."""
    if value >= 1_000_000:
        return f"£{value / 1_000_000:g}m"
    if value >= 1_000:
        return f"£{value / 1_000:g}k"
    return f"£{value:g}"


def day(value: date | str | None) -> str:
    """7 May 2019, as the LGSCO writes it."""
    if value is None:
        return "Undated"
    parsed = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{parsed.day} {parsed:%B %Y}"


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def rate(row: dict[str, Any]) -> str:
    """ "61% (52–69%)": an uphold rate with its 95% interval; an en dash for no rate."""
    return rate_words(
        row.get("upheld_rate"), row.get("upheld_rate_low"), row.get("upheld_rate_high")
    )


def rate_class(row: dict[str, Any]) -> str:
    """The CSS class of a rate's cell: greyed when from too few decisions."""
    return "num" if row.get("rate_reliable") else "num unreliable"


def page_url(api_url: str) -> str:
    """The explorer page of an API resource: /v1/decisions/17-015-692 → /decisions/17-015-692."""
    return api_url.removeprefix("/v1")


def decision_url(reference: str) -> str:
    """The page of a decision by its published reference, 17 015 692."""
    return page_url(reference_path(reference))


def paragraphs(text: str) -> list[str]:
    """The stored text keeps one paragraph (or sub-heading) per line."""
    return [line.strip() for line in text.splitlines() if line.strip()]


templates = Jinja2Templates(directory=HERE / "templates")
templates.env.filters.update(
    pounds=pounds,
    day=day,
    percent=percent,
    rate=rate,
    rate_class=rate_class,
    paragraphs=paragraphs,
    page_url=page_url,
    decision_url=decision_url,
)
templates.env.globals.update(SECTION_TITLES=SECTION_TITLES)
