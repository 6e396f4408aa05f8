"""Semantic search (issue 14): relevance on a judged set, and what it costs.

Relevance: the 2,000 demo decisions `make run` loads (seed 0) plus the real decisions of
`../shared/corpus/decisions` (read from there), in their own database and index
(`bench_relevance`), searched through the API in-process. Each query of
`bench/relevance/queries.json` is judged by the demo's ground truth: grade 2 for a decision of a
listed sub-category (or a listed real reference), 1 for another sub-category of a listed
category. Reported per mode (keyword `semantic=0`, hybrid 0.5, semantic 1.0): mean nDCG@10
(gains 2^grade - 1, ideal order from every judged decision of the corpus) and recall@20 of the
grade-2 decisions (out of min(20, how many there are)). For `/similar`: over every 10th
decision, the share of its ten nearest that share its sub-category.

Speed, on the search benchmark's corpus (`bench_search`, --count decisions) and its API server:
hybrid search and `/similar` p50 against the very request sent straight to Meilisearch (the
query embedded on our side only), query embedding p50 in-process, the index's size with and
without vectors, and the API process's RSS with and without the model.
"""

from __future__ import annotations

import asyncio
import json
import math
import resource
import statistics
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, replace
from itertools import chain
from pathlib import Path

import httpx
import psutil
import psycopg

from app import migrate
from app.api.decisions import FACETS, meili_search_body
from app.api.similar import meili_similar_body
from app.config import PROJECT_ROOT, get_settings
from app.db import make_engine
from app.main import create_app
from app.search.client import MeiliClient
from app.search.embeddings import EMBEDDER, embedder
from app.search.filters import DecisionFilters
from app.search.index import SETTINGS, delete_index, ensure_index, send_all
from app.search.matching import Hybrid
from app.stack import Services, local_services
from bench.search_bench import (
    DATA_DIR,
    NAME,
    Options,
    api_server,
    body_bytes,
    ensure_corpus,
    get_request,
    measure_pair,
    post_request,
    sample_references,
)
from ingest.demo import write_jsonl
from ingest.documents import iter_raw_documents
from ingest.load import Loader

RELEVANCE = "bench_relevance"
QUERIES = Path(__file__).parent / "relevance" / "queries.json"
REAL = PROJECT_ROOT.parent / "shared" / "corpus" / "decisions"
MODES = {"keyword": 0.0, "hybrid 0.5": 0.5, "semantic 1.0": 1.0}


# -- relevance ---------------------------------------------------------------------------------


@dataclass
class Judged:
    q: str
    subcategories: set[str]
    categories: set[str]
    real: set[str]

    def grade(self, reference: str, category: str | None, subcategory: str | None) -> int:
        if reference in self.real or subcategory in self.subcategories:
            return 2
        return 1 if category in self.categories else 0


def judged_set() -> list[Judged]:
    queries = json.loads(QUERIES.read_text())["queries"]
    return [
        Judged(
            q["q"], set(q["subcategories"]), set(q.get("categories", [])), set(q.get("real", []))
        )
        for q in queries
    ]


def ndcg(grades: list[int], ideal: list[int], k: int = 10) -> float:
    def dcg(values: list[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(values[:k]))

    best = dcg(sorted(ideal, reverse=True))
    return dcg(grades) / best if best else 0.0


def _database(services: Services, name: str) -> str:
    admin = services.database_url.replace("+psycopg", "").rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = services.database_url.rsplit("/", 1)[0] + f"/{name}"
    migrate.upgrade(url)
    return url


async def _relevance(services: Services) -> None:
    url = _database(services, RELEVANCE)
    engine = make_engine(url, pool_size=2)
    async with MeiliClient(services.meili_url, services.meili_key, timeout=60) as meili:
        await delete_index(meili, RELEVANCE)
        await ensure_index(meili, RELEVANCE)
        path = DATA_DIR / "relevance.jsonl"
        write_jsonl(path, 2000, seed=0)
        real = sorted(REAL.glob("*.txt")) if REAL.is_dir() else []
        loading = chain(iter_raw_documents(path), *(iter_raw_documents(p) for p in real))
        summary = await Loader(engine, meili, RELEVANCE).load(loading)
        print(f"relevance corpus: {summary.created:,} decisions ({len(real)} real)")
        with engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT reference, category_slug, subcategory_slug FROM decision"
            ).all()
        facts = {r: (c, s) for r, c, s in rows}
        settings = get_settings().model_copy(update={"meili_index": RELEVANCE, "demo_count": 0})
        app = create_app(settings, replace(services, database_url=url))
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                await _score(client, facts)
        await delete_index(meili, RELEVANCE)
    engine.dispose()


async def _score(
    client: httpx.AsyncClient, facts: dict[str, tuple[str | None, str | None]]
) -> None:
    queries = judged_set()
    print(f"judged queries: {len(queries)}")
    means: dict[str, tuple[float, float]] = {}
    for mode, ratio in MODES.items():
        scores, recalls = [], []
        for judged in queries:
            response = await client.get(
                "/v1/decisions", params={"q": judged.q, "semantic": ratio, "per_page": 20}
            )
            response.raise_for_status()
            refs = [item["reference"] for item in response.json()["data"]]
            grades = [judged.grade(r, *facts[r]) for r in refs]
            ideal = [judged.grade(r, *f) for r, f in facts.items()]
            scores.append(ndcg(grades, ideal))
            wanted = sum(1 for g in ideal if g == 2)
            if not wanted:  # tests/test_relevance_set.py keeps the set in step with the demo
                raise RuntimeError(f"judged query {judged.q!r}: no relevant decision in the corpus")
            recalls.append(sum(1 for g in grades[:20] if g == 2) / min(20, wanted))
        means[mode] = (statistics.fmean(scores), statistics.fmean(recalls))
        print(f"  {mode:<13} nDCG@10 {means[mode][0]:.3f}   recall@20 {means[mode][1]:.3f}")
    gain = means["hybrid 0.5"][0] - means["keyword"][0]
    print(
        f"  hybrid 0.5 vs keyword: nDCG@10 {gain:+.3f} "
        f"({gain / means['keyword'][0]:+.0%}); target: hybrid beats keyword"
    )
    shares = []
    sampled = sorted(facts)[::10]
    for reference in sampled:
        sub = facts[reference][1]
        if sub is None:
            continue
        slug = reference.replace(" ", "-")
        items = (await client.get(f"/v1/decisions/{slug}/similar")).json()["data"]
        shares.append(sum(1 for i in items if i["subcategory_slug"] == sub) / max(1, len(items)))
    subs = [s for _, s in facts.values() if s]
    chance = statistics.fmean(subs.count(s) / len(subs) for s in set(subs))
    print(
        f"  /similar: {statistics.fmean(shares):.1%} of the ten nearest share the decision's "
        f"sub-category ({len(shares)} decisions; by chance about {chance:.1%})"
    )


# -- speed -------------------------------------------------------------------------------------


def _embedding_p50() -> tuple[float, float]:
    model = embedder()
    queries = [q.q for q in judged_set()]
    model.embed_query(queries[0])
    times = []
    for n in range(2000):
        started = time.perf_counter()
        model.embed_query(queries[n % len(queries)])
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return times[len(times) // 2], times[int(len(times) * 0.99)]


def _rss(load_model: bool) -> float:
    """MB of a fresh process that imports the app (and loads the model when told)."""
    # VmRSS, not ru_maxrss: Linux keeps the high-water mark across exec, so a child would
    # report this (larger) process's peak.
    code = (
        "import psutil, app.main, app.search.embeddings as e\n"
        + ("e.embedder().embed_query('x')\n" if load_model else "")
        + "print(psutil.Process().memory_info().rss)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout.strip()) / 1e6


SIZE_SAMPLE = 10_000  # indexing the whole corpus twice more took half an hour at 100,000


async def _index_sizes(services: Services) -> tuple[float, float]:
    """MB the first SIZE_SAMPLE decisions of the bench corpus take in Meilisearch with vectors
    and without (the same documents both times)."""
    engine = make_engine(services.database_url.rsplit("/", 1)[0] + f"/{NAME}", pool_size=2)
    sizes = []
    async with MeiliClient(services.meili_url, services.meili_key, timeout=120) as meili:
        for name, settings in (
            (f"{NAME}_vectors", SETTINGS),
            (f"{NAME}_no_vectors", {k: v for k, v in SETTINGS.items() if k != "embedders"}),
        ):
            await delete_index(meili, name)
            before = (await meili.request("GET", "/stats"))["usedDatabaseSize"]
            await meili.run("POST", "/indexes", {"uid": name, "primaryKey": "id"})
            await meili.run("PATCH", f"/indexes/{name}/settings", settings)
            await send_all(
                meili, engine, name, with_vectors="embedders" in settings, limit=SIZE_SAMPLE
            )
            after = (await meili.request("GET", "/stats"))["usedDatabaseSize"]
            sizes.append((after - before) / 1e6)
            await delete_index(meili, name)
    engine.dispose()
    return sizes[0], sizes[1]


def _speed(services: Services, options: Options) -> None:
    meili_port = int(urllib.parse.urlsplit(services.meili_url).port or 80)
    key = services.meili_key
    p50, p99 = _embedding_p50()
    print(f"query embedding (in-process, 2,000 queries): p50 {p50:.3f} ms, p99 {p99:.3f} ms; "
          "target p50 < 5 ms")  # fmt: skip
    references = sample_references(services, 200)
    with api_server(services) as (port, pid):
        lines = []
        for q, ratio, facets in (
            ("delay", 0.0, ""),
            ("delay", 0.5, ""),
            ("school transport refused", 0.0, ""),
            ("school transport refused", 0.5, ""),
            ("school transport refused", 0.5, "council,outcome"),
        ):
            params = {"q": q, "semantic": ratio, **({"facets": facets} if facets else {})}
            target = "/v1/decisions?" + urllib.parse.urlencode(params)
            hybrid = Hybrid(ratio, embedder().embed_query(q)) if ratio else None
            wanted = [FACETS[f] for f in facets.split(",") if f]
            body = meili_search_body(q, DecisionFilters(), None, 1, 20, [], hybrid)
            body["facets"] = wanted
            ours, raw = measure_pair(
                (port, [get_request(port, target)]),
                (
                    meili_port,
                    [post_request(meili_port, f"/indexes/{NAME}/search", body_bytes(body), key)],
                ),
                20,
                options.requests // 2,
            )
            label = f"{'hybrid 0.5' if ratio else 'keyword'} q={q!r}" + (
                " +facets" if facets else ""
            )
            lines.append((label, ours, raw))
        ours_req = [
            get_request(port, f"/v1/decisions/{r.replace(' ', '-')}/similar") for r in references
        ]
        raw_req = [
            post_request(
                meili_port,
                f"/indexes/{NAME}/similar",
                body_bytes(meili_similar_body(r, DecisionFilters(), 10)),
                key,
            )
            for r in references
        ]
        ours, raw = measure_pair((port, ours_req), (meili_port, raw_req), 20, options.requests)
        lines.append(("/similar (200 references)", ours, raw))
        served = psutil.Process(pid).memory_info().rss / 1e6
        for name, ours, raw in lines:
            print(
                f"  {name:<52} ours p50 {ours.p(50):6.1f} ms p99 {ours.p(99):6.1f} | raw p50 "
                f"{raw.p(50):6.1f} ms p99 {raw.p(99):6.1f} | x{ours.p(50) / raw.p(50):.2f} | "
                f"errors {ours.errors + raw.errors}"
            )
    print(f"API server RSS after these requests (model loaded at start-up): {served:,.0f} MB")
    with_vectors, without = asyncio.run(_index_sizes(services))
    sample = min(SIZE_SAMPLE, options.count)
    print(f"index size: {with_vectors:,.0f} MB with vectors, {without:,.0f} MB without, for "
          f"the first {sample:,} decisions (Meilisearch usedDatabaseSize; "
          f"+{with_vectors / without - 1:.0%} for vectors)")  # fmt: skip
    print(f"a fresh process importing the app: RSS {_rss(False):,.0f} MB without the model "
          f"loaded, {_rss(True):,.0f} MB with it")  # fmt: skip
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"this process's peak RSS: {peak:,.0f} MB")


def run(options: Options) -> None:
    print(f"semantic: the model is {EMBEDDER!r} userProvided, relevance then speed at "
          f"{options.count:,} decisions")  # fmt: skip
    with local_services(get_settings(), data_dir=DATA_DIR) as services:
        asyncio.run(_relevance(services))
        ensure_corpus(services, options.count, options.length)
        _speed(services, options)
