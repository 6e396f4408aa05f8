"""Errors as `application/problem+json` (RFC 9457): every error the API returns goes through here.

A user's mistake is a 4xx that says what was wrong; an unexpected failure is a 500 that says
nothing internal. `type` is `about:blank` for plain HTTP statuses and a `/problems/<name>` URI
for the problems this API defines.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.asgi import app_path, wants_page
from app.observability import REQUEST_ID_HEADER, request_id_of
from app.search.client import MeiliUnavailable
from app.security import security_headers

log = logging.getLogger("ombudsearch.problems")

PROBLEM_JSON = "application/problem+json"


class Problem(BaseModel):
    """An RFC 9457 problem detail."""

    type: str = Field("about:blank", description="URI reference naming the kind of problem")
    title: str = Field(description="Short summary of the kind of problem", examples=["Not Found"])
    status: int = Field(description="The HTTP status code", examples=[404])
    detail: str | None = Field(None, description="What went wrong with this request")
    instance: str | None = Field(
        None,
        description="The request path that met the problem and the request id to quote",
        examples=["/v1/decisions/21-001-234#request-3f2a9c0e4b5d4e6f8a7b6c5d4e3f2a1b"],
    )


def problem_responses(**descriptions: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` declaring problem+json errors: `problem_responses(s404="No such…")`.

    The schema is placed under application/problem+json (where FastAPI's `model` alone would put
    it under application/json), so generated clients know what an error body holds.
    """
    schema = {"schema": {"$ref": "#/components/schemas/Problem"}}
    return {
        int(key.removeprefix("s")): {
            "model": Problem,
            "content": {PROBLEM_JSON: schema},
            "description": text,
        }
        for key, text in descriptions.items()
    }


class ProblemError(Exception):
    """Raise anywhere to answer with a problem; extra keyword arguments become members."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        type: str = "about:blank",
        title: str | None = None,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.type = type
        self.title = title or HTTPStatus(status).phrase
        self.headers = headers
        self.extensions = extensions


def problem_response(
    request: Request,
    status: int,
    detail: str | None,
    *,
    type: str = "about:blank",
    title: str | None = None,
    headers: Mapping[str, str] | None = None,
    **extensions: Any,
) -> Response:
    # The id goes in `instance` so whoever quotes the error quotes what finds its log lines; and
    # in the headers here too, since a 500 is sent from outside the middlewares that add them.
    request_id = request_id_of(request.scope)
    instance = f"{request.url.path}#request-{request_id}" if request_id else request.url.path
    body: dict[str, Any] = {
        "type": type,
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": instance,
        **extensions,
    }
    sent = security_headers(request.url.path)
    if request_id:
        sent[REQUEST_ID_HEADER] = request_id
    sent.update(headers or {})
    app = request.scope.get("app")  # absent only where a middleware runs without an app
    render = getattr(app.state, "problem_page", None) if app is not None else None
    if render is not None and wants_page(
        app_path(request.scope), request.headers.get("accept", "")
    ):
        return render(request, body, sent)  # the explorer's pages show problems as pages
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=sent)


async def _problem_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ProblemError)
    return problem_response(
        request, exc.status, exc.detail, type=exc.type, title=exc.title, headers=exc.headers,
        **exc.extensions,
    )  # fmt: skip


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else None
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"No resource at {request.url.path}; see /docs for the API."
    return problem_response(request, exc.status_code, detail, headers=exc.headers)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"location": ".".join(str(p) for p in err["loc"]), "message": err["msg"]}
        for err in exc.errors()
    ]
    detail = "; ".join(f"{e['location']}: {e['message']}" for e in errors)
    return problem_response(
        request, 422, detail, type="/problems/invalid-parameters", title="Invalid parameters",
        errors=errors,
    )  # fmt: skip


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    log.exception(
        "unhandled error on %s %s", request.method, request.url.path,
        extra={"request_id": request_id_of(request.scope)},  # the contextvar is reset by now
    )  # fmt: skip
    return problem_response(request, 500, "An unexpected error occurred; it has been logged.")


async def _database_error(request: Request, exc: Exception) -> Response:
    """PostgreSQL down, too slow or out of connections: the client may retry; it is not a bug."""
    cancelled = isinstance(getattr(exc, "orig", None), psycopg.errors.QueryCanceled)
    if cancelled:
        log.warning("query cancelled by statement_timeout on %s", request.url.path)
        return problem_response(
            request, 504, "The query took too long and was cancelled; narrow the filters.",
            type="/problems/timeout", title="Gateway Timeout",
        )  # fmt: skip
    if isinstance(exc, SQLAlchemyTimeoutError):  # no pooled connection free in time
        log.error("database pool exhausted on %s", request.url.path)
        return problem_response(
            request, 503, "Every database connection is busy; try again shortly.",
            type="/problems/database-busy", title="Database busy",
            headers={"Retry-After": "5"},
        )  # fmt: skip
    log.error("database unavailable on %s: %s", request.url.path, type(exc).__name__)
    return problem_response(
        request, 503, "The database is unavailable; try again shortly.",
        type="/problems/database-unavailable", title="Database unavailable",
        headers={"Retry-After": "5"},
    )  # fmt: skip


async def _search_error(request: Request, exc: Exception) -> Response:
    """Meilisearch unreachable where no degraded answer exists (e.g. type-ahead)."""
    return problem_response(
        request, 503, "The search engine is unavailable; try again shortly.",
        type="/problems/search-unavailable", title="Search unavailable",
        headers={"Retry-After": "5"},
    )  # fmt: skip


def install(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _problem_error)
    app.add_exception_handler(OperationalError, _database_error)
    app.add_exception_handler(SQLAlchemyTimeoutError, _database_error)
    app.add_exception_handler(MeiliUnavailable, _search_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected_error)
