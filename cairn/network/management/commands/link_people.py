"""Batch identity linkage with Splink: train on the store, save the model with its
version, and fill the review queue. Never merges anything."""

from __future__ import annotations

import time
import tracemalloc
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cairn.network import services
from cairn.network.matching.splink_batch import BACKENDS, REVIEW_THRESHOLD, run_linkage
from cairn.network.matching.store import person_rows


class Command(BaseCommand):
    help = "Train the person-matching model (Splink) and fill the duplicate review queue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--threshold",
            type=float,
            default=REVIEW_THRESHOLD,
            help=f"Match weight for the review queue (default {REVIEW_THRESHOLD}).",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--max-pairs", type=float, default=1e6, help="u-sampling pairs")
        parser.add_argument(
            "--backend",
            choices=BACKENDS,
            default=None,
            help="Splink backend (default: the CAIRN_SPLINK_BACKEND setting, duckdb).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        import splink

        started = time.perf_counter()
        tracemalloc.start()
        rows = list(person_rows())
        result = run_linkage(
            rows,
            threshold=options["threshold"],
            seed=options["seed"],
            max_pairs=options["max_pairs"],
            backend=options["backend"],
        )
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        model, added = services.linkage_store(result=result, splink_version=splink.__version__)
        self.stdout.write(
            f"Model {f'v{model.version}' if model else '(not trained)'}: "
            f"{result.record_count} people, {len(result.pairs)} pairs "
            f"at weight >= {options['threshold']}, {added} new in the review queue "
            f"({time.perf_counter() - started:.1f} s, Python peak {peak / 1e6:.0f} MB)."
        )
