"""The one place that builds database engines and sessions."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request
from sqlalchemy import Engine, create_engine
from sqlmodel import Session


def sqlalchemy_url(url: str) -> str:
    """Accept the URL forms people paste (postgres://, postgresql://); use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str, *, pool_size: int = 10, statement_timeout_ms: int = 0) -> Engine:
    options = f"-c statement_timeout={statement_timeout_ms}" if statement_timeout_ms else ""
    return create_engine(
        sqlalchemy_url(url),
        connect_args={"connect_timeout": 5, **({"options": options} if options else {})},
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,  # survive a PostgreSQL restart without a 500 on the first request
        pool_timeout=10,
    )


def get_session(request: Request) -> Iterator[Session]:
    """FastAPI dependency: a session on the app's engine, closed after the request."""
    with Session(request.app.state.engine) as session:
        yield session
