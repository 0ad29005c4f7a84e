"""Issue 18 item 8: after `kill -9` of the gunicorn master, its orphaned workers went on
serving for 10-30 s and held the port against the restart. The shipped systemd unit
(deploy/cairn.service) uses KillMode=control-group: when the master dies, systemd kills
every process left in the unit's control group. Here gunicorn runs the shipped config in
its own process group (a stand-in for the unit's cgroup); the master is killed with
SIGKILL, and killing the group, as the unit does, leaves no worker serving and the port
free for the restart."""

from __future__ import annotations

import configparser
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from urllib.error import URLError

from .conftest import ROOT, Gunicorn, fetch, gunicorn, subprocess_database_url

UNIT = ROOT / "deploy" / "cairn.service"
WORKERS = 2


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(UNIT)
    return parser


def test_the_unit_kills_the_whole_control_group() -> None:
    service = unit()["Service"]
    assert service["KillMode"] == "control-group"
    assert service["Type"] == "notify"  # gunicorn tells systemd when it is ready
    assert service["Restart"] == "on-failure"
    exec_start = service["ExecStart"].split()
    # The venv's gunicorn itself, not `uv run` (whose child would not be the main process).
    assert exec_start[0].endswith("/.venv/bin/gunicorn")
    assert exec_start[exec_start.index("--config") + 1].endswith("/deploy/gunicorn.conf.py")
    assert exec_start[-1] == "cairn.wsgi"


def test_the_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        import pytest

        pytest.skip("systemd-analyze is not installed")
    # The unit as installed on this checkout: its paths, a user that exists here.
    text = UNIT.read_text().replace("/srv/cairn", str(ROOT))
    text = text.replace("User=cairn", "User=root").replace("Group=cairn", "Group=root")
    text = text.replace("EnvironmentFile=/etc/cairn.env", "EnvironmentFile=-/etc/cairn.env")
    installed = tmp_path / "cairn.service"
    installed.write_text(text)
    done = subprocess.run(  # noqa: S603
        [analyze, "verify", str(installed)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr


def group_members(pgid: int) -> set[int]:
    """Live (not zombie) processes in a process group, from /proc."""
    members = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            stat = (entry / "stat").read_text()
            # pid (comm) state ppid pgrp ...: comm may hold spaces, so split after ')'.
            state, _ppid, pgrp = stat.rpartition(")")[2].split()[:3]
            if int(pgrp) == pgid and state != "Z":
                members.add(int(entry.name))
    return members


def serves(server: Gunicorn) -> bool:
    try:
        return fetch(f"{server.url}/healthz", timeout=3).status == 200
    except (URLError, ConnectionError, TimeoutError):
        return False


def wait_until(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def test_killing_the_group_after_the_master_dies_leaves_no_worker_serving(
    tmp_path: Path,
) -> None:
    env = {"DATABASE_URL": subprocess_database_url() or f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    with gunicorn(tmp_path, env, workers=WORKERS) as server:
        pgid = server.pgid
        master = server.process.pid
        assert pgid == master  # its own group, like the unit's own cgroup
        workers = group_members(pgid) - {master}
        assert len(workers) == WORKERS

        os.kill(master, signal.SIGKILL)
        server.process.wait(timeout=10)
        # The failure the issue saw: the master is gone, its workers are not, and a
        # worker still answers (it notices its parent only between requests).
        assert group_members(pgid) == workers
        assert serves(server)

        # What systemd does with KillMode=control-group when the main process dies:
        # SIGTERM to everything left in the group, then SIGKILL after TimeoutStopSec.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGTERM)
        if not wait_until(lambda: not group_members(pgid), 5):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGKILL)
        assert wait_until(lambda: not group_members(pgid), 5), group_members(pgid)

        assert not serves(server)
        # The port is free: the restarted service can bind it at once.
        with socket.socket() as restart:
            restart.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            restart.bind(("127.0.0.1", server.port))
