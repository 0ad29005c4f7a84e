"""Inference time of the crime check (ADR 0019): the whole `checks.check` a FIB entry gets
(rules, the model's three heads, and for a flagged entry the per-sentence scoring, the
family and the nearest labelled examples), one entry at a time, after the model is loaded.

    uv run python -m bench.crime_check_latency            # every corpus entry, 3 rounds

Prints the model load time once, then p50 / p95 / p99 / max in milliseconds per entry, for
all entries and for the flagged ones, the same for the CPU time each check took (on a shared,
oversubscribed machine the wall time mostly measures waiting for a core; the CPU time is
close to what a quiet machine's wall time would be), and the machine load (`uptime`)."""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from cairn.intelligence import checks
from cairn.intelligence.crime_corpus import load_corpus, load_project_examples
from cairn.intelligence.crime_model import example_bank, model


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    model()
    example_bank()
    checks.check("warm up")
    print(f"model load (once per process): {1000 * (time.perf_counter() - started):.0f} ms")
    texts = [e.text for e in [*load_corpus(), *load_project_examples()]]
    timings: list[float] = []
    flagged: list[float] = []
    cpu: list[float] = []
    for _ in range(args.rounds):
        for text in texts:
            t0, c0 = time.perf_counter(), time.process_time()
            result = checks.check(text, how_known="told")
            elapsed = 1000 * (time.perf_counter() - t0)
            cpu.append(1000 * (time.process_time() - c0))
            timings.append(elapsed)
            if result.crime_disclosure:
                flagged.append(elapsed)
    for name, values in (
        ("all entries", timings),
        ("flagged entries", flagged),
        ("CPU time, all entries", cpu),
    ):
        print(
            f"{name}: n={len(values)} p50 {percentile(values, 0.5):.2f} ms, "
            f"p95 {percentile(values, 0.95):.2f} ms, p99 {percentile(values, 0.99):.2f} ms, "
            f"max {max(values):.2f} ms"
        )
    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
