"""The queue's cost does not grow with the number of records due (no N+1), and each
page view is a consultation audited with the people listed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cairn.audit.models import AuditEvent
from cairn.pole.models import Person

from .conftest import age

pytestmark = pytest.mark.django_db


def _people(make_person: Callable[..., Person], fib: Any, n: int) -> list[Person]:
    made = []
    for i in range(n):
        person = make_person(actor=fib, given_name=f"Olden{i}", category="person_of_concern")
        age(person, timezone.now() - dt.timedelta(days=7 * 365))
        made.append(person)
    return made


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("retention:queue")).status_code == 200
    return len(ctx.captured_queries)


def test_queue_queries_do_not_grow_and_are_audited(
    users: dict[str, Any], ig_police: Any, rules: None, make_person: Callable[..., Person]
) -> None:
    client = Client()
    client.force_login(ig_police)
    few = _people(make_person, users["fib_officer"], 2)
    first = _queries(client)
    _people(make_person, users["fib_officer"], 6)
    assert _queries(client) == first
    row = AuditEvent.objects.filter(event="retention.queue_viewed").latest("chain_index")
    assert row.details["due"] == 8
    assert {p.pk for p in few} <= set(row.details["subjects"])
