"""LGSCO category names ↔ URL slugs."""

from __future__ import annotations

import pytest

from ingest.parse import taxonomy


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Children's care services", "children-s-care-services"),
        ("Children’s care services", "children-s-care-services"),
        ("Child protection", "child-protection"),
        (
            "Environmental services, public protection and regulation",
            "environmental-services-public-protection-and-regulation",
        ),
        ("Highways and transport", "highways-and-transport"),
        ("Brontë Borough Council", "bronte-borough-council"),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert taxonomy.slugify(name) == slug


def test_known_slugs() -> None:
    assert taxonomy.category_name("children-s-care-services") == ("Children's care services", True)
    assert taxonomy.subcategory_name("children-s-care-services", "child-protection") == (
        "Child protection",
        True,
    )
    assert taxonomy.category_name("adult-care-services") == ("Adult care services", True)
    assert taxonomy.subcategory_name("education", "special-educational-needs") == (
        "Special educational needs",
        True,
    )


def test_every_name_round_trips_through_its_slug() -> None:
    for category, subs in taxonomy.CATEGORIES.items():
        slug = taxonomy.slugify(category)
        assert taxonomy.category_name(slug) == (category, True)
        for sub in subs:
            assert taxonomy.subcategory_name(slug, taxonomy.slugify(sub)) == (sub, True)


def test_unknown_slug_gets_a_readable_name() -> None:
    assert taxonomy.category_name("space-travel") == ("Space travel", False)
    assert taxonomy.subcategory_name("housing", "landlord-s-repairs") == (
        "Landlord's repairs",
        False,
    )


def test_canonical_names() -> None:
    assert taxonomy.canonical_category("children’s care services") == "Children's care services"
    assert taxonomy.canonical_subcategory("Housing", "HOMELESSNESS") == "Homelessness"
    assert taxonomy.canonical_category("Not a category") is None
