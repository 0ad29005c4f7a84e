"""`manage.py audit_verify`: check the audit hash chain and print its head hash."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cairn.audit import services as audit
from cairn.audit.verify import DEFAULT_CHUNK_SIZE, DEFAULT_MAX_PROBLEMS, verify_chain

TAMPERING_EXIT_STATUS = 2


class Command(BaseCommand):
    help = (
        "Verify the append-only audit log (DPA 2018 s.62): recompute every row's hash in "
        "chain order, check each prev_hash link, that chain indices have no gaps, and that "
        "the chain head matches the last row (which detects deletion of the newest rows). "
        "Prints each problem with its chain index and exits with status 2 if tampering is "
        "found; otherwise prints one OK line with the number of rows and the head hash, and "
        "records an audit.verified event. Anchor the printed head hash outside Cairn (a "
        "ticket, a signed email, write-once storage): a later run whose chain no longer "
        "contains that hash at that index proves history was rewritten, even by someone "
        "able to rebuild the whole chain."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=DEFAULT_CHUNK_SIZE,
            help=f"Rows fetched per database round trip (default {DEFAULT_CHUNK_SIZE}).",
        )
        parser.add_argument(
            "--max-problems",
            type=int,
            default=DEFAULT_MAX_PROBLEMS,
            help=f"Problems listed before the rest are only counted "
            f"(default {DEFAULT_MAX_PROBLEMS}).",
        )
        parser.add_argument(
            "--no-record",
            action="store_true",
            help="Do not record an audit.verified event (e.g. on a read-only replica).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["chunk_size"] < 1:
            raise CommandError("--chunk-size must be 1 or more.")
        result = verify_chain(
            chunk_size=options["chunk_size"], max_problems=max(options["max_problems"], 0)
        )
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(str(problem))
            if result.truncated:
                self.stderr.write(
                    f"... and {result.problem_count - len(result.problems)} more problem(s)."
                )
            raise CommandError(
                f"Audit chain verification FAILED: {result.problem_count} problem(s) in "
                f"{result.checked} row(s) checked. Treat this as a security incident.",
                returncode=TAMPERING_EXIT_STATUS,
            )
        # Verify first, then record: the new row extends the chain we just proved intact.
        if not options["no_record"]:
            audit.record_system(
                event="audit.verified",
                justification="Audit chain verified",
                details={
                    "rows": result.checked,
                    "head_index": result.last_index,
                    "head_hash": result.last_hash,
                },
            )
        self.stdout.write(
            f"OK: audit chain intact, {result.checked} row(s), head "
            f"#{result.last_index} {result.last_hash}"
        )
