"""Remedies: payments, remedy types, deadlines — read from the remedy section only — and the
complainants' pseudonyms.

Only the remedy section ("Agreed action", "Recommended action", …) asks a body to do
anything; sums elsewhere are facts (charges, arrears, costs) and must never be counted. Within
that section every sum becomes one `Payment` row, except a total that merely adds up other rows
("bringing the total to £1,800"), which would double count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.parse.model import REMEDY_TYPES, Payment, PaymentKind, RemedyType
from ingest.parse.money import MONEY_RE, format_pence, match_to_pence

_TITLE = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr)"
PSEUDONYM = rf"(?:{_TITLE} and {_TITLE} [A-Z]|{_TITLE} [A-Z])(?![A-Za-z0-9])"
_PSEUDONYM_RE = re.compile(PSEUDONYM)
_COMPLAINS_RE = re.compile(
    rf"(?P<a>{PSEUDONYM})(?:,? and (?P<b>{PSEUDONYM}))?,? (?:\w+ )?(?:complain|complains|"
    r"complained|say|says|said|told us|is unhappy|was unhappy|are unhappy|were unhappy|"
    r"raised|brought)\b"
)

_BULLET = re.compile(r"^(?:[•\-–—*·▪◦]|\(?\d{1,3}[.)]|\(?[a-z][.)])\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z(\"“‘£])")
_REMEDY_WORD = re.compile(
    r"\b(?:pay|pays|paid|paying|payment|payments|refund\w*|reimburs\w*|repay\w*|waive\w*|"
    r"write off|written off|writes off|credit\w*|compensat\w*|offer\w*|award\w*|remedy|"
    r"recogni[sz]\w*|cancel\w*|symbolic|not (?:recover|pursue))\b",
    re.IGNORECASE,
)
_KIND_WORD = re.compile(
    r"\b(?P<refund>refund\w*|reimburs\w*|repay\w*|credit\w*)\b"
    r"|\b(?P<waiver>waive\w*|write off|written off|writes off|writing off|cancel\w*|"
    r"not (?:recover|pursue|seek|collect)|remove the charge|withdraw the charge)\b"
    r"|\b(?P<payment>pay|pays|paying|payment|offer\w*|award\w*|compensat\w*|give|make)\b",
    re.IGNORECASE,
)
_RECIPIENT_VERB = re.compile(
    r"\b(?:pay|pays|paying|repay|refund|refunds|reimburse|reimburses|offer|offers|award|"
    r"awards|give|gives|make|makes|credit|waive|waives)\b",
    re.IGNORECASE,
)
_RECIPIENT_TAIL = re.compile(
    r"(?:\s*\b(?:a|an|the|further|additional|extra|symbolic|total|sum|payment|financial|remedy|"
    r"award|compensation|amount|one-off|of|another|agreed|time|goodwill|gesture|token|"
    r"each|refund|reimbursement)\b)+\s*$",
)
_LEADING_JOIN = re.compile(r"^[\s,;]*(?:and|plus|with|then)?\b\s*", re.IGNORECASE)
# "…£300 and her son, B, £100": a second recipient named right after "and".
_JOINED_NAME = re.compile(
    r"^[\s,;]*(?:and|plus)\s+(?!(?:a|an|the|it|its|then|also)\b)[^£]{1,40}?[\s,]*$",
    re.IGNORECASE,
)
_LEADING_EACH = re.compile(r"^\s*(?:to\s+)?each\s+of\s+", re.IGNORECASE)
_RECIPIENT_AFTER = re.compile(  # "pay £250 to Mr Y" — a name or noun phrase, not "to recognise"
    r"^\s*(?:each\s+)?to\s+(?P<who>(?:(?-i:[A-Z])|(?:his|her|their|the|each|both)\b)[^,.;:()]{0,60}?)"
    r"(?=\s+(?:to|for|in|as|by|within|because|"
    r"towards|which|who|so)\b|[,.;:()]|$)",
    re.IGNORECASE,
)
_EACH_AFTER = re.compile(r"^\s*(?:each|apiece|per (?:person|child))\b", re.IGNORECASE)
_EACH_BEFORE = re.compile(r"\beach of\b|\bto each\b", re.IGNORECASE)
_RATE_AFTER = re.compile(
    r"^\s*(?:a|per|each|every)\s+(?P<unit>day|week|fortnight|month|year)\b"
    r"|^\s*(?P<adj>weekly|monthly|a month|a week|pcm)\b",
    re.IGNORECASE,
)
_RATE_FOR = re.compile(
    r"^[^.;£]{0,40}?\bfor\s+(?P<n>\d{1,3}|[a-z]+(?:-[a-z]+)?)\s+(?:more\s+|further\s+)?"
    r"(?:days?|weeks?|fortnights?|months?|years?)\b",
    re.IGNORECASE,
)
_TOTAL_BEFORE = re.compile(
    r"(?:\btotal(?:ling|ing)?(?: of| to| sum of| amount of)?|\bin total|\baltogether|"
    r"\bbringing (?:the|its|their) (?:total|overall)[\w ]{0,20}? to)\s*(?:of\s*)?$",
    re.IGNORECASE,
)
_TOTAL_AFTER = re.compile(r"^\s*(?:in total|in all|altogether|overall)\b", re.IGNORECASE)
_FURTHER_BEFORE = re.compile(
    r"\b(?:further|additional|extra|another|more)\s*(?:payment\s+of\s*|sum\s+of\s*)?$",
    re.IGNORECASE,
)
_FURTHER_TAIL = re.compile(
    r"[\s,;]*(?:and|plus)?\s*(?:a|an)?\s*(?:further|additional|extra|another|more)\s*"
    r"(?:payment\s+of\s*|sum\s+of\s*)?$",
    re.IGNORECASE,
)
_ADDS_TO = re.compile(
    r"\b(?:in addition to|on top of|as well as|over and above)\s+"
    r"(?P<what>(?:[^,;.]|[,.](?=\d)){3,120})",
    re.IGNORECASE,
)
_ALREADY = re.compile(
    r"\b(?:has|had|have)\s+(?:already\s+)?(?:paid|refunded|reimbursed|credited|sent|made)\b"
    r"|\balready\s+(?:paid|made|refunded|reimbursed|credited|received|sent)\b"
    r"|\bpreviously\s+(?:paid|refunded)\b|\bhas\s+since\s+paid\b",
    re.IGNORECASE,
)
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "both": 2, "twenty-four": 24,
    "eighteen": 18, "twenty": 20, "thirty": 30, "fifty-two": 52, "twenty-six": 26,
}  # fmt: skip
_COUNT_WORD = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r"|\d{1,2})\b", re.IGNORECASE)
_NAME_SPLIT = re.compile(r"\s*(?:,\s*(?:and\s+)?|\band\b)\s*")

_DEADLINE_RE = re.compile(
    r"\bwithin\s+(?:(?:\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"fourteen|twenty|twenty-one|twenty-eight|thirty)\s+)(?:calendar\s+|working\s+|clear\s+)?"
    r"(?:days?|weeks?|months?)\s+of\s+(?:the\s+date\s+of\s+|receiving\s+|receipt\s+of\s+)?"
    r"(?:the\s+|our\s+|my\s+|this\s+)?(?:final\s+)?decision\b",
    re.IGNORECASE,
)

_TYPE_SOURCES: tuple[tuple[RemedyType, str], ...] = (
    ("apology", r"\bapologi[sz]\w*|\bapology\b"),
    ("financial_payment", r"\bfinancial remedy\b|\bsymbolic payment\b"),
    (
        "service_improvement",
        r"\bservice improvements?\b|\bimprove (?:its|the|how)\b|\bput in place\b|"
        r"\bintroduce (?:a|an|new)\b|\bimplement\w*\b|\bset SMART targets\b|\bensure (?:that )?"
        r"(?:it|its|the council|staff|officers)\b",
    ),
    (
        "procedure_review",
        r"\b(?:review|reviews|reviewing|revisit|update|amend|revise)\s+(?:of\s+)?"
        r"(?:(?:its|the|their|how|whether|all|any|relevant|current)\s+)?(?:[\w-]+\s+){0,3}?"
        r"(?:procedures?|process(?:es)?|polic(?:y|ies)|practices?|guidance|action log|"
        r"action plan|systems?|arrangements|templates?|leaflets?|website|protocols?)\b",
    ),
    (
        "staff_training",
        r"\btraining\b|\btrain (?:its |relevant |all )?(?:staff|officers|social workers)\b|"
        r"\bremind (?:its |relevant |all )?(?:staff|officers|social workers|team)\b|"
        r"\bshare (?:this|the|our) (?:decision|learning|report) with (?:relevant )?"
        r"(?:staff|officers)\b",
    ),
    (
        "reassessment",
        r"\bre-?assess\w*|\bnew (?:needs |care |carer's )?assessment\b|\bcarry out an? "
        r"(?:new |fresh |further )?(?:needs |care |carer's )?assessment\b|\breview (?:her|his|"
        r"their|the) (?:care|needs|support|care plan)\b",
    ),
    (
        "record_correction",
        r"\b(?:amend|correct|update|remove \w+ from)\w*\s+(?:(?:its|the|his|her|their)\s+)?"
        r"(?:[\w-]+\s+){0,2}?(?:records?|file)\b|\bcorrect the record\b",
    ),
    (
        "reconsider_decision",
        r"\breconsider\w*|\bre-consider\w*|\bfresh decision\b|\bnew decision\b|\bre-?take "
        r"(?:the|its) decision\b|\breview (?:its|the) decision\b",
    ),
)
_TYPE_PATTERNS: tuple[tuple[RemedyType, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE)) for name, pattern in _TYPE_SOURCES
)
_APOLOGY_DONE = re.compile(
    r"\b(?:already|previously)\b[^.]{0,40}\bapologi|\b(?:has|had|have)\s+(?:already\s+)?"
    r"(?:apologi[sz]ed|provided an apology|made an apology|given an apology|offered an apology)",
    re.IGNORECASE,
)


# A waiver of a debt or charge has no remedy type of its own in SPEC §3: it is "other".
_TYPE_OF_KIND: dict[str, RemedyType] = {
    "payment": "financial_payment",
    "refund": "refund",
    "waiver": "other",
}


@dataclass
class Remedies:
    """What the remedy section asks for."""

    payments: list[Payment] = field(default_factory=list)
    remedy_types: list[RemedyType] = field(default_factory=list)
    deadlines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _recipient(segment: str, after: str, sentence: str, previous: str | None) -> str | None:
    """Who a sum goes to. `segment` is the text since the previous sum in the sentence (or the
    sentence start): "Pay Mr Q £300" → "Mr Q"; "…£300 and her son, B, £100" → "her son, B";
    "pay £250 to Mr Y" → "Mr Y"; failing those, the previous sum's recipient or the first
    pseudonym in the sentence."""
    verbs = list(_RECIPIENT_VERB.finditer(segment))
    who = ""
    if verbs:
        who = segment[verbs[-1].end() :]
    elif previous is not None and _JOINED_NAME.match(segment):
        who = _LEADING_JOIN.sub("", segment)
    who = _LEADING_EACH.sub("", _RECIPIENT_TAIL.sub("", who)).strip(" ,;:")
    if who and len(who.split()) <= 8:
        return who
    after_match = _RECIPIENT_AFTER.match(after)
    if after_match:
        return after_match.group("who").strip()
    if previous:
        return previous
    pseudonym = _PSEUDONYM_RE.search(sentence)
    return pseudonym.group(0) if pseudonym else None


def _count_recipients(who: str | None) -> int | None:
    """How many people "each" covers.

    "D and G" → 2, "his three children" → 3, "Mr and Mrs L" → 2; None when it cannot tell.
    """
    if not who:
        return None
    number = _COUNT_WORD.search(who)
    if number:
        word = number.group(1).lower()
        return int(word) if word.isdigit() else _NUMBER_WORDS[word]
    names = [n for n in _NAME_SPLIT.split(who) if n]
    return len(names) if len(names) >= 2 else None


_WAIVED_AFTER = re.compile(
    r"\b(?:be|been|is|are|was|were)\s+(?:waived|written off|cancelled|withdrawn|remitted)\b"
    r"|\bnot be (?:recovered|pursued|collected)\b",
    re.IGNORECASE,
)
_REFUND_LEADS = frozenset({"", "as a", "to", "by way of"})


def _kind_of(match: re.Match[str]) -> PaymentKind:
    if match.group("refund"):
        return "refund"
    return "waiver" if match.group("waiver") else "payment"


def _kind(before: str, after: str) -> PaymentKind:
    """Payment, refund or waiver. The last verb before the sum decides ("refund Mrs B £450 and
    pay her £200" is a refund and a payment), except that "pay Mr J £84 to reimburse his costs"
    and "a £300 refund" are refunds; with no verb before it, "£1,200 of charges should be
    waived" is a waiver."""
    kind_words = list(_KIND_WORD.finditer(before))
    last = kind_words[-1] if kind_words else None
    soon = _KIND_WORD.search(after[:60])
    if soon is not None and soon.group("refund") and (last is None or last.group("payment")):
        lead = after[: soon.start()].strip().lower()
        if lead in _REFUND_LEADS:
            return "refund"
    if last is not None:
        return _kind_of(last)
    if _WAIVED_AFTER.search(after[:100]):
        return "waiver"
    return "refund" if soon is not None and soon.group("refund") else "payment"


_REASON_LEAD = re.compile(r"^\s*(?:each|apiece|\)|,|in total|altogether)\s*", re.IGNORECASE)
_REASON_CUT = re.compile(r",?\s*\b(?:bringing|making)\b.*$", re.IGNORECASE)


def _reason(after: str, who: str | None) -> str | None:
    """What the sum is for: the words after it up to the next sum, without the recipient."""
    text = _ADDS_TO.sub("", after)  # what a further sum adds to is said separately
    text = _FURTHER_TAIL.sub("", MONEY_RE.split(text, maxsplit=1)[0]) if "£" in text else text
    text = _REASON_LEAD.sub("", text).lstrip(" ,;:")
    recipient = _RECIPIENT_AFTER.match(text)
    if recipient and who and recipient.group("who").strip() == who:
        text = text[recipient.end() :]
    text = _REASON_CUT.sub("", text).strip(" ,;:.()")
    if re.match(r"(?:and|or|plus)\b", text, re.IGNORECASE):
        return None
    return text[:300] or None


def _count_word(value: str) -> int | None:
    word = value.lower()
    return int(word) if word.isdigit() else _NUMBER_WORDS.get(word)


@dataclass
class _Sums:
    """The sums of one sentence and what each is: a rate, a total, context, already paid."""

    sentence: str
    matches: list[re.Match[str]]
    rates: list[bool]
    totals: list[bool]
    context: list[bool]
    already: set[int]

    @classmethod
    def of(cls, sentence: str) -> _Sums:
        matches = list(MONEY_RE.finditer(sentence))
        adds = [m.span("what") for m in _ADDS_TO.finditer(sentence)]
        return cls(
            sentence=sentence,
            matches=matches,
            rates=[bool(_RATE_AFTER.match(sentence[m.end() :])) for m in matches],
            totals=[
                bool(
                    _TOTAL_BEFORE.search(sentence[: m.start()])
                    or _TOTAL_AFTER.match(sentence[m.end() :])
                )
                for m in matches
            ],
            context=[any(a <= m.start() < b for a, b in adds) for m in matches],
            already=_already_paid(sentence, matches),
        )

    def clause_of(self, index: int) -> str | None:
        """The "in addition to …" clause that sum `index` sits in."""
        start = self.matches[index].start()
        for match in _ADDS_TO.finditer(self.sentence):
            if match.start("what") <= start < match.end("what"):
                return match.group("what").strip()
        return None

    def skip_reason(self, index: int) -> str | None:
        """Why sum `index` is not a payment row of its own, or None if it is one."""
        others = [i for i in range(len(self.matches)) if i != index]
        if self.totals[index] and any(not self.rates[i] and not self.totals[i] for i in others):
            return "total"
        if self.rates[index] and any(self.totals[i] for i in others):
            return "rate"  # the stated total is the payment
        return None


def _payments_in(
    sentence: str,
    earlier: list[str],
    remedies: Remedies,
    payer: str | None = None,
    breakdown: _Breakdown | None = None,
) -> None:
    """Append one Payment per sum of money in a remedy sentence that asks for (or records) one.

    `payer` is the body a joint decision says pays ("The Borough Council has agreed to:");
    `breakdown` marks sums that only itemise a stated total (skipped) and the total's itemising
    text (added to its reason)."""
    if "£" not in sentence or not _REMEDY_WORD.search(sentence):
        return
    sums = _Sums.of(sentence)
    previous_end = 0
    previous_who: str | None = None
    rate_text: str | None = None
    for index, match in enumerate(sums.matches):
        amount = match_to_pence(match)
        segment, previous_end = sentence[previous_end : match.start()], match.end()
        if amount is None:
            continue
        before, after = sentence[: match.start()], sentence[match.end() :]
        if breakdown is not None and index in breakdown.parts:
            continue  # one line of a stated total's breakdown: the total is the payment
        skip = sums.skip_reason(index)
        if skip == "total":
            remedies.warnings.append(
                f"{format_pence(amount)} read as a total of the other sums, not a payment"
            )
            continue
        if skip == "rate":
            rate_text = _rate_text(amount, after)
            continue
        bracketed = before.rstrip().endswith("(") and after.lstrip().startswith(")")
        if bracketed:  # "refund the top-up fees paid to date (£4,628)": the object, not a name
            who = previous_who or _first_pseudonym(sentence)
            reason = _bracketed_object(before)
        else:
            who = _recipient(segment, after, sentence, previous_who)
            reason = _reason(after, who)
        count = 1
        if breakdown is not None and index in breakdown.totals:
            stated = _LEAD_TAIL.sub("", reason or "").strip(" ,;:") or None
            items = breakdown.totals[index].rstrip(" .;")
            reason = f"{stated}, made up of {items}" if stated else f"made up of {items}"
        if sums.rates[index]:
            count, reason = _rate_count(amount, after, reason, remedies)
        elif sums.totals[index] and rate_text:
            reason = _join(f"stated total of {rate_text}", reason)
        if _EACH_AFTER.match(after) or _EACH_BEFORE.search(before[-60:]):
            counted = _count_recipients(who)
            if counted is None:
                remedies.warnings.append(
                    f"could not count the recipients of {format_pence(amount)} each"
                )
            else:
                count = counted
        further = bool(_FURTHER_BEFORE.search(before))
        already = not further and index in sums.already
        if sums.context[index]:
            reason = sums.clause_of(index)
        if further:
            adds = _ADDS_TO.search(sentence)
            target = adds.group("what").strip() if adds else None
            if target is None and index > 0:  # "the £1,600 it offered and a further £200"
                target = _FURTHER_TAIL.sub(
                    "", sentence[sums.matches[index - 1].start() : match.start()]
                )
                target = "the " + target
            if target is None and earlier:
                target = "the " + " and ".join(earlier) + " mentioned earlier in the remedy"
            reason = _join(
                f"a further {format_pence(amount)} in addition to {target or 'an earlier offer'}",
                reason,
            )
        elif already:
            reason = _join("already paid before the decision", reason)
        elif sums.context[index]:
            reason = _join("earlier sum that a further payment adds to", reason)
        else:
            previous_who = who
        remedies.payments.append(
            Payment(
                amount_pence=amount,
                recipient=who,
                count=count,
                kind=_kind(before, after),
                already_made=already,
                reason=reason,
                payer=payer,
            )
        )


def _first_pseudonym(sentence: str) -> str | None:
    found = _PSEUDONYM_RE.search(sentence)
    return found.group(0) if found else None


def _bracketed_object(before: str) -> str | None:
    """ "refund the top-up fees paid to date (" → "the top-up fees paid to date"."""
    verbs = list(_RECIPIENT_VERB.finditer(before))
    text = before[verbs[-1].end() :] if verbs else before
    return text.rstrip(" (").strip(" ,;:")[:300] or None


def _join(prefix: str, reason: str | None) -> str:
    return f"{prefix}; {reason}" if reason else prefix


def _rate_text(amount: int, after: str) -> str:
    """ "£50 a month for 12 months" — the rate as written, for the reason of its total."""
    span = _RATE_FOR.match(after) or _RATE_AFTER.match(after)
    return format_pence(amount) + (after[: span.end()] if span else "")


def _rate_count(
    amount: int, after: str, reason: str | None, remedies: Remedies
) -> tuple[int, str | None]:
    """A rate with no stated total: "£50 a month for 12 months" → count 12 (exact); without a
    period it is recorded once, with a warning."""
    span = _RATE_FOR.match(after)
    number = _count_word(span.group("n")) if span else None
    rest = after[span.end() :] if span else after[_end_of_rate(after) :]
    reason = _join(_rate_text(amount, after).strip(), _reason(rest, None))
    if number:
        return number, reason
    remedies.warnings.append(
        f"{format_pence(amount)} is a rate with no stated total; recorded once"
    )
    return 1, reason


def _end_of_rate(after: str) -> int:
    match = _RATE_AFTER.match(after)
    return match.end() if match else 0


def _already_paid(sentence: str, matches: list[re.Match[str]]) -> set[int]:
    """Indexes of the sums that "has already paid" (and the like) refers to: each such phrase
    belongs to the nearest sum in the sentence, so "In addition to the £200 it has already
    paid, pay a further £300" marks only the £200."""
    marked: set[int] = set()
    for phrase in _ALREADY.finditer(sentence):
        distances = [max(m.start() - phrase.end(), phrase.start() - m.end(), 0) for m in matches]
        marked.add(distances.index(min(distances)))
    return marked


_PAYER_RE = re.compile(
    r"^(?:to remedy (?:the )?injustice(?: caused)?(?: to [^,]{1,40})?,?\s+)?(?:the\s+)?"
    r"(?P<payer>(?:[A-Z][\w'’&-]*\s+){1,5}?Council)\s+(?:has|have|had|should|will|must|"
    r"agreed|agrees|is to|to)\b",
    re.IGNORECASE,
)
_GENERIC_PAYER = frozenset({"the", "this", "that", "both", "two", "each"})


def payer_of(line: str) -> str | None:
    """The body a line says will act: "To remedy the injustice caused the County Council has
    agreed to:" → "County Council"; "The Borough Council has agreed to:" → "Borough Council".
    None for a generic "the council" (a single body's decision names no payer)."""
    match = _PAYER_RE.match(line)
    if match is None:
        return None
    words = match.group("payer").split()
    if any(not w[:1].isupper() for w in words) or words[0].lower() in _GENERIC_PAYER:
        return None  # "the council" / "the two councils": no particular payer
    return " ".join(
        w[:1].upper() + w[1:].lower() if w.isupper() or w.istitle() else w for w in words
    )


# After a sum, what announces its breakdown: "£1,000: £500 for … and £500 for …", "£1,000,
# made up of:" followed by bullet lines.
_BREAKDOWN_LEAD = re.compile(
    r"[^£.;:]{0,60}?(?::|,?\s*\b(?:made up of|comprising|consisting of|broken down as follows|"
    r"as follows|for the following)\b\s*:?)",
    re.IGNORECASE,
)


_LEAD_TAIL = re.compile(
    r"(?:,?\s*\b(?:made up of|comprising|consisting of|broken down as follows|as follows|"
    r"for the following)\b|:).*$",
    re.IGNORECASE,
)


@dataclass
class _Breakdown:
    """Per sentence: sums that itemise a stated total (index set) and, for each total, its
    itemising text."""

    parts: set[int] = field(default_factory=set)
    totals: dict[int, str] = field(default_factory=dict)


def _breakdowns(sentences: list[str], remedies: Remedies) -> list[_Breakdown]:
    """A stated total followed by its breakdown counts once: the total is the payment, the sums
    that add up to it (on its line, or on the lines that follow it) are only its itemisation."""
    out = [_Breakdown() for _ in sentences]
    for k, sentence in enumerate(sentences):
        if "£" not in sentence:
            continue
        matches = list(MONEY_RE.finditer(sentence))
        for i, match in enumerate(matches):
            total = match_to_pence(match)
            lead = _BREAKDOWN_LEAD.match(sentence, match.end())
            if total is None or lead is None or i in out[k].parts:
                continue
            rest = sentence[lead.end() :].strip()
            if rest:
                parts, running = [], 0
                for j in range(i + 1, len(matches)):
                    running += match_to_pence(matches[j]) or 0
                    parts.append(j)
                    if running >= total:
                        break
                if running != total or len(parts) < 2:
                    continue
                out[k].parts.update(parts)
                out[k].totals[i] = rest[:300]
            else:
                lines, running = [], 0
                for later in range(k + 1, len(sentences)):
                    found = MONEY_RE.search(sentences[later])
                    if found is None:
                        break
                    running += match_to_pence(found) or 0
                    lines.append(later)
                    if running >= total:
                        break
                if running != total or len(lines) < 2:
                    continue
                for later in lines:
                    out[later].parts.add(0)
                out[k].totals[i] = "; ".join(sentences[x] for x in lines)[:300]
            remedies.warnings.append(
                f"{format_pence(total)} read with its breakdown as one payment, not counted twice"
            )
    return out


def read_remedies(section: str, final_decision: str = "") -> Remedies:
    """Payments, remedy types and deadlines of one remedy section.

    In a joint decision the section says which body does what ("The County Council has agreed
    to: … The Borough Council has agreed to: …"): each payment carries that payer."""
    remedies = Remedies()
    earlier: list[str] = []
    types: set[str] = set()
    sentences: list[str] = []
    payers: list[str | None] = []
    payer: str | None = None
    for line in section.split("\n"):
        line = _BULLET.sub("", line.strip())
        if not line:
            continue
        if len(line) < 200 and "ouncil" in line:
            payer = payer_of(line) or payer
        for part in _SENTENCE_END.split(line):
            if part.strip():
                sentences.append(part.strip())
                payers.append(payer)
    breakdowns = _breakdowns(sentences, remedies)
    for sentence, sentence_payer, breakdown in zip(sentences, payers, breakdowns, strict=True):
        _payments_in(sentence, earlier, remedies, sentence_payer, breakdown)
        earlier.extend(format_pence(m) for m in _amounts(sentence))
        for name, pattern in _TYPE_PATTERNS:
            if name == "apology" and _APOLOGY_DONE.search(sentence):
                continue
            if pattern.search(sentence):
                types.add(name)
    for payment in remedies.payments:
        if not payment.already_made:
            types.add(_TYPE_OF_KIND[payment.kind])
    if not types and section.strip():
        types.add("other")
    remedies.remedy_types = [t for t in REMEDY_TYPES if t in types]  # type: ignore[misc]
    remedies.deadlines = find_deadlines(section + "\n" + final_decision)
    return remedies


def _amounts(sentence: str) -> list[int]:
    return [p for m in MONEY_RE.finditer(sentence) if (p := match_to_pence(m)) is not None]


def find_deadlines(text: str) -> list[str]:
    """Deadlines as written, first letter lower-cased, first occurrence order, no repeats."""
    seen: dict[str, None] = {}
    for match in _DEADLINE_RE.finditer(text):
        value = re.sub(r"\s+", " ", match.group(0))
        seen.setdefault(value[:1].lower() + value[1:], None)
    return list(seen)


def find_complainants(*texts: str) -> list[str]:
    """Pseudonyms of the people complaining, as written ("Mr Q", "Mr and Mrs L").

    Someone who "complains"/"says" in the summary or complaint section is a complainant; if
    nobody does, the first pseudonym in the first text that has one.
    """
    found: dict[str, None] = {}
    for text in texts:
        for match in _COMPLAINS_RE.finditer(text):
            found.setdefault(match.group("a"), None)
            if match.group("b"):
                found.setdefault(match.group("b"), None)
        if found:
            return list(found)
    for text in texts:
        first = _PSEUDONYM_RE.search(text)
        if first:
            return [first.group(0)]
    return []
