"""GET /metrics (cairn/core/metrics.py): for Prometheus with the configured bearer token
only; requests counted and timed by route name (never a path, id or name); audit writes,
referral clocks and the task queue read from the database at the scrape."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-tests-0123456789"


def _scrape(client: Client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def test_without_the_token_there_is_no_such_page(settings: Any) -> None:
    settings.CAIRN_METRICS_TOKEN = ""
    client = Client()
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 404
    settings.CAIRN_METRICS_TOKEN = TOKEN
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    # The token without its scheme is not a bearer token; the scheme is case-insensitive.
    assert client.get("/metrics", headers={"Authorization": TOKEN}).status_code == 404
    assert client.get("/metrics", headers={"Authorization": f"bearer {TOKEN}"}).status_code == 200
    # Any other method looks like a missing page too (not a CSRF 403 that says it exists).
    for method in ("post", "put", "delete"):
        response = getattr(client, method)("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 404, method


def test_a_made_up_method_cannot_add_series(settings: Any) -> None:
    settings.CAIRN_METRICS_TOKEN = TOKEN
    client = Client()
    for word in ("ZEPHYRINE", "QUILLBOTTOM"):
        client.generic(word, "/healthz")
    text = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).content
    assert b"ZEPHYRINE" not in text and b"QUILLBOTTOM" not in text
    assert b'method="other"' in text


def test_requests_and_audit_writes_are_counted_by_route_name_only(
    settings: Any, users: dict[str, Any], make_person: Any
) -> None:
    settings.CAIRN_METRICS_TOKEN = TOKEN
    scraper = Client()
    before = _scrape(scraper)
    sw = users["social_worker"]
    child = make_person(actor=sw, given_name="Zephyrine", family_name="Quillbottom")
    client = Client()
    client.force_login(sw)
    url = reverse("pole:person-detail", args=[child.pk])
    for _ in range(3):
        assert client.get(url).status_code == 200
    after = _scrape(scraper)

    key = (
        "cairn_requests_total",
        (("method", "GET"), ("status", "200"), ("view", "pole:person-detail")),
    )
    assert after[key] - before.get(key, 0) == 3
    timed = ("cairn_request_seconds_count", (("view", "pole:person-detail"),))
    assert after[timed] - before.get(timed, 0) == 3
    # Three consultations (and the person's creation) at least: the chain grew.
    chain = ("cairn_audit_chain_index", ())
    assert after[chain] - before[chain] >= 3
    assert after[("cairn_database_read", ())] == 1
    assert ("cairn_tasks", (("status", "ready"),)) in after
    assert ("cairn_referral_clocks_overdue", ()) in after
    text = scraper.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).content
    assert b"Zephyrine" not in text and str(child.pk).encode() + b"/" not in text
