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
        "finding",  # Reports: "Finding" (one line: "The Ombudsman upheld the complaint…")
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
    # Reports the body did not comply with carry a further report, with its own
    # "Recommendations" (see `split_sections`).
    "further_report": ("further report",),
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


COMPLIANCE_RE = re.compile(
    r"^ombudsman satisfied with (?:the )?[\w '’&-]{0,80}?\bresponse\b", re.IGNORECASE
)


def is_compliance_line(line: str) -> bool:
    """ "Ombudsman satisfied with council's response: 12 September 2017" — a Report's closing
    line, which belongs to no section (it is kept in `body`)."""
    return len(line) <= 120 and line[:1] in "Oo" and COMPLIANCE_RE.match(line) is not None


def split_sections(lines: list[str]) -> dict[str, str]:
    """Section key → text (lines joined by newlines), for whichever sections exist.

    A heading that occurs twice (some pages repeat "Final decision") extends the same section
    rather than replacing it, so no text is lost. After a "Further report" heading, a
    "Recommendations" heading is the further report's own and stays inside `further_report`
    (heading line included): those recommendations ask the body to do what the first report
    asked, so they must not add to `agreed_action` and its money. A Report's closing
    "Ombudsman satisfied with council's response: DATE" line goes into no section.
    """
    parts: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines:
        key = section_for_heading(line)
        if key is not None:
            if key == "agreed_action" and "further_report" in parts:
                current = parts["further_report"]
                current.append(line)
                continue
            current = parts.setdefault(key, [])
            continue
        if current is not None and not is_compliance_line(line):
            current.append(line)
    return {key: "\n".join(text) for key, text in parts.items() if text}
