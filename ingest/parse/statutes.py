"""The legislation and guidance a decision relies on: "Care Act 2014 s42", "Housing Act 1996
Part 7", "SEND Code of Practice".

Decisions cite law in many spellings ("s.42 of the Care Act", "section 42 of the Care Act 2014",
"Care Act 2014, section 42", "sections 17 and 47 of the Children Act 1989"); each citation is
normalised to one value: the Act's name with its year (a well-known Act cited without its year
gets it from `KNOWN_YEARS`; an unknown Act without a year is left out rather than guessed), and
the section number without sub-sections ("188(1)" is section 188), or the Part. An Act cited
both with and without a section is listed by its sections only.

Left out: the Ombudsman's own standard citations of its powers, the Local Government Act 1974
and the Health Service Commissioners Act 1993, which nearly every decision quotes, and the
Ombudsman's own codes ("the Ombudsman's Assessment Code"), which no pattern here matches.
"""

from __future__ import annotations

import re

from app.vocabulary import slugify
from ingest.parse.model import Statute

# Acts commonly cited without their year in decisions, with the year they mean.
KNOWN_YEARS: dict[str, str] = {
    "Care Act": "2014",
    "Children Act": "1989",
    "Children and Families Act": "2014",
    "Housing Act": "1996",
    "Equality Act": "2010",
    "Mental Capacity Act": "2005",
    "Mental Health Act": "1983",
    "Education Act": "1996",
    "Human Rights Act": "1998",
    "Homelessness Reduction Act": "2017",
    "Data Protection Act": "2018",
    "Freedom of Information Act": "2000",
    "Town and Country Planning Act": "1990",
    "Highways Act": "1980",
    "Environmental Protection Act": "1990",
    "Localism Act": "2011",
    "Chronically Sick and Disabled Persons Act": "1970",
}
# The Ombudsman's own powers, quoted as boilerplate: not what a decision relies on.
EXCLUDED = frozenset({"Local Government Act 1974", "Health Service Commissioners Act 1993"})
# Guidance cited by name: (words every citation contains, in lower case; its pattern; the name).
# The words are looked for first: a case-insensitive pattern starting at a word boundary is
# tried at every position of the text, 0.2 ms per pattern on a decision of realistic length,
# most of this module's time and a tenth of the ingest's own CPU per decision.
GUIDANCE: tuple[tuple[str, re.Pattern[str], str], ...] = (
    (
        "code of guidance",
        re.compile(r"\bHomelessness Code of Guidance\b", re.I),
        "Homelessness Code of Guidance",
    ),
    (
        "code of practice",
        re.compile(
            r"\b(?:SEND|SEN|Special Educational Needs(?: and Disabilit(?:y|ies))?)"
            r"(?: \(SEND\))? Code of Practice\b",
            re.I,
        ),
        "SEND Code of Practice",
    ),
    (
        "statutory guidance",
        re.compile(r"\bCare and Support Statutory Guidance\b", re.I),
        "Care and Support Statutory Guidance",
    ),
    (
        "working together",
        re.compile(r"\bWorking Together to Safeguard Children\b", re.I),
        "Working Together to Safeguard Children",
    ),
)

# Words that start a capitalised run without being part of an Act's name.
_LEADING = frozenset(
    [
        "The",
        "A",
        "An",
        "Under",
        "In",
        "By",
        "Of",
        "And",
        "For",
        "To",
        "Section",
        "Sections",
        "Part",
        "Council",
        "Councils",
        "Ombudsman",
        "Mr",
        "Mrs",
        "Ms",
        "Miss",
        "Mx",
        "Dr",
        "This",
        "That",
        "Its",
        "Their",
        "His",
        "Her",
        "Both",
        "Whether",
        "However",
        "When",
        "Where",
    ]
)
# A capitalised run ending in "Act", with "and", "of", "for" between words, and its year.
_ACT = re.compile(
    r"\b((?:[A-Z][A-Za-z]*\s+(?:(?:and|of|for|the)\s+)?){1,7})Act\b(?:,?\s+((?:19|20)[0-9]{2})\b)?"
)
_NUMBER = r"[0-9]+[A-Z]{0,2}(?:\([0-9a-zA-Z]{1,4}\))*"
_NUMBERS = rf"{_NUMBER}(?:\s*(?:,|and|or|&)\s*{_NUMBER})*"
_SECTION_WORD = r"(?:[Ss]ections?\s*|\bss?\.\s?|\bs(?=[0-9]))"
# "section 42 of the", "s.42", "sections 17 and 47 of", right before the Act's name.
_BEFORE = re.compile(rf"{_SECTION_WORD}({_NUMBERS})\s+(?:of\s+)?(?:the\s+)?$")
_PART_BEFORE = re.compile(r"\bPart\s+([0-9]+[A-Z]?|[IVX]+)\s+of\s+(?:the\s+)?$")
# ", section 42", " (section 42)", " s42", ", Part 7", right after it.
_AFTER = re.compile(rf"^\s*[,(]?\s*{_SECTION_WORD}({_NUMBERS})")
_PART_AFTER = re.compile(r"^\s*[,(]?\s*Part\s+([0-9]+[A-Z]?|[IVX]+)\b")
_ONE_NUMBER = re.compile(_NUMBER)
# Shorthands that name their Act without saying it.
# (words each contains, in lower case, looked for first as for GUIDANCE; pattern; Act; section)
_SHORTHANDS: tuple[tuple[str, re.Pattern[str], str, str], ...] = (
    (
        "section 17 child",
        re.compile(r"\bsection 17 child(?:ren)? in need\b", re.I),
        "Children Act 1989",
        "17",
    ),
)
# Both, as (words, pattern, what is cited, section or None): what find_statutes looks for by name.
_BY_NAME = (*_SHORTHANDS, *((words, pattern, name, None) for words, pattern, name in GUIDANCE))


def _act_name(words: str, year: str | None) -> str | None:
    """ "Under the Care" + "2014" → "Care Act 2014"; None for no name or no known year."""
    tokens = words.split()
    while tokens and (tokens[0] in _LEADING or tokens[0].islower()):
        tokens.pop(0)
    if not tokens:
        return None
    name = " ".join(tokens) + " Act"
    year = year or KNOWN_YEARS.get(name)
    return f"{name} {year}" if year else None


def _sections(numbers: str) -> list[str]:
    """ "17 and 47" → ["17", "47"]; "188(1)" → ["188"] (sub-sections are one value)."""
    return [re.sub(r"\(.*", "", n) for n in _ONE_NUMBER.findall(numbers)]


def statute(act: str, section: str | None) -> Statute:
    if section is None:
        label = act
    elif section.startswith("Part "):
        label = f"{act} {section}"
    else:
        label = f"{act} s{section}"
    return Statute(act=act, section=section, label=label, slug=slugify(label))


def find_statutes(text: str) -> list[Statute]:
    """Every Act section, Part, Act and piece of guidance `text` cites, in order of first
    citation, each once."""
    found: list[tuple[int, str, str | None]] = []  # (position, act, section or None)
    for match in _ACT.finditer(text):
        act = _act_name(match.group(1), match.group(2))
        if act is None or act in EXCLUDED:
            continue
        # Where the name itself starts (after any leading words dropped), for what precedes it.
        name_start = match.start() + match.group(0).find(act.split()[0])
        before, after = text[max(0, name_start - 60) : name_start], text[match.end() :]
        cited: list[str | None] = []
        if (m := _BEFORE.search(before)) is not None:
            cited += _sections(m.group(1))
        elif (m := _PART_BEFORE.search(before)) is not None:
            cited.append(f"Part {m.group(1)}")
        if (m := _AFTER.match(after)) is not None:
            cited += _sections(m.group(1))
        elif (m := _PART_AFTER.match(after)) is not None:
            cited.append(f"Part {m.group(1)}")
        for section in cited or [None]:
            found.append((name_start, act, section))
    lowered = text.lower()
    for words, pattern, act, section in _BY_NAME:
        if words in lowered:
            found += [(m.start(), act, section) for m in pattern.finditer(text)]
    with_sections = {act for _, act, section in found if section is not None}
    statutes: dict[str, Statute] = {}
    for _, act, section in sorted(found, key=lambda f: f[0]):
        if section is None and act in with_sections:
            continue
        value = statute(act, section)
        statutes.setdefault(value.label, value)
    return list(statutes.values())
