"""The synthetic demo corpus: deterministic, fictional, complete, consistent with its truth.

The round-trip test at the end is the parser's exam on 1,000 documents whose correct record
is known exactly: parse(generate(x)) == x on every field a journalist would rely on.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from ingest.demo import DemoDecision, Length, generate, to_jsonl_line, write_jsonl
from ingest.demo.content import CATEGORIES
from ingest.demo.names import CARE_PROVIDERS, COUNCILS, OTHER_BODIES
from ingest.demo.texts import LISTING_OUTCOME_TEXTS, OLD_OUTCOME_TEXTS, UPHELD_NO_INJUSTICE
from ingest.parse.model import OUTCOMES, REMEDY_TYPES, SECTION_KEYS, Payment, remedy_totals

# Kept here, independent of names.py's own exclusion list, so a change there cannot silently
# let a real authority in.
REAL_AUTHORITIES = (
    "Kent", "Cumbria", "Warwickshire", "Lancashire", "Cambridgeshire", "Manchester", "Leeds",
    "Birmingham", "Camden", "Surrey", "Essex", "Devon", "Liverpool", "Bristol", "Westminster",
    "Norfolk", "Hampshire", "Cornwall", "Sheffield", "Croydon", "Lambeth", "Hackney", "Leicester",
    "Nottingham", "Derbyshire", "Wiltshire", "Somerset", "Dorset", "Suffolk", "Oxfordshire",
)  # fmt: skip
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
REFERENCE = re.compile(r"^\d\d \d\d\d \d\d\d$")


@pytest.fixture(scope="module")
def corpus() -> list[DemoDecision]:
    return list(generate(2000, seed=0))


def _pounds(pence: int) -> str:
    pounds, rest = divmod(pence, 100)
    return f"£{pounds:,}" if rest == 0 else f"£{pounds:,}.{rest:02d}"


# --- determinism -----------------------------------------------------------------------------


def test_same_seed_same_output() -> None:
    first = [to_jsonl_line(d) for d in generate(200, seed=7)]
    second = [to_jsonl_line(d) for d in generate(200, seed=7)]
    assert first == second
    assert [d.truth for d in generate(50, seed=7)] == [d.truth for d in generate(50, seed=7)]


def test_different_seed_different_output() -> None:
    a = [d.text for d in generate(100, seed=1)]
    b = [d.text for d in generate(100, seed=2)]
    assert sum(x != y for x, y in zip(a, b, strict=True)) > 95


def test_shorter_run_is_a_prefix_of_a_longer_one() -> None:
    short = [d.text for d in generate(30, seed=3)]
    long = [d.text for d in generate(90, seed=3)]
    assert long[:30] == short


def test_count_is_exact(corpus: list[DemoDecision]) -> None:
    assert len(corpus) == 2000
    assert list(generate(0)) == []
    with pytest.raises(ValueError, match="negative"):
        list(generate(-1))


def test_references_unique(corpus: list[DemoDecision]) -> None:
    refs = [d.truth.reference for d in corpus]
    assert len(set(refs)) == len(refs)
    assert all(r is not None and REFERENCE.match(r) for r in refs)


# --- fictional bodies only -------------------------------------------------------------------


def test_about_320_distinct_fictional_councils() -> None:
    assert len(set(COUNCILS)) == len(COUNCILS) >= 300
    assert len(set(CARE_PROVIDERS)) >= 24
    for example in ("Borsetshire County Council", "Wexmoor District Council"):
        assert example in COUNCILS


def test_no_real_authority_names() -> None:
    names = [*COUNCILS, *CARE_PROVIDERS, *(b[0] for b in OTHER_BODIES)]
    real = {r.lower() for r in REAL_AUTHORITIES}
    for name in names:
        words = {w.lower() for w in re.findall(r"[A-Za-z]+", name)}
        assert not words & real, name
        stem = name.removeprefix("London Borough of ").split(" ")[0].lower()
        assert not any(stem.startswith(r) for r in real), name


def test_no_real_authority_in_texts(corpus: list[DemoDecision]) -> None:
    pattern = re.compile(r"\b(" + "|".join(REAL_AUTHORITIES) + r")\b")
    hits = [(d.truth.reference, m.group(0)) for d in corpus for m in pattern.finditer(d.text)]
    assert hits == []


# --- coverage --------------------------------------------------------------------------------


def test_covers_every_category_and_several_subcategories(corpus: list[DemoDecision]) -> None:
    seen = Counter((d.truth.category, d.truth.subcategory) for d in corpus)
    for category in CATEGORIES:
        subs = {s for (c, s) in seen if c == category.name}
        assert len(subs) >= min(4, len(category.subs)), category.name
    assert ("Children's care services", "Child protection") in seen
    assert ("Education", "Special educational needs") in seen


def test_covers_every_outcome_and_outcome_text(corpus: list[DemoDecision]) -> None:
    assert {d.truth.outcome for d in corpus} == set(OUTCOMES)
    texts = {d.truth.outcome_text for d in corpus}
    wanted = {t for ts in OLD_OUTCOME_TEXTS.values() for t in ts} | {UPHELD_NO_INJUSTICE}
    assert wanted <= texts
    assert set(LISTING_OUTCOME_TEXTS.values()) <= texts
    assert None in texts  # new layout, outcome only in prose
    inferred = [d for d in corpus if d.truth.outcome_inferred]
    assert {d.truth.outcome for d in inferred} == {
        "upheld",
        "not_upheld",
        "closed_after_initial_enquiries",
    }


def test_covers_both_layouts_and_dates(corpus: list[DemoDecision]) -> None:
    old = [d for d in corpus if "\nDecision : " in d.text]
    new = [d for d in corpus if "\nDecision : " not in d.text]
    assert len(old) > 500
    assert len(new) > 500
    assert all("Category : " not in d.text and "Decision date" not in d.text for d in new)
    assert any(d.truth.decided_on is None for d in new)
    years = {d.truth.decided_on.year for d in corpus if d.truth.decided_on}
    assert years == set(range(2013, 2027))
    assert any("- " in d.text for d in new)
    assert any("• " in d.text for d in old)


def test_covers_every_payment_shape(corpus: list[DemoDecision]) -> None:
    payments = [p for d in corpus for p in d.truth.payments]
    assert {p.kind for p in payments} == {"payment", "refund", "waiver"}
    assert any(p.already_made for p in payments)
    assert any(p.count == 2 and p.recipient and " and " in p.recipient for p in payments)
    assert any(p.recipient and p.recipient.startswith("Mr and Mrs ") for p in payments)
    assert any(p.amount_pence % 100 for p in payments)
    assert any(p.reason and "a further" in p.reason for p in payments)
    totals = {d.truth.remedy_total_pence for d in corpus}
    assert None in totals
    assert 0 in totals
    assert any(t and t > 0 for t in totals if t is not None)
    assert any(d.truth.waived_total_pence for d in corpus)


def test_covers_bodies_remedies_people(corpus: list[DemoDecision]) -> None:
    assert {d.truth.body_type for d in corpus} == {"council", "care_provider", "other"}
    assert len({d.truth.council_name for d in corpus}) > 250
    types = {t for d in corpus for t in d.truth.remedy_types}
    assert types == set(REMEDY_TYPES)
    titles = {d.truth.complainants[0].rsplit(" ", 1)[0] for d in corpus}
    assert {"Mr", "Mrs", "Ms", "Mx", "Mr and Mrs"} <= titles
    deadlines = {x for d in corpus for x in d.truth.deadlines}
    assert "within one month of the final decision" in deadlines
    assert "within three months of the final decision" in deadlines


def test_vocabulary_is_varied(corpus: list[DemoDecision]) -> None:
    text = "\n".join(d.text for d in corpus)
    for term in (
        "EHC plan",
        "education, health and care",
        "SEN",
        "disabled facilities grant",
        "DoLS",
        "penalty charge notice",
        "homelessness",
    ):
        assert term in text, term
    words = [len(d.text.split()) for d in corpus]
    assert 550 <= sum(words) / len(words) <= 850
    assert min(words) >= 400
    assert max(words) <= 1000


# --- truth is consistent with itself and with the text ---------------------------------------


def test_truth_is_consistent(corpus: list[DemoDecision]) -> None:
    for d in corpus:
        t = d.truth
        assert t.source == "synthetic"
        assert t.body == d.text.strip()
        assert d.text.startswith(f"{t.council_name} ({t.reference})\n")
        assert t.reference
        assert d.url.endswith("/" + t.reference.replace(" ", "-"))
        assert (
            d.url
            == f"https://www.lgo.org.uk/decisions/{t.category_slug}/{t.subcategory_slug}/"
            + (t.reference.replace(" ", "-"))
        )
        for slug in (t.council_slug, t.category_slug, t.subcategory_slug):
            assert slug
            assert SLUG.match(slug)
        assert f"Summary: {t.summary}\n" in d.text
        assert set(t.sections) <= set(SECTION_KEYS)
        assert {"complaint", "final_decision"} <= set(t.sections)
        has_remedy = "agreed_action" in t.sections
        assert (t.remedy_total_pence, t.waived_total_pence) == remedy_totals(t.payments, has_remedy)
        if t.outcome != "upheld":
            assert not has_remedy
            assert t.remedy_total_pence is None
            assert t.payments == []
        remedy_text = t.sections.get("agreed_action", "")
        for p in t.payments:
            assert _pounds(p.amount_pence) in remedy_text or (
                p.reason and "a total of" in (remedy_text)
            )
        for deadline in t.deadlines:
            assert deadline in remedy_text
        for name in t.complainants:
            assert name in d.text
        if t.outcome_inferred:
            assert t.outcome_text is None
            assert d.metadata.outcome_text is None
        if "\nDecision : " not in d.text:
            assert t.decided_on == d.metadata.decided_on


def test_jsonl_lines(corpus: list[DemoDecision], tmp_path: Path) -> None:
    for d in corpus[:300]:
        obj = json.loads(to_jsonl_line(d))
        assert isinstance(obj, dict)
        assert set(obj) == {"text", "url", "decided_on", "category", "outcome_text", "source"}
        assert obj["text"] == d.text
        assert obj["url"] == d.url
        assert obj["source"] == "synthetic"
    path = tmp_path / "demo.jsonl"
    assert write_jsonl(path, 25, seed=0) == 25
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines == [to_jsonl_line(d) for d in corpus[:25]]


# --- round trip through the parser -----------------------------------------------------------

COMPARED = (
    "reference",
    "council_name",
    "council_slug",
    "body_type",
    "category",
    "subcategory",
    "category_slug",
    "subcategory_slug",
    "outcome",
    "outcome_text",
    "outcome_inferred",
    "decided_on",
    "summary",
    "remedy_total_pence",
    "waived_total_pence",
    "complainants",
    "deadlines",
)


def _payment_rows(payments: list[Payment]) -> list[tuple[int, str | None, int, str, bool]]:
    return [(p.amount_pence, p.recipient, p.count, p.kind, p.already_made) for p in payments]


@pytest.mark.parametrize(("length", "count"), [("short", 1000), ("realistic", 300)])
def test_round_trip_parse_generate(length: Length, count: int) -> None:
    record = pytest.importorskip("ingest.parse.record")
    problems: list[str] = []
    for d in generate(count, seed=11, length=length):
        got = record.parse_text(d.text, url=d.url, metadata=d.metadata, source="synthetic")
        want = d.truth
        diffs = {f: (getattr(want, f), getattr(got, f)) for f in COMPARED}
        diffs["payments"] = (_payment_rows(want.payments), _payment_rows(got.payments))
        diffs["remedy_types"] = (sorted(want.remedy_types), sorted(got.remedy_types))
        diffs["sections"] = (sorted(want.sections), sorted(got.sections))
        diffs["source"] = (want.source, got.source)
        for field_name, (w, g) in diffs.items():
            if w != g:
                problems.append(f"{want.reference} {field_name}: truth={w!r} parsed={g!r}")
    assert not problems, f"{len(problems)} disagreements:\n" + "\n".join(problems[:40])


def test_round_trip_further_payment_reason_names_what_it_adds_to() -> None:
    record = pytest.importorskip("ingest.parse.record")
    checked = 0
    for d in generate(600, seed=11):
        for want in d.truth.payments:
            if not (want.reason and want.reason.startswith("a further")):
                continue
            earlier = re.findall(r"£[\d,.]+\d", want.reason)[1]  # "a further £200 on top of …"
            got = record.parse_text(d.text, url=d.url, metadata=d.metadata, source="synthetic")
            reasons = [p.reason or "" for p in got.payments if p.amount_pence == want.amount_pence]
            assert any(earlier in r for r in reasons), (d.truth.reference, earlier, reasons)
            checked += 1
    assert checked > 5


def test_realistic_lengths_follow_the_real_corpus() -> None:
    """Median about 1,800 words, one in ten over 4,000, a few over 12,000 (demo/chronology.py)."""
    words = sorted(len(d.text.split()) for d in generate(4000, seed=3, length="realistic"))
    median, p90 = words[len(words) // 2], words[int(len(words) * 0.9)]
    assert 1_600 <= median <= 2_000
    assert 3_700 <= p90 <= 4_500
    assert 0 < sum(w > 12_000 for w in words) <= 20
    assert max(words) <= 21_000


def test_realistic_documents_are_the_short_ones_with_a_longer_chronology() -> None:
    for short, long in zip(
        generate(50, seed=4), generate(50, seed=4, length="realistic"), strict=True
    ):
        same = ("reference", "council_name", "outcome", "summary", "payments", "remedy_total_pence")
        assert {f: getattr(short.truth, f) for f in same} == {
            f: getattr(long.truth, f) for f in same
        }
        assert len(long.text) >= len(short.text)
