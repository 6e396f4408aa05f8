"""Reading input files: per-document results, never an exception."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

from ingest.documents import NO_REFERENCE, iter_documents, iter_paths, iter_raw_documents

TEXT = (
    "Northshire District Council (23 004 512)\nCategory : Housing > Homelessness\n"
    "Decision : Upheld\nDecision date : 12 March 2024\nSummary: Ms R complains.\n"
    "The complaint\nMs R complains about a delay.\nAgreed action\nPay Ms R £350.\n"
    "Final decision\nI have found fault.\n"
)
HTML = (
    '<html><body><nav>Home</nav><article id="article"><h1>Westbury Borough Council '
    "(22 100 200)</h1><p>Summary: Mr K complains.</p><h2>Final decision</h2>"
    "<p>We have not found fault.</p></article></body></html>"
)
URL = "https://www.lgo.org.uk/decisions/housing/homelessness/23-004-512"


def sha(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def test_text_file(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    [result] = list(iter_documents(path, url=URL))
    assert result.location == str(path)
    # The URL given from outside is part of the document's identity (it sets the category).
    assert result.content_hash == sha(TEXT.encode() + b"\n" + URL.encode())
    [without_url] = list(iter_documents(path))
    assert without_url.content_hash == sha(TEXT.encode())
    assert result.error is None
    assert result.ok
    assert result.record is not None
    assert result.record.reference == "23 004 512"
    assert result.record.remedy_total_pence == 35000
    assert result.record.source_url == URL
    assert result.record.source == "file"


def test_html_file_and_url_map(tmp_path: Path) -> None:
    path = tmp_path / "b.html"
    path.write_text(HTML, encoding="utf-8")
    url = "https://www.lgo.org.uk/decisions/housing/allocations/22-100-200"
    [result] = list(iter_documents(path, url_map={"b.html": url}))
    assert result.record is not None
    assert result.record.reference == "22 100 200"
    assert result.record.outcome == "not_upheld"
    assert result.record.category == "Housing"
    assert result.record.subcategory == "Allocations"
    assert result.record.source_url == url


def test_html_content_in_a_txt_file_is_read_as_html(tmp_path: Path) -> None:
    path = tmp_path / "c.txt"
    path.write_text("<!DOCTYPE html>" + HTML, encoding="utf-8")
    [result] = list(iter_documents(path))
    assert result.record is not None
    assert result.record.council_name == "Westbury Borough Council"
    assert "Home" not in result.record.body


def test_jsonl(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {
                "text": TEXT.replace("Decision date : 12 March 2024\n", ""),
                "url": URL,
                "decided_on": "2024-03-01",
                "category": "Housing > Homelessness",
                "outcome_text": "Upheld",
                "source": "synthetic",
            }
        ),
        "",
        json.dumps({"html": HTML}),
        "[1, 2, 3]",
        "{not json",
        json.dumps({"url": URL}),
        json.dumps({"text": TEXT, "source": "elsewhere"}),
        json.dumps({"text": TEXT, "decided_on": "not a date"}),
        json.dumps({"text": "Just some words with no reference."}),
    ]
    raw = ("\n".join(lines) + "\n").encode()
    path = tmp_path / "d.jsonl"
    path.write_bytes(raw)
    results = list(iter_documents(path))
    assert [(r.location, r.error) for r in results] == [
        (f"{path}:1", None),
        (f"{path}:3", None),
        (f"{path}:4", "JSON line is not an object"),
        (f"{path}:5", "invalid JSON: Expecting property name enclosed in double quotes"),
        (f"{path}:6", "JSON line has no text or html"),
        (f"{path}:7", "unknown source 'elsewhere'"),
        (f"{path}:8", None),
        (f"{path}:9", NO_REFERENCE),
    ]
    first = results[0].record
    assert first is not None
    assert first.source == "synthetic"
    assert first.decided_on == date(2024, 3, 1)
    assert results[0].content_hash == sha(lines[0].encode())
    assert results[1].record is not None
    assert results[1].record.reference == "22 100 200"
    eighth = results[6].record
    assert eighth is not None
    assert eighth.decided_on == date(2024, 3, 12)
    assert "ignored invalid decided_on 'not a date'" in eighth.warnings
    no_reference = results[7].record
    assert no_reference is not None  # still readable for `ombudsman parse`
    assert "no reference found" in no_reference.warnings


def test_corrupt_files_are_reported_and_the_others_still_parse(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "good.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.html").write_bytes(b"  \n\n")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 Council (12 345 678)".encode("latin-1"))
    (tmp_path / "controls.txt").write_bytes(b"\x01\x02\x03\x04\x05\x06" * 50)
    (tmp_path / "noref.txt").write_text("The complaint\nMrs B complains.", encoding="utf-8")
    (tmp_path / "empty.jsonl").write_bytes(b"")
    (tmp_path / "ignored.pdf").write_bytes(b"%PDF")
    results = {Path(r.location).name: r.error for r in iter_documents(tmp_path)}
    assert results == {
        "binary.txt": "binary content, not a text document",
        "blank.html": "empty document (whitespace only)",
        "controls.txt": "binary content, not a text document",
        "empty.jsonl": "empty file",
        "empty.txt": "empty file",
        "latin1.txt": "invalid UTF-8 at byte 3",
        "noref.txt": NO_REFERENCE,
        "good.txt": None,
    }


def test_explicit_unsupported_or_missing_files_are_reported(tmp_path: Path) -> None:
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF")
    [result] = list(iter_documents(pdf))
    assert result.error == "unsupported file type .pdf"
    [missing] = list(iter_documents(tmp_path / "missing.txt"))
    assert missing.error == "cannot read file: No such file or directory"
    assert missing.record is None


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + TEXT.encode())
    [result] = list(iter_documents(path))
    assert result.error is None
    assert result.record is not None
    assert result.record.council_name == "Northshire District Council"


def test_iter_paths_sorted_and_recursive(tmp_path: Path) -> None:
    for name in ("b/z.txt", "a.html", "b/a.jsonl", "c.htm", "d.md"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    listed = [p.relative_to(tmp_path).as_posix() for p in iter_paths([tmp_path])]
    assert listed == ["a.html", "b/a.jsonl", "b/z.txt", "c.htm"]
    assert list(iter_paths([tmp_path / "d.md"])) == [tmp_path / "d.md"]


def test_raw_documents_carry_the_hash_before_parsing(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "b.jsonl").write_text('{"text": "x"}\n[1]\n', encoding="utf-8")
    raws = list(iter_raw_documents(tmp_path))
    assert [(r.location, r.content_hash) for r in raws] == [
        (str(tmp_path / "a.txt"), sha(TEXT.encode())),
        (f"{tmp_path / 'b.jsonl'}:1", sha(b'{"text": "x"}')),
        (f"{tmp_path / 'b.jsonl'}:2", sha(b"[1]")),
    ]
    parsed = [r.parse() for r in raws]
    assert [p.content_hash for p in parsed] == [r.content_hash for r in raws]
    assert [p.error for p in parsed] == [None, NO_REFERENCE, "JSON line is not an object"]
