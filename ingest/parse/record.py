"""Decision text or HTML → `ParsedDecision`, never raising.

Precedence, so that a record never contains a guess: what the page states wins; the URL
(`/decisions/<category-slug>/<subcategory-slug>/<ref>`) fills what the page lacks, then the
listing metadata (decision date, outcome, category and sub-category, body name, summary), each
field taken from the listing with a warning naming it; anything still missing stays None with a
warning saying so. The body name is the page's title line (any heading or `<title>`), else the
listing's, else one the summary or complaint section names ("body name read from the text").

Reports and Statements (`kind`): the listing's label when given (with a warning), else the
layout — a Report has a bare "Summary" line before "The complaint" / "Finding" /
"Recommendations", a further report, or the closing "Ombudsman satisfied with council's
response: DATE" (`compliance_confirmed_on`); a Statement has "The Ombudsman's final decision"
or a "Final decision" section. A Report's "Further report" is the section `further_report`
(its second "Recommendations" included, so it adds no money); Reports are not expected to have
a final decision section, nor complainant pseudonyms, and are not warned about either.

Joint decisions: when the remedy names its payers ("The County Council has agreed to: …"), the
record's `remedy_total_pence` counts only its own body's payments (`_own_payer`).
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlparse

from app.vocabulary import normalise_reference
from ingest.parse import header as hdr
from ingest.parse import taxonomy
from ingest.parse.model import (
    DecisionKind,
    ListingMetadata,
    ParsedDecision,
    Source,
    remedy_totals,
)
from ingest.parse.remedies import find_complainants, read_remedies
from ingest.parse.sections import (
    heading_key,
    is_compliance_line,
    section_for_heading,
    split_sections,
)
from ingest.parse.statutes import find_statutes
from ingest.parse.text import clean_lines, html_to_lines, title_match

_SUMMARY_RE = re.compile(r"^summary\s*[:.\-–]?\s*(?P<rest>.*)$", re.IGNORECASE)


def parse_text(
    text: str,
    *,
    url: str | None = None,
    metadata: ListingMetadata | None = None,
    source: Source = "file",
) -> ParsedDecision:
    """Parse a decision as plain text (as copied from its page). Never raises."""
    try:
        return _parse(clean_lines(text if isinstance(text, str) else ""), url, metadata, source)
    except Exception as exc:  # pragma: no cover - the contract is "never raise"
        return _failed(exc, url, source)


def parse_html(
    html: str,
    *,
    url: str | None = None,
    metadata: ListingMetadata | None = None,
    source: Source = "file",
) -> ParsedDecision:
    """Parse a decision page's HTML (see `text.html_to_lines`). Never raises."""
    try:
        return _parse(html_to_lines(html if isinstance(html, str) else ""), url, metadata, source)
    except Exception as exc:  # pragma: no cover - the contract is "never raise"
        return _failed(exc, url, source)


def _failed(exc: Exception, url: str | None, source: Source) -> ParsedDecision:
    return ParsedDecision(
        source_url=url, source=source, warnings=[f"parser error: {type(exc).__name__}: {exc}"]
    )


_URL_REF_RE = re.compile(r"^\d{2}-?\d{3}-?\d{3}[a-zA-Z]?$")
_SLUG_RE = re.compile(r"^[a-z0-9-]+$", re.IGNORECASE)


def url_parts(url: str | None) -> tuple[str | None, str | None, str | None]:
    """(category_slug, subcategory_slug, reference) from a decision URL; missing parts None.

    `http(s)://(www.)lgo.org.uk/decisions/<category>/<sub-category>/<ref>`, with or without
    a query (`?displaypref=0|1`, `?chapter=2`) or fragment; the reference may carry a letter
    suffix (`17-002-402b`, `17002402b`). The slugs are kept exactly as the path writes them.
    """
    if not url:
        return None, None, None
    try:
        path = unquote(urlparse(url.strip()).path)
    except ValueError:
        return None, None, None
    segments = [s for s in path.split("/") if s]
    if "decisions" not in segments:
        return None, None, None
    segments = segments[segments.index("decisions") + 1 :]
    reference = None
    for index in range(len(segments) - 1, -1, -1):
        if _URL_REF_RE.match(segments[index]):
            reference = normalise_reference(segments[index])
            segments = segments[:index]
            break
    slugs = [s for s in segments if _SLUG_RE.match(s)]
    category = slugs[0] if slugs else None
    subcategory = slugs[1] if len(slugs) > 1 else None
    return category, subcategory, reference


def _summary(lines: list[str]) -> str:
    for index, line in enumerate(lines[:60]):
        match = _SUMMARY_RE.match(line)
        if match is None:
            continue
        rest = match.group("rest").strip()
        if rest:
            return rest
        following = []
        for next_line in lines[index + 1 :]:
            if section_for_heading(next_line) is not None:
                break
            following.append(next_line)
        return " ".join(following)
    return ""


def _parse(
    lines: list[str], url: str | None, metadata: ListingMetadata | None, source: Source
) -> ParsedDecision:
    warnings: list[str] = []
    record = ParsedDecision(source=source, source_url=url)
    if not lines:
        warnings.append("no text found")
    head = hdr.read_header(lines)
    fields = head.fields or {}
    url_category, url_subcategory, url_reference = url_parts(url)
    body_lines = lines[head.end :]
    record.summary = _summary(body_lines)
    record.sections = split_sections(body_lines)

    # reference and body
    record.reference = head.reference or url_reference
    if head.reference and url_reference and head.reference != url_reference:
        warnings.append(f"URL reference {url_reference} differs from the page's; page used")
    elif not head.reference and url_reference:
        warnings.append("reference taken from the URL")
    elif not record.reference:
        warnings.append("no reference found")
    _body_name(record, head.name, metadata, warnings)

    _categories(record, fields.get("category"), url_category, url_subcategory, metadata, warnings)
    record.body_type = hdr.body_type_for(record.council_name, record.category)

    if not record.summary and metadata is not None and metadata.summary:
        record.summary = metadata.summary.strip()
        warnings.append("summary taken from the listing")
    if not record.summary:
        warnings.append("no summary found")
    record.body = "\n".join(body_lines)
    _kind(record, body_lines, metadata, warnings)
    if body_lines and record.kind == "statement" and "final_decision" not in record.sections:
        warnings.append("no final decision section found (the page may be truncated)")

    _outcome(record, fields.get("decision"), metadata, warnings)

    stated_date = fields.get("decision date")
    if stated_date:
        record.decided_on = hdr.parse_date(stated_date)
        if record.decided_on is None:
            warnings.append(f"unreadable decision date {stated_date!r}")
    if record.decided_on is None and metadata is not None and metadata.decided_on is not None:
        record.decided_on = metadata.decided_on
        warnings.append("decision date taken from the listing")
    if record.decided_on is None and not stated_date:
        warnings.append("no decision date found")

    remedy_section = record.sections.get("agreed_action")
    if remedy_section is None:
        warnings.append("no remedy section found")
    else:
        remedies = read_remedies(remedy_section, record.sections.get("final_decision", ""))
        record.payments = remedies.payments
        record.remedy_types = remedies.remedy_types
        record.deadlines = remedies.deadlines
        warnings.extend(remedies.warnings)
    own_payer = _own_payer(record, warnings)
    if own_payer is not None:  # another payer's share of a joint decision is not this body's
        for payment in record.payments:
            payment.own = payment.payer in (None, own_payer)
    record.remedy_total_pence, record.waived_total_pence = remedy_totals(
        record.payments, remedy_section is not None
    )

    record.statutes = find_statutes(record.body)
    record.complainants = find_complainants(
        record.summary, record.sections.get("complaint", ""), record.body
    )
    if not record.complainants and body_lines and record.kind == "statement":
        warnings.append("no complainant pseudonym found")
    record.warnings = warnings
    return record


def _body_name(
    record: ParsedDecision,
    stated: str | None,
    metadata: ListingMetadata | None,
    warnings: list[str],
) -> None:
    """The body: the page's title line, else the listing's link text, else a name the summary
    or complaint section gives ("The family complains Dudley Metropolitan Borough Council…")."""
    name = stated
    if not name and metadata is not None and metadata.body_name:
        listed = metadata.body_name.strip()
        title = title_match(listed)
        if title is not None:
            listed = (title.groupdict().get("name") or "").strip()
        if listed:
            name = listed
            warnings.append("body name taken from the listing")
    if not name:
        name = hdr.body_name_in_text(record.summary, record.sections.get("complaint", ""))
        if name:
            warnings.append("body name read from the text")
    if not name:
        warnings.append("no council or body name found")
        return
    record.council_name = name
    record.council_slug = taxonomy.slugify(name) or None


def _kind(
    record: ParsedDecision,
    lines: list[str],
    metadata: ListingMetadata | None,
    warnings: list[str],
) -> None:
    """Report or statement (the listing's label, else the layout), the compliance date and
    whether a further report was issued."""
    for line in reversed(lines[-8:]):
        if is_compliance_line(line):
            record.compliance_confirmed_on = hdr.parse_date(line)
            if record.compliance_confirmed_on is None:
                warnings.append(f"unreadable compliance date in {line!r}")
            break
    record.further_report = "further_report" in record.sections
    if metadata is not None and metadata.kind is not None:
        record.kind = metadata.kind
        warnings.append("kind taken from the listing")
        return
    record.kind = _layout_kind(record, lines)


_REPORT_HEADINGS = frozenset({"the complaint", "finding", "recommendations"})


def _layout_kind(record: ParsedDecision, lines: list[str]) -> DecisionKind:
    """A Report closes with "Ombudsman satisfied with council's response: DATE", has a further
    report, or opens with a bare "Summary" line followed by "The complaint" / "Finding" /
    "Recommendations"; a Statement has "The Ombudsman's final decision" or a "Final decision"
    heading. Neither: a statement (what almost every decision is)."""
    if record.compliance_confirmed_on is not None or record.further_report:
        return "report"
    if "final_decision" in record.sections:
        return "statement"
    for index, line in enumerate(lines[:80]):
        if len(line) > 40:
            continue
        key = heading_key(line)
        if key.startswith("the ombudsman's final decision"):
            return "statement"
        if key == "summary":
            following = (heading_key(x) for x in lines[index + 1 : index + 40] if len(x) <= 40)
            if any(k in _REPORT_HEADINGS for k in following):
                return "report"
    if any(is_compliance_line(line) for line in lines[-8:]):
        return "report"
    return "statement"


def _own_payer(record: ParsedDecision, warnings: list[str]) -> str | None:
    """Which payer's payments are this record's when a joint decision names several payers
    ("the County Council has agreed to … The Borough Council has agreed to …"): the one whose
    tier word the body's name carries, else the category's usual tier; None means all count."""
    payers = list(dict.fromkeys(p.payer for p in record.payments if p.payer))
    if len(payers) < 2:
        return None
    if record.council_name:
        own = tiers_of(record.council_name)
        matching = [p for p in payers if tiers_of(p) and tiers_of(p) <= own]
        if len(matching) == 1:
            return matching[0]
    tier = _CATEGORY_TIER.get(record.category_slug or "")
    if tier is not None:
        matching = [p for p in payers if tiers_of(p) & tier]
        if len(matching) == 1:
            warnings.append(
                f"joint remedy: {matching[0]}'s payments counted as this body's, by the usual "
                f"council tier for {record.category or record.category_slug}"
            )
            return matching[0]
    warnings.append(
        "joint remedy: could not tell which payer is this body (" + ", ".join(payers) + "); "
        "all payments counted"
    )
    return None


_COUNTY = frozenset({"county"})
_LOWER_TIER = frozenset({"borough", "district", "city"})
# Which council tier usually answers for a category, where two tiers share a decision.
_CATEGORY_TIER: dict[str, frozenset[str]] = {
    "adult-care-services": _COUNTY,
    "children-s-care-services": _COUNTY,
    "education": _COUNTY,
    "transport-and-highways": _COUNTY,
    "housing": _LOWER_TIER,
    "planning": _LOWER_TIER,
    "environment-and-regulation": _LOWER_TIER,
    "benefits-and-tax": _LOWER_TIER,
}


def _categories(
    record: ParsedDecision,
    stated: str | None,
    url_category: str | None,
    url_subcategory: str | None,
    metadata: ListingMetadata | None,
    warnings: list[str],
) -> None:
    """Category and sub-category: header line, else URL slugs, else listing metadata.

    A stated name takes the table's spelling and slug when it matches case- and
    apostrophe-insensitively; a URL slug is kept exactly as the site has it, with the table's
    name or, unknown, a readable one and a warning.
    """
    if stated:
        category, subcategory = hdr.split_category(stated)
        if category is not None:
            _stated_category(record, category, subcategory, warnings)
            if url_category and url_category.lower() != record.category_slug:
                warnings.append(f"URL category {url_category!r} differs from the page's; page used")
            elif url_subcategory and record.subcategory is None:
                record.subcategory_slug = url_subcategory
                record.subcategory, known = taxonomy.subcategory_name(
                    record.category_slug, url_subcategory
                )
                if not known:
                    warnings.append(f"unknown subcategory slug {url_subcategory!r}")
    elif url_category:
        record.category, known = taxonomy.category_name(url_category)
        record.category_slug = url_category.lower() if known else url_category
        if not known:
            warnings.append(f"unknown category slug {url_category!r}")
        if url_subcategory:
            record.subcategory, known = taxonomy.subcategory_name(url_category, url_subcategory)
            record.subcategory_slug = url_subcategory.lower() if known else url_subcategory
            if not known:
                warnings.append(f"unknown subcategory slug {url_subcategory!r}")
    elif metadata is not None and metadata.category:
        category, subcategory = hdr.split_category(metadata.category)
        if category is not None:
            _stated_category(record, category, subcategory, warnings)
            warnings.append("category taken from the listing")
    if record.category is None:
        warnings.append("no category found")
        return
    if record.subcategory is None and metadata is not None:
        listed = metadata.subcategory
        if not listed and metadata.category:
            listed_category, listed = hdr.split_category(metadata.category)
            if listed_category and taxonomy.category_slug_for(listed_category) != (
                record.category_slug
            ):
                listed = None  # the listing files it elsewhere: not this category's
        if listed:
            _stated_subcategory(record, listed, warnings)
            warnings.append("sub-category taken from the listing")


def _stated_category(
    record: ParsedDecision, category: str, subcategory: str | None, warnings: list[str]
) -> None:
    canonical = taxonomy.canonical_category(category)
    record.category = canonical or category
    record.category_slug = taxonomy.category_slug_for(record.category)
    if canonical is None:
        warnings.append(f"unknown category {category!r}")
    if subcategory:
        _stated_subcategory(record, subcategory, warnings)


def _stated_subcategory(record: ParsedDecision, subcategory: str, warnings: list[str]) -> None:
    canonical = taxonomy.canonical_subcategory(record.category, subcategory)
    record.subcategory = canonical or subcategory
    record.subcategory_slug = taxonomy.subcategory_slug_for(record.category, record.subcategory)
    if canonical is None:
        warnings.append(f"unknown subcategory {subcategory!r}")


def _outcome(
    record: ParsedDecision,
    stated: str | None,
    metadata: ListingMetadata | None,
    warnings: list[str],
) -> None:
    """Outcome from the `Decision :` line, else listing metadata, else inferred from prose."""
    published = stated
    if not published and metadata is not None and metadata.outcome_text:
        published = metadata.outcome_text
        warnings.append("outcome taken from the listing")
    if published:
        record.outcome, recognised = hdr.normalise_outcome(published)
        record.outcome_text = published
        if not recognised:
            warnings.append(f"unrecognised outcome {published!r}; recorded as other")
        return
    texts = [record.summary, record.sections.get("final_decision", "")]
    if record.kind == "report":
        texts.append(record.sections.get("findings", ""))
    inferred = hdr.infer_outcome(*texts, has_remedy="agreed_action" in record.sections)
    if inferred is None:
        warnings.append("no outcome found")
        return
    record.outcome = inferred
    record.outcome_inferred = True
    warnings.append("outcome inferred from prose")


def tiers_of(name: str) -> frozenset[str]:
    """The council tier words a body name or payer carries: "Wirral Metropolitan Borough
    Council" → {"metropolitan", "borough"}; "County Council" → {"county"}."""
    return frozenset(w for w in name.lower().split() if w in _TIER_WORDS)


_TIER_WORDS = frozenset({"county", "borough", "city", "district", "metropolitan", "town", "parish"})
