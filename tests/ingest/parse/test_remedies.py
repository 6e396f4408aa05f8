"""Payments, remedy types, deadlines and complainants — each shape issue 4 lists."""

from __future__ import annotations

import pytest

from ingest.parse.model import Payment, remedy_totals
from ingest.parse.remedies import find_complainants, find_deadlines, read_remedies


def rows(section: str) -> list[tuple[int, str | None, int, str, bool]]:
    return [
        (p.amount_pence, p.recipient, p.count, p.kind, p.already_made)
        for p in read_remedies(section).payments
    ]


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        (
            "• Pay D and G £200 each to recognise the impact.",
            [(20000, "D and G", 2, "payment", False)],
        ),
        (
            "Pay Mr and Mrs L £3,000 for the distress.",
            [(300000, "Mr and Mrs L", 1, "payment", False)],
        ),
        ("Pay Mr and Mrs L £200 each.", [(20000, "Mr and Mrs L", 2, "payment", False)]),
        (
            "Pay each of Mrs P's three children £150.",
            [(15000, "Mrs P's three children", 3, "payment", False)],
        ),
        ("Pay Ms K £1,250.50 for her time and trouble.", [(125050, "Ms K", 1, "payment", False)]),
        ("The Council will pay Ms K £2k for her time.", [(200000, "Ms K", 1, "payment", False)]),
        (
            "Pay Mr D £50 a month for 12 months (£600 in total).",
            [(60000, "Mr D", 1, "payment", False)],
        ),
        ("Pay Mr D £50 a month for 12 months.", [(5000, "Mr D", 12, "payment", False)]),
        (
            "The Council has already paid Mrs F £250 for the missed care.",
            [(25000, "Mrs F", 1, "payment", True)],
        ),
        ("Refund Mrs B £1,250.50 for the fees she paid.", [(125050, "Mrs B", 1, "refund", False)]),
        ("Reimburse Mr J £84.20 for his travel costs.", [(8420, "Mr J", 1, "refund", False)]),
        ("Pay Mr J £84 to reimburse his costs.", [(8400, "Mr J", 1, "refund", False)]),
        (
            "Waive the £1,200 of care charges owed by Mrs M.",
            [(120000, "Mrs M", 1, "waiver", False)],
        ),
        ("Pay £250 to Mr Y to recognise his distress.", [(25000, "Mr Y", 1, "payment", False)]),
        (
            "Make a payment of £250 to Mr Y for his distress.",
            [(25000, "Mr Y", 1, "payment", False)],
        ),
        (
            "Pay Mrs A £300 and her son, B, £100.",
            [(30000, "Mrs A", 1, "payment", False), (10000, "her son, B", 1, "payment", False)],
        ),
        (
            "Refund Mr T £85 and pay him £150.",
            [(8500, "Mr T", 1, "refund", False), (15000, "him", 1, "payment", False)],
        ),
        (
            "Pay Mx B £150 to recognise the frustration caused.",
            [(15000, "Mx B", 1, "payment", False)],
        ),
    ],
)
def test_payment_shapes(section: str, expected: list[tuple[int, str, int, str, bool]]) -> None:
    assert rows(section) == expected


def test_a_further_payment_says_what_it_adds_to() -> None:
    remedies = read_remedies(
        "In addition to the £300 it has already paid, the Council will pay Mrs C a further £200 "
        "to recognise the avoidable distress."
    )
    assert remedies.payments == [
        Payment(
            amount_pence=30000,
            recipient="Mrs C",
            kind="payment",
            already_made=True,
            reason="already paid before the decision; the £300 it has already paid",
        ),
        Payment(
            amount_pence=20000,
            recipient="Mrs C",
            reason=(
                "a further £200 in addition to the £300 it has already paid; "
                "to recognise the avoidable distress"
            ),
        ),
    ]
    assert remedy_totals(remedies.payments, True) == (20000, 0)


def test_a_further_payment_after_an_earlier_sentence() -> None:
    remedies = read_remedies("The Council offered Mrs C £1,600.\nIt should pay a further £200.")
    assert [p.amount_pence for p in remedies.payments] == [160000, 20000]
    assert remedies.payments[1].reason == (
        "a further £200 in addition to the £1,600 mentioned earlier in the remedy"
    )


def test_monthly_rate_reason_and_unstated_total_warning() -> None:
    stated = read_remedies("Pay Mr D £50 a month for 12 months (£600 in total) for lost respite.")
    reason = "stated total of £50 a month for 12 months; for lost respite"
    assert stated.payments[0].reason == reason
    bare = read_remedies("Pay Mr D £50 a month for lost respite.")
    assert rows("Pay Mr D £50 a month for lost respite.") == [(5000, "Mr D", 1, "payment", False)]
    assert bare.warnings == ["£50 is a rate with no stated total; recorded once"]


def test_a_total_of_other_sums_is_not_counted_twice() -> None:
    remedies = read_remedies("Pay Ms H £400, bringing the total to £1,800 after previous offers.")
    assert rows("Pay Ms H £400, bringing the total to £1,800 after previous offers.") == [
        (40000, "Ms H", 1, "payment", False)
    ]
    assert remedies.warnings == ["£1,800 read as a total of the other sums, not a payment"]


def test_amounts_stated_as_facts_are_not_payments() -> None:
    assert rows("The Council charged Mrs Z £3,000 for care between 2019 and 2020.") == []


def test_waivers_and_already_made_do_not_count_in_the_remedy_total() -> None:
    remedies = read_remedies(
        "• Waive the £1,200 of care charges owed by Mrs M.\n"
        "• The Council has already paid Mrs M £100.\n"
        "• Pay Mrs M £250 for her distress."
    )
    assert remedy_totals(remedies.payments, True) == (25000, 120000)
    assert remedies.remedy_types == ["financial_payment", "other"]  # a waiver is "other"


def test_each_without_countable_recipients_warns() -> None:
    remedies = read_remedies("Pay the family £100 each.")
    assert rows("Pay the family £100 each.") == [(10000, "the family", 1, "payment", False)]
    assert remedies.warnings == ["could not count the recipients of £100 each"]


@pytest.mark.parametrize(
    ("section", "types"),
    [
        ("Apologise to Mrs B.", ["apology"]),
        ("The Council has already apologised to Mrs B.", ["other"]),
        ("Review its procedures for handling complaints.", ["procedure_review"]),
        ("Review the action log and set targets.", ["procedure_review"]),
        ("Remind staff of the need to record visits.", ["staff_training"]),
        ("Provide training to its social workers.", ["staff_training"]),
        ("Carry out a new needs assessment for Mr C.", ["reassessment"]),
        ("Amend its records to remove the incorrect entry.", ["record_correction"]),
        ("Reconsider Mrs D's application.", ["reconsider_decision"]),
        ("Refund Mrs B £40.", ["refund"]),
        ("Pay Mrs B £40.", ["financial_payment"]),
        ("Put in place a system to track reviews.", ["service_improvement"]),
        ("Arrange a meeting with Mr E.", ["other"]),
    ],
)
def test_remedy_types(section: str, types: list[str]) -> None:
    assert read_remedies(section).remedy_types == types


def test_deadlines() -> None:
    text = (
        "Within four weeks of the final decision, apologise. Within 3 months of the final "
        "decision, review. within one month of the date of the final decision. Within four "
        "weeks of the final decision, pay."
    )
    assert find_deadlines(text) == [
        "within four weeks of the final decision",
        "within 3 months of the final decision",
        "within one month of the date of the final decision",
    ]


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (("Mr Q complains about the Council.",), ["Mr Q"]),
        (("Mx B says the Council failed to act.",), ["Mx B"]),
        (("Mr and Mrs L complain about noise from Mr K.",), ["Mr and Mrs L"]),
        (("Mrs B complains on behalf of her mother, Mrs C.",), ["Mrs B"]),
        (("Ms R and Mr S complained about the delay.",), ["Ms R", "Mr S"]),
        (("", "The Council wrote to Mrs Y."), ["Mrs Y"]),
        (("The Council wrote to nobody.",), []),
    ],
)
def test_complainants(texts: tuple[str, ...], expected: list[str]) -> None:
    assert find_complainants(*texts) == expected


# --- money as a journalist reads it (issue 13) -------------------------------------------------


def total_of(section: str) -> int | None:
    remedies = read_remedies(section)
    return remedy_totals(remedies.payments, True)[0]


@pytest.mark.parametrize(
    "section",
    [
        "Pay Mrs X £1,000: £500 for her distress and £500 for her time and trouble.",
        "Pay Mrs X £1,000, made up of £500 for her distress and £500 for her time and trouble.",
        "Pay Mrs X £1,000 made up of:\n• £500 to recognise her distress\n"
        "• £500 to recognise her time and trouble",
        "Pay Mrs X £1,000 as follows:\n1. £600 for the lost respite;\n2. £400 for her distress.",
        "Pay Mrs X £1,000 comprising £250 to recognise her time, £250 for the delay and £500 "
        "for her distress.",
    ],
)
def test_a_stated_total_and_its_breakdown_count_once(section: str) -> None:
    remedies = read_remedies(section)
    assert [(p.amount_pence, p.recipient) for p in remedies.payments] == [(100000, "Mrs X")]
    assert remedies.payments[0].reason is not None
    assert "made up of £" in remedies.payments[0].reason
    assert total_of(section) == 100000
    assert remedies.warnings == ["£1,000 read with its breakdown as one payment, not counted twice"]


def test_sums_after_a_colon_that_do_not_add_up_are_payments() -> None:
    section = "Pay Mrs X £1,000: this recognises her distress. Pay Mr X £300 for his time."
    assert total_of(section) == 130000
    partial = "Pay Mrs X £1,000: £500 now and £200 for her costs."
    assert total_of(partial) == 170000  # not its breakdown: each is read


def test_refund_in_brackets() -> None:
    remedies = read_remedies("• refund the top-up fees paid to date (£4,628)")
    assert [(p.amount_pence, p.kind, p.recipient, p.reason) for p in remedies.payments] == [
        (462800, "refund", None, "the top-up fees paid to date")
    ]
    assert "refund" in remedies.remedy_types
    named = read_remedies("reimburse Mrs B for the care fees she paid (£1,250)")
    assert [(p.amount_pence, p.kind, p.recipient) for p in named.payments] == [
        (125000, "refund", "Mrs B")
    ]


def test_payers_of_a_joint_decision() -> None:
    section = (
        "To remedy the injustice caused the County Council has agreed to:\n"
        "apologise to the man\n"
        "pay him £2,000 to recognise the frustration and distress caused by the delays; and\n"
        "review its practice.\n"
        "The Borough Council has agreed to:\n"
        "apologise to the man and\n"
        "pay him £300 for the frustration and time and trouble caused.\n"
        "The two councils have also agreed to review how they work together."
    )
    payments = read_remedies(section).payments
    assert [(p.amount_pence, p.payer) for p in payments] == [
        (200000, "County Council"),
        (30000, "Borough Council"),
    ]
    assert remedy_totals(payments, True) == (230000, 0)
    for own, total in (("County Council", 200000), ("Borough Council", 30000)):
        shares = [p.model_copy(update={"own": p.payer == own}) for p in payments]
        assert remedy_totals(shares, True) == (total, 0)


def test_a_single_bodys_remedy_names_no_payer() -> None:
    for section in (
        "To remedy the injustice caused, the council has agreed to:\npay Mrs B £250.",
        "The Council should pay Mrs B £250.",
        "The two councils have agreed to pay Mrs B £250.",
    ):
        assert [p.payer for p in read_remedies(section).payments] == [None]
    named = read_remedies("Mercia City Council has agreed to pay Mrs B £250.")
    assert [p.payer for p in named.payments] == ["Mercia City Council"]
