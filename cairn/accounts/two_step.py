"""Two-step verification with an authenticator app (TOTP, django-otp). Users set it up
from their account page; once set up, every sign-in asks for the 6-digit code. With
CAIRN_REQUIRE_2FA (on in production) users without it must set it up before using Cairn.

Setting up a new app replaces the old one, so once a user has an app only a session that
has passed the second step may start or confirm a replacement: the password alone must
never be enough to take over the second factor. A lost phone is reset by an administrator
(`manage.py two_step_reset`), never by the user's own unverified session."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cairn.core.http import AuthenticatedHttpRequest

import base64

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from cairn.audit import services as audit
from cairn.core.types import Actor

DEVICE_NAME = "Authenticator app"


def pending_device(user: Actor) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def has_two_step(user: Actor) -> bool:
    return bool(user.is_authenticated and user_has_device(user, confirmed=True))


def secret_for_display(device: TOTPDevice) -> str:
    """The key as base32 in groups of four, as authenticator apps expect it typed."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def may_manage_devices(user: Actor, *, verified: bool) -> bool:
    """Whether this session may set up (or replace) the user's app: always before the
    first app is confirmed, afterwards only once the session has passed the second step."""
    return verified or not has_two_step(user)


def _require_may_manage(actor: Actor, verified: bool) -> None:
    if not may_manage_devices(actor, verified=verified):
        raise PermissionDenied("Enter the code from your authenticator app first.")


@transaction.atomic
def totp_start(*, actor: Actor, verified: bool) -> TOTPDevice:
    """A new, unconfirmed device (any earlier unconfirmed one is replaced). `verified`:
    whether the session has passed the second step."""
    _require_may_manage(actor, verified)
    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    return TOTPDevice.objects.create(user=actor, name=DEVICE_NAME, confirmed=False)


@transaction.atomic
def totp_confirm(*, actor: Actor, request: HttpRequest, token: str) -> TOTPDevice:
    _require_may_manage(actor, bool(actor.is_verified()))
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


def verify(*, request: AuthenticatedHttpRequest, token: str) -> bool:
    user = request.user
    device = match_token(user, token.strip().replace(" ", ""))
    if device is None:
        audit.record(actor=user, event="auth.two_step_failed", justification="Wrong sign-in code")
        return False
    otp_login(request, device)
    audit.record(actor=user, event="auth.two_step_verified", justification="Sign-in code accepted")
    return True
