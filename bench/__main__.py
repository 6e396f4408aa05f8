"""`python -m bench [--count N]`: run every benchmark on the local stack and print the figures."""

from __future__ import annotations

import argparse

from bench import ingest_bench


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench")
    parser.add_argument("--count", type=int, default=10_000, help="synthetic decisions")
    args = parser.parse_args()
    ingest_bench.run(args.count)


if __name__ == "__main__":
    main()
