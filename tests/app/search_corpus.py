"""A loaded search corpus shared by the API tests of one module: real services, known answers.

1,100 synthetic decisions (ground truth from ingest.demo) plus hand-written ones with values the
tests look for, loaded once per module into its own database and index.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from functools import partial
from itertools import chain

import httpx
from fastapi import FastAPI
from sqlalchemy import Engine

from app.config import Settings
from app.db import make_engine
from app.main import create_app
from app.search.client import MeiliClient
from app.search.index import delete_index, ensure_index
from app.search.keys import delete_search_key
from app.stack import Services, _free_port
from ingest.demo import generate
from ingest.documents import DocumentResult, RawDocument
from ingest.load import Loader
from ingest.parse.model import ParsedDecision
from ingest.parse.record import parse_text
from tests.conftest import scratch_database

SYNTHETIC = 1_100


def hand_written(
    reference: str,
    council: str,
    *,
    summary: str,
    outcome: str = "Upheld",
    category: str = "Education > Special educational needs",
    date: str = "12 March 2024",
    pay: str | None = "£250",
) -> str:
    remedy = (
        f"Agreed action\n2. Within one month of the final decision the Council will pay Ms B "
        f"{pay} for the distress caused.\n\n"
        if pay
        else ""
    )
    return (
        f"{council} ({reference})\n\nCategory : {category}\n\nDecision : {outcome}\n\n"
        f"Decision date : {date}\n\nSummary: {summary}\n\nThe complaint\n"
        f"1. Ms B complained about the Council.\n\n{remedy}Final decision\n"
        f"3. I have completed my investigation.\n"
    )


HAND_WRITTEN = [
    hand_written(
        "90 000 001",
        "Quillmoor County Council",
        summary="The Council delayed an education, health and care plan for her son.",
        pay="£1,250.50",
    ),
    hand_written(
        "90 000 002",
        "Quillmoor County Council",
        summary="A page that says <script>alert('x')</script> about the EHC plan & more.",
        outcome="Not upheld",
        pay=None,
    ),
    hand_written(
        "90 000 003",
        "Ashvale Borough Council",
        summary='Missed bin collections; the Council said "OR" [brackets] = \\ back.',
        category="Environmental services, public protection and regulation > Refuse and recycling",
        date="01 June 2021",
        pay="£100",
    ),
]


def _same(result: DocumentResult) -> DocumentResult:
    return result


def _raw(text: str, location: str) -> RawDocument:
    digest = hashlib.sha256(text.encode()).hexdigest()
    return RawDocument(
        location, digest, partial(_same, DocumentResult(location, digest, parse_text(text)))
    )


TRICKY_COUNCIL = 'Comma, and "Quote" Borough Council'
# Summaries that trouble CSV and feeds (reference → summary), stored as is: the parser would
# stop a summary at a line break.
TRICKY = {
    "91 000 001": 'He said "no, never", then left.\nA second line, with a comma.\r\nA third.',
    "91 000 002": '=HYPERLINK("http://evil.example/?x=1","click me")',
    "91 000 003": "+44 1234 567890 was the number the Council gave.",
    "91 000 004": "-2+3 is how the Council counted the days.",
    "91 000 005": "@SUM(A1:A9) appears in the Council's spreadsheet.",
    "91 000 006": "\tTabbed text from a copied table.",
    "91 000 007": "\rA stray carriage return first.",
}


def tricky_documents() -> Iterator[RawDocument]:
    for n, (reference, summary) in enumerate(TRICKY.items()):
        text = hand_written(reference, TRICKY_COUNCIL, summary="placeholder", pay="£300")
        record = parse_text(text).model_copy(update={"summary": summary})
        digest = hashlib.sha256((text + summary).encode()).hexdigest()
        result = DocumentResult(f"tricky:{n}", digest, record)
        yield RawDocument(result.location, digest, partial(_same, result))


def documents() -> Iterator[RawDocument]:
    for n, text in enumerate(HAND_WRITTEN):
        yield _raw(text, f"hand:{n}")
    for n, demo in enumerate(generate(SYNTHETIC, seed=11)):
        # The generator's ground truth is what the parser makes of the text (a tested round
        # trip), so it is loaded as is: faster than parsing 1,100 documents per module.
        digest = hashlib.sha256(demo.text.encode()).hexdigest()
        result = DocumentResult(f"demo:{n}", digest, demo.truth)
        yield RawDocument(result.location, digest, partial(_same, result))


@dataclass
class LoadedCorpus:
    app: FastAPI
    client: httpx.AsyncClient
    engine: Engine
    index_name: str


async def loaded_corpus(
    settings: Settings,
    services: Services,
    database_url: str,
    index_name: str,
    extra: Iterable[RawDocument] = (),
    base: Iterable[RawDocument] | None = None,
) -> AsyncIterator[LoadedCorpus]:
    """The app over `base` (this module's 1,103 documents unless told) and `extra`, loaded."""
    engine = make_engine(database_url, pool_size=2)
    async with MeiliClient(services.meili_url, services.meili_key, timeout=60) as meili:
        await ensure_index(meili, index_name)
        loading = chain(documents() if base is None else base, extra)
        summary = await Loader(engine, meili, index_name).load(loading)
        assert summary.failed == 0, summary.failures
        app = create_app(
            settings.model_copy(update={"meili_index": index_name}),
            replace(services, database_url=database_url),
        )
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://testserver"
            ) as client:
                yield LoadedCorpus(app, client, engine, index_name)
        await delete_index(meili, index_name)
        await delete_search_key(meili, index_name)
    engine.dispose()


def records_as_documents(records: Iterable[ParsedDecision]) -> Iterator[RawDocument]:
    """Records built by a test, as documents the loader takes (no parsing)."""
    for record in records:
        digest = hashlib.sha256(record.model_dump_json().encode()).hexdigest()
        result = DocumentResult(f"record:{record.reference}", digest, record)
        yield RawDocument(result.location, digest, partial(_same, result))


async def scratch_corpus(
    settings: Settings,
    services: Services,
    template_database: str,
    extra: Iterable[RawDocument] = (),
    base: Iterable[RawDocument] | None = None,
) -> AsyncIterator[LoadedCorpus]:
    """`loaded_corpus` in a database and index of its own, dropped afterwards (for
    module-scoped fixtures)."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    with scratch_database(services, name, template_database) as url:
        async for loaded in loaded_corpus(settings, services, url, name, extra, base):
            yield loaded


@asynccontextmanager
async def without_search_engine(
    corpus: LoadedCorpus, settings: Settings, services: Services
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app on `corpus`'s database whose Meilisearch is a port nobody listens on."""
    database_url = corpus.engine.url.render_as_string(hide_password=False)
    dead = replace(
        services, database_url=database_url, meili_url=f"http://127.0.0.1:{_free_port()}"
    )
    app = create_app(settings.model_copy(update={"meili_index": corpus.index_name}), dead)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client
