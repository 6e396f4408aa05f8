"""The `ombudsman` command, run as a user runs it: a subprocess against the real services."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from tests.conftest import ombudsman
from tests.corpus import corpus_path


def test_parse_prints_the_record_without_a_database(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    done = ombudsman(
        "parse", str(corpus_path("decisions", "cumbria-county-council-17-015-692.txt")), env=env
    )
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["reference"] == "17 015 692"
    assert record["remedy_total"] == 1100.0
    assert record["council"] == {"name": "Cumbria County Council", "slug": "cumbria-county-council"}


def test_parse_url_supplies_the_category(tmp_path: Path) -> None:
    path = corpus_path("decisions", "warwickshire-county-council-24-013-077.txt")
    url = "https://www.lgo.org.uk/decisions/education/special-educational-needs/24-013-077"
    done = ombudsman("parse", str(path), "--url", url)
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert (record["category"], record["subcategory"]) == ("Education", "Special educational needs")
    assert record["source_url"] == url


def test_parse_jsonl_reports_bad_lines_and_continues(tmp_path: Path) -> None:
    text_ = corpus_path("decisions", "cumbria-county-council-17-015-692.txt").read_text()
    path = tmp_path / "mixed.jsonl"
    path.write_text(f'"just a string"\n{json.dumps({"text": text_})}\nnot json\n')
    done = ombudsman("parse", str(path))
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert rows[0] == {"line": 1, "error": "JSON line is not an object"}
    assert rows[1]["reference"] == "17 015 692"
    assert rows[2]["line"] == 3
    assert rows[2]["error"].startswith("invalid JSON")


@pytest.mark.parametrize("content", [None, b"\x00\x01\x02binary"])
def test_parse_unreadable_input_exits_2(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "input.txt"
    if content is not None:
        path.write_bytes(content)
    done = ombudsman("parse", str(path))
    assert done.returncode == 2
    assert str(path) in done.stderr.replace("\n", "")


def test_ingest_twice_then_a_corrupt_file(
    cli_env: dict[str, str], tmp_path: Path, engine: Engine
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for source in corpus_path("decisions").iterdir():
        (folder / source.name).write_bytes(source.read_bytes())

    first = ombudsman("ingest", str(folder), env=cli_env)
    assert first.returncode == 0, first.stderr
    second = ombudsman("ingest", str(folder), env=cli_env)
    assert second.returncode == 0, second.stderr
    assert "every readable document is already stored unchanged" in second.stderr

    (folder / "broken.txt").write_bytes(b"\xff\xfe\xfa not text")
    third = ombudsman("ingest", str(folder), env=cli_env)
    assert third.returncode == 1
    assert f"{folder / 'broken.txt'}: invalid UTF-8 at byte 0" in third.stderr
    reports = list((Path(cli_env["DATA_DIR"]) / "reports").glob("ingest-*.json"))
    assert [json.loads(r.read_text()) for r in reports] == [
        [{"location": str(folder / "broken.txt"), "reason": "invalid UTF-8 at byte 0"}]
    ]
    with Session(engine) as session:
        assert session.scalar(text("SELECT count(*) FROM decision")) == 2
        runs = session.execute(
            text("SELECT seen, created, unchanged, failed FROM ingest_run ORDER BY id")
        ).all()
    assert [tuple(r) for r in runs] == [(2, 2, 0, 0), (2, 0, 2, 0), (3, 0, 2, 1)]


def test_kill_9_mid_ingest_then_rerun_leaves_every_document_once(
    cli_env: dict[str, str], tmp_path: Path, engine: Engine
) -> None:
    from ingest.demo import write_jsonl

    corpus = tmp_path / "demo.jsonl"
    write_jsonl(corpus, 3_000, seed=7)
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "ingest", str(corpus)],
        env=cli_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    stored = 0
    while stored == 0 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        with Session(engine) as session:
            stored = session.scalar(text("SELECT count(*) FROM decision")) or 0
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 0 < stored < 3_000, "the kill must land mid-ingest"

    rerun = ombudsman("ingest", str(corpus), env=cli_env)
    assert rerun.returncode == 0, rerun.stderr

    with Session(engine) as session:
        total, distinct = session.execute(
            text("SELECT count(*), count(DISTINCT reference) FROM decision")
        ).one()
        pending = session.scalar(text("SELECT count(*) FROM decision WHERE NOT indexed"))
    assert total == distinct == 3_000
    assert pending == 0
    check = ombudsman("check", env=cli_env)
    assert check.returncode == 0, check.stdout
    counts = {
        label: value
        for line in check.stdout.splitlines()
        if "│" in line
        for label, value in [[cell.strip() for cell in line.strip("│ ").split("│")]]
    }
    assert counts["documents in Meilisearch"] == "3000"
    assert counts["missing from Meilisearch"] == counts["stale in Meilisearch"] == "0"


def test_check_exits_1_on_drift(cli_env: dict[str, str], tmp_path: Path, engine: Engine) -> None:
    folder = corpus_path("decisions")
    assert ombudsman("ingest", str(folder), env=cli_env).returncode == 0
    with Session(engine) as session, session.begin():
        session.execute(
            text("UPDATE decision SET content_hash = 'edited' WHERE reference = '17 015 692'")
        )
    drifted = ombudsman("check", env=cli_env)
    assert drifted.returncode == 1
    assert "stale: 17 015 692" in drifted.stdout
    assert ombudsman("reindex", env=cli_env).returncode == 0
    assert ombudsman("check", env=cli_env).returncode == 0


def test_reindex_embeddings_recomputes_stored_vectors(
    cli_env: dict[str, str], engine: Engine
) -> None:
    folder = corpus_path("decisions")
    assert ombudsman("ingest", str(folder), env=cli_env).returncode == 0
    marker = "ARRAY[1.0]::real[] || array_fill(0.0::real, ARRAY[255])"
    with Session(engine) as session, session.begin():
        session.execute(text(f"UPDATE decision SET embedding = {marker}"))
    assert ombudsman("reindex", env=cli_env).returncode == 0  # stored vectors are kept
    with Session(engine) as session:
        assert session.scalar(text("SELECT count(*) FROM decision WHERE embedding[1] = 1")) == 2
    redone = ombudsman("reindex", "--embeddings", env=cli_env)
    assert redone.returncode == 0, redone.stderr
    with Session(engine) as session:
        assert session.scalar(text("SELECT count(*) FROM decision WHERE embedding[1] = 1")) == 0
        models = session.scalars(text("SELECT DISTINCT embedding_model FROM decision")).all()
    assert models == ["wordllama-0.4.0.post1/l2_supercat-256"]
