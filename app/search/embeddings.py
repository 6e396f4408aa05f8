"""Sentence embeddings on the CPU: what a decision is about, and a query, as one vector each.

The model is WordLlama 0.4.0.post1 (`l2_supercat`, 256 dimensions), a static model: a token's
vector is looked up in a table and a text's vector is the mean of its tokens', so a query takes
tens of microseconds and a batch of decisions is one NumPy operation (docs/semantic.md has the
measurements that chose it). Its weights and tokenizer ship inside the wheel; nothing is ever
downloaded (`disable_download`, and the package's own folder as the "cache" it looks in).

Loaded once per process, lazily, by the first caller of `embedder()` (thread-safe): the
command line loads it only when it has something to embed, and the API loads it at start-up
(app/main.py) so the first hybrid search does not pay for it and a broken install fails there.

Vectors are unit length (Meilisearch compares them by cosine anyway) and rounded to 6 decimals,
so what PostgreSQL stores and what Meilisearch receives are the same numbers.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from app.search.boilerplate import about_lines

MODEL_NAME = "wordllama-0.4.0.post1/l2_supercat-256"  # stored beside each vector
DIMENSIONS = 256
EMBEDDER = "decisions"  # the Meilisearch embedder's name (index SETTINGS, `_vectors`, hybrid)
# The sections that say what a decision is about (SPEC §3), after its summary.
ABOUT_SECTIONS = ("complaint", "findings", "analysis", "agreed_action")
# A static model averages its tokens, so the opening (summary, complaint, the first findings)
# must not drown in the rest: on the judged set 2,000 characters beat 6,000 (hybrid nDCG@10
# 0.735 against 0.730, /similar's share of the same sub-category 54% against 47%;
# docs/benchmarks.md). About 500 tokens, which also keeps padded batches small.
MAX_CHARS = 2_000
BATCH = 32


class _Model(Protocol):
    def embed(self, texts: list[str], norm: bool = ..., batch_size: int = ...) -> Any: ...


def embedding_text(summary: str | None, sections: Mapping[str, Any] | None) -> str:
    """The text a decision's vector is computed from: summary, complaint, findings, analysis
    and remedy, without the standard sentences; empty when there is none."""
    parts = [summary or ""]
    for key in ABOUT_SECTIONS:
        value = (sections or {}).get(key)
        if isinstance(value, str):
            parts.append(about_lines(value))
    return "\n".join(p for p in parts if p.strip())[:MAX_CHARS]


class Embedder:
    def __init__(self, model: _Model) -> None:
        self._model = model

    def embed(self, texts: list[str]) -> list[list[float]]:
        """One unit vector per text, in vectorised batches of BATCH texts.

        wordllama pads a batch to its longest text and averages under a mask, so the texts go
        in shortest first: a batch then holds texts of about one length and pads little (the
        result of each text does not depend on its batch).
        """
        if not texts:
            return []
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        matrix = self._model.embed([texts[i] for i in order], norm=True, batch_size=BATCH)
        rows = np.empty(matrix.shape, dtype=np.float64)
        rows[order] = matrix
        result: list[list[float]] = rows.round(6).tolist()
        return result

    def embed_query(self, text: str) -> list[float]:
        return self.embed([text])[0]


def _load() -> Embedder:
    # wordllama calls logging.basicConfig(level=INFO) when imported: keep the root logger as
    # the application configured it (app/observability.py).
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    import wordllama
    from wordllama import WordLlama

    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)
    package = Path(wordllama.__file__).parent  # holds weights/ and tokenizers/
    model = WordLlama.load(config="l2_supercat", dim=DIMENSIONS, cache_dir=package,
                           disable_download=True)  # fmt: skip
    return Embedder(model)


_lock = threading.Lock()
_embedder: Embedder | None = None


def embedder() -> Embedder:
    """The process's model, loaded on first use."""
    global _embedder
    if _embedder is None:
        with _lock:
            if _embedder is None:
                _embedder = _load()
    return _embedder
