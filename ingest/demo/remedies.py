"""The remedy of an upheld synthetic decision: its sentences and, at the same time, its truth.

Every sum written into the "Agreed action" / "Recommended action" section is recorded as a
`Payment` in the same statement that writes it, so text and truth cannot disagree. Each
non-money action is worded with one verb phrase that names its remedy type and no other
type's trigger words ("review its procedures", "arrange training", "reassess", ...).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from ingest.demo import content as c
from ingest.demo.layout import Writer, cap, pounds
from ingest.parse.model import Payment

# Children paid "£200 each": never the complainant's own letter.
CHILD_PAIRS: tuple[tuple[str, str], ...] = (("D", "G"), ("J", "K"), ("R", "S"), ("F", "H"))
AMOUNTS = (100, 150, 200, 250, 300, 350, 400, 450, 500, 600, 750, 800, 1000, 1200, 1500)
BIG_AMOUNTS = (1000, 1500, 2000, 2500, 3000, 3500, 4000)
MONTHLY = (100, 150, 200, 250, 300)
DEADLINES_SOON = ("within one month", "within four weeks", "within 20 working days")
DEADLINES_LATER = ("within three months", "within two months", "within eight weeks")
IMPACTS = (
    "distress and uncertainty",
    "distress, frustration and uncertainty",
    "avoidable distress and inconvenience",
    "uncertainty and the time and trouble",
)
APOLOGY_GUIDANCE = (
    " We publish guidance on remedies which sets out our expectations for how organisations "
    "should apologise effectively to those affected by fault."
)
REFUND_ITEMS: dict[str, tuple[str, ...]] = {
    "Adult care services": ("the extra home care visits the family arranged",),
    "Benefits and tax": ("the enforcement fees added to the account",),
    "Children's care services": ("the respite care the family arranged privately",),
    "Other categories": ("the cancelled swimming lessons",),
    "Education": ("the private speech and language therapy the family arranged",),
    "Environment and regulation": ("the garden waste subscription",),
    "Transport and highways": ("the penalty charge and the charge certificate",),
    "Housing": ("the storage of the family’s belongings",),
    "Planning": ("the planning application fee",),
}
WAIVER_ITEMS: dict[str, tuple[str, ...]] = {
    "Adult care services": ("in care charges it invoiced for the period of respite care",),
    "Benefits and tax": ("in council tax arrears and court costs on the account",),
    "Housing": ("in rent arrears that built up while the claim was delayed",),
    "Transport and highways": ("penalty charge and the increase added to it",),
}
DEFAULT_WAIVER = "in outstanding charges on the account"
SERVICE_TYPES: tuple[str, ...] = (
    "service_improvement", "procedure_review", "staff_training", "record_correction",
    "reconsider_decision",
)  # fmt: skip


@dataclass(slots=True)
class Remedy:
    payments: list[Payment] = field(default_factory=list)
    types: set[str] = field(default_factory=set)
    deadlines: list[str] = field(default_factory=list)
    summary: str = ""  # "apologise and pay Mr X £300", for the Summary and Final decision
    pre: list[str] = field(default_factory=list)  # statements before the list (already paid)
    items: list[str] = field(default_factory=list)  # apology and money, due soon
    services: list[str] = field(default_factory=list)  # non-money actions, due later
    soon: str = ""
    later: str = ""


def plan_remedy(
    rng: random.Random,
    shape: str,
    category: c.Category,
    slots: dict[str, str],
    old: bool,
) -> Remedy:
    """Decide the remedy for an upheld decision: its sentences are written by `_write_remedy`.

    Kept separate so the summary (written before the remedy section) can describe it.
    """
    r = Remedy()
    C, poss = slots["C"], slots["poss"]
    impact = rng.choice(IMPACTS)
    slots["impact"] = impact
    items, pre = r.items, r.pre
    apology = shape not in ("service_only",) and (
        shape in ("apology_only", "children_each", "joint", "waiver", "further")
        or rng.random() < 0.7
    )
    if apology:
        text = f"apologise to {C} for the {impact} caused by the faults identified"
        if not old and rng.random() < 0.5:
            text += "." + APOLOGY_GUIDANCE
        items.append(text)
        r.types.add("apology")

    def pay(amount: int, recipient: str | None, reason: str, *, count: int = 1,
            kind: str = "payment", made: bool = False) -> None:  # fmt: skip
        r.payments.append(
            Payment(
                amount_pence=amount,
                recipient=recipient,
                count=count,
                kind=kind,
                already_made=made,
                reason=reason,
            )
        )

    summary = "apologise" if apology else ""
    if shape in ("single", "joint", "already_made"):
        amount = rng.choice(BIG_AMOUNTS if shape == "joint" else AMOUNTS) * 100
        if shape == "already_made":
            earlier = rng.choice((100, 150, 250, 300)) * 100
            reason0 = "in recognition of the delay in responding to the complaint"
            pre.append(f"{slots['TB']} has already paid {C} {pounds(earlier)} {reason0}.")
            pay(earlier, C, reason0, made=True)
        reason = f"to recognise the {impact} caused"
        items.append(f"pay {C} {pounds(amount)} {reason}")
        pay(amount, C, reason)
        r.types.add("financial_payment")
        summary = _join(summary, f"pay {C} {pounds(amount)}" if rng.random() < 0.5 else
                        f"make a payment to {C}")  # fmt: skip
    elif shape == "children_each":
        kids = rng.choice([p for p in CHILD_PAIRS if C[-1] not in p])
        recipient = f"{kids[0]} and {kids[1]}"
        amount = rng.choice((100, 150, 200, 250, 300)) * 100
        if rng.random() < 0.5:
            mine = rng.choice(AMOUNTS) * 100
            reason = f"to recognise the {impact} caused"
            items.append(f"pay {C} {pounds(mine)} {reason}")
            pay(mine, C, reason)
        reason = "to recognise the impact the faults had on them"
        items.append(f"pay {recipient} {pounds(amount)} each {reason}")
        pay(amount, recipient, reason, count=2)
        r.types.add("financial_payment")
        summary = _join(summary, f"make payments to {C} and {poss} children")
    elif shape == "further":
        # "A further £200" on top of an earlier sum: either one already paid (recorded as
        # already_made, not counted) or one only offered, which the decision asks to be paid
        # along with the further sum (both counted). Every sum in the section is a row.
        earlier, amount = rng.choice(((500, 200), (1600, 200), (300, 150), (1000, 250)))
        first, extra = pounds(earlier * 100), pounds(amount * 100)
        purpose = f"to recognise the {impact} caused"
        if rng.random() < 0.5:
            items.append(
                f"pay {C} a further {extra}, on top of the {first} it has already paid "
                f"{slots['obj']}, {purpose}"
            )
            pay(amount * 100, C, f"a further {extra} on top of the {first} already paid; {purpose}")
            pay(earlier * 100, C, "already paid before the decision", made=True)
        else:
            items.append(
                f"pay {C} the {first} it offered in its stage two response and a further "
                f"{extra} {purpose}"
            )
            pay(earlier * 100, C, "offered in the stage two response")
            pay(amount * 100, C, f"a further {extra} on top of the {first} offered; {purpose}")
        r.types.add("financial_payment")
        summary = _join(summary, "make a further symbolic payment")
    elif shape == "monthly":
        rate, months = rng.choice(MONTHLY), rng.randrange(3, 12)
        word = c.NUMBER_WORDS[months - 2]
        reason = f"for the {word} months {slots['pron']} went without the support"
        total = rate * months * 100
        items.append(f"pay {C} {pounds(rate * 100)} a month {reason} (a total of {pounds(total)})")
        pay(total, C, reason)
        r.types.add("financial_payment")
        summary = _join(summary, f"pay {C} for the support {slots['pron']} went without")
    elif shape in ("pence", "refund"):
        item = REFUND_ITEMS[category.name][0]
        if shape == "pence":
            amount = rng.randrange(20_000, 250_000)
            if amount % 100 == 0:
                amount += 50
            reason = f"for the cost of {item}"
            items.append(f"reimburse {C} {pounds(amount)} {reason}")
        else:
            amount = rng.choice((85, 120, 240, 480, 640, 900)) * 100
            reason = f"{slots['pron']} paid for {item}"
            items.append(f"refund {C} the {pounds(amount)} {reason}")
        pay(amount, C, reason, kind="refund")
        r.types.add("refund")
        summary = _join(summary, f"reimburse {C}" if shape == "pence" else "refund the money")
    elif shape == "waiver":
        amount = rng.choice((480, 860, 1480, 2210, 3390)) * 100
        item = rng.choice(WAIVER_ITEMS.get(category.name, (DEFAULT_WAIVER,)))
        items.append(f"waive the {pounds(amount)} {item}")
        pay(amount, None, item, kind="waiver")
        r.types.add("other")
        summary = _join(summary, "waive the outstanding charge")

    # Service actions: 1-2 for service_only, otherwise 0-2.
    choices = list(SERVICE_TYPES) + (["reassessment"] if category.reassessable else [])
    n = rng.choice((1, 2)) if shape == "service_only" else rng.choice((0, 0, 1, 2))
    services: list[str] = []
    for kind in rng.sample(choices, n):
        services.append(_service_sentence(rng, kind, category, slots))
        r.types.add(kind)
    if shape == "service_only":
        summary = "take action to stop the fault happening again"
    elif summary == "apologise":
        summary = f"apologise to {C}"
    r.summary = summary
    r.services = services
    r.soon, r.later = rng.choice(DEADLINES_SOON), rng.choice(DEADLINES_LATER)
    return r


def _join(first: str, second: str) -> str:
    return f"{first} and {second}" if first else second


def _service_sentence(
    rng: random.Random, kind: str, category: c.Category, slots: dict[str, str]
) -> str:
    """One non-money action, worded with the one verb phrase that names its remedy type."""
    area = rng.choice(category.areas)
    if kind == "service_improvement":
        return rng.choice(
            (
                f"produce an action plan setting out the service improvements it will make in "
                f"{area}",
                f"produce an action plan showing how it will improve its practice in {area}",
            )
        )
    if kind == "procedure_review":
        return f"review its procedures for {area} and tell us what changes it has made"
    if kind == "staff_training":
        return f"arrange training for staff involved in {area} on the issues in this statement"
    if kind == "record_correction":
        return (
            f"correct its records about {slots['C']} so they reflect the findings of this statement"
        )
    if kind == "reconsider_decision":
        item = rng.choice(category.reconsider)
        return (
            f"reconsider its decision on {slots['Cs']} {item} and write to {slots['obj']} "
            "with the outcome"
        )
    return f"reassess {slots['Cs']} {slots['rel']}’s needs, involving the family fully"


def write_remedy(w: Writer, rng: random.Random, remedy: Remedy, slots: dict[str, str],
                  old: bool) -> None:  # fmt: skip
    """The remedy section, in the style of the layout; deadlines recorded as they are written."""
    TB, B = slots["TB"], slots["B"]
    pre, items, services = remedy.pre, remedy.items, remedy.services
    soon, later = remedy.soon, remedy.later
    heading = "Recommended action" if old else rng.choice(
        ("Agreed action", "Agreed action", "Agreed action", "Action", "Recommendations")
    )  # fmt: skip
    w.heading(heading, "agreed_action")
    for p in pre:
        w.para(p)
    if items:
        if old:
            w.para(f"To remedy the injustice caused, I recommend {B} complete the following.")
            w.bullets([cap(i) + ("" if i.endswith(".") else ".") for i in items])
            w.para(f"{TB} should complete the above remedy {soon} of the final decision.")
        else:
            w.para(f"{TB} has agreed that {soon} of the final decision it will:")
            bullet_items = [i.rstrip(".") + ";" for i in items]
            bullet_items[-1] = bullet_items[-1][:-1] + "."
            w.bullets(bullet_items)
        remedy.deadlines.append(f"{soon} of the final decision")
    if services:
        also = " also" if items else ""
        if len(services) == 1:
            w.para(f"{TB} should{also}, {later} of the final decision, {services[0]}.")
        else:
            w.para(f"{TB} should{also}, {later} of the final decision:")
            w.bullets([cap(x) + "." if old else x + ";" for x in services[:-1]])
            w.bullets([cap(services[-1]) + "." if old else services[-1] + "."])
        remedy.deadlines.append(f"{later} of the final decision")
    w.para(f"{TB} should provide us with evidence it has complied with the above actions.")
