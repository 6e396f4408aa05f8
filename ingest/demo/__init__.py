"""Synthetic demo corpus: fictional LGSCO-style decisions with their exact ground truth.

Used by `ombudsman demo-data`, by `make run` (2,000 documents on first start) and by the
benchmarks (100,000). Every body is fictional (see `names.py`) and every record is marked
`source: synthetic`, so demo data can never be mistaken for a real finding against a real
council. Each document carries the record a correct parser must produce for it, which makes
the corpus a round-trip test of the parser as well as demo data.

Generation is deterministic: document i depends only on (seed, i), so `generate(n, seed)` is
a prefix of `generate(m, seed)` for n < m, and the output is identical on every machine.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from ingest.demo.texts import DemoDecision, Length, build

__all__ = ["DemoDecision", "Length", "generate", "to_jsonl_line", "write_jsonl"]


def generate(count: int, seed: int = 0, length: Length = "short") -> Iterator[DemoDecision]:
    """Yield `count` synthetic decisions; the same (count, seed, length) always yields the same.

    References are unique within one seed for up to 1,000,000 documents. `length="realistic"`
    gives the real corpus's lengths (median about 1,800 words; see demo/chronology.py).
    """
    if count < 0:
        raise ValueError("count must not be negative")
    for index in range(count):
        yield build(index, seed, length)


def to_jsonl_line(d: DemoDecision) -> str:
    """One line of the `.jsonl` input format of `ombudsman ingest` (no trailing newline).

    Carries what a crawler would have: the text, the page URL and the listing metadata.
    """
    meta = d.metadata
    return json.dumps(
        {
            "text": d.text,
            "url": d.url,
            "decided_on": meta.decided_on.isoformat() if meta.decided_on else None,
            "category": meta.category,
            "outcome_text": meta.outcome_text,
            "source": "synthetic",
        },
        ensure_ascii=False,
    )


def write_jsonl(path: Path, count: int, seed: int = 0, length: Length = "short") -> int:
    """Write `count` decisions to `path` as JSON lines; returns the number written."""
    written = 0
    with path.open("w", encoding="utf-8") as out:
        for d in generate(count, seed, length):
            out.write(to_jsonl_line(d))
            out.write("\n")
            written += 1
    return written
