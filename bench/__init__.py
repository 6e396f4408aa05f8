"""Benchmarks of SPEC §6: `make bench` prints figures; docs/benchmarks.md records them."""
