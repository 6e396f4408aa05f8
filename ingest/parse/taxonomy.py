"""LGSCO's decision categories and sub-categories, with their URL slugs, as the real site has them.

The newer page layout states the category only in the URL
(`/decisions/children-s-care-services/child-protection/17-015-692`), so the parser needs the
names behind LGSCO's slugs. The table maps each slug exactly as the site writes it to the
display name the site shows (sentence case): the site's slugs are not always `slugify` of the
names — "Transition from childrens services" has no apostrophe while "Children's care services"
has one — so slugs are never recomputed from a known name.

A slug not in the table is kept exactly as the site has it (never mapped onto another
category), with a readable name; the caller records a warning so that a new LGSCO category
shows up in the data instead of silently vanishing.

`migrations/versions/20261201_0004_real_taxonomy.py` holds a frozen copy of this table: change
both together (tests/ingest/parse/test_taxonomy_migration.py checks they agree).
"""

from __future__ import annotations

import re

from app.vocabulary import slugify

__all__ = [
    "CATEGORIES",
    "CATEGORY_BY_SLUG",
    "SUBCATEGORY_BY_SLUG",
    "TAXONOMY",
    "canonical_category",
    "canonical_subcategory",
    "category_name",
    "category_slug_for",
    "readable_name",
    "slugify",
    "subcategory_name",
    "subcategory_slug_for",
]

# (category slug, category name, ((sub-category slug, sub-category name), ...)), in the site's
# order.
TAXONOMY: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "adult-care-services",
        "Adult care services",
        (
            ("assessment-and-care-plan", "Assessment and care plan"),
            ("charging", "Charging"),
            ("direct-payments", "Direct payments"),
            ("disabled-facilities-grants", "Disabled facilities grants"),
            ("domiciliary-care", "Domiciliary care"),
            ("residential-care", "Residential care"),
            ("safeguarding", "Safeguarding"),
            ("transport", "Transport"),
            ("transition-from-childrens-services", "Transition from childrens services"),
            ("other", "Other"),
        ),
    ),
    (
        "benefits-and-tax",
        "Benefits and tax",
        (
            ("council-tax", "Council tax"),
            ("council-tax-support", "Council tax support"),
            ("housing-benefit-and-council-tax-benefit", "Housing benefit and council tax benefit"),
            ("other", "Other"),
        ),
    ),
    (
        "children-s-care-services",
        "Children's care services",
        (
            ("adoption", "Adoption"),
            ("child-protection", "Child protection"),
            ("disabled-children", "Disabled children"),
            ("fostering", "Fostering"),
            ("friends-and-family-carers", "Friends and family carers"),
            ("looked-after-children", "Looked after children"),
            ("other", "Other"),
        ),
    ),
    (
        "education",
        "Education",
        (
            ("school-admissions", "School admissions"),
            ("school-transport", "School transport"),
            ("special-educational-needs", "Special educational needs"),
            ("alternative-provision", "Alternative provision"),
        ),
    ),
    (
        "environment-and-regulation",
        "Environment and regulation",
        (
            ("noise", "Noise"),
            ("antisocial-behaviour", "Antisocial behaviour"),
            ("refuse-and-recycling", "Refuse and recycling"),
            ("licensing", "Licensing"),
            ("trees", "Trees"),
            ("drainage", "Drainage"),
            ("pollution", "Pollution"),
            ("cemeteries-and-crematoria", "Cemeteries and crematoria"),
            ("other", "Other"),
        ),
    ),
    (
        "housing",
        "Housing",
        (
            ("allocations", "Allocations"),
            ("homelessness", "Homelessness"),
            ("council-house-sales-and-leaseholders", "Council house sales and leaseholders"),
            ("private-housing", "Private housing"),
        ),
    ),
    (
        "planning",
        "Planning",
        (
            ("planning-applications", "Planning applications"),
            ("enforcement", "Enforcement"),
            ("building-control", "Building control"),
        ),
    ),
    (
        "transport-and-highways",
        "Transport and highways",
        (
            ("parking-and-other-penalties", "Parking and other penalties"),
            ("highway-repair-and-maintenance", "Highway repair and maintenance"),
            ("traffic-management", "Traffic management"),
            ("rights-of-way", "Rights of way"),
            ("public-transport", "Public transport"),
            ("street-furniture-and-lighting", "Street furniture and lighting"),
            ("highway-adoption", "Highway adoption"),
        ),
    ),
    (
        "other-categories",
        "Other categories",
        (
            ("councillor-conduct-and-standards", "Councillor conduct and standards"),
            ("leisure-and-culture", "Leisure and culture"),
            ("elections-and-electoral-register", "Elections and electoral register"),
            ("commercial-and-contracts", "Commercial and contracts"),
        ),
    ),
    (
        "health",
        "Health",
        (
            ("assessment-and-funding", "Assessment and funding"),
            ("other", "Other"),
        ),
    ),
)

# Category name → its sub-category names (the shape earlier code and the demo corpus use).
CATEGORIES: dict[str, tuple[str, ...]] = {
    name: tuple(sub_name for _, sub_name in subs) for _, name, subs in TAXONOMY
}
CATEGORY_BY_SLUG: dict[str, str] = {slug: name for slug, name, _ in TAXONOMY}
SUBCATEGORY_BY_SLUG: dict[str, dict[str, str]] = {slug: dict(subs) for slug, _, subs in TAXONOMY}

_APOSTROPHE = re.compile(r"['\u2019\u2018`\u02bc]")


def _key(name: str) -> str:
    """Case- and apostrophe-insensitive lookup key: "Children’s care services",
    "childrens care services" and "CHILDREN'S CARE SERVICES" are one name."""
    return slugify(_APOSTROPHE.sub("", name))


# name key → (slug, name); per category: name key → (slug, name)
_CATEGORY_BY_KEY: dict[str, tuple[str, str]] = {
    _key(name): (slug, name) for slug, name, _ in TAXONOMY
}
_SUBCATEGORY_BY_KEY: dict[str, dict[str, tuple[str, str]]] = {
    slug: {_key(sub_name): (sub_slug, sub_name) for sub_slug, sub_name in subs}
    for slug, _, subs in TAXONOMY
}


def readable_name(slug: str) -> str:
    """A name for a slug not in the table: "guardian-s-orders" → "Guardian's orders".

    Sentence case, like LGSCO's own names; "-s-" is read back as a possessive.
    """
    text = re.sub(r"-s(?=-|$)", "'s", slug.strip("-")).replace("-", " ").strip()
    return text[:1].upper() + text[1:].lower() if text else slug


def category_name(slug: str) -> tuple[str, bool]:
    """(name, known) for a category slug; unknown slugs get `readable_name`."""
    name = CATEGORY_BY_SLUG.get(slug.lower())
    return (name, True) if name else (readable_name(slug), False)


def subcategory_name(category_slug: str | None, slug: str) -> tuple[str, bool]:
    """(name, known) for a sub-category slug under its category. A slug the category does not
    have (or any slug under an unknown category) gets `readable_name`, never a name borrowed
    from another category."""
    subs = SUBCATEGORY_BY_SLUG.get((category_slug or "").lower(), {})
    name = subs.get(slug.lower())
    return (name, True) if name else (readable_name(slug), False)


def canonical_category(name: str) -> str | None:
    """LGSCO's spelling of a category name given in any case/apostrophe style, else None."""
    found = _CATEGORY_BY_KEY.get(_key(name))
    return found[1] if found else None


def category_slug_for(name: str) -> str:
    """The site's slug for a category name: the table's when known, else `slugify(name)`."""
    found = _CATEGORY_BY_KEY.get(_key(name))
    return found[0] if found else slugify(name)


def _sub_entry(category: str | None, name: str) -> tuple[str, str] | None:
    category_key = _CATEGORY_BY_KEY.get(_key(category or ""))
    if category_key is None:
        return None
    return _SUBCATEGORY_BY_KEY[category_key[0]].get(_key(name))


def canonical_subcategory(category: str | None, name: str) -> str | None:
    """LGSCO's spelling of a sub-category name under its category, else None."""
    found = _sub_entry(category, name)
    return found[1] if found else None


def subcategory_slug_for(category: str | None, name: str) -> str:
    """The site's slug for a sub-category name under its category, else `slugify(name)`."""
    found = _sub_entry(category, name)
    return found[0] if found else slugify(name)
