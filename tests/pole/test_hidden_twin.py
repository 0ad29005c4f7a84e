"""A phone, vehicle or account recorded by a partner that police already hold on a
police-only record: the FIB is told so the two can be connected; the partner is not."""

from __future__ import annotations

from typing import Any

import pytest

from cairn.notifications.models import Notification
from cairn.pole import services as pole

pytestmark = pytest.mark.django_db


def _told(user: Any) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind="pole.hidden_twin"))


def test_a_partner_recording_a_number_police_hold_alerts_the_fib_only(
    users: dict[str, Any],
) -> None:
    held = pole.phone_create(actor=users["fib_officer"], number="07700 900123", police_only=True)
    sw = users["social_worker"]
    made = pole.phone_create(actor=sw, number="+44 7700 900123")
    assert made.pk != held.pk  # the partner never sees or reuses the police record
    alert = _told(users["fib_officer"])
    assert len(alert) == 1
    assert "already on a record they cannot see" in alert[0].title
    assert "+447700900123" in alert[0].title and "q=%2B447700900123" in alert[0].url
    for user in (sw, users["practitioner"], users["mash_screener"]):
        assert _told(user) == []


def test_vehicles_and_accounts_too_and_nothing_when_the_recorder_can_see_the_twin(
    users: dict[str, Any],
) -> None:
    pole.vehicle_create(actor=users["fib_officer"], registration="TE57 ABC", police_only=True)
    pole.vehicle_create(actor=users["social_worker"], registration="te57abc")
    pole.online_account_create(
        actor=users["fib_officer"], platform="snapchat", handle="@deano_x", police_only=True
    )
    pole.online_account_create(actor=users["social_worker"], platform="snapchat", handle="deano_x")
    assert len(_told(users["fib_officer"])) == 2
    # A number the recorder can already see is no news to anyone.
    pole.phone_create(actor=users["social_worker"], number="07700 900456")
    pole.phone_create(actor=users["social_worker"], number="07700900456")
    # Police recording a number police hold: they can see it, so nothing either.
    pole.phone_create(actor=users["ppu_coordinator"], number="07700 900123", police_only=True)
    pole.phone_create(actor=users["fib_officer"], number="07700 900123")
    assert len(_told(users["fib_officer"])) == 2
