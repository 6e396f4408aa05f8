"""The compliance figures (reports, further reports for non-compliance, confirmed compliance and
the days it took), declared once for every response that shows them: stats rows and council
profiles."""

from __future__ import annotations

from typing import Any

from pydantic import Field

REPORTS: Any = Field(
    description="Formal public reports (`kind` report) among the decisions", examples=[2]
)
FURTHER_REPORTS: Any = Field(
    description="Decisions with a further report: the body did not comply at first",
    examples=[0],
)
COMPLIANCE_CONFIRMED: Any = Field(
    description="Decisions where the Ombudsman has said it is satisfied with the body's "
    "response (`compliance_confirmed_on` set)",
    examples=[1],
)
COMPLIANCE_MEDIAN_DAYS: Any = Field(
    description="Median days from the decision date to confirmed compliance, over decisions "
    "with both dates; null when none has both",
    examples=[84.0],
)
