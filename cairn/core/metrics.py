"""Prometheus metrics for operations (`GET /metrics`, docs/deployment.md).

Per request (recorded by RequestIdMiddleware): a count by route name, method and status,
and a latency histogram by route name. Route names only ("pole:person-detail"), never
paths, ids or query strings, so no label can carry personal data and the label sets stay
small.

Read from the database at each scrape (so they count work done by every process, the
cron jobs included): the audit chain's length (its rate is audit writes per second),
referrals escalated and referral clocks overdue, and background tasks queued or failed.

Under gunicorn each worker keeps its own counters; with PROMETHEUS_MULTIPROC_DIR set
(deploy/gunicorn.conf.py does, and empties it at start) they are summed at the scrape,
whichever worker answers it."""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterator

from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from cairn.audit.selectors import audit_head_index
from cairn.core.selectors import task_queue_depth
from cairn.referrals.selectors import all_overdue, escalated

REQUESTS = Counter(
    "cairn_requests",
    "Requests answered, by route name, method and status",
    ["view", "method", "status"],
)
LATENCY = Histogram(
    "cairn_request_seconds",
    "Time to answer a request, by route name",
    ["view"],
    buckets=(0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0),
)


# Any other method a client sends is counted as "other": the label set stays fixed, and a
# caller cannot write text of their choosing into the metrics.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def observe_request(view: str, method: str, status: int, seconds: float) -> None:
    method = method if method in METHODS else "other"
    REQUESTS.labels(view=view, method=method, status=str(status)).inc()
    LATENCY.labels(view=view).observe(seconds)


class DatabaseCollector(Collector):
    """Figures read from the database at scrape time (a few indexed counts)."""

    def collect(self) -> Iterator[Metric]:
        """The figures, and whether they could be read: with the database down the
        request metrics are still scraped, and `cairn_database_read` says why these
        are missing."""

        try:
            figures = list(self._figures())
        except DatabaseError:
            figures = []
        yield GaugeMetricFamily(
            "cairn_database_read",
            "1 when the database figures below could be read at this scrape, else 0",
            value=1 if figures else 0,
        )
        yield from figures

    def _figures(self) -> Iterator[Metric]:
        from django_tasks.base import TaskResultStatus  # noqa: PLC0415  (lazy: heavy library)

        now = timezone.now()
        yield GaugeMetricFamily(
            "cairn_audit_chain_index",
            "Audit events written so far (the chain head's index): rate() is audit writes",
            value=audit_head_index(),
        )
        yield GaugeMetricFamily(
            "cairn_referrals_escalated",
            "Referrals whose statutory clock ran out and were escalated or flagged",
            value=escalated().count(),
        )
        yield GaugeMetricFamily(
            "cairn_referral_clocks_overdue",
            "Referrals past their decision deadline, clock still running",
            value=all_overdue(now).count(),
        )
        tasks = GaugeMetricFamily(
            "cairn_tasks",
            "Background tasks by status (django-tasks database queue)",
            labels=["status"],
        )
        depth = task_queue_depth()
        for status in (TaskResultStatus.READY, TaskResultStatus.RUNNING, TaskResultStatus.FAILED):
            tasks.add_metric([status.lower()], depth[status.value])
        yield tasks


def registry() -> CollectorRegistry:
    """This process's metrics, or every worker's when gunicorn runs several."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        merged = CollectorRegistry()
        multiprocess.MultiProcessCollector(merged)
    else:
        from prometheus_client import REGISTRY  # noqa: PLC0415  (lazy: heavy library)

        merged = CollectorRegistry()
        merged.register(_Forward(REGISTRY))
    merged.register(DatabaseCollector())
    return merged


class _Forward(Collector):
    def __init__(self, source: CollectorRegistry) -> None:
        self.source = source

    def collect(self) -> Iterator[Metric]:
        yield from self.source.collect()


def _bearer(request: HttpRequest) -> str:
    """The credentials of an `Authorization: Bearer <token>` header (the scheme in any
    case, RFC 9110), else ""."""
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" else ""


@csrf_exempt  # no session is involved; a POST must look like a missing page too, not a 403
@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    """The scrape endpoint, for the bearer of CAIRN_METRICS_TOKEN only: anyone else (and
    everyone, when no token is set) gets a 404, as for a page that does not exist."""
    token = getattr(settings, "CAIRN_METRICS_TOKEN", "")
    given = _bearer(request)
    if (
        request.method not in ("GET", "HEAD")
        or not token
        or not hmac.compare_digest(given.encode(), token.encode())
    ):
        raise Http404
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
