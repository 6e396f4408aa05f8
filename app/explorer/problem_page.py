"""Problems on explorer pages: the same problem (status, title, detail, request id), as a page.

A reporter who mistypes a date or follows a stale link should read what went wrong and what to
do, in the page's own look, not a JSON document; the status code and the `instance` (with the
request id to quote) are those the API would give.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from app.explorer.templates import templates

ADVICE = {
    400: "The address has a parameter this page does not know (perhaps mistyped); start a new "
    "search and the form will build a correct one.",
    404: "The address may be mistyped, or the record may not be published here.",
    422: "One of the values could not be read; the field is named above. Correct it in the "
    "address, or start a new search.",
    429: "Too many requests in a short time; wait a moment and reload.",
    503: "A service this page needs is not answering; try again in a few seconds.",
    504: "The question took too long to answer; narrow the filters and try again.",
}


def render(request: Request, problem: Mapping[str, Any], headers: Mapping[str, str]) -> Response:
    status = int(problem["status"])
    errors = problem.get("errors") or []
    fields = {str(err["location"]).removeprefix("query.") for err in errors}
    return templates.TemplateResponse(
        request,
        "problem.html",
        {
            "problem": problem,
            "advice": ADVICE.get(
                status,
                "Check the address and try again."
                if status < 500
                else "Something went wrong on our side; it has been logged.",
            ),
            "fields": sorted(fields),
        },
        status_code=status,
        headers=dict(headers),
    )
