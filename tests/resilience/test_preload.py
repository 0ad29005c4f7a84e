"""gunicorn loads Cairn and the crime check's model once, in the master, before forking
(deploy/gunicorn.conf.py). Loaded by each worker instead (about 4 s of CPU apiece for
scikit-learn and WordLlama), a full set of workers starting together on two cores ran
past the worker timeout and were killed (bench/README.md, "Found while measuring")."""

from __future__ import annotations

from pathlib import Path

from .conftest import fetch, gunicorn, subprocess_database_url


def test_the_model_is_loaded_in_the_master_before_any_worker_starts(tmp_path: Path) -> None:
    env = {"DATABASE_URL": subprocess_database_url() or f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    with gunicorn(tmp_path, env, workers=2) as server:
        log = server.output()
        loaded = log.find("Crime check model loaded")
        booting = log.find("Booting worker")
        assert loaded != -1, log
        assert 0 <= loaded < booting, log
        assert log.count("Crime check model loaded") == 1, log
        assert fetch(f"{server.url}/healthz", timeout=5).status == 200
