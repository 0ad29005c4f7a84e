"""Benchmark settings: the test settings (fast hashing, no debug) on a database of their own,
named by BENCH_DATABASE_URL (PostgreSQL) or BENCH_SQLITE_PATH (a file under bench/data/)."""

import os
from pathlib import Path

from cairn.settings.base import BASE_DIR, env, sqlite_database
from cairn.settings.test import *  # noqa: F403

_url = os.environ.get("BENCH_DATABASE_URL", "")
if _url:
    DATABASES = {"default": env.db_url_config(_url)}
else:
    _path = Path(os.environ.get("BENCH_SQLITE_PATH", BASE_DIR / "bench" / "data" / "bench.sqlite3"))
    _path.parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {"default": sqlite_database(_path)}
DEBUG = False

# Apps still being written elsewhere can be left out of a run (person search needs only
# accounts, audit and pole): BENCH_EXCLUDE_APPS=cairn.hub,cairn.concerns
_exclude = {name for name in os.environ.get("BENCH_EXCLUDE_APPS", "").split(",") if name}
INSTALLED_APPS = [app for app in INSTALLED_APPS if app not in _exclude]  # noqa: F405
