"""A double submit of "record this sign as a missing episode" (PostgreSQL, real row
locks, one thread each): exactly one episode, one audit row, both get it back."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection, connections

from cairn.audit.models import AuditEvent
from cairn.concerns.models import Concern
from cairn.missing import services
from cairn.missing.models import MissingEpisode

from .test_from_concern import aware, child, concern, sign  # noqa: F401

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks and threads"
    ),
]


def test_double_submit_records_one_episode(
    users: dict[str, Any],
    concern: Concern,  # noqa: F811
) -> None:
    overnight = sign(concern, "missing_overnight")
    barrier = threading.Barrier(2)
    results: list[tuple[int, bool]] = []

    def submit() -> None:
        try:
            barrier.wait()
            episode, created = services.episode_record_from_sign(
                actor=users["social_worker"],
                sign_id=overnight.pk,
                reported_at=aware(overnight.observed_on, 22),
                found_at=aware(overnight.observed_on + dt.timedelta(days=1), 9),
            )
            results.append((episode.pk, created))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(results) == 2, results
    assert {pk for pk, _ in results} == {MissingEpisode.objects.get().pk}
    assert sorted(created for _, created in results) == [False, True]
    assert AuditEvent.objects.filter(event="missing.recorded").count() == 1
