"""Test harness: real PostgreSQL and real Meilisearch, started once per session.

With DATABASE_URL and MEILI_URL set, those are used (the database user needs CREATEDB).
Otherwise the local stack is started with its data under `.data/test` (separate from the data
`make run` serves, so the two can run side by side).

Isolation: the schema is migrated once into a template database; each test that touches the
database gets a fresh copy of it (CREATE DATABASE … TEMPLATE, a few milliseconds), so code under
test may commit freely. Each test gets its own Meilisearch index name, deleted afterwards.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import httpx
import psycopg
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlmodel import Session

from app import migrate
from app.config import PROJECT_ROOT, Settings
from app.db import make_engine, sqlalchemy_url
from app.main import create_app
from app.search.client import MeiliClient
from app.search.index import delete_index
from app.search.keys import delete_search_key
from app.stack import Services, local_services, owner_of


def _admin_url(database_url: str, database: str = "postgres") -> str:
    url = make_url(sqlalchemy_url(database_url)).set(drivername="postgresql", database=database)
    return url.render_as_string(hide_password=False)


def _with_database(database_url: str, database: str) -> str:
    url = make_url(sqlalchemy_url(database_url)).set(database=database)
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def settings() -> Settings:
    # A generous Meilisearch timeout: a loaded CI machine can stall it for seconds (seen once);
    # timeouts themselves are tested with unreachable ports, not with slowness.
    # MCP off for the in-process apps: its session manager holds an anyio task group for the
    # app's lifespan, which must end in the task that started it, and a module-scoped fixture
    # ends in another. The MCP tests run it the way it serves, in `ombudsman serve`.
    return Settings(demo_count=0, meili_timeout_s=30, mcp_enabled=False)


@pytest.fixture(scope="session")
def stack_data_dir() -> Iterator[Path]:
    """`.data/test`, kept between runs (no initdb each time), unless another test session is
    using it right now: then a private folder, removed afterwards. A session never borrows
    another's services, which stop when that session ends."""
    shared = PROJECT_ROOT / ".data" / "test"
    if owner_of(shared) in (None, os.getpid()):
        yield shared
        return
    private = PROJECT_ROOT / ".data" / f"test-{os.getpid()}"
    yield private
    shutil.rmtree(private, ignore_errors=True)


@pytest.fixture(scope="session")
def services(settings: Settings, stack_data_dir: Path) -> Iterator[Services]:
    with local_services(settings, data_dir=stack_data_dir, fast=True) as found:
        yield found


@contextmanager
def scratch_database(services: Services, name: str, template: str | None = None) -> Iterator[str]:
    """A database created for the block (empty, or a copy of `template`) and dropped after it."""
    admin = _admin_url(services.database_url)
    copy = f' TEMPLATE "{template}"' if template else ""
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"{copy}')
    try:
        yield _with_database(services.database_url, name)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def template_database(services: Services) -> Iterator[str]:
    """A database migrated to head, copied by every test that needs one."""
    name = f"test_template_{os.getpid()}"
    with scratch_database(services, name) as url:
        migrate.upgrade(url)
        yield name


@pytest.fixture
def empty_database_url(services: Services) -> Iterator[str]:
    """A new, empty database (no schema): for migration tests."""
    with scratch_database(services, f"test_{uuid.uuid4().hex[:12]}") as url:
        yield url


@pytest.fixture
def database_url(services: Services, template_database: str) -> Iterator[str]:
    """A fresh copy of the migrated template, dropped after the test."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    with scratch_database(services, name, template_database) as url:
        yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url, pool_size=2)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


@pytest.fixture
def index_name() -> str:
    return f"test_{uuid.uuid4().hex[:12]}"


@pytest.fixture
async def meili(services: Services, index_name: str) -> AsyncIterator[MeiliClient]:
    """A client to the real Meilisearch; the test's index is deleted afterwards."""
    client = MeiliClient(services.meili_url, services.meili_key)
    yield client
    await delete_index(client, index_name)
    await delete_search_key(client, index_name)
    await client.aclose()


@pytest.fixture
def test_services(services: Services, database_url: str) -> Services:
    """The session's services, pointed at this test's database."""
    return replace(services, database_url=database_url)


@pytest.fixture
async def app(
    settings: Settings, test_services: Services, index_name: str, meili: MeiliClient
) -> AsyncIterator[FastAPI]:
    """The application on this test's database and index, with its lifespan running."""
    application = create_app(settings.model_copy(update={"meili_index": index_name}), test_services)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def cli_env(
    test_services: Services, index_name: str, meili: MeiliClient, tmp_path: Path
) -> dict[str, str]:
    """Environment for a subprocess on this test's database and index (`meili` deletes it)."""
    env = {
        **os.environ,
        "DATABASE_URL": test_services.database_url,
        "MEILI_URL": test_services.meili_url,
        "MEILI_MASTER_KEY": test_services.meili_key or "",
        "MEILI_INDEX": index_name,
        "DATA_DIR": str(tmp_path / "data"),
        "LOG_LEVEL": "warning",
        "COLUMNS": "200",
    }
    return env


def ombudsman(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
