"""Two copies of one API POST with the same Idempotency-Key at the same moment (a client
that retried while the first was still running) make one record, never two."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from cairn.concerns.models import Concern
from cairn.pole.models import Person

from ..concerns.test_api import body
from .conftest import ROUNDS, race

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_retries_with_one_key_create_one_concern(
    users: dict[str, Any], make_person: Callable[..., Person], api_for: Callable[[Any], Any]
) -> None:
    child = make_person(date_of_birth=dt.date(2011, 6, 1))
    clients = [api_for(users["social_worker"]) for _ in range(2)]
    for n in range(ROUNDS):
        key = {"Idempotency-Key": f"race-{n}"}

        outcomes = race(
            *(lambda c=client, k=key: c.post("/concerns", body(child.pk), k) for client in clients)
        )

        responses = [o.value for o in outcomes]
        assert all(o.ok for o in outcomes), [o.error for o in outcomes]
        # The second waits for the first and replays it (or, at worst, is told to retry).
        assert {r.status_code for r in responses} <= {201, 409}
        created = [r.json() for r in responses if r.status_code == 201]
        assert created and all(c["id"] == created[0]["id"] for c in created)
        assert Concern.objects.exclude(status="draft").count() == n + 1
