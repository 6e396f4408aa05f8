"""The app never imports `ingest`: the API serves what is stored and shares only the vocabulary
in app/vocabulary.py with the ingest jobs. `app/__main__.py` is the one exception: it is the
`python -m app` entry point of the `ombudsman` command, which lives in ingest/cli.py."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from app.config import PROJECT_ROOT

APP = PROJECT_ROOT / "app"


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_app_module_imports_ingest() -> None:
    offenders = {
        str(path.relative_to(PROJECT_ROOT)): sorted(
            m for m in _imported_modules(path) if m == "ingest" or m.startswith("ingest.")
        )
        for path in APP.rglob("*.py")
        if path.name != "__main__.py"
    }
    assert {path: mods for path, mods in offenders.items() if mods} == {}


def test_the_app_starts_without_ingest_loaded() -> None:
    code = (
        "import sys, app.main, app.search.refill, app.explorer.routes; "
        "print(sorted(m for m in sys.modules if m == 'ingest' or m.startswith('ingest.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
