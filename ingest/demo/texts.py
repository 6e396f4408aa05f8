"""Assemble one synthetic decision statement and, alongside it, the record it must parse into.

The text and the ground truth are produced by the same code path: every sum of money, every
deadline and every remedy sentence is written into the text and recorded in the truth at the
same moment, so the two cannot drift apart. Layouts follow the two real LGSCO page styles in
`../shared/corpus/decisions/` (old: header lines, indented numbered paragraphs and "•" bullets;
new: no header lines, hyphen bullets or continuous numbering).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from ingest.demo import content as c
from ingest.demo.chronology import chronology, realistic_words
from ingest.demo.layout import Writer, cap, pounds
from ingest.demo.names import CARE_PROVIDERS, COUNCILS, OTHER_BODIES, BodyType, slugify
from ingest.demo.remedies import Remedy, plan_remedy, write_remedy
from ingest.parse.model import ListingMetadata, ParsedDecision, remedy_totals

LGSCO_DECISIONS = "https://www.lgo.org.uk/decisions"

# Which kind of decision document i is: cycled (not drawn) so that every outcome and every
# remedy shape occurs in any window of len(PLAN) consecutive documents.
UPHELD_SHAPES: tuple[str, ...] = (
    "apology_only", "single", "children_each", "joint", "pence", "refund", "waiver",
    "already_made", "further", "monthly", "service_only", "single", "none",
)  # fmt: skip
PLAN: tuple[str, ...] = (
    *(f"upheld:{s}" for s in UPHELD_SHAPES),
    *("not_upheld",) * 6,
    *("closed_after_initial_enquiries",) * 7,
    *("other",) * 3,
)
OLD_OUTCOME_TEXTS: dict[str, tuple[str, ...]] = {
    "upheld": ("Upheld", "Upheld: maladministration and injustice"),
    "not_upheld": ("Not upheld", "Not upheld: no maladministration"),
    "closed_after_initial_enquiries": (
        "Closed after initial enquiries",
        "Closed after initial enquiries: out of jurisdiction",
        "Closed after initial enquiries: no further action",
    ),
    "other": (
        "Premature",
        "Investigation discontinued",
        "Withdrawn",
        "Referred back for local resolution",
        "Advice given",
        "Incomplete/Invalid",
    ),
}
UPHELD_NO_INJUSTICE = "Upheld: maladministration, no injustice"
# What a listing page shows for a new-layout decision when it shows an outcome at all.
LISTING_OUTCOME_TEXTS: dict[str, str] = {
    "upheld": "Upheld",
    "not_upheld": "Not upheld",
    "closed_after_initial_enquiries": "Closed after initial enquiries",
}

TITLES: tuple[str, ...] = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Mr", "Mrs", "Ms")
LETTERS = "BCDFHJKLMNPQRSTVWXYZ"
PRONOUNS: dict[str, tuple[str, str, str]] = {  # title -> (pron, poss, obj)
    "Mr": ("he", "his", "him"),
    "Mrs": ("she", "her", "her"),
    "Ms": ("she", "her", "her"),
    "Miss": ("she", "her", "her"),
    "Mx": ("they", "their", "them"),
}
OLD_SPAN = (date(2013, 1, 1), date(2021, 12, 31))
NEW_SPAN = (date(2019, 6, 1), date(2026, 10, 31))


def _random_date(rng: random.Random, span: tuple[date, date]) -> date:
    return span[0] + timedelta(days=rng.randrange((span[1] - span[0]).days + 1))


@dataclass(frozen=True, slots=True)
class DemoDecision:
    """One generated document: text, URL, listing metadata and the record it must parse into."""

    text: str
    url: str
    metadata: ListingMetadata
    truth: ParsedDecision


def build(index: int, seed: int, length: Length = "short") -> DemoDecision:
    """Document number `index` of the corpus for `seed`; independent of every other index.

    `length="realistic"` pads "What I found" with a chronology of events until the document is
    as long as `chronology.realistic_words` draws (the real corpus's distribution); the draw
    and the padding use their own random stream, so everything else is the same document.
    """
    rng = random.Random(seed * 1_000_003 + index * 7_919 + 17)
    plan = PLAN[(index + seed * 5) % len(PLAN)]
    outcome, _, shape = plan.partition(":")

    # Body and category.
    category = rng.choice(c.CATEGORIES)
    body_type: BodyType = "council"
    roll = rng.random()
    if category is c.ADULT and roll < 0.3:
        body_type, body = "care_provider", rng.choice(CARE_PROVIDERS)
        sub = rng.choice([s for s in category.subs if s.name in _CARE_PROVIDER_SUBS])
        body_ref = "the Care Provider"
    elif roll > 0.96:
        body, cat_name, sub_name = rng.choice(OTHER_BODIES)
        body_type, category = "other", c.CATEGORY_BY_NAME[cat_name]
        sub = next(s for s in category.subs if s.name == sub_name)
        body_ref = "the Authority"
    else:
        body = rng.choice(COUNCILS)
        sub = rng.choice(category.subs)
        body_ref = "the Council"

    layout = "old" if shape == "none" or outcome == "other" else rng.choice(_LAYOUTS)
    old = layout == "old"
    decided = _random_date(rng, OLD_SPAN if old else NEW_SPAN)
    decided_on: date | None = decided
    ref_year = max(12, decided.year - 2000 - rng.choice((0, 1, 1, 2)))
    serial = (index * 7_919 + seed * 13 + 104_729) % 1_000_000
    reference = f"{ref_year:02d} {serial // 1000:03d} {serial % 1000:03d}"

    # Complainant and the template slots.
    letter = rng.choice(LETTERS)
    if shape == "joint":
        name, (pron, poss, obj), plural = f"Mr and Mrs {letter}", ("they", "their", "them"), True
    else:
        title = rng.choice(TITLES)
        name, (pron, poss, obj), plural = f"{title} {letter}", PRONOUNS[title], False
    year0 = decided.year - rng.choice((1, 2, 2, 3))
    months = rng.sample(c.MONTHS, 3)
    slots = {
        "C": name,
        "Cs": f"{name}’s",
        "pron": pron,
        "poss": poss,
        "obj": obj,
        "s": "" if plural else "s",
        "has": "have" if plural else "has",
        "was": "were" if plural else "was",
        "B": body_ref,
        "Bs": f"{body_ref}’s",
        "TB": cap(body_ref),
        "TBs": f"{cap(body_ref)}’s",
        "rel": rng.choice(category.rels),
        "y0": str(year0),
        "y1": str(year0 + 1),
        "m1": months[0],
        "m2": months[1],
        "m3": months[2],
        "a1": pounds(rng.choice((2340, 1875, 960, 412, 5200, 3150, 780)) * 100),
        "n": rng.choice(c.NUMBER_WORDS),
        "weeks": str(rng.randrange(24, 61)),
    }

    def fill(template: str) -> str:
        return template.format_map(slots)

    issue = fill(rng.choice(sub.issues))
    slots["issue"] = issue

    # Outcome as published (old layout) or as the prose implies (new layout).
    metadata = ListingMetadata()
    outcome_inferred = False
    if old:
        outcome_text: str | None = (
            UPHELD_NO_INJUSTICE if shape == "none" else rng.choice(OLD_OUTCOME_TEXTS[outcome])
        )
        if rng.random() < 0.5:
            metadata = ListingMetadata(decided_on=decided)
    else:
        listing_outcome = rng.random() < 0.1
        outcome_text = LISTING_OUTCOME_TEXTS[outcome] if listing_outcome else None
        outcome_inferred = not listing_outcome
        if rng.random() < 0.1:  # a page fetched without its listing entry: no date known
            decided_on = None
        metadata = ListingMetadata(decided_on=decided_on, outcome_text=outcome_text)

    slots["closed_reason"] = fill(rng.choice(category.closed_reasons))
    has_remedy = outcome == "upheld" and shape != "none"
    remedy = plan_remedy(rng, shape, category, slots, old) if has_remedy else None

    w = Writer(layout)
    w.plain(f"{body} ({reference})")
    if old:
        otext = outcome_text or ""
        for line in (
            "",
            f"Category : {category.name} > {sub.name}",
            "",
            f"Decision : {otext}",
            "",
            f"Decision date : {decided.strftime('%d %B %Y')}",
            "",
            "The Ombudsman's final decision:",
            "",
        ):
            w.plain(line)
    else:
        w.plain("The Ombudsman's final decision:")
    summary, final = _summary_and_final(rng, outcome, shape, outcome_text, old, slots, remedy)
    w.plain(f"Summary: {summary}")

    events: list[str] = []
    if length == "realistic":  # its own random stream: the rest of the document is unchanged
        extra = random.Random(seed * 1_000_003 + index * 7_919 + 99_991)
        events = list(chronology(extra, slots, realistic_words(extra) - SHORT_WORDS))
    _write_body(w, rng, outcome, shape, category, sub, slots, remedy, old, body_type, fill, events)

    w.heading("Final decision", "final_decision")
    for paragraph in final:
        w.para(paragraph)
    w.close_section()
    if old:
        w.plain("")
    w.plain("Investigator's decision on behalf of the Ombudsman")

    text = "\n".join(w.lines)
    payments = remedy.payments if remedy else []
    remedy_total, waived_total = remedy_totals(payments, remedy is not None)
    cat_slug, sub_slug = slugify(category.name), slugify(sub.name)
    url = f"{LGSCO_DECISIONS}/{cat_slug}/{sub_slug}/{reference.replace(' ', '-')}"
    truth = ParsedDecision(
        reference=reference,
        council_name=body,
        council_slug=slugify(body),
        body_type=body_type,
        category=category.name,
        subcategory=sub.name,
        category_slug=cat_slug,
        subcategory_slug=sub_slug,
        outcome=outcome,
        outcome_text=outcome_text,
        outcome_inferred=outcome_inferred,
        decided_on=decided_on,
        summary=summary,
        body=text.strip(),
        sections={k: "\n".join(v).strip() for k, v in w.sections.items()},
        payments=payments,
        remedy_total_pence=remedy_total,
        waived_total_pence=waived_total,
        remedy_types=sorted(remedy.types) if remedy else [],
        complainants=[name],
        deadlines=remedy.deadlines if remedy else [],
        source_url=url,
        source="synthetic",
    )
    return DemoDecision(text=text, url=url, metadata=metadata, truth=truth)


_LAYOUTS = ("old", "old", "hyphen", "hyphen", "numbered")
Length = Literal["short", "realistic"]
# Words of a document without padding (measured: the short corpus's median is about 650).
SHORT_WORDS = 650
_CARE_PROVIDER_SUBS = frozenset({"Residential care", "Domiciliary care"})


def _summary_and_final(
    rng: random.Random,
    outcome: str,
    shape: str,
    outcome_text: str | None,
    old: bool,
    slots: dict[str, str],
    remedy: Remedy | None,
) -> tuple[str, list[str]]:
    """The Summary line and the Final decision paragraphs.

    New-layout decisions state their outcome only here, in the phrases LGSCO uses ("We upheld",
    "have not found fault", "We will not investigate"), so each outcome gets exactly one family
    of phrases and never another's.
    """
    C, Cs, B, TB, issue = slots["C"], slots["Cs"], slots["B"], slots["TB"], slots["issue"]
    s = slots["s"]
    if outcome == "upheld":
        if remedy is None:
            return (
                f"{C} complain{s} about {issue}. The Ombudsman finds fault by {B}, but the fault "
                f"did not cause {C} a significant injustice.",
                [f"There was fault by {B}, but it did not cause {C} significant injustice, so "
                 "no further action is needed."],
            )  # fmt: skip
        fix = remedy.summary
        if old:
            summary = (
                f"{C} complain{s} about {issue}. The Ombudsman finds fault by {B} which caused "
                f"injustice. {TB} has agreed to {fix}."
            )
            final = [
                f"I have completed my investigation and found fault by {B} causing injustice "
                f"to {C}. {TB} has agreed to {fix}, which is a suitable remedy."
            ]
        else:
            summary = rng.choice(
                (
                    f"We upheld {Cs} complaint about {issue}. To remedy the injustice caused, "
                    f"{B} has agreed to {fix}.",
                    f"We upheld this complaint about {issue}. {TB} agreed to {fix}.",
                )
            )
            final = [
                rng.choice(
                    (
                        f"We upheld {Cs} complaint. There was fault by {B} which caused "
                        f"injustice. {TB} has agreed to {fix}, which is a suitable remedy.",
                        f"We upheld {Cs} complaint because {B} agreed to {fix} to remedy the "
                        "injustice caused.",
                    )
                )
            ]
        return summary, final
    if outcome == "not_upheld":
        summary = rng.choice(
            (
                f"{C} complain{s} about {issue}. We have not found fault by {B}.",
                f"{C} complain{s} about {issue}. We have not found fault in how {B} dealt with "
                "the matter.",
            )
        )
        final = [f"I have completed my investigation. I have not found fault by {B}."]
        return summary, final
    if outcome == "closed_after_initial_enquiries":
        reason = slots["closed_reason"]
        return (
            f"We will not investigate {Cs} complaint about {issue}. This is because {reason}.",
            [f"We will not investigate {Cs} complaint. This is because {reason}."],
        )
    variant = outcome_text or ""
    has = slots["has"]
    other = {
        "Premature": (
            f"The complaint is premature because {B} has not had the chance to respond through "
            "its complaints procedure.",
            f"The complaint is premature. {C} should first complain to {B} and can come back to "
            "us if still unhappy with its final response.",
        ),
        "Investigation discontinued": (
            f"We have discontinued our investigation because {B} has now taken the action {C} "
            "wanted.",
            "We have discontinued our investigation. A further investigation would not achieve "
            "anything more.",
        ),
        "Withdrawn": (
            f"{C} {has} since withdrawn the complaint.",
            f"{C} {has} withdrawn the complaint and we have closed our file.",
        ),
        "Referred back for local resolution": (
            f"We have referred the complaint back to {B} so it can consider it first.",
            f"We have referred the complaint back to {B} for local resolution.",
        ),
        "Advice given": (
            f"We have given {C} advice about where to take the complaint.",
            f"We have given {C} advice and closed the complaint.",
        ),
        "Incomplete/Invalid": (
            "The complaint is incomplete because we did not receive the information we asked for.",
            "The complaint is incomplete and we have closed it.",
        ),
    }[variant]
    return f"{C} complain{s} about {issue}. {other[0]}", [other[1]]


def _write_body(
    w: Writer,
    rng: random.Random,
    outcome: str,
    shape: str,
    category: c.Category,
    sub: c.Sub,
    slots: dict[str, str],
    remedy: Remedy | None,
    old: bool,
    body_type: str,
    f: Callable[[str], str],
    events: list[str],
) -> None:
    """Every section between the summary and the final decision; `events` (a chronology, for
    realistic lengths) goes at the end of the findings or the assessment."""
    C, B = slots["C"], slots["B"]
    s, pron, obj = slots["s"], slots["pron"], slots["obj"]
    investigated = outcome in ("upheld", "not_upheld")

    w.heading("The complaint", "complaint")
    w.para(f"{C} complain{s} about {slots['issue']}.")
    if rng.random() < 0.5:
        w.para(f"In particular, {C} say{s}:")
        w.bullets(
            rng.sample(
                [
                    f"{B} did not keep {obj} informed;",
                    "the delays caused the family distress;",
                    f"{B} did not deal with the complaint properly;",
                    f"{B} ignored evidence {pron} provided;",
                ],
                2,
            )
        )
    w.para(
        f"{C} say{s} this caused {obj} distress and frustration. {C} want{s} {B} to apologise, "
        "to put things right and to make sure the same thing does not happen to others."
    )

    w.heading("The Ombudsman’s role and powers", "role_and_powers")
    if body_type == "care_provider":
        w.para(
            "We investigate complaints about adult social care providers and decide whether "
            "their actions have caused an injustice, or could have caused an injustice to the "
            "person making the complaint. I have used the word fault to refer to these. "
            "(Local Government Act 1974, sections 34B and 34C, as amended)"
        )
    else:
        w.para(
            "We investigate complaints about ‘maladministration’ and ‘service failure’. In this "
            "statement, I have used the word fault to refer to these. We must also consider "
            "whether any fault has had an adverse impact on the person making the complaint. I "
            "refer to this as ‘injustice’. (Local Government Act 1974, sections 26(1) and "
            "26A(1), as amended)"
        )
    if investigated:
        w.para(
            "If we are satisfied with an organisation’s actions or proposed actions, we can "
            "complete our investigation and issue a decision statement. (Local Government Act "
            "1974, section 30(1B) and 34H(i), as amended)"
        )
    else:
        w.para(
            "We provide a free service but must use public money carefully. We may decide not to "
            "start or continue with an investigation if we believe it is unlikely we would find "
            "fault, or the injustice is not significant enough to justify our involvement. "
            "(Local Government Act 1974, section 24A(6), as amended)"
        )
        if outcome == "closed_after_initial_enquiries":
            w.para(
                "We cannot investigate a complaint if someone has appealed to a tribunal or "
                "could reasonably have done so, unless there are good reasons. (Local "
                "Government Act 1974, section 26(6)(a), as amended)"
            )
    law = list(category.law)
    if investigated and not old and rng.random() < 0.6:
        w.heading("Legal and administrative background", "role_and_powers")
        for p in law:
            w.para(p)
        law = []

    w.heading("How I considered this complaint", "how_considered")
    if investigated:
        w.para(rng.choice((
            f"I spoke to {C} and considered the information {pron} provided.",
            f"I considered the information provided by {C} and made enquiries of {B}.",
        )))  # fmt: skip
        w.para(f"{C} and {B} had an opportunity to comment on my draft decision. I considered "
               "any comments received before making a final decision.")  # fmt: skip
    else:
        w.para(f"I considered information provided by {C}.")
        w.para("I considered the Ombudsman’s Assessment Code.")
    if category is c.CHILDREN or category is c.EDUCATION:
        w.para(
            "Under our information sharing agreement, we will share this decision with the "
            "Office for Standards in Education, Children’s Services and Skills (Ofsted)."
        )
    elif category is c.ADULT:
        w.para(
            "Under our information sharing agreement, we will share this decision with the "
            "Care Quality Commission (CQC)."
        )

    facts = [f(p) for p in sub.facts]
    generic = [f(p) for p in rng.sample(c.GENERIC_FACTS, 5)]
    if not investigated:
        w.heading("My assessment", "analysis")
        for p in [*facts, rng.choice(category.law), *generic, *events]:
            w.para(p)
        if outcome == "closed_after_initial_enquiries":
            w.para(
                f"We will not investigate this complaint because {slots['closed_reason']}. "
                "We must use public money carefully and focus on complaints where we can "
                "make a difference."
            )
        else:
            w.para(
                f"I understand {C} feel{s} strongly about this matter. The complaint is closed "
                "for the reasons given in the final decision below, and this does not stop a "
                "new complaint in future if things change."
            )
        w.close_section()
        return

    w.heading("What I found", "findings")
    for p in law:
        w.para(p)
    if rng.random() < 0.5:
        w.heading("What happened", None)
    for p in facts + generic + events:
        w.para(p)
    if rng.random() < 0.5:
        w.heading("Analysis", "analysis")
    for p in rng.sample(c.EVALUATION, 2 if outcome == "upheld" else 3):
        w.para(f(p))
    if outcome == "upheld":
        for p in sub.faults:
            w.para(f(p))
        if remedy is not None:
            for p in rng.sample(c.INJUSTICE, 2):
                w.para(f(p))
    else:
        for p in sub.nofaults:
            w.para(f(p))
        w.para(
            f"I understand {C} feel{s} strongly about this matter, but we cannot question "
            "decisions made without fault, even where someone disagrees with them."
        )
    w.close_section()
    if remedy is not None:
        write_remedy(w, rng, remedy, slots, old)
        w.close_section()
