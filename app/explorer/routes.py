"""Explorer pages (HTML), outside /v1."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

router = APIRouter(include_in_schema=False)


def install(app: FastAPI) -> None:
    """Add the pages and mount their assets on `app`."""
    app.include_router(router)
