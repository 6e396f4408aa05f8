"""Length like the real corpus's: the long chronologies of what happened, case by case.

Real LGSCO statements run to a median of about 1,800 words, one in ten over 4,000 and a few
over 12,000 (the Cumbria decision in ../shared/corpus is about 5,000); most of the length is the
account of events under "What I found". `realistic_words` draws a document's length from a
log-normal fitted to those three figures, and `chronology` writes neutral paragraphs of events
and correspondence (no money, no other pseudonyms, no headings, no remedy wording) until a
document reaches it, so the parser's ground truth is untouched by the padding.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator

MEDIAN_WORDS = 1_800
# P(words > 4,000) = 0.10: sigma = ln(4000 / 1800) / z(0.90); then P(> 12,000) ≈ 0.1%.
SIGMA = math.log(4_000 / MEDIAN_WORDS) / 1.2816
MAX_WORDS = 20_000

_OPENINGS = (
    "In {month} {C} wrote to {B} again.",
    "On a later date in {month} {B} sent {C} a further letter.",
    "The records for {month} show a telephone call between {C} and an officer of {B}.",
    "By the end of {month} the matter had still not been resolved.",
    "In early {month} a different officer took over the case.",
    "The case notes from {month} record a visit.",
    "During {month} {B} held an internal meeting about the case.",
)
_MIDDLES = (
    "The letter set out the history of the matter and asked for a decision within ten working "
    "days, but no reply was sent within that time.",
    "The officer noted that the information on file was incomplete and that several documents "
    "had been sent to the wrong address.",
    "The notes say the officer would call back the following week; there is no record that "
    "this happened.",
    "{C} explained again what had happened so far and said {pron} had not been told who was "
    "dealing with the case.",
    "A manager reviewed the file and recorded that the case should be prioritised, but the "
    "review did not set a date for the next step.",
    "The meeting discussed the options available and agreed that further information was "
    "needed before anything could be decided.",
    "{B} says this was a period of high demand and that the team was short of experienced staff.",
    "The file contains an email chain between two teams, each of which understood the other to "
    "be responsible for the next step.",
)
_CLOSINGS = (
    "Nothing further happened for several weeks.",
    "{C} chased this by email twice more before receiving an acknowledgement.",
    "The officer left the service shortly afterwards and the case was not reallocated at once.",
    "There is no record of the outcome being shared with {C}.",
    "{C} says this added to the uncertainty and frustration {pron} felt.",
    "{B} accepts the records for this period are not as full as they should be.",
)
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def realistic_words(rng: random.Random) -> int:
    """A document length in words, distributed like the real corpus's."""
    return min(MAX_WORDS, int(rng.lognormvariate(math.log(MEDIAN_WORDS), SIGMA)))


def chronology(rng: random.Random, slots: dict[str, str], words: int) -> Iterator[str]:
    """Paragraphs of events of about `words` words in all (none when `words` <= 0)."""
    written = 0
    while written < words:
        sentences = [
            rng.choice(_OPENINGS),
            *rng.sample(_MIDDLES, rng.randint(1, 3)),
            rng.choice(_CLOSINGS),
        ]
        paragraph = " ".join(sentences).format_map({**slots, "month": rng.choice(_MONTHS)})
        paragraph = paragraph[:1].upper() + paragraph[1:]
        written += len(paragraph.split())
        yield paragraph
