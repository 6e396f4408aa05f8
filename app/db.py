"""The one place that builds database engines and sessions."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine, create_engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

log = logging.getLogger("ombudsearch.db")


def sqlalchemy_url(url: str) -> str:
    """Accept the URL forms people paste (postgres://, postgresql://); use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(
    url: str,
    *,
    pool_size: int = 10,
    pool_timeout_s: float = 10.0,
    statement_timeout_ms: int = 0,
) -> Engine:
    """An engine with a bounded pool: `pool_size` connections kept, as many more under load.

    A request that finds every connection busy waits at most `pool_timeout_s`, then SQLAlchemy
    raises its TimeoutError, which app.problems answers with a 503 problem (Retry-After): a
    wait with an end, never a hang. Exports hold a connection for their whole stream, which is
    why they have slots of their own (EXPORT_CONCURRENCY < DB_POOL_SIZE, app/api/export.py).
    """
    options = f"-c statement_timeout={statement_timeout_ms}" if statement_timeout_ms else ""
    return create_engine(
        sqlalchemy_url(url),
        connect_args={"connect_timeout": 5, **({"options": options} if options else {})},
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,  # survive a PostgreSQL restart without a 500 on the first request
        pool_timeout=pool_timeout_s,
    )


def get_session(request: Request) -> Iterator[Session]:
    """FastAPI dependency (use `SessionDep`): a session on the app's engine.

    Closed when the endpoint function returns, before the response is sent (`scope="function"`
    in `SessionDep`), so a client slow to read a large answer holds no pooled connection.
    Closing rolls back the read transaction. When PostgreSQL went away meanwhile (a restart),
    that rollback fails on a dead connection which SQLAlchemy has already invalidated (the pool
    never hands it out again): the failure is logged, not raised, since the endpoint's answer is
    complete.
    """
    session = Session(request.app.state.engine)
    try:
        yield session
    finally:
        try:
            session.close()
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
            log.warning("database connection lost before its session closed: %s", exc.orig)


#: The session parameter of an endpoint: `session: SessionDep`.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
