"""gunicorn settings for Cairn (docs/deployment.md). Run it as

    .venv/bin/gunicorn --config deploy/gunicorn.conf.py cairn.wsgi

under the shipped systemd unit (deploy/cairn.service), which stops the master and every
worker together. Values can be changed through the environment below, or with gunicorn's
own GUNICORN_CMD_ARGS.

The application is loaded once, in the master, with the crime check's model (preload_app
and `when_ready`): workers fork with it in memory. Deploying new code therefore needs a
restart of the unit (`systemctl restart cairn`), not a HUP reload.

The worker timeout is above Cairn's database timeouts (CAIRN_DB_CONNECT_TIMEOUT 5 s,
CAIRN_DB_STATEMENT_TIMEOUT 20 s): a request held by a hanging database gets Cairn's own
"cannot reach its database" page before gunicorn would kill the worker and the user would
see a bare error from the proxy.
"""

import multiprocessing
import os
import shutil
import tempfile

wsgi_app = "cairn.wsgi:application"
# Behind the TLS-terminating reverse proxy, on the loopback interface by default.
bind = os.environ.get("CAIRN_BIND", "127.0.0.1:8001").split(",")
workers = int(os.environ.get("CAIRN_WORKERS", str(min(2 * multiprocessing.cpu_count() + 1, 9))))
worker_class = "sync"
timeout = int(os.environ.get("CAIRN_WORKER_TIMEOUT", "40"))
graceful_timeout = 20
# Recycle workers now and then, so a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
# The heartbeat file on tmpfs: a slow or full disk must not make the master kill workers.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# The proxy's address(es), trusted for X-Forwarded-Proto (production needs https there).
forwarded_allow_ips = os.environ.get("CAIRN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Logs to stdout and stderr: the journal keeps them under systemd.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("CAIRN_GUNICORN_LOG_LEVEL", "info")
# Leave out the query string (search terms can name a child) from the access log.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss "%(a)s"'
# No runtime control socket (gunicornc): nothing outside the unit may resize or reload it,
# and two instances on one host would otherwise share $HOME/.gunicorn/gunicorn.ctl.
control_socket_disable = True
proc_name = "cairn"
# The tokenizer's thread pool must not be started in the master that forks the workers.
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# Metrics from every worker, summed at each scrape of /metrics (cairn/core/metrics.py): a
# directory of their counters, emptied at each start (stale files would add old counts).
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    _metrics = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(_metrics, ignore_errors=True)
    os.makedirs(_metrics, exist_ok=True)
    _made_metrics_dir = ""
else:
    _shm = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
    _made_metrics_dir = tempfile.mkdtemp(prefix="cairn-metrics-", dir=_shm)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _made_metrics_dir

# Load Cairn in the master and warm the crime check there (see `when_ready`).
preload_app = True


def when_ready(server):  # type: ignore[no-untyped-def]
    """After the app is loaded in the master, before any worker is forked: load the crime
    check's model, so workers share it instead of each spending seconds of CPU loading it
    on its first entry (a worker recycled by max_requests starts warm too). Connections
    opened on the way are closed: a forked worker must never share its parent's."""
    import time

    from django.db import connections

    from cairn.intelligence import crime_model

    started = time.monotonic()
    crime_model.warm()
    connections.close_all()
    server.log.info("Crime check model loaded in %.1f s", time.monotonic() - started)


def child_exit(server, worker):  # type: ignore[no-untyped-def]
    """A worker that exits (recycled, killed) leaves its counters for the sums; only its
    live gauges are dropped."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):  # type: ignore[no-untyped-def]
    """The metrics directory made for this run goes with it (it is held in memory)."""
    if _made_metrics_dir:
        shutil.rmtree(_made_metrics_dir, ignore_errors=True)
