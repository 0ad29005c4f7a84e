"""`manage.py run_scheduler`: enqueue background jobs when they fall due (cairn/core/jobs.py)
for the database worker (`manage.py db_worker`) to run. django-tasks has no schedule of
its own. Checks every `--interval` seconds (30 by default) until stopped; `--once` checks
once and exits. Several schedulers may run (one per host): each due run is enqueued once
(cairn/core/services.py says how)."""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, close_old_connections

from cairn.core import services

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Enqueue due background jobs for the database worker (runs until stopped)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=30.0, help="seconds between checks")
        parser.add_argument("--once", action="store_true", help="check once, then exit")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        if not options["once"]:
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: stop.set())
        while True:
            try:
                runs = services.scheduler_tick()
            except DatabaseError:  # the database away for a moment: try again next time
                logger.exception("Scheduler check failed")
                if options["once"]:
                    raise
            else:
                for run in runs:
                    self.stdout.write(f"Queued {run.job} (run {run.pk}).")
            if options["once"] or stop.wait(options["interval"]):
                return
            # As Django does between requests: drop a connection that broke or grew old.
            close_old_connections()
