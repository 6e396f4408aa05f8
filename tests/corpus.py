"""Access to the shared reference corpus (../shared/corpus), which is never copied here.

A test that needs it skips, saying why, when the folder is not beside the project.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import PROJECT_ROOT

CORPUS = (PROJECT_ROOT.parent / "shared" / "corpus").resolve()
CUMBRIA = "cumbria-county-council-17-015-692.txt"
WARWICKSHIRE = "warwickshire-county-council-24-013-077.txt"


def corpus_path(*parts: str) -> Path:
    """A file or folder of the shared corpus, or a skip saying why it is missing."""
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        pytest.skip(
            f"shared corpus not found at {path} (it lives beside the project, in ../shared)"
        )
    return path


def decision_path(name: str) -> Path:
    return corpus_path("decisions", name)


def decision_text(name: str) -> str:
    return decision_path(name).read_text(encoding="utf-8")
