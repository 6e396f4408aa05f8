"""Line layouts of LGSCO decision pages, and money as LGSCO writes it.

Three layouts occur on the real pages (see `../shared/corpus/decisions/`): the older one with
blank lines, indented numbered paragraphs restarting in each section and "•" bullets; the newer
one with a hyphen before every paragraph and list item; and the newer one with continuous
numbering. `Writer` produces any of them while remembering which section each line belongs to,
which is what the ground truth's `sections` needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Writer:
    """Accumulates lines in one of three layouts and remembers which section each belongs to."""

    layout: str  # "old", "hyphen" or "numbered"
    lines: list[str] = field(default_factory=list)
    sections: dict[str, list[str]] = field(default_factory=dict)
    current: list[str] | None = None
    number: int = 0

    def heading(self, text: str, key: str | None) -> None:
        if self.layout == "old":
            self.lines.append("")
            self.number = 0
        self.lines.append(text)
        if key is not None:
            self.current = self.sections.setdefault(key, [])
        elif self.current is not None:  # a sub-heading stays in the section it sits in
            self.current.append(text)
        if self.layout == "old":
            self.lines.append("")

    def _add(self, line: str) -> None:
        self.lines.append(line)
        if self.current is not None:
            self.current.append(line)

    def para(self, text: str) -> None:
        self.number += 1
        if self.layout == "old":
            self._add(f"  {self.number}. {text}")
        elif self.layout == "hyphen":
            self._add(f"- {text}")
        else:
            self._add(f"{self.number}. {text}")

    def bullets(self, items: list[str]) -> None:
        mark = {"old": "  • ", "hyphen": "- ", "numbered": "• "}[self.layout]
        for item in items:
            self._add(mark + item)

    def close_section(self) -> None:
        self.current = None

    def plain(self, text: str) -> None:
        self.lines.append(text)


def pounds(pence: int) -> str:
    """'£1,250.50' or '£300': LGSCO writes whole pounds without pence."""
    pounds, rest = divmod(pence, 100)
    return f"£{pounds:,}" if rest == 0 else f"£{pounds:,}.{rest:02d}"


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]
