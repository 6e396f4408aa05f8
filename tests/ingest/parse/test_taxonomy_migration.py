"""Migration 0004 re-derives stored decisions' categories from the real taxonomy."""

from __future__ import annotations

import importlib.util
from typing import Any

import psycopg

from app import migrate
from app.config import PROJECT_ROOT
from app.db import sqlalchemy_url
from ingest.parse import taxonomy

MIGRATION = PROJECT_ROOT / "migrations" / "versions" / "20261201_0004_real_taxonomy.py"

# (reference, source_url, category, subcategory, category_slug, subcategory_slug) under 0003
ROWS: tuple[tuple[str, str | None, str | None, str | None, str | None, str | None], ...] = (
    (
        "23 004 512",
        "https://www.lgo.org.uk/decisions/transport-and-highways/parking-and-other-penalties/"
        "23-004-512?displaypref=1",
        "Transport and highways",
        "Parking and other penalties",
        "transport-and-highways",
        "parking-and-other-penalties",
    ),
    (
        "16 000 780",
        "https://www.lgo.org.uk/decisions/adult-care-services/transition-from-childrens-services/"
        "16-000-780",
        "Adult care services",
        "Transition from children's services",
        "adult-care-services",
        "transition-from-children-s-services",
    ),
    (
        "17 002 402b",
        "http://lgo.org.uk/decisions/highways-and-transport/blue-badges/17-002-402b",
        "Highways and transport",
        "Blue badges",
        "highways-and-transport",
        "blue-badges",
    ),
    (
        "22 000 001",
        None,
        "childrens care services",
        "FRIENDS AND FAMILY CARERS",
        "childrens-care-services",
        "friends-and-family-carers",
    ),
    (
        "22 000 002",
        "/decisions/housing/22000002",  # no sub-category in the path: the names decide
        "Planning and development",
        "Planning applications",
        None,
        None,
    ),
    ("22 000 003", None, None, None, None, None),
)


def _connect(url: str) -> psycopg.Connection[Any]:
    return psycopg.connect(sqlalchemy_url(url).replace("postgresql+psycopg://", "postgresql://"))


def test_0004_rederives_names_and_slugs(empty_database_url: str) -> None:
    migrate.upgrade(empty_database_url, "0003")
    with _connect(empty_database_url) as conn:
        for reference, url, category, sub, category_slug, sub_slug in ROWS:
            conn.execute(
                "INSERT INTO decision (reference, source_url, category, subcategory, "
                "category_slug, subcategory_slug, outcome_inferred, source, content_hash, "
                "parser_version, indexed) "
                "VALUES (%s, %s, %s, %s, %s, %s, false, 'lgsco', 'x', '1', true)",
                (reference, url, category, sub, category_slug, sub_slug),
            )
    migrate.upgrade(empty_database_url, "0004")
    with _connect(empty_database_url) as conn:
        stored = {
            row[0]: row[1:]
            for row in conn.execute(
                "SELECT reference, category, subcategory, category_slug, subcategory_slug, "
                "indexed FROM decision"
            )
        }
    assert stored == {
        "23 004 512": (
            "Transport and highways",
            "Parking and other penalties",
            "transport-and-highways",
            "parking-and-other-penalties",
            True,  # unchanged: still indexed
        ),
        "16 000 780": (
            "Adult care services",
            "Transition from childrens services",
            "adult-care-services",
            "transition-from-childrens-services",
            False,
        ),
        "17 002 402b": (
            "Highways and transport",
            "Blue badges",
            "highways-and-transport",
            "blue-badges",
            True,
        ),
        "22 000 001": (
            "Children's care services",
            "Friends and family carers",
            "children-s-care-services",
            "friends-and-family-carers",
            False,
        ),
        "22 000 002": (
            "Planning and development",
            "Planning applications",
            "planning-and-development",
            "planning-applications",
            False,
        ),
        "22 000 003": (None, None, None, None, True),
    }
    migrate.downgrade(empty_database_url, "0003")  # a no-op that succeeds
    migrate.upgrade(empty_database_url)


def test_the_migrations_frozen_table_is_the_parsers() -> None:
    spec = importlib.util.spec_from_file_location("migration_0004", MIGRATION)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.TAXONOMY == taxonomy.TAXONOMY
