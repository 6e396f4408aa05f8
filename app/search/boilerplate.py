"""The standard paragraphs every LGSCO statement carries, told apart from what it is about.

Each statement repeats the Ombudsman's role and powers, how the complaint was considered, the
information-sharing notice ("…we will share this decision with the Office for Standards in
Education…") and a few stock sentences about weighing evidence. A word in them says nothing
about the decision: "education" in the Ofsted notice is not a complaint about education.

`split_body` sorts a body's paragraphs (its lines) into what the decision is about and its
boilerplate: a line is boilerplate when it belongs to a standard section (`role_and_powers`,
`how_considered`) or matches one of STANDARD_SENTENCES. The index searches the boilerplate last
and never highlights it (app/search/index.py); embeddings leave it out (embeddings.py). The
stored body in PostgreSQL, and the API's, stays whole.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

STANDARD_SECTIONS = ("role_and_powers", "how_considered")

# Sentences (and headings) found in statements whatever they are about, as regular expressions
# over a normalised line (lower case, bullets and numbering removed, curly quotes as ').
STANDARD_SENTENCES: tuple[str, ...] = (
    r"information sharing agreement",
    r"we investigate complaints about 'maladministration' and 'service failure'",
    r"had an opportunity to comment on (my|our|the) draft decision",
    r"we are not an appeal body",
    r"where the evidence is finely balanced",
    r"i considered the ombudsman's assessment code",
    r"^the ombudsman's (role and powers|final decision:?)$",
    r"^how i considered this complaint$",
    r"^legal and administrative background$",
    r"decision on behalf of the ombudsman$",
    r"^i have completed my investigation\.?$",
)
_STANDARD = re.compile("|".join(f"(?:{s})" for s in STANDARD_SENTENCES))
_BULLET = re.compile(r"^\s*(?:[-•*]|\d{1,3}[.)])\s*")


_BULLET_START = frozenset("-•*0123456789")


def normalise_line(line: str) -> str:
    text = line.strip()
    if text[:1] in _BULLET_START:  # most lines are not numbered: skip the regex for them
        text = _BULLET.sub("", text, count=1)
    return text.casefold().replace("\u2019", "'").replace("\u2018", "'")


def _section_lines(sections: Mapping[str, Any], keys: tuple[str, ...]) -> set[str]:
    lines: set[str] = set()
    for key in keys:
        value = sections.get(key)
        if isinstance(value, str):
            lines.update(normalise_line(line) for line in value.splitlines() if line.strip())
    return lines


def is_standard(line: str) -> bool:
    """A line matching one of the standard sentences."""
    return bool(_STANDARD.search(normalise_line(line)))


def split_body(body: str, sections: Mapping[str, Any]) -> tuple[str, str]:
    """(what the decision is about, its boilerplate): the body's lines sorted in two, in order."""
    standard = _section_lines(sections, STANDARD_SECTIONS)
    about: list[str] = []
    boilerplate: list[str] = []
    for line in body.splitlines():
        if not line.strip():
            continue
        key = normalise_line(line)
        (boilerplate if key in standard or _STANDARD.search(key) else about).append(line)
    return "\n".join(about), "\n".join(boilerplate)


def about_lines(text: str) -> str:
    """`text` without its standard sentences (for sections that are mostly the decision's own)."""
    return "\n".join(line for line in text.splitlines() if line.strip() and not is_standard(line))
