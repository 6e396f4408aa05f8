"""Liveness and readiness: is the process up, and can it reach what it needs."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.problems import problem_response, problem_responses

router = APIRouter(tags=["health"])

CheckState = Literal["ok", "down"]


class Health(BaseModel):
    """The process is up and serving requests."""

    status: Literal["ok"] = Field(description="Always ok when the process answers", examples=["ok"])


class Readiness(BaseModel):
    """Every dependency answered; a 503 problem names the ones that did not."""

    status: Literal["ok"] = Field(description="ok when every dependency answers", examples=["ok"])
    checks: dict[str, CheckState] = Field(
        description="State of each dependency", examples=[{"postgres": "ok", "meilisearch": "ok"}]
    )


@router.get(
    "/healthz",
    operation_id="health",
    summary="Process alive",
    description="Answers as long as the process runs; checks nothing else. Never cached.",
)
async def healthz() -> Health:
    return Health(status="ok")


def _postgres_ok(request: Request) -> bool:
    try:
        with request.app.state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        return False


async def _meili_ok(request: Request) -> bool:
    """Up is not enough: the app's key must search its index (both are created by the app,
    again after Meilisearch lost them; until then searches are answered degraded)."""
    return bool(await request.app.state.meili.can_search(request.app.state.index_name))


@router.get(
    "/readyz",
    operation_id="readiness",
    summary="PostgreSQL and Meilisearch reachable",
    description="200 when both answer; otherwise a 503 problem whose `checks` names what is "
    "down, with `Retry-After`. Never cached.",
    response_model=Readiness,
    responses=problem_responses(s503="A dependency is down"),
)
async def readyz(request: Request) -> Readiness | Response:
    checks: dict[str, CheckState] = {
        "postgres": "ok" if await run_in_threadpool(_postgres_ok, request) else "down",
        "meilisearch": "ok" if await _meili_ok(request) else "down",
    }
    down = [name for name, state in checks.items() if state == "down"]
    if down:
        return problem_response(
            request, 503, f"Unreachable: {', '.join(down)}", type="/problems/dependency-down",
            title="Dependency unavailable", checks=checks, headers={"Retry-After": "5"},
        )  # fmt: skip
    return Readiness(status="ok", checks=checks)
