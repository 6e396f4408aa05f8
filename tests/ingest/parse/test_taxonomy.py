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
        ("Environment and regulation", "environment-and-regulation"),
        ("Transport and highways", "transport-and-highways"),
        ("Transition from childrens services", "transition-from-childrens-services"),
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
    for slug, category, subs in taxonomy.TAXONOMY:
        assert taxonomy.category_name(slug) == (category, True)
        assert taxonomy.category_slug_for(category) == slug
        for sub_slug, sub in subs:
            assert taxonomy.subcategory_name(slug, sub_slug) == (sub, True)
            assert taxonomy.subcategory_slug_for(category, sub) == sub_slug


def test_the_real_sites_table() -> None:
    assert [slug for slug, _, _ in taxonomy.TAXONOMY] == [
        "adult-care-services",
        "benefits-and-tax",
        "children-s-care-services",
        "education",
        "environment-and-regulation",
        "housing",
        "planning",
        "transport-and-highways",
        "other-categories",
        "health",
    ]
    assert list(taxonomy.CATEGORIES) == [
        "Adult care services",
        "Benefits and tax",
        "Children's care services",
        "Education",
        "Environment and regulation",
        "Housing",
        "Planning",
        "Transport and highways",
        "Other categories",
        "Health",
    ]
    assert sum(len(subs) for subs in taxonomy.CATEGORIES.values()) == 54
    assert taxonomy.subcategory_name("health", "assessment-and-funding") == (
        "Assessment and funding",
        True,
    )


def test_the_sites_slugs_are_not_always_slugify_of_the_names() -> None:
    # the apostrophe is a hyphen in one slug and missing from the other name
    assert taxonomy.category_slug_for("Children's care services") == "children-s-care-services"
    assert taxonomy.subcategory_slug_for(
        "Adult care services", "Transition from children's services"
    ) == ("transition-from-childrens-services")
    assert (
        taxonomy.canonical_subcategory("adult care services", "TRANSITION FROM CHILDRENS SERVICES")
        == "Transition from childrens services"
    )
    assert taxonomy.canonical_category("childrens care services") == "Children's care services"


def test_a_slug_of_one_category_is_not_borrowed_by_another() -> None:
    # "drainage" is an environment sub-category: under housing it is unknown, not "Drainage" found
    assert taxonomy.subcategory_name("housing", "drainage") == ("Drainage", False)
    assert taxonomy.subcategory_name("space-travel", "other") == ("Other", False)
    assert taxonomy.canonical_subcategory("Housing", "Drainage") is None
    assert taxonomy.canonical_subcategory("Not a category", "Other") is None


def test_old_category_names_are_unknown() -> None:
    for old in (
        "Highways and transport",
        "Corporate and other services",
        "Planning and development",
    ):
        assert taxonomy.canonical_category(old) is None
    assert taxonomy.category_name("highways-and-transport") == ("Highways and transport", False)


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
