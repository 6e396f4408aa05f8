"""Decision text or HTML → `ParsedDecision`, never raising.

Precedence, so that a record never contains a guess: what the page states wins; the URL
(`/decisions/<category-slug>/<subcategory-slug>/<ref>`) and listing metadata fill only what the
page lacks; anything still missing stays None with a warning saying so.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlparse

from ingest.parse import header as hdr
from ingest.parse import taxonomy
from ingest.parse.model import ListingMetadata, ParsedDecision, Source, remedy_totals
from ingest.parse.remedies import find_complainants, read_remedies
from ingest.parse.sections import section_for_heading, split_sections
from ingest.parse.text import clean_lines, html_to_lines

_SUMMARY_RE = re.compile(r"^summary\s*[:.\-–]?\s*(?P<rest>.*)$", re.IGNORECASE)
_URL_REF_RE = re.compile(r"^\d{2}-?\d{3}-?\d{3}$")


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


def url_parts(url: str | None) -> tuple[str | None, str | None, str | None]:
    """(category_slug, subcategory_slug, reference) from a decision URL; missing parts None."""
    if not url:
        return None, None, None
    try:
        path = unquote(urlparse(url).path)
    except ValueError:
        return None, None, None
    segments = [s for s in path.split("/") if s]
    if "decisions" in segments:
        segments = segments[segments.index("decisions") + 1 :]
    else:
        return None, None, None
    reference = None
    if segments and _URL_REF_RE.match(segments[-1]):
        reference = hdr.format_reference(segments.pop())
    slugs = [s.lower() for s in segments if re.fullmatch(r"[a-z0-9-]+", s, re.IGNORECASE)]
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

    # reference and body
    record.reference = head.reference or url_reference
    if head.reference and url_reference and head.reference != url_reference:
        warnings.append(f"URL reference {url_reference} differs from the page's; page used")
    elif not head.reference and url_reference:
        warnings.append("reference taken from the URL")
    elif not record.reference:
        warnings.append("no reference found")
    record.council_name = head.name
    if head.name:
        record.council_slug = taxonomy.slugify(head.name) or None
    else:
        warnings.append("no council or body name found")

    _categories(record, fields.get("category"), url_category, url_subcategory, metadata, warnings)
    record.body_type = hdr.body_type_for(record.council_name, record.category)

    body_lines = lines[head.end :]
    record.summary = _summary(body_lines)
    if not record.summary:
        warnings.append("no summary found")
    record.body = "\n".join(body_lines)
    record.sections = split_sections(body_lines)
    if body_lines and "final_decision" not in record.sections:
        warnings.append("no final decision section found (the page may be truncated)")

    _outcome(record, fields.get("decision"), metadata, warnings)

    stated_date = fields.get("decision date")
    if stated_date:
        record.decided_on = hdr.parse_date(stated_date)
        if record.decided_on is None:
            warnings.append(f"unreadable decision date {stated_date!r}")
    if record.decided_on is None and metadata is not None and metadata.decided_on is not None:
        record.decided_on = metadata.decided_on
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
    record.remedy_total_pence, record.waived_total_pence = remedy_totals(
        record.payments, remedy_section is not None
    )

    record.complainants = find_complainants(
        record.summary, record.sections.get("complaint", ""), record.body
    )
    if not record.complainants and body_lines:
        warnings.append("no complainant pseudonym found")
    record.warnings = warnings
    return record


def _categories(
    record: ParsedDecision,
    stated: str | None,
    url_category: str | None,
    url_subcategory: str | None,
    metadata: ListingMetadata | None,
    warnings: list[str],
) -> None:
    """Category and sub-category: header line, else URL slugs, else listing metadata."""
    category = subcategory = None
    if stated:
        category, subcategory = hdr.split_category(stated)
    elif url_category:
        category, known = taxonomy.category_name(url_category)
        if not known:
            warnings.append(f"unknown category slug {url_category!r}")
        if url_subcategory:
            subcategory, known = taxonomy.subcategory_name(url_category, url_subcategory)
            if not known:
                warnings.append(f"unknown subcategory slug {url_subcategory!r}")
    elif metadata is not None and metadata.category:
        category, subcategory = hdr.split_category(metadata.category)
    if category is None:
        warnings.append("no category found")
        return
    record.category = taxonomy.canonical_category(category) or category
    record.category_slug = taxonomy.slugify(record.category)
    if subcategory:
        record.subcategory = taxonomy.canonical_subcategory(record.category, subcategory) or (
            subcategory
        )
        record.subcategory_slug = taxonomy.slugify(record.subcategory)
    if stated and url_category and url_category != record.category_slug:
        warnings.append(f"URL category {url_category!r} differs from the page's; page used")


def _outcome(
    record: ParsedDecision,
    stated: str | None,
    metadata: ListingMetadata | None,
    warnings: list[str],
) -> None:
    """Outcome from the `Decision :` line, else listing metadata, else inferred from prose."""
    published = stated or (metadata.outcome_text if metadata is not None else None)
    if published:
        record.outcome, recognised = hdr.normalise_outcome(published)
        record.outcome_text = published
        if not recognised:
            warnings.append(f"unrecognised outcome {published!r}; recorded as other")
        return
    inferred = hdr.infer_outcome(record.summary, record.sections.get("final_decision", ""))
    if inferred is None:
        warnings.append("no outcome found")
        return
    record.outcome = inferred
    record.outcome_inferred = True
    warnings.append("outcome inferred from prose")
