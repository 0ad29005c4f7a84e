"""Two-step verification: set-up with a code, the second step at sign-in, the wrong code,
and the production rule that everyone must set it up."""

from __future__ import annotations

import io
import time
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cairn.audit.models import AuditEvent

from ..factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice, drift: int = 0) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
    return f"{value:06d}"


def _set_up(client: Client, user: Any) -> TOTPDevice:
    client.force_login(user)
    client.post(reverse("accounts:two-step-setup"), {"action": "start"})
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accounts:two-step-setup"), {"token": _code(device)})
    assert "Two-step verification is on" in response.content.decode()
    device.refresh_from_db()
    return device


def test_set_up_shows_the_key_and_needs_a_right_code(client: Client, users: dict[str, Any]) -> None:
    user = users["social_worker"]
    client.force_login(user)
    client.post(reverse("accounts:two-step-setup"), {"action": "start"})
    page = client.get(reverse("accounts:two-step-setup")).content.decode()
    assert 'data-testid="totp-secret"' in page and "otpauth://totp/" in page
    response = client.post(reverse("accounts:two-step-setup"), {"token": "000000"})
    assert "The code is wrong or has expired" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    device = TOTPDevice.objects.get(user=user)
    client.post(reverse("accounts:two-step-setup"), {"token": _code(device)})
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
    assert AuditEvent.objects.filter(event="auth.two_step_enabled", actor=user).exists()


def test_sign_in_then_asks_for_the_code(client: Client, users: dict[str, Any]) -> None:
    user = users["social_worker"]
    device = _set_up(client, user)
    client.logout()
    client.post(reverse("accounts:login"), {"username": user.username, "password": TEST_PASSWORD})
    home = client.get(reverse("core:home"))
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("accounts:two-step-verify"))
    people = client.get(reverse("pole:person-search"))
    assert people["Location"].startswith(reverse("accounts:two-step-verify"))
    wrong = client.post(reverse("accounts:two-step-verify"), {"token": "000000"})
    assert "The code is wrong or has expired" in wrong.content.decode()
    assert AuditEvent.objects.filter(event="auth.two_step_failed", actor=user).exists()
    # After the failure throttle (1 s) and in a new 30-second step (a used code never works twice).
    with time_machine.travel(time.time() + 31, tick=False):
        right = client.post(
            reverse("accounts:two-step-verify"), {"token": _code(device), "next": "/people/"}
        )
    assert right["Location"] == "/people/"
    assert client.get(reverse("core:home")).status_code == 200


def test_verify_refuses_offsite_next(client: Client, users: dict[str, Any]) -> None:
    user = users["social_worker"]
    device = _set_up(client, user)
    client.logout()
    client.force_login(user)
    response = client.post(
        reverse("accounts:two-step-verify"),
        {"token": _code(device, drift=1), "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("core:home")


def test_required_two_step_sends_users_to_set_up(
    client: Client, users: dict[str, Any], settings: Any
) -> None:
    settings.CAIRN_REQUIRE_2FA = True
    client.force_login(users["practitioner"])
    response = client.get(reverse("core:home"))
    assert response["Location"] == reverse("accounts:two-step-setup")
    assert client.get(reverse("accounts:two-step-setup")).status_code == 200
    # Signing out is always possible.
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_api_tokens_are_not_held_at_the_two_step_page(users: dict[str, Any], settings: Any) -> None:
    from cairn.api_auth import services as token_services

    settings.CAIRN_REQUIRE_2FA = True
    secret = token_services.token_create(actor=users["social_worker"], name="t").secret
    response = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200


def test_production_requires_two_step_by_default() -> None:
    import os
    import subprocess
    import sys

    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "SECRET_KEY": "k7Qz-3vLm_9TbXw2RyNc8HdJf5GsPa4UeKo1Vi6BnMtZq0WjYx",
        "CAIRN_AUDIT_CHECKPOINT_KEY": "c8Rw2Lq-Zt5Nv_Xb7Mk3Pj9Hs4Fd6Gy1",
        "DATABASE_URL": "postgres://cairn@db.example.invalid:5432/cairn",
        "ALLOWED_HOSTS": "cairn.example.invalid",
        "CAIRN_BASE_URL": "https://cairn.example.invalid",
    }
    env.pop("CAIRN_REQUIRE_2FA", None)
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='cairn.settings.production';"
        "from django.conf import settings; print(settings.CAIRN_REQUIRE_2FA)"
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "True"


def test_reset_command_removes_the_device_and_is_audited(
    client: Client, users: dict[str, Any]
) -> None:
    from django.core.management import call_command

    user = users["social_worker"]
    _set_up(client, user)
    out = io.StringIO()
    call_command("two_step_reset", user.username, reason="Lost phone", stdout=out)
    assert "reset for" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert AuditEvent.objects.get(event="auth.two_step_reset").details["username"] == user.username


def _password_only_session(client: Client, user: Any) -> None:
    """A session that has passed the password but not the second step."""
    client.logout()
    client.post(reverse("accounts:login"), {"username": user.username, "password": TEST_PASSWORD})


def test_password_alone_cannot_replace_the_authenticator_app(
    client: Client, users: dict[str, Any]
) -> None:
    user = users["social_worker"]
    device = _set_up(client, user)
    _password_only_session(client, user)
    page = client.get(reverse("accounts:two-step-setup"))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("accounts:two-step-verify"))
    start = client.post(reverse("accounts:two-step-setup"), {"action": "start"})
    assert start.status_code == 302
    assert start["Location"].startswith(reverse("accounts:two-step-verify"))
    assert not TOTPDevice.objects.filter(user=user, confirmed=False).exists()
    assert list(TOTPDevice.objects.filter(user=user)) == [device]
    # Still held at the second step: nothing else opens.
    assert client.get(reverse("core:home"))["Location"].startswith(
        reverse("accounts:two-step-verify")
    )


def test_password_alone_cannot_confirm_a_pending_replacement(
    client: Client, users: dict[str, Any]
) -> None:
    from cairn.accounts import two_step

    user = users["social_worker"]
    device = _set_up(client, user)
    pending = two_step.totp_start(actor=user, verified=True)  # left over from a verified session
    _password_only_session(client, user)
    response = client.post(reverse("accounts:two-step-setup"), {"token": _code(pending)})
    assert response.status_code == 302
    assert TOTPDevice.objects.get(user=user, confirmed=True) == device
    assert (
        not AuditEvent.objects.filter(event="auth.two_step_enabled")
        .exclude(object_id=str(device.pk))
        .exists()
    )


def test_service_refuses_device_changes_without_a_verified_session(
    users: dict[str, Any], client: Client
) -> None:
    from django.core.exceptions import PermissionDenied

    from cairn.accounts import two_step

    user = users["social_worker"]
    _set_up(client, user)
    with pytest.raises(PermissionDenied):
        two_step.totp_start(actor=user, verified=False)


def test_a_verified_session_can_replace_the_app(client: Client, users: dict[str, Any]) -> None:
    user = users["social_worker"]
    old = _set_up(client, user)
    client.post(reverse("accounts:two-step-setup"), {"action": "start"})
    new = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accounts:two-step-setup"), {"token": _code(new)})
    assert "Two-step verification is on" in response.content.decode()
    assert list(TOTPDevice.objects.filter(user=user)) == [new]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()


def test_an_unverified_session_cannot_use_the_api_or_issue_tokens(
    client: Client, users: dict[str, Any]
) -> None:
    user = users["social_worker"]
    _set_up(client, user)
    _password_only_session(client, user)
    assert client.get("/api/v1/me").status_code != 200
    client.post("/api/tokens/", {"name": "sneaky", "lifetime_days": 30})
    from cairn.api_auth.models import ApiToken

    assert not ApiToken.objects.filter(user=user).exists()


def test_device_admin_is_not_offered(client: Client, users: dict[str, Any]) -> None:
    from django.contrib import admin

    assert TOTPDevice not in admin.site._registry
