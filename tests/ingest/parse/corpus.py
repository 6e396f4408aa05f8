"""Access to the shared reference corpus (../shared/corpus), which is never copied here."""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[3]
CORPUS = (PROJECT_ROOT / ".." / "shared" / "corpus").resolve()
DECISIONS = CORPUS / "decisions"
CUMBRIA = "cumbria-county-council-17-015-692.txt"
WARWICKSHIRE = "warwickshire-county-council-24-013-077.txt"


def decision_path(name: str) -> Path:
    """Path of a shared decision, or skip the test when the corpus is not checked out."""
    path = DECISIONS / name
    if not path.is_file():
        pytest.skip(f"shared corpus file {path} not present (expected ../shared/corpus)")
    return path


def decision_text(name: str) -> str:
    return decision_path(name).read_text(encoding="utf-8")
