"""The red team's double and triple submits (issue 18 #1), for real: two copies of one
creating form, with one submit key, released together from two threads. Exactly one
record and at most one notification per recipient; both copies end on the same page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from cairn.audit.models import AuditEvent
from cairn.notifications.models import Notification
from cairn.pole.models import Person

from ..core.submit_scenarios import SCENARIOS, repeated_notifications
from .conftest import race

pytestmark = pytest.mark.django_db(transaction=True)

KEY_INPUT = re.compile(r'name="submit_key" value="([A-Za-z0-9_-]+)"')


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_two_copies_of_one_form_at_once_create_one_record(
    name: str, users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    scenario = SCENARIOS[name](users, make_person)
    clients = []
    for _ in range(2):
        client = Client()
        client.force_login(scenario.user)
        clients.append(client)
    page = clients[0].get(scenario.url).content.decode()
    key = KEY_INPUT.findall(page)[-1]
    data = {**scenario.data, "submit_key": key}
    notified = Notification.objects.count()

    outcomes = race(*(lambda c=c: c.post(scenario.url, data) for c in clients))

    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    statuses = sorted(o.value.status_code for o in outcomes)
    assert statuses == [302, 303], statuses  # one did it, the other was sent after it
    assert outcomes[0].value["Location"] == outcomes[1].value["Location"]
    assert scenario.count() == 1
    assert repeated_notifications() == []
    expected = 1 if name == "screening" else 0  # the PPU co-ordinator, once
    assert Notification.objects.count() - notified == expected
    assert AuditEvent.objects.filter(event="web.submit_replayed").count() == 1


def test_risk_decision_sent_twice_at_once_without_a_key_is_recorded_once(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    """The service's own guard: the same decision by the same person on one concern,
    even from a form without a key, is one entry in the trajectory and one notification."""
    scenario = SCENARIOS["screening"](users, make_person)
    clients = []
    for _ in range(2):
        client = Client()
        client.force_login(scenario.user)
        clients.append(client)

    outcomes = race(*(lambda c=c: c.post(scenario.url, scenario.data) for c in clients))

    assert all(o.ok and o.value.status_code == 302 for o in outcomes), outcomes
    assert scenario.count() == 1
    assert Notification.objects.filter(kind="risk.raised").count() == 1
