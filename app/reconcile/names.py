"""How a reporter's spelling of a body is matched to the bodies we hold.

"Kent CC", "Royal Borough of K and C", "Wirral MBC", "Sevenoaks District" and "Bluebell Care
Homes Ltd" are all ways of writing a name we store in full. Names are compared in a normal form
(lower case, no accents or punctuation, "&" as "and", the usual abbreviations written out), by
two rapidfuzz scores: the whole name, word order ignored, and its distinctive part (the place,
without "County", "Borough", "Council"…), which carries the typos. A candidate is a sure match
only when it scores high and clearly above the next one, so "Kent" alone never matches a
county and a borough of the same name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz, process

# Abbreviations as reporters and councils write them, by word.
ABBREVIATIONS: dict[str, str] = {
    "cc": "county council",
    "mbc": "metropolitan borough council",
    "bc": "borough council",
    "dc": "district council",
    "cyc": "city council",
    "rb": "royal borough",
    "rbc": "royal borough council",
    "lb": "london borough",
    "met": "metropolitan",
    "boro": "borough",
    "ltd": "limited",
    "plc": "public limited company",
    "ccg": "clinical commissioning group",
    "icb": "integrated care board",
    "nhs": "nhs",
    "st": "saint",
}
# Words that say what kind of body it is, not which one.
KIND_WORDS = frozenset(
    {
        "council", "county", "borough", "district", "city", "metropolitan", "royal", "london",
        "unitary", "authority", "of", "the", "and", "limited", "public", "company",
    }
)  # fmt: skip
# Words whose presence must agree between query and candidate when the query states them.
TIER_WORDS = frozenset({"county", "borough", "district", "city", "metropolitan", "royal"})
SURE_SCORE = 90.0
SURE_MARGIN = 8.0
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def words(name: str) -> list[str]:
    """The name's words in normal form, abbreviations written out."""
    ascii_name = "".join(
        ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch)
    )
    raw = _NOT_WORD.split(ascii_name.lower().replace("&", " and "))
    out: list[str] = []
    for word in raw:
        if word:
            out.extend(ABBREVIATIONS.get(word, word).split())
    return out


@dataclass(frozen=True)
class Form:
    """A name prepared for comparison: all its words (sorted) and its distinctive words."""

    full: str
    place: str
    tiers: frozenset[str]

    @classmethod
    def of(cls, name: str) -> Form:
        found = words(name)
        place = [w for w in found if w not in KIND_WORDS]
        return cls(
            " ".join(sorted(w for w in found if w not in ("the", "of", "council"))),
            " ".join(place),
            frozenset(w for w in found if w in TIER_WORDS),
        )


def score(query: Form, candidate: Form) -> float:
    """0–100: how well `candidate` answers `query`."""
    if not query.full:
        return 0.0
    whole = fuzz.token_sort_ratio(query.full, candidate.full)
    place = fuzz.ratio(query.place, candidate.place) if query.place else whole
    if query.tiers:
        value = 0.4 * whole + 0.6 * place
        # "Kent CC" is not the borough of the same place.
        if not query.tiers <= candidate.tiers:
            value -= 15.0
    else:  # "Creskthorpe": the place is all the query says, so the place decides
        value = 0.1 * whole + 0.9 * place
    return max(0.0, min(100.0, value))


@dataclass(frozen=True)
class Candidate:
    slug: str
    name: str
    body_type: str
    score: float
    match: bool


def rank(query: str, bodies: dict[str, tuple[str, str]], limit: int) -> list[Candidate]:
    """The best `limit` bodies for `query` (bodies: slug → (name, body_type)), best first; the
    first is a sure `match` only when it scores SURE_SCORE or more and SURE_MARGIN above the
    second."""
    wanted = Form.of(query)
    forms = {slug: Form.of(name) for slug, (name, _) in bodies.items()}
    # A first cut by the whole-name score keeps the exact scoring to a few hundred names.
    shortlist = process.extract(
        wanted.full,
        {slug: form.full for slug, form in forms.items()},
        scorer=fuzz.token_set_ratio,
        limit=max(limit * 20, 200),
    )
    scored = sorted(
        ((score(wanted, forms[slug]), slug) for _, _, slug in shortlist),
        key=lambda pair: (-pair[0], bodies[pair[1]][0]),
    )[:limit]
    out = []
    for index, (value, slug) in enumerate(scored):
        runner_up = scored[index + 1][0] if index + 1 < len(scored) else 0.0
        sure = index == 0 and value >= SURE_SCORE and value - runner_up >= SURE_MARGIN
        name, body_type = bodies[slug]
        out.append(Candidate(slug, name, body_type, round(value, 1), sure))
    return out
