"""Failing cleanly: a database that hangs, cannot be reached or is read-only, and the
gunicorn service around Cairn. Nothing here mocks the database: a second connection
really holds the lock, the session really is read-only, the port really never answers,
and gunicorn really runs the shipped config (deploy/gunicorn.conf.py) in its own process
group."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.request import Request, urlopen

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
GUNICORN_CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
# A ceiling, not a measure: the master loads the crime model (2-5 s quiet, 10+ s on a
# machine running other suites) before the workers fork and answer.
START_TIMEOUT = 90.0


def postgres_only() -> Any:
    return pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: set DATABASE_URL to a PostgreSQL database",
    )


@contextlib.contextmanager
def read_only_database() -> Iterator[None]:
    """Make this thread's connection (the one the test client's requests use) refuse every
    write, as a database put into maintenance does: PostgreSQL's
    default_transaction_read_only (what `ALTER DATABASE ... SET` gives every new session,
    and what a hot-standby replica enforces), SQLite's query_only. Use in a transactional
    test, so requests run in autocommit as they do in production."""
    on, off = (
        ("SET default_transaction_read_only = on", "SET default_transaction_read_only = off")
        if connection.vendor == "postgresql"
        else ("PRAGMA query_only = ON", "PRAGMA query_only = OFF")
    )
    with connection.cursor() as cursor:
        cursor.execute(on)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(off)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def blackholed_port() -> Iterator[int]:
    """A TCP port that accepts connections into its backlog and never answers: a database
    host that hangs. (Connecting succeeds; the PostgreSQL startup packet is never read.)"""
    with socket.socket() as hole:
        hole.bind(("127.0.0.1", 0))
        hole.listen(0)
        yield int(hole.getsockname()[1])


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str
    seconds: float


def fetch(
    url: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    data: bytes | None = None,
    timeout: float = 20,
) -> Response:
    """One HTTP request, timed; an error status is a Response, not an exception."""
    request = Request(url, data=data, method=method, headers=headers or {})  # noqa: S310
    started = time.monotonic()
    try:
        with urlopen(request, timeout=timeout) as reply:  # noqa: S310 (a local test server)
            status, head, body = reply.status, dict(reply.headers), reply.read()
    except HTTPError as error:
        status, head, body = error.code, dict(error.headers), error.read()
    return Response(status, head, body.decode(), time.monotonic() - started)


@dataclass
class Gunicorn:
    process: subprocess.Popen[bytes]
    url: str
    port: int
    log: Path

    @property
    def pgid(self) -> int:
        return os.getpgid(self.process.pid)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        """Stop the whole process group (master and workers), as the unit does."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)


def can_run_gunicorn() -> str | None:
    """Why gunicorn cannot run here, or None."""
    if not hasattr(os, "fork") or not hasattr(os, "killpg"):
        return "gunicorn needs fork and process groups (POSIX)"
    if importlib.util.find_spec("gunicorn") is None:
        return "gunicorn is not installed (uv sync --locked)"
    try:
        free_port()
    except OSError as exc:
        return f"cannot listen on 127.0.0.1: {exc}"
    return None


def subprocess_database_url() -> str:
    """The database the tests run on, as a URL for a server in another process."""
    settings = connection.settings_dict
    if connection.vendor != "postgresql":
        return ""
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{settings['USER']}{password}@{host}:{port}/{settings['NAME']}"


@contextlib.contextmanager
def gunicorn(tmp_path: Path, env: dict[str, str], workers: int = 1) -> Iterator[Gunicorn]:
    """gunicorn with the shipped config, serving Cairn's test settings on a free port, in
    a new session (its own process group, as systemd gives a unit its own cgroup). Skips
    when gunicorn cannot run on this machine; a config that fails to start is a failure."""
    reason = can_run_gunicorn()
    if reason:
        pytest.skip(reason)
    port = free_port()
    log = tmp_path / "gunicorn.log"
    full_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cairn.settings.test",
        "CAIRN_BIND": f"127.0.0.1:{port}",
        "CAIRN_WORKERS": str(workers),
        "PYTHONUNBUFFERED": "1",
        # Under the test's own folder: a killed master cannot clean up after itself.
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        **env,
    }
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONFIG), "cairn.wsgi"],
            cwd=ROOT,
            env=full_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Gunicorn(process, f"http://127.0.0.1:{port}", port, log)
    try:
        _wait_until_serving(server, workers)
        yield server
    finally:
        server.stop()


def _wait_until_serving(server: Gunicorn, workers: int) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"gunicorn exited ({server.process.returncode}):\n{server.output()}")
        booted = server.output().count("Booting worker with pid")
        if booted >= workers:
            with contextlib.suppress(URLError, ConnectionError, TimeoutError):
                if fetch(f"{server.url}/healthz", timeout=5).status == 200:
                    return
        time.sleep(0.1)
    pytest.fail(f"gunicorn did not start within {START_TIMEOUT:.0f} s:\n{server.output()}")
