"""`python -m bench`: run the benchmarks on the local stack under `.data/bench`, print the figures.

Ingest (issue 4) first, then search (issue 5), then semantic search (issue 14: relevance on a
judged set, hybrid and /similar speed). `--only search` skips the ingest benchmark, whose
raw-indexing half alone takes minutes; the search corpus is loaded once and reused.
"""

from __future__ import annotations

import argparse

from bench import ingest_bench, search_bench, semantic_bench


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench")
    parser.add_argument(
        "--count", type=int, default=100_000, help="synthetic decisions searched (default 100,000)"
    )
    parser.add_argument(
        "--ingest-count",
        type=int,
        default=10_000,
        help="synthetic decisions parsed and ingested by the ingest benchmark (default 10,000)",
    )
    parser.add_argument(
        "--only", choices=["search", "ingest", "semantic"], help="run one benchmark"
    )
    parser.add_argument("--skip-ingest", action="store_true", help="same as --only search")
    parser.add_argument(
        "--length",
        choices=["realistic", "short"],
        default="realistic",
        help="decision lengths: the real corpus's (median about 1,800 words, the default) or "
        "the short corpus of earlier runs (about 650), for comparison",
    )
    parser.add_argument(
        "--duration", type=float, default=10.0, help="seconds of each 16-client run (default 10)"
    )
    parser.add_argument(
        "--requests", type=int, default=500, help="timed requests of each 1-client run"
    )
    parser.add_argument(
        "--soak", type=float, default=60.0, help="seconds of the 16-client soak (default 60)"
    )
    parser.add_argument(
        "--rehearsal",
        action="store_true",
        help="the full-size rehearsal: load 60,000 realistic decisions (the real site's size) "
        "from scratch, print the first load's time and the sizes, then the search figures",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="also measure the searches on this many API workers (default 2; 1 skips it)",
    )
    args = parser.parse_args()
    if args.rehearsal:
        args.count, args.length = 60_000, "realistic"
    only = "search" if args.skip_ingest else args.only
    if only in (None, "ingest") and not args.rehearsal:
        ingest_bench.run(args.ingest_count, args.length)
    options = search_bench.Options(
        count=args.count,
        length=args.length,
        duration=args.duration,
        requests=args.requests,
        soak=args.soak,
        fresh=args.rehearsal,
        workers=args.workers,
    )
    if only in (None, "search") or args.rehearsal:
        search_bench.run(options)
    if only in (None, "semantic") and not args.rehearsal:
        semantic_bench.run(options)


if __name__ == "__main__":
    main()
