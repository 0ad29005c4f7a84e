"""A phone, vehicle or account recorded by a partner that police already hold on a
police-only record: the FIB is told so the two can be connected; the partner is not."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from cairn.accounts.roles import Role
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


def test_one_open_alert_per_officer_per_object_however_often_it_is_recorded(
    users: dict[str, Any], make_user: Any
) -> None:
    """Partners record the same number again and again (each time a new record): an
    officer with an unread alert about it gets no more; once read, the next recording
    alerts again. Another object alerts on its own."""
    fib, second = users["fib_officer"], make_user(Role.FIB_OFFICER, username="fib_second")
    pole.phone_create(actor=fib, number="07700 900123", police_only=True)
    pole.online_account_create(actor=fib, platform="snapchat", handle="@deano_x", police_only=True)
    for number in ("07700 900123", "+44 7700 900123", "07700900123"):
        pole.phone_create(actor=users["social_worker"], number=number)
    pole.phone_create(actor=users["practitioner"], number="07700 900123")
    assert len(_told(fib)) == 1 and len(_told(second)) == 1
    # A handle typed differently is the same account: one alert.
    pole.online_account_create(actor=users["social_worker"], platform="snapchat", handle="Deano_X")
    pole.online_account_create(actor=users["practitioner"], platform="snapchat", handle="@deano_x")
    assert len(_told(fib)) == 2
    # The first officer reads theirs; the next recording tells them again, not the other.
    Notification.objects.filter(recipient=fib, url__contains="900123").update(
        read_at=timezone.now()
    )
    pole.phone_create(actor=users["social_worker"], number="07700 900123")
    assert len(_told(fib)) == 3 and len(_told(second)) == 2
