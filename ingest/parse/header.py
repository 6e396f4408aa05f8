"""The decision's header: body name, reference, category, outcome, decision date.

The older LGSCO layout states these on label lines (`Category : A > B`, `Decision : Upheld`,
`Decision date : 07 May 2019`); the newer one states only the title, so the outcome has to be
read from prose. The title may be "Body name (17 002 402b)", a bare "(15 020 792)" (old Reports:
no body name) or "15 020 792"; references may carry a letter suffix, a different decision.
Everything here reads what the page states and returns None otherwise — filling gaps from the
URL or listing metadata is `record.py`'s job, where it can be warned about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from app.vocabulary import format_reference
from ingest.parse.model import BodyType, Outcome
from ingest.parse.sections import heading_key, section_for_heading
from ingest.parse.text import title_match

__all__ = [
    "REFERENCE_RE",
    "Header",
    "body_type_for",
    "find_reference",
    "format_reference",
    "infer_outcome",
    "normalise_outcome",
    "parse_date",
    "read_header",
    "split_category",
]

# A reference in running text: 2-3-3 digits, optionally a letter suffix written onto the last
# group ("17 002 402b", a different decision from "17 002 402").
REFERENCE_RE = re.compile(
    r"(?<!\d)(\d{2})[ \-]?(\d{3})[ \-]?(\d{3})(?:([a-zA-Z])(?![A-Za-z]))?(?!\d)"
)
_LABEL_RE = re.compile(
    r"^(?P<label>category|decision date|date of decision|decision|outcome|reference"
    r"|our reference|ref)\s*[:|]\s*(?P<value>.+)$",
    re.IGNORECASE,
)
_BARE_LABELS = frozenset(
    {"category", "decision", "decision date", "date of decision", "outcome", "reference"}
)
_SUMMARY_RE = re.compile(r"^summary\s*[:.\-–]?\s*(?P<rest>.*)$", re.IGNORECASE)
_CATEGORY_SEPARATORS = frozenset({">", "›", "»", "/"})
_LABEL_CANON = {
    "date of decision": "decision date",
    "outcome": "decision",
    "our reference": "reference",
    "ref": "reference",
}


@dataclass
class Header:
    """What the top of the page states. `end` is the index of the first line after it."""

    name: str | None = None
    reference: str | None = None
    fields: dict[str, str] | None = None
    end: int = 0


def find_reference(text: str) -> str | None:
    """The first LGSCO reference (8 digits as 2-3-3, perhaps a letter suffix) in `text`,
    formatted ("17 002 402b"), or None."""
    match = REFERENCE_RE.search(text)
    if match is None:
        return None
    return format_reference("".join(match.groups()[:3]), match.group(4))


def read_header(lines: list[str]) -> Header:
    """Title and label lines at the top of a cleaned decision.

    Stops at the summary or the first section heading, so a "Decision" heading further down
    cannot be mistaken for the `Decision :` label. Label and value on separate lines (how an
    HTML header often copies) are joined.
    """
    header = Header(fields={})
    fields: dict[str, str] = {}
    index = 0
    used = 0  # one past the last title or label line: where the decision text starts
    limit = min(len(lines), 40)
    while index < limit:
        line = lines[index]
        if _SUMMARY_RE.match(line) or (
            section_for_heading(line) is not None and not _outcome_label(lines, index)
        ):
            break
        title = title_match(line)
        if title and header.reference is None:
            header.name = (title.groupdict().get("name") or "").strip() or None
            header.reference = format_reference(title.group("ref"), title.group("suffix"))
            index += 1
            used = index
            continue
        label_match = _LABEL_RE.match(line)
        bare = heading_key(line)
        if label_match:
            label, value = label_match.group("label").lower(), label_match.group("value")
        elif (
            bare in _BARE_LABELS
            and index + 1 < limit
            and heading_key(lines[index + 1]) not in (_BARE_LABELS)
        ):
            label, value = bare, lines[index + 1]
            index += 1
        else:
            index += 1
            continue
        label = _LABEL_CANON.get(label, label)
        # "Category :", "A", ">", "B": a crawler's one line per element of the header.
        while (
            label == "category"
            and index + 2 < limit
            and lines[index + 1] in _CATEGORY_SEPARATORS
            and section_for_heading(lines[index + 2]) is None
        ):
            value = f"{value.strip()} > {lines[index + 2]}"
            index += 2
        fields.setdefault(label, value.strip())
        index += 1
        used = index
    header.fields = fields
    header.end = used
    if header.reference is None and "reference" in fields:
        header.reference = find_reference(fields["reference"])
    return header


def _outcome_label(lines: list[str], index: int) -> bool:
    """A bare "Decision" line followed by a published outcome is the label, not the heading."""
    return (
        heading_key(lines[index]) == "decision"
        and index + 1 < len(lines)
        and normalise_outcome(lines[index + 1])[1]
    )


def split_category(value: str) -> tuple[str | None, str | None]:
    """ "Children's care services > Child protection" → the two names (either may be None)."""
    parts = [p.strip() for p in re.split(r"\s*[>›»/]\s*", value) if p.strip()]
    if not parts:
        return None, None
    return parts[0], (" > ".join(parts[1:]) or None)


# --- outcome -----------------------------------------------------------------------------------

_OTHER_OUTCOMES = (
    "premature",
    "investigation discontinued",
    "discontinued",
    "withdrawn",
    "referred back for local resolution",
    "advice given",
    "incomplete/invalid",
    "incomplete / invalid",
    "incomplete",
    "invalid",
    "not investigated",
    "no further action",
    "out of jurisdiction",
)


def normalise_outcome(text: str) -> tuple[Outcome | None, bool]:
    """(outcome, recognised) for a published `Decision :` value.

    The prefix decides: "Upheld: maladministration, no injustice" is upheld, "Closed after
    initial enquiries: out of jurisdiction" is closed after initial enquiries. LGSCO's older
    stand-alone categories (Premature, Withdrawn, Referred back for local resolution, Advice
    given, Incomplete/Invalid, Investigation discontinued) are counted by LGSCO apart from
    "closed after initial enquiries", so they map to `other`. Unrecognised text is `other` with
    recognised=False so the caller can warn.
    """
    key = heading_key(text).replace("\u2013", "-")
    if not key:
        return None, False
    if key.startswith(("not upheld", "not up-held")):
        return "not_upheld", True
    if key.startswith("upheld"):
        return "upheld", True
    if key.startswith(("closed after initial enquiries", "closed after initial enquiry")):
        return "closed_after_initial_enquiries", True
    if key.startswith(_OTHER_OUTCOMES):
        return "other", True
    return "other", False


_PSEUDO = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.? [A-Z]"
_INFER_PATTERNS: tuple[tuple[Outcome, re.Pattern[str]], ...] = (
    (
        "closed_after_initial_enquiries",
        re.compile(
            r"\b(?:we|i) (?:will not|won't|shall not|cannot|can not|can't|have decided not to|"
            r"decided not to|should not|do not (?:propose|intend) to) (?:further |now |formally )?"
            r"(?:investigate|consider|look into)\b"
            r"|\bnot (?:start|continue|begin) (?:an|our|the|with an) investigation\b"
            r"|\b(?:is|was|are|were) (?:outside|not within) (?:our|the ombudsman's) jurisdiction\b"
            r"|\bwe have (?:ended|closed) (?:our|the) (?:enquiries|investigation)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "not_upheld",
        re.compile(
            r"\b(?:we|i) (?:have |has |did |do |could |can )?(?:not|not yet) (?:find|found|uphold|"
            r"upheld)\b(?: any)?(?: evidence of)? ?(?:fault)?|\bno (?:evidence of )?fault\b"
            r"|\bnot upheld\b|\bthere (?:was|is|has been) no fault\b|\bwas not at fault\b|"
            r"\bdo not uphold\b|\bdid not act with fault\b",
            re.IGNORECASE,
        ),
    ),
    (
        "upheld",
        re.compile(
            r"\b(?:we|i) (?:have )?(?:upheld|uphold)\b|\bupheld (?:this|the|" + _PSEUDO + r")"
            r"|\b(?:we|i) (?:have )?(?:found|find|found some|find some) fault\b"
            r"|\bthere (?:was|is|has been) fault\b|\bwas at fault\b|\bfault causing\b"
            r"|\bfault which caused\b|\bacted with fault\b",
            re.IGNORECASE,
        ),
    ),
)


_FAULT_AND_INJUSTICE = re.compile(
    r"\bfault (?:causing|which caused|that caused|which has caused|that has caused|and this "
    r"caused|and that caused|leading to|resulting in)\b(?: \w+){0,4}? injustice\b",
    re.IGNORECASE,
)
_NEGATION_BEFORE = re.compile(r"\b(?:no|not|without|nor|never)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)


def infer_outcome(*texts: str, has_remedy: bool = False) -> Outcome | None:
    """The outcome the prose states, from the first text (summary, then final decision) that
    states one; within a text the earliest statement wins, and at the same position the longer
    match ("we have not found fault" over "found fault").

    A decision that finds fault causing injustice and agrees a remedy (`has_remedy`) is upheld
    whatever else it says: "We found no fault in how it assessed her, but fault causing
    injustice in its delay; the Council has agreed to apologise" is upheld, not "not upheld"
    because "no fault" comes first.
    """
    if has_remedy:
        for text in texts:
            for found in _FAULT_AND_INJUSTICE.finditer(text):
                if not _NEGATION_BEFORE.search(text[max(0, found.start() - 40) : found.start()]):
                    return "upheld"
    for text in texts:
        best: tuple[int, int, Outcome] | None = None
        for outcome, pattern in _INFER_PATTERNS:
            match = pattern.search(text)
            if match is None:
                continue
            candidate = (match.start(), -(match.end() - match.start()), outcome)
            if best is None or candidate[:2] < best[:2]:
                best = candidate
        if best is not None:
            return best[2]
    return None


# --- dates ---------------------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_DATE_WORDS = re.compile(
    r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?P<m>[A-Za-z]{3,9})\.?,?\s+(?P<y>\d{4})\b"
)
_DATE_ISO = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b")
_DATE_SLASH = re.compile(r"\b(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})\b")


def parse_date(text: str) -> date | None:
    """A date written "07 May 2019", "7th Sept 2019", "2019-05-07" or "07/05/2019" (UK order)."""
    for pattern in (_DATE_WORDS, _DATE_ISO, _DATE_SLASH):
        match = pattern.search(text)
        if match is None:
            continue
        month_text = match.group("m")
        month = int(month_text) if month_text.isdigit() else _MONTHS.get(month_text.lower())
        if month is None:
            continue
        try:
            return date(int(match.group("y")), month, int(match.group("d")))
        except ValueError:
            return None
    return None


# --- body type -----------------------------------------------------------------------------------

_COUNCIL_RE = re.compile(
    r"\b(?:council|borough|corporation of london|city of london corporation|city corporation)\b",
    re.IGNORECASE,
)
_CARE_RE = re.compile(
    r"\b(?:ltd|limited|plc|llp|cic|care|caring|carers|nursing|home|homes|homecare|healthcare|"
    r"health care|lodge|manor|house|residential|domiciliary|agency|services uk|support services)\b",
    re.IGNORECASE,
)


_NHS_RE = re.compile(
    r"\b(?:NHS|CCG|ICB|Clinical Commissioning Group|Integrated Care Board|Trust|Hospitals?)\b"
)
_SCHOOL_RE = re.compile(r"\b(?:School|Academy|College)\b", re.IGNORECASE)


def body_type_for(name: str | None, category: str | None) -> BodyType:
    """Council, care provider, NHS body, school or other body, from its name (and category as a
    tie-breaker).

    LGSCO investigates independent adult social care providers alongside councils; their names
    carry "Ltd", "Care", "Homes"… Joint investigations with the Health Service Ombudsman name
    NHS bodies (a CCG, a Trust, an Integrated Care Board); school admission appeals name schools
    and academies. An unknown non-council body in Adult care services is a care provider; any
    other non-council (an authority, a panel, Transport for London) is other.
    """
    if not name:
        return "council"
    if _COUNCIL_RE.search(name):
        return "council"
    if _NHS_RE.search(name):
        return "nhs"
    if _SCHOOL_RE.search(name):
        return "school"
    if _CARE_RE.search(name) or (category or "").lower() == "adult care services":
        return "care_provider"
    return "other"


# --- body name in the prose ----------------------------------------------------------------------

_CAP = r"[A-Z][A-Za-z'’&.-]*"
_TIER = r"(?:Metropolitan Borough|County Borough|Borough|County|City|District|Town|Parish)"
_BODY_IN_TEXT = re.compile(
    rf"\b(?P<council>(?:{_CAP} (?:(?:and|upon|on|in|le|under) )?){{1,5}}?(?:{_TIER} )?Council)\b"
    rf"|\b(?P<borough>(?:London|Royal) Borough of {_CAP}(?: (?:and|upon) {_CAP}| {_CAP}){{0,3}})"
    rf"|\b(?P<provider>(?:{_CAP} (?:(?:and|of|for) )?){{1,6}}?(?:Limited|Ltd)\b\.?)"
    rf"|\b(?P<nhs>(?:{_CAP} (?:(?:and|of|for) )?){{1,6}}?(?:Clinical Commissioning Group|CCG"
    rf"|NHS (?:Foundation )?"
    rf"Trust|Integrated Care Board|ICB))\b"
)
# Words that start a sentence or a generic phrase, never a body's own name.
_NOT_A_NAME = frozenset(
    {
        "the", "a", "an", "this", "that", "these", "those", "its", "his", "her", "their",
        "our", "my", "your", "both", "each", "either", "neither", "another", "other", "two",
        "county", "borough", "city", "district", "town", "parish", "metropolitan", "council",
        "councils", "local", "ombudsman", "when", "then", "but", "and", "so", "if",
        "in", "on", "at", "for", "from", "to", "by", "with", "about", "after", "before",
        "during", "since", "until", "mr", "mrs", "ms", "miss", "mx", "dr", "january",
        "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december", "however", "also", "we", "i", "it", "they", "she", "he",
    }
)  # fmt: skip


def body_name_in_text(*texts: str) -> str | None:
    """The body a summary or complaint names: "complains Dudley Metropolitan Borough Council
    refused…" → "Dudley Metropolitan Borough Council"; a care provider "… Limited"/"… Ltd"; an
    NHS body. Never a generic "the council" / "the County Council" (a name needs a proper noun
    of its own before the tier word)."""
    for text in texts:
        if not text:
            continue
        for match in _BODY_IN_TEXT.finditer(text[:3000]):
            words = match.group(0).split()
            while words and words[0].lower().strip(".") in _NOT_A_NAME:
                words = words[1:]
            # what is left must hold a proper noun of its own beside the tier/kind words
            own = [w for w in words[:-1] if w.lower() not in _NOT_A_NAME]
            if match.group("council") and not own:
                continue
            if not words or (not match.group("council") and len(words) < 2):
                continue
            name = " ".join(words)
            return name if name.endswith("Ltd.") else name.rstrip(".")
    return None
