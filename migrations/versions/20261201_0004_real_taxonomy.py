"""The real LGSCO taxonomy for stored decisions: category and sub-category names and slugs.

Earlier parsers filed decisions under a reconstructed category list ("Highways and transport",
"Environmental services, public protection and regulation", ...) and computed slugs with
`slugify`, which does not always give the site's slug. This re-derives, for every stored
decision:

- where `source_url` has a `/decisions/<category>/<sub-category>/<ref>` path: the slugs from
  the path (kept exactly as written, lower-cased where the table knows them) and the names
  from the table frozen below; a slug the table does not know gets a readable name
  ("blue-badges" → "Blue badges"), as the parser does;
- otherwise: the stored names, canonicalised to the table's spelling where they match case- and
  apostrophe-insensitively, and slugs from the table or, unknown, `slugify` of the name (ASCII
  names: the SQL below does not fold accents, which LGSCO's category names do not have).

Changed rows are marked `indexed = false`, so the next ingest or reindex sends them to
Meilisearch. The table is a frozen copy of `ingest/parse/taxonomy.py:TAXONOMY` as of this
revision (a migration must not import live code); tests/ingest/parse/test_taxonomy_migration.py
checks they agree today.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 22:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (category slug, category name, ((sub-category slug, sub-category name), ...)) — frozen.
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

# /decisions/<category>/<sub-category>/<reference>, then the end, a query, a fragment or "/".
URL_PATH = (
    r"/decisions/([A-Za-z0-9-]+)/([A-Za-z0-9-]+)/[0-9]{2}-?[0-9]{3}-?[0-9]{3}[A-Za-z]?([/?#]|$)"
)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _slugify(expr: str) -> str:
    """`app.vocabulary.slugify` for ASCII text: lower case, every other run one hyphen."""
    return f"btrim(regexp_replace(lower({expr}), '[^a-z0-9]+', '-', 'g'), '-')"


def _key(expr: str) -> str:
    """Case- and apostrophe-insensitive comparison form of a name."""
    return _slugify(f"regexp_replace({expr}, '[''’‘`ʼ]', '', 'g')")


def _readable(expr: str) -> str:
    """A name for an unknown slug: "landlord-s-repairs" → "Landlord's repairs"."""
    possessive = f"regexp_replace(btrim({expr}, '-'), '-s(?=-|$)', '''s', 'g')"
    spaced = f"btrim(replace({possessive}, '-', ' '))"
    return f"(upper(left({spaced}, 1)) || lower(substr({spaced}, 2)))"


def upgrade() -> None:
    rows = ", ".join(
        f"({_quote(slug)}, {_quote(name)}, {_quote(sub_slug)}, {_quote(sub_name)})"
        for slug, name, subs in TAXONOMY
        for sub_slug, sub_name in subs
    )
    op.execute(
        "CREATE TEMPORARY TABLE taxonomy_0004 "
        "(cat_slug text, cat_name text, sub_slug text, sub_name text) ON COMMIT DROP"
    )
    op.execute(f"INSERT INTO taxonomy_0004 VALUES {rows}")
    pattern = _quote(URL_PATH)

    # 1. Slugs from the URL path, names from the table (or readable).
    op.execute(
        f"""
        WITH path AS (
            SELECT id, regexp_match(source_url, {pattern}) AS m
            FROM decision WHERE source_url IS NOT NULL
        ), derived AS (
            SELECT path.id,
                   COALESCE(cat.cat_slug, path.m[1]) AS category_slug,
                   COALESCE(cat.cat_name, {_readable("path.m[1]")}) AS category,
                   COALESCE(sub.sub_slug, path.m[2]) AS subcategory_slug,
                   COALESCE(sub.sub_name, {_readable("path.m[2]")}) AS subcategory
            FROM path
            LEFT JOIN (SELECT DISTINCT cat_slug, cat_name FROM taxonomy_0004) AS cat
                   ON cat.cat_slug = lower(path.m[1])
            LEFT JOIN taxonomy_0004 AS sub
                   ON sub.cat_slug = lower(path.m[1]) AND sub.sub_slug = lower(path.m[2])
            WHERE path.m IS NOT NULL
        )
        UPDATE decision AS d
        SET category = derived.category, category_slug = derived.category_slug,
            subcategory = derived.subcategory, subcategory_slug = derived.subcategory_slug,
            indexed = false
        FROM derived
        WHERE d.id = derived.id
          AND (d.category, d.category_slug, d.subcategory, d.subcategory_slug)
              IS DISTINCT FROM
              (derived.category, derived.category_slug, derived.subcategory,
               derived.subcategory_slug)
        """
    )

    # 2. No such URL: the stored names, canonicalised, and their slugs.
    no_path = f"(d.source_url IS NULL OR regexp_match(d.source_url, {pattern}) IS NULL)"
    op.execute(
        f"""
        WITH derived AS (
            SELECT d.id,
                   COALESCE(cat.cat_name, d.category) AS category,
                   COALESCE(cat.cat_slug, {_slugify("d.category")}) AS category_slug
            FROM decision AS d
            LEFT JOIN (SELECT DISTINCT cat_slug, cat_name FROM taxonomy_0004) AS cat
                   ON {_key("cat.cat_name")} = {_key("d.category")}
            WHERE d.category IS NOT NULL AND {no_path}
        )
        UPDATE decision AS d
        SET category = derived.category, category_slug = derived.category_slug, indexed = false
        FROM derived
        WHERE d.id = derived.id
          AND (d.category, d.category_slug) IS DISTINCT FROM
              (derived.category, derived.category_slug)
        """
    )
    op.execute(
        f"""
        WITH derived AS (
            SELECT d.id,
                   COALESCE(sub.sub_name, d.subcategory) AS subcategory,
                   COALESCE(sub.sub_slug, {_slugify("d.subcategory")}) AS subcategory_slug
            FROM decision AS d
            LEFT JOIN taxonomy_0004 AS sub
                   ON sub.cat_slug = d.category_slug
                  AND {_key("sub.sub_name")} = {_key("d.subcategory")}
            WHERE d.subcategory IS NOT NULL AND {no_path}
        )
        UPDATE decision AS d
        SET subcategory = derived.subcategory, subcategory_slug = derived.subcategory_slug,
            indexed = false
        FROM derived
        WHERE d.id = derived.id
          AND (d.subcategory, d.subcategory_slug) IS DISTINCT FROM
              (derived.subcategory, derived.subcategory_slug)
        """
    )
    op.execute("DROP TABLE IF EXISTS taxonomy_0004")


def downgrade() -> None:
    # Nothing to undo: the names and slugs before this revision were the parser's guesses, not
    # data anyone entered, and the schema is unchanged. A downgraded database keeps the real
    # taxonomy (the next ingest under an older parser would write its own names again).
    pass
