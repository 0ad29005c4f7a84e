"""/metrics under the shipped gunicorn config with several workers: each worker counts
its own requests, and every scrape, whichever worker answers it, sums them all."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from .conftest import fetch, gunicorn, subprocess_database_url

TOKEN = "metrics-token-for-tests-0123456789"
BATCH = 8
MAX_BATCHES = 25


def _healthz_count(body: str) -> float:
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            if sample.name == "cairn_requests_total" and sample.labels["view"] == "core:healthz":
                return sample.value
    return 0.0


def test_every_scrape_sums_all_workers(tmp_path: Path) -> None:
    env = {
        "DATABASE_URL": subprocess_database_url() or f"sqlite:///{tmp_path / 'x.sqlite3'}",
        "CAIRN_METRICS_TOKEN": TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
    }
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "counter_99999.db").write_bytes(b"stale from a previous run")
    with gunicorn(tmp_path, env, workers=3) as server:
        base = _healthz_count(
            fetch(f"{server.url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).body
        )
        # Requests in concurrent batches until at least two workers have answered some:
        # one at a time, an idle worker on a busy machine can accept every one of them.
        metrics_dir = tmp_path / "metrics"
        sent = 0
        with ThreadPoolExecutor(BATCH) as pool:
            for _ in range(MAX_BATCHES):
                statuses = list(
                    pool.map(lambda _: fetch(f"{server.url}/healthz").status, range(BATCH))
                )
                assert statuses == [200] * BATCH
                sent += BATCH
                if len(list(metrics_dir.glob("counter_*.db"))) >= 2 and sent >= 40:
                    break
        # The stale file went at start; two workers (at least) counted.
        assert not (metrics_dir / "counter_99999.db").exists()
        assert len(list(metrics_dir.glob("counter_*.db"))) >= 2
        counts = []
        for _ in range(6):
            scrape = fetch(f"{server.url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
            assert scrape.status == 200, scrape.body
            counts.append(_healthz_count(scrape.body) - base)
        # The waiting-for-ready probes before `base` are in base; every scrape agrees.
        assert counts == [sent] * 6, counts
