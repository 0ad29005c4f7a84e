"""Benchmarks at scale (see bench/README.md)."""
