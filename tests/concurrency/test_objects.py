"""The same phone, vehicle or online account sent to the API twice at the same moment (two
colleagues, or a client that retried): one record is made (201) and the other request is
answered with it (200), never two records and never an error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cairn.audit.models import AuditEvent
from cairn.pole.models import Entity

from .conftest import ROUNDS, race

pytestmark = pytest.mark.django_db(transaction=True)

# Each round's object, typed two ways.
BODIES: dict[str, Callable[[int], tuple[dict[str, Any], dict[str, Any]]]] = {
    "/phones": lambda n: ({"number": f"07700 90041{n}"}, {"number": f"+447700 90041{n}"}),
    "/vehicles": lambda n: ({"registration": f"RC0{n} ACE"}, {"registration": f"rc0{n}ace"}),
    "/online-accounts": lambda n: (
        {"platform": "snapchat", "handle": f"@racer_{n}"},
        {"platform": "snapchat", "handle": f"Racer_{n}"},
    ),
}


@pytest.mark.parametrize("path", list(BODIES))
def test_the_same_object_sent_at_once_is_one_record(
    path: str, users: dict[str, Any], api_for: Callable[[Any], Any]
) -> None:
    clients = [api_for(users["social_worker"]), api_for(users["practitioner"])]
    for n in range(ROUNDS):
        before = Entity.objects.count()
        bodies = BODIES[path](n)

        calls = zip(clients, bodies, strict=True)
        outcomes = race(*(lambda c=client, b=body: c.post(path, b) for client, body in calls))

        assert all(o.ok for o in outcomes), [o.error for o in outcomes]
        responses = [o.value for o in outcomes]
        assert sorted(r.status_code for r in responses) == [200, 201], [
            r.content for r in responses
        ]
        assert len({r.json()["id"] for r in responses}) == 1
        assert Entity.objects.count() == before + 1
        assert AuditEvent.objects.filter(event="entity.created").count() == n + 1
