"""The database timeouts come from the environment (docs/deployment.md): PostgreSQL gets a
connect timeout, a statement timeout and a lock timeout on every connection; management
commands (manage.py) get their own statement timeout, off by default, so migrations and
linkage are not cut short; values in DATABASE_URL itself win; nonsense refuses to start."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from .conftest import ROOT

PG_URL = "postgres://cairn@db.invalid:5432/cairn"
# The settings module alone (fast); manage.py loads all of Django.
PRINT_OPTIONS = (
    "import json; from cairn.settings import test as settings; "
    "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
)
PRINT_COMMAND_OPTIONS = (
    "import json; from django.conf import settings; "
    "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
)


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CAIRN_DB_")}
    clean.pop("CAIRN_MANAGEMENT_COMMAND", None)
    full = clean | {"DJANGO_SETTINGS_MODULE": "cairn.settings.test", **env}
    return subprocess.run(  # noqa: S603
        [sys.executable, *args], cwd=ROOT, env=full, capture_output=True, text=True, timeout=120
    )


def options(env: dict[str, str], *, command: bool = False) -> dict[str, object]:
    args = ["manage.py", "shell", "-c", PRINT_COMMAND_OPTIONS] if command else ["-c", PRINT_OPTIONS]
    done = run(args, env)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_postgres_gets_the_default_timeouts() -> None:
    assert options({"DATABASE_URL": PG_URL}) == {
        "connect_timeout": 5,
        "tcp_user_timeout": 5000,
        "options": "-c statement_timeout=20000 -c lock_timeout=10000",
    }


def test_the_environment_sets_them() -> None:
    env = {
        "DATABASE_URL": PG_URL,
        "CAIRN_DB_CONNECT_TIMEOUT": "3",
        "CAIRN_DB_STATEMENT_TIMEOUT": "7.5",
        "CAIRN_DB_LOCK_TIMEOUT": "0",
    }
    assert options(env) == {
        "connect_timeout": 3,
        "tcp_user_timeout": 3000,
        "options": "-c statement_timeout=7500 -c lock_timeout=0",
    }


def test_management_commands_use_their_own_statement_timeout() -> None:
    env = {"DATABASE_URL": PG_URL, "CAIRN_DB_STATEMENT_TIMEOUT": "7"}
    # Off by default (what manage.py's flag selects)...
    assert options(env | {"CAIRN_MANAGEMENT_COMMAND": "1"})["options"] == (
        "-c statement_timeout=0 -c lock_timeout=10000"
    )
    # ... and manage.py sets the flag for its commands.
    env["CAIRN_DB_COMMAND_STATEMENT_TIMEOUT"] = "600"
    assert options(env, command=True)["options"] == (
        "-c statement_timeout=600000 -c lock_timeout=10000"
    )


def test_values_in_the_database_url_win() -> None:
    url = f"{PG_URL}?connect_timeout=9&options=-c%20statement_timeout%3D1000"
    found = options({"DATABASE_URL": url})
    assert found["connect_timeout"] == 9
    # PostgreSQL applies the last -c for a setting: the URL's.
    assert found["options"] == (
        "-c statement_timeout=20000 -c lock_timeout=10000 -c statement_timeout=1000"
    )


def test_sqlite_is_left_alone() -> None:
    assert options({"DATABASE_URL": "sqlite:////tmp/cairn-settings-test.sqlite3"}) == {}


def test_a_negative_timeout_refuses_to_start() -> None:
    done = run(["-c", PRINT_OPTIONS], {"DATABASE_URL": PG_URL, "CAIRN_DB_LOCK_TIMEOUT": "-1"})
    assert done.returncode != 0
    assert "CAIRN_DB_LOCK_TIMEOUT must be 0 (off) or a number of seconds." in done.stderr
