"""Input files → parsed decisions, one `DocumentResult` per document, never raising.

`ombudsman parse` and `ombudsman ingest` both read through here, so a corrupt file (empty,
binary, invalid UTF-8, a JSON line that is not an object, a page without a reference) is
reported the same way by both, with its path (and line), and never stops the documents after it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ingest.parse.model import SOURCES, ListingMetadata, ParsedDecision, Source
from ingest.parse.record import parse_html, parse_text

SUPPORTED_SUFFIXES = frozenset({".txt", ".html", ".htm", ".jsonl"})
NO_REFERENCE = "no decision reference found"
_METADATA_FIELDS = ("decided_on", "category", "outcome_text")
# Control characters that do not occur in text (tab, newline and carriage return do).
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class DocumentResult:
    """One document's outcome.

    `location` is the path, or "path:LINE" for a JSON line; `content_hash` is the sha256 of the
    document's raw bytes (the line's, for JSON lines), which `ingest` compares to skip unchanged
    documents. With `error` set the document cannot be stored; `record` is still given when the
    text parsed but lacked a reference, so `ombudsman parse` can show what was read.
    """

    location: str
    content_hash: str
    record: ParsedDecision | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.record is not None


@dataclass(frozen=True)
class RawDocument:
    """A document read and hashed but not parsed yet.

    `ingest` compares `content_hash` with what is stored before calling `parse()`, so a second
    run over unchanged files costs a read and a hash per document, not a parse.
    """

    location: str
    content_hash: str
    parse: Callable[[], DocumentResult]


def iter_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files to read: folders expand recursively (sorted) to their supported files; a path
    given explicitly is yielded as is, so an unsupported or missing file is reported, not
    silently skipped."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
            )
        else:
            yield path


def iter_documents(
    path: Path,
    *,
    url: str | None = None,
    url_map: dict[str, str] | None = None,
) -> Iterator[DocumentResult]:
    """Every document under `path` (a file or folder), parsed, in a stable order.

    `url` applies when `path` is a single .txt/.html file; `url_map` maps a file's path (as
    given, absolute, or its bare name) to its LGSCO URL. JSON lines carry their own `url`.
    """
    for raw in iter_raw_documents(path, url=url, url_map=url_map):
        yield raw.parse()


def iter_raw_documents(
    path: Path,
    *,
    url: str | None = None,
    url_map: dict[str, str] | None = None,
) -> Iterator[RawDocument]:
    """Like `iter_documents`, but each document is parsed only when asked to."""
    single = not path.is_dir()
    for file in iter_paths([path]):
        file_url = _url_for(file, url_map) or (url if single else None)
        try:
            yield from _documents_in(file, file_url)
        except Exception as exc:  # pragma: no cover - a last guard: never stop the others
            yield _failed(str(file), "", f"unexpected error: {exc}")


def _failed(location: str, digest: str, error: str | None) -> RawDocument:
    result = DocumentResult(location, digest, None, error)
    return RawDocument(location, digest, lambda: result)


def _url_for(file: Path, url_map: dict[str, str] | None) -> str | None:
    if not url_map:
        return None
    for key in (str(file), file.as_posix(), str(file.resolve()), file.name):
        if key in url_map:
            return url_map[key]
    return None


def _sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _decode(raw: bytes) -> tuple[str | None, str | None]:
    """(text, None) or (None, reason) for a document's bytes."""
    if not raw.strip():
        return None, "empty file" if not raw else "empty document (whitespace only)"
    if b"\x00" in raw:
        return None, "binary content, not a text document"
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, f"invalid UTF-8 at byte {exc.start}"
    sample = text[:4096]
    if len(_CONTROL_RE.findall(sample)) > max(2, len(sample) // 100):
        return None, "binary content, not a text document"
    return text, None


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:200].lower()
    return head.startswith(("<!doctype html", "<html", "<article", "<body", "<head"))


def _documents_in(file: Path, url: str | None) -> Iterator[RawDocument]:
    location = str(file)
    suffix = file.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        yield _failed(location, "", f"unsupported file type {suffix or '(none)'}")
        return
    try:
        raw = file.read_bytes()
    except OSError as exc:
        yield _failed(location, "", f"cannot read file: {exc.strerror or exc}")
        return
    if suffix == ".jsonl":
        yield from _json_lines(location, raw)
        return
    # The URL given from outside changes the record (category, link): it is part of the identity.
    digest = _sha256(raw if url is None else raw + b"\n" + url.encode())

    def parse() -> DocumentResult:
        text, error = _decode(raw)
        if text is None:
            return DocumentResult(location, digest, None, error)
        is_html = suffix in (".html", ".htm") or _looks_like_html(text)
        record = parse_html(text, url=url) if is_html else parse_text(text, url=url)
        return _checked(location, digest, record)

    yield RawDocument(location, digest, parse)


def _checked(location: str, digest: str, record: ParsedDecision) -> DocumentResult:
    return DocumentResult(location, digest, record, None if record.reference else NO_REFERENCE)


def _json_lines(location: str, raw: bytes) -> Iterator[RawDocument]:
    if not raw.strip():
        yield _failed(location, _sha256(raw), "empty file")
        return
    for number, line in enumerate(raw.split(b"\n"), start=1):
        line = line.rstrip(b"\r")
        if not line.strip():
            continue
        where = f"{location}:{number}"
        yield RawDocument(where, _sha256(line), partial(_json_line, where, line))


def _json_line(location: str, line: bytes) -> DocumentResult:
    digest = _sha256(line)
    text, error = _decode(line)
    if text is None:
        return DocumentResult(location, digest, None, error)
    try:
        obj: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        return DocumentResult(location, digest, None, f"invalid JSON: {exc.msg}")
    if not isinstance(obj, dict):
        return DocumentResult(location, digest, None, "JSON line is not an object")
    content = obj.get("html") if isinstance(obj.get("html"), str) else obj.get("text")
    if not isinstance(content, str) or not content.strip():
        return DocumentResult(location, digest, None, "JSON line has no text or html")
    source = obj.get("source", "file")
    if source not in SOURCES:
        return DocumentResult(location, digest, None, f"unknown source {source!r}")
    url = obj.get("url") if isinstance(obj.get("url"), str) else None
    metadata, problems = _metadata(obj)
    typed_source: Source = source
    if isinstance(obj.get("html"), str):
        record = parse_html(content, url=url, metadata=metadata, source=typed_source)
    else:
        record = parse_text(content, url=url, metadata=metadata, source=typed_source)
    record.warnings.extend(problems)
    return _checked(location, digest, record)


def _metadata(obj: dict[str, Any]) -> tuple[ListingMetadata | None, list[str]]:
    """Listing metadata from a JSON line; an invalid field is dropped with a warning."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    for name in _METADATA_FIELDS:
        if obj.get(name) is None:
            continue
        try:
            ListingMetadata.model_validate({name: obj[name]})
        except ValidationError:
            problems.append(f"ignored invalid {name} {obj[name]!r}")
            continue
        values[name] = obj[name]
    return (ListingMetadata.model_validate(values) if values else None), problems
