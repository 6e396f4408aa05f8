"""The models and the migrations describe the same schema, and migrations run both ways."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, pool
from sqlmodel import SQLModel

import app.models  # noqa: F401  (registers the tables)
from app import migrate
from app.db import sqlalchemy_url

TABLES = {
    "alembic_version",
    "organisation",
    "decision",
    "payment",
    "decision_version",
    "ingest_run",
    "crawl_window",
    "crawl_page",
}


def _tables(url: str) -> set[str]:
    engine = create_engine(sqlalchemy_url(url), poolclass=pool.NullPool)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_no_pending_autogenerate_diff(database_url: str) -> None:
    engine = create_engine(sqlalchemy_url(database_url), poolclass=pool.NullPool)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert diff == []


def test_upgrade_downgrade_upgrade(empty_database_url: str) -> None:
    migrate.upgrade(empty_database_url)
    assert _tables(empty_database_url) == TABLES
    migrate.downgrade(empty_database_url, "base")
    assert _tables(empty_database_url) == {"alembic_version"}
    migrate.upgrade(empty_database_url)
    assert _tables(empty_database_url) == TABLES


def test_every_filter_and_sort_has_an_index(database_url: str) -> None:
    engine = create_engine(sqlalchemy_url(database_url), poolclass=pool.NullPool)
    indexed = {tuple(ix["column_names"]) for ix in inspect(engine).get_indexes("decision")} | {
        tuple(uc["column_names"]) for uc in inspect(engine).get_unique_constraints("decision")
    }
    engine.dispose()
    for column in (
        "reference",
        "organisation_id",
        "category_slug",
        "subcategory_slug",
        "outcome",
        "decided_on",
        "remedy_total_pence",
        "remedy_types",
        "source",
    ):
        assert (column,) in indexed, column
