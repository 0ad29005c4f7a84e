"""Import records from the previous intelligence system (5x5x5 grades):

    manage.py import_intelligence PATH --user USERNAME [--dry-run]

PATH is a .csv or .jsonl file (format: cairn/intelligence/legacy_import.py and
docs/guide/police-and-hub.md). Every row is validated first; any error and nothing is
imported. The named user must hold the FIB grading permission and is the actor of every
write and audit row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError

from cairn.accounts.models import User
from cairn.intelligence import legacy_import, services


class Command(BaseCommand):
    help = "Import legacy (5x5x5) intelligence from a CSV or JSON Lines file, all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="A .csv or .jsonl file")
        parser.add_argument(
            "--user",
            required=True,
            help="Username of the FIB officer doing the import (needs the FIB grading permission)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report; write nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(username=options["user"], is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user {options['user']!r}.")
        if not actor.has_perm("intelligence.manage_fib") or actor.agency_id is None:
            raise CommandError(
                f"Refused: {actor.username} does not have the FIB grading permission "
                "(intelligence.manage_fib)."
            )
        path: Path = options["path"]
        try:
            raw = legacy_import.read_rows(path)
        except legacy_import.ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        rows, errors = legacy_import.validate(raw)
        if errors:
            for error in errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(errors)} error{'s' if len(errors) != 1 else ''} in "
                f"{len({e.row for e in errors})} of {len(raw)} rows: nothing was imported."
            )
        if options["dry_run"]:
            done = legacy_import.already_imported(r.reference for r in rows)
            for row in rows:
                if row.reference not in done:
                    self.stdout.write(
                        f"Row {row.row}: {row.reference} {row.legacy_grade} -> {row.mapped_grade}"
                    )
            self.stdout.write(
                f"Dry run: read {len(rows)}, would import {len(rows) - len(done)}, "
                f"would skip {len(done)} as already imported. Nothing was written."
            )
            return
        try:
            summary = services.legacy_import(actor=actor, rows=rows, source=path.name)
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(f"Nothing was imported: {exc}") from exc
        except IntegrityError as exc:  # another import of the same file at the same time
            raise CommandError(f"Nothing was imported; run it again: {exc}") from exc
        self.stdout.write(
            f"Read {summary.read}, imported {len(summary.imported)}, "
            f"skipped {len(summary.skipped)} as already imported."
        )
