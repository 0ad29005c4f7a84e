"""Two-step verification with an authenticator app (TOTP, django-otp). Users set it up
from their account page; once set up, every sign-in asks for the 6-digit code. With
CAIRN_REQUIRE_2FA (on in production) users without it must set it up before using Cairn."""

from __future__ import annotations

import base64
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from cairn.audit import services as audit

DEVICE_NAME = "Authenticator app"


def pending_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def has_two_step(user: Any) -> bool:
    return bool(user.is_authenticated and user_has_device(user, confirmed=True))


def secret_for_display(device: TOTPDevice) -> str:
    """The key as base32 in groups of four, as authenticator apps expect it typed."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@transaction.atomic
def totp_start(*, actor: Any) -> TOTPDevice:
    """A new, unconfirmed device (any earlier unconfirmed one is replaced)."""
    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    return TOTPDevice.objects.create(user=actor, name=DEVICE_NAME, confirmed=False)


@transaction.atomic
def totp_confirm(*, actor: Any, request: HttpRequest, token: str) -> TOTPDevice:
    device = pending_device(actor)
    if device is None:
        raise ValidationError({"token": "Start setting up two-step verification again"})
    if not device.verify_token(token.strip().replace(" ", "")):
        raise ValidationError({"token": "The code is wrong or has expired: enter the current code"})
    TOTPDevice.objects.filter(user=actor, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    audit.record(
        actor=actor,
        event="auth.two_step_enabled",
        obj=device,
        justification="Two-step verification set up",
    )
    return device


def verify(*, request: HttpRequest, token: str) -> bool:
    user = request.user
    device = match_token(user, token.strip().replace(" ", ""))
    if device is None:
        audit.record(actor=user, event="auth.two_step_failed", justification="Wrong sign-in code")
        return False
    otp_login(request, device)
    audit.record(actor=user, event="auth.two_step_verified", justification="Sign-in code accepted")
    return True
