"""Liveness and readiness: is the process up, and can it reach what it needs."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.problems import PROBLEM_JSON, Problem, problem_response

router = APIRouter(tags=["health"])

CheckState = Literal["ok", "down"]


class Health(BaseModel):
    status: Literal["ok"] = Field(description="Always ok when the process answers")


class Readiness(BaseModel):
    status: Literal["ok"] = Field(description="ok when every dependency answers")
    checks: dict[str, CheckState] = Field(
        description="State of each dependency", examples=[{"postgres": "ok", "meilisearch": "ok"}]
    )


@router.get("/healthz", operation_id="health", summary="Process alive")
async def healthz() -> Health:
    return Health(status="ok")


def _postgres_ok(request: Request) -> bool:
    try:
        with request.app.state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        return False


@router.get(
    "/readyz",
    operation_id="readiness",
    summary="PostgreSQL and Meilisearch reachable",
    response_model=Readiness,
    responses={
        503: {
            "model": Problem,
            "content": {PROBLEM_JSON: {}},
            "description": "A dependency is down",
        }
    },
)
async def readyz(request: Request) -> Readiness | JSONResponse:
    checks: dict[str, CheckState] = {
        "postgres": "ok" if await run_in_threadpool(_postgres_ok, request) else "down",
        "meilisearch": "ok" if await request.app.state.meili.healthy() else "down",
    }
    down = [name for name, state in checks.items() if state == "down"]
    if down:
        return problem_response(
            request, 503, f"Unreachable: {', '.join(down)}", type="/problems/dependency-down",
            title="Dependency unavailable", checks=checks, headers={"Retry-After": "5"},
        )  # fmt: skip
    return Readiness(status="ok", checks=checks)
