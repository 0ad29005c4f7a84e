"""`manage.py demo_data`: load the Northmoor demo hub, or `--scale N` synthetic people."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings

from cairn.audit import services as audit
from cairn.demo.app_demos import load_app_demos
from cairn.demo.bulk import BulkProgress, generate_people
from cairn.demo.constants import demo_url
from cairn.demo.hub import load_demo_hub
from cairn.demo.org import demo_users_exist
from cairn.pole.models import Person


class Command(BaseCommand):
    help = (
        "Load the synthetic Northmoor demo hub (agencies, a sign-in per role, about 60 "
        "children and 40 adults of concern with their links), or with --scale N bulk-generate "
        "N synthetic people for benchmarks. Everything is invented."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the demo sign-ins exist (with --scale: if any person exists).",
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument(
            "--scale",
            type=int,
            default=None,
            metavar="N",
            help="Bulk-generate N people (bypasses services; no per-record audit rows).",
        )
        parser.add_argument(
            "--duplicate-rate",
            type=float,
            default=0.1,
            help="With --scale: share of records that duplicate another (default 0.1).",
        )
        parser.add_argument(
            "--batch", type=int, default=5000, help="With --scale: rows per transaction."
        )
        parser.add_argument(
            "--truth-file",
            type=Path,
            default=None,
            help="With --scale: write the duplicate ground truth (CSV) to this path.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if "production" in str(getattr(settings, "SETTINGS_MODULE", "")):
            raise CommandError("Demo data must never be loaded with production settings.")
        if options["scale"] is not None:
            self._scale(options)
        else:
            self._hub(options)

    def _hub(self, options: dict[str, Any]) -> None:
        if demo_users_exist():
            if options["if_empty"]:
                self.stdout.write("Demo data already loaded: nothing to do.")
                return
            raise CommandError(
                "Demo data is already loaded. Use --if-empty to skip, or start from an "
                "empty database."
            )
        # Demo notifications stay in the in-app inboxes: no console flood of emails.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            summary = load_demo_hub(seed=options["seed"])
            load_app_demos(seed=options["seed"], report=self.stdout.write)
        counts = summary.as_dict()
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded the Northmoor demo hub: {counts.get('children', 0)} children, "
                f"{counts.get('adults_of_concern', 0)} adults of concern, "
                f"{counts.get('links', 0)} links, {counts.get('users', 0)} sign-ins."
            )
        )
        self.stdout.write(f"Sign in at {demo_url()} (manage.py demo_logins lists the accounts).")

    def _scale(self, options: dict[str, Any]) -> None:
        total: int = options["scale"]
        if total < 1:
            raise CommandError("--scale must be at least 1.")
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1.")
        if not 0 <= options["duplicate_rate"] < 1:
            raise CommandError("--duplicate-rate must be at least 0 and below 1.")
        if options["if_empty"] and Person.objects.exists():
            self.stdout.write("People already exist: nothing to do.")
            return

        def report(p: BulkProgress) -> None:
            self.stdout.write(
                f"  {p.people:>10,} / {p.total:,} people  {p.rows:>11,} rows  "
                f"{p.seconds:7.1f} s  {p.rows_per_second:>9,.0f} rows/s"
            )

        summary = generate_people(
            total=total,
            seed=options["seed"],
            duplicate_rate=options["duplicate_rate"],
            batch_size=options["batch"],
            truth_file=options["truth_file"],
            progress=report,
        )
        audit.record_system(
            event="demo.loaded",
            justification="Synthetic people bulk-generated (manage.py demo_data --scale)",
            details={
                "mode": "scale",
                "seed": options["seed"],
                "duplicate_rate": options["duplicate_rate"],
                **summary.as_dict(),
            },
        )
        rate = summary.rows / summary.seconds if summary.seconds else 0.0
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {summary.people:,} people ({summary.duplicates:,} duplicates), "
                f"{summary.names:,} names, {summary.locations:,} addresses, "
                f"{summary.links:,} links in {summary.seconds:.1f} s ({rate:,.0f} rows/s)."
            )
        )
        if options["truth_file"]:
            self.stdout.write(f"Ground truth written to {options['truth_file']}.")
