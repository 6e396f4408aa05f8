"""LGSCO's decision categories and sub-categories, with their URL slugs.

The newer page layout states the category only in the URL
(`/decisions/children-s-care-services/child-protection/17-015-692`), so the parser needs the
names behind LGSCO's slugs. The list is reconstructed from LGSCO's published decision filters;
a slug not in it still yields a readable name, and the caller records a warning so that a new
LGSCO category shows up in the data instead of silently vanishing.
"""

from __future__ import annotations

import re

from app.vocabulary import slugify

CATEGORIES: dict[str, tuple[str, ...]] = {
    "Adult care services": (
        "Assessment and care plan",
        "Charging",
        "Direct payments",
        "Domiciliary care",
        "Non-residential care",
        "Residential care",
        "Safeguarding",
        "Transport",
        "Other",
    ),
    "Benefits and tax": (
        "Business rates",
        "Council tax",
        "Council tax reduction",
        "Housing benefit and council tax benefit",
        "Local welfare provision",
        "Other",
    ),
    "Children's care services": (
        "Adoption",
        "Child protection",
        "Disabled children",
        "Fostering",
        "Friends and family carers",
        "Leaving care",
        "Looked after children",
        "Special guardianship",
        "Other",
    ),
    "Corporate and other services": (
        "Commercial and contracts",
        "Complaint handling",
        "Councillor conduct and standards",
        "Elections and electoral register",
        "Grants and funding",
        "Information and data",
        "Land",
        "Leisure and culture",
        "Other",
    ),
    "Education": (
        "Admissions",
        "Alternative provision",
        "Elective home education",
        "Exclusions",
        "School transport",
        "Special educational needs",
        "Other",
    ),
    "Environmental services, public protection and regulation": (
        "Antisocial behaviour",
        "Cemeteries and crematoria",
        "Drainage",
        "Food hygiene safety",
        "Licensing",
        "Noise",
        "Pest control",
        "Pollution",
        "Public health",
        "Refuse and recycling",
        "Statutory nuisance",
        "Street cleaning",
        "Trading standards",
        "Trees",
        "Other",
    ),
    "Highways and transport": (
        "Blue badges",
        "Concessionary travel",
        "Highway adoption",
        "Highway repair and maintenance",
        "Parking and other penalties",
        "Public transport",
        "Rights of way",
        "Street furniture and lighting",
        "Traffic management",
        "Other",
    ),
    "Housing": (
        "Allocations",
        "Council house sales and leaseholders",
        "Disabled facilities grants",
        "Homelessness",
        "Private housing",
        "Other",
    ),
    "Planning and development": (
        "Building control",
        "Enforcement",
        "Planning applications",
        "Planning policy",
        "Other",
    ),
}


def _key(name: str) -> str:
    """Case- and punctuation-insensitive lookup key ("Children’s" == "Children's")."""
    return slugify(name)


CATEGORY_BY_SLUG: dict[str, str] = {slugify(c): c for c in CATEGORIES}
SUBCATEGORY_BY_SLUG: dict[str, dict[str, str]] = {
    slugify(c): {slugify(s): s for s in subs} for c, subs in CATEGORIES.items()
}
# A sub-category slug that names the same thing under every category it appears in.
_ANY_SUBCATEGORY: dict[str, str] = {}
for _subs in SUBCATEGORY_BY_SLUG.values():
    for _slug, _name in _subs.items():
        _ANY_SUBCATEGORY.setdefault(_slug, _name)


def readable_name(slug: str) -> str:
    """A name for a slug not in the table: "guardian-s-orders" → "Guardian's orders".

    Sentence case, like LGSCO's own names; "-s-" is read back as a possessive.
    """
    text = re.sub(r"-s(?=-|$)", "'s", slug.strip("-")).replace("-", " ").strip()
    return text[:1].upper() + text[1:] if text else slug


def category_name(slug: str) -> tuple[str, bool]:
    """(name, known) for a category slug; unknown slugs get `readable_name`."""
    name = CATEGORY_BY_SLUG.get(slug.lower())
    return (name, True) if name else (readable_name(slug.lower()), False)


def subcategory_name(category_slug: str | None, slug: str) -> tuple[str, bool]:
    """(name, known) for a sub-category slug, looked up under its category first."""
    slug = slug.lower()
    subs = SUBCATEGORY_BY_SLUG.get((category_slug or "").lower(), {})
    name = subs.get(slug) or _ANY_SUBCATEGORY.get(slug)
    return (name, True) if name else (readable_name(slug), False)


def canonical_category(name: str) -> str | None:
    """LGSCO's spelling of a category name given in any case/apostrophe style, else None."""
    return CATEGORY_BY_SLUG.get(_key(name))


def canonical_subcategory(category: str | None, name: str) -> str | None:
    """LGSCO's spelling of a sub-category name, else None."""
    subs = SUBCATEGORY_BY_SLUG.get(_key(category or ""), {})
    key = _key(name)
    return subs.get(key) or _ANY_SUBCATEGORY.get(key)
