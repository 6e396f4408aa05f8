"""Split a decision's lines into the sections of SPEC §3 by their headings.

LGSCO decisions use a small, stable set of headings, but their wording drifted over the years
("Recommended action" / "Agreed action" / "Recommendations" / "Action"). Only lines that are
exactly one of the known headings start a section; any other short line ("What happened",
"Early Help") is a sub-heading and stays inside the section it appears in, so that, for example,
all of "What I found" lands in `findings`.
"""

from __future__ import annotations

import re

# Heading text (normalised by `heading_key`) → section key.
_HEADINGS: dict[str, str] = {}
for _key_name, _variants in {
    "complaint": (
        "the complaint",
        "complaint",
        "the complaint and background",
        "what the complaint is about",
    ),
    "role_and_powers": (
        "the ombudsman's role and powers",
        "the ombudsman's role",
        "ombudsman's role and powers",
        "our role and powers",
        "the ombudsmen's role and powers",
    ),
    "how_considered": (
        "how i considered this complaint",
        "how we considered this complaint",
        "how i considered this case",
        "how i considered the complaint",
        "how we considered the complaint",
        "what i have investigated",
        "what i have and have not investigated",
    ),
    "findings": (
        "what i found",
        "what we found",
        "what i have found",
        "findings",
        "my findings",
    ),
    "analysis": (
        "analysis",
        # The newer, shorter layout reasons under "My assessment" instead.
        "my assessment",
        "assessment",
        "our assessment",
        "conclusions",
        "conclusion",
        "my analysis",
        "consideration",
    ),
    "agreed_action": (
        "agreed action",
        "agreed actions",
        "recommended action",
        "recommended actions",
        "recommendations",
        "recommendation",
        "action",
        "actions",
        "remedy",
        "agreed remedy",
        "what the council has agreed to do",
    ),
    "final_decision": (
        "final decision",
        "decision",
        "my decision",
        "our decision",
    ),
}.items():
    for _variant in _variants:
        _HEADINGS[_variant] = _key_name

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u02bc": "'"})
_TRAILING = re.compile(r"[\s:.\-–]+$")


def heading_key(line: str) -> str:
    """Comparison form of a line: lower case, straight apostrophes, no trailing colon/stop."""
    line = line.replace("\u2019", "'").replace("\u2018", "'")  # faster than str.translate
    if "`" in line or "\u02bc" in line:
        line = line.translate(_APOSTROPHES)
    return _TRAILING.sub("", line.lower()).strip()


def section_for_heading(line: str) -> str | None:
    """The section key a heading line starts, or None if the line is not a known heading."""
    if len(line) > 60:
        return None
    return _HEADINGS.get(heading_key(line))


def split_sections(lines: list[str]) -> dict[str, str]:
    """Section key → text (lines joined by newlines), for whichever sections exist.

    A heading that occurs twice (some pages repeat "Final decision") extends the same section
    rather than replacing it, so no text is lost.
    """
    parts: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines:
        key = section_for_heading(line)
        if key is not None:
            current = parts.setdefault(key, [])
            continue
        if current is not None:
            current.append(line)
    return {key: "\n".join(text) for key, text in parts.items() if text}
