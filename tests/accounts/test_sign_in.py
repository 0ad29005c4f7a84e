"""Sign in, sign out, lockout and the security headers every page carries."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cairn.audit.models import AuditEvent

from ..factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_sign_in_page_renders_govuk_form(client: Client) -> None:
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="govuk-input' in html
    assert 'autocomplete="username"' in html
    assert "Misuse is a criminal offence" in html


def test_signed_out_users_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_sign_in_and_out_are_audited(client: Client, users: dict[str, Any]) -> None:
    user = users["social_worker"]
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    home = client.get(reverse("core:home"))
    assert home.status_code == 200
    assert "Social worker" in home.content.decode()
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signed-out")
    events = list(AuditEvent.objects.filter(actor=user).values_list("event", flat=True))
    assert "auth.signed_in" in events
    assert "auth.signed_out" in events


def test_sign_out_by_get_is_refused(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["social_worker"])
    assert client.get(reverse("accounts:logout")).status_code == 405


def test_wrong_password_shows_error_and_keeps_username(
    client: Client, users: dict[str, Any]
) -> None:
    user = users["practitioner"]
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": "nope"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "Enter a correct username and password" in html
    assert f'value="{user.username}"' in html
    assert AuditEvent.objects.filter(event="auth.sign_in_failed").exists()


def test_lockout_after_repeated_failures(
    client: Client, users: dict[str, Any], settings: Any
) -> None:
    user = users["practitioner"]
    url = reverse("accounts:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": user.username, "password": "wrong-password"})
    # Even the right password is refused now.
    response = client.post(url, {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "Your account is locked" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_account(client: Client, users: dict[str, Any], settings: Any) -> None:
    url = reverse("accounts:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": users["practitioner"].username, "password": "wrong"})
    other = users["social_worker"]
    response = client.post(url, {"username": other.username, "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_security_headers(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["social_worker"])
    response = client.get(reverse("core:home"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self' 'nonce-" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cache-Control"] == "no-store, private"
    assert len(response["X-Request-ID"]) >= 8


def test_session_is_idle_timeout(settings: Any) -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_passwords_hash_with_argon2_outside_tests() -> None:
    from cairn.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
