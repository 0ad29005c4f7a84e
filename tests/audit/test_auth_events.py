"""Sign-in, failed sign-in and sign-out are security events in the audit log."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cairn.accounts.models import User
from cairn.audit.models import AuditEvent

from ..factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_sign_in_is_audited(client: Client, users: dict[str, User]) -> None:
    user = users["hub_chair"]
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(event="auth.signed_in")
    assert event.actor == user
    assert event.action == "security"
    assert event.actor_agency == "Testshire Police"
    assert event.request_id  # tied to the sign-in request


def test_failed_sign_in_is_audited_without_an_actor(client: Client, users: dict[str, User]) -> None:
    user = users["hub_chair"]
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": "wrong-password"}
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(event="auth.sign_in_failed")
    assert event.actor is None
    assert event.actor_username == "system"
    assert event.action == "security"
    assert event.details == {"username": user.username}
    assert not AuditEvent.objects.filter(event="auth.signed_in").exists()


def test_failed_sign_in_does_not_record_the_password(
    client: Client, users: dict[str, User]
) -> None:
    client.post(reverse("accounts:login"), {"username": "someone", "password": "s3cret-guess"})
    event = AuditEvent.objects.get(event="auth.sign_in_failed")
    assert "s3cret-guess" not in str(event.details)


def test_sign_out_is_audited(client: Client, users: dict[str, User]) -> None:
    user = users["analyst"]
    client.force_login(user)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    event = AuditEvent.objects.get(event="auth.signed_out")
    assert event.actor == user
    assert event.action == "security"


def test_sign_out_when_not_signed_in_records_nothing(client: Client, db: None) -> None:
    client.post(reverse("accounts:logout"))
    assert not AuditEvent.objects.filter(event="auth.signed_out").exists()
