#!/usr/bin/env python
"""Django's command-line utility for Cairn."""

import os
import sys


def main() -> None:
    # Only the demo has defaults; production must set DJANGO_SETTINGS_MODULE explicitly.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cairn.settings.demo")
    # Commands (migrations, linkage, bulk jobs) may run long statements: they use
    # CAIRN_DB_COMMAND_STATEMENT_TIMEOUT, not the web's CAIRN_DB_STATEMENT_TIMEOUT.
    if sys.argv[1:2] != ["runserver"]:
        os.environ.setdefault("CAIRN_MANAGEMENT_COMMAND", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
