"""Sign-in, sign-out and failed sign-in are security events in the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from cairn.audit import services as audit
from cairn.core.types import Actor


@receiver(user_logged_in)
def _signed_in(sender: Any, request: Any, user: Actor, **kwargs: Any) -> None:
    audit.record(actor=user, event="auth.signed_in", justification="Signed in")


@receiver(user_logged_out)
def _signed_out(sender: Any, request: Any, user: Actor | None, **kwargs: Any) -> None:
    if user is not None:
        audit.record(actor=user, event="auth.signed_out", justification="Signed out")


@receiver(user_login_failed)
def _sign_in_failed(sender: Any, credentials: Any, request: Any = None, **kwargs: Any) -> None:
    if "nonce" in (credentials or {}):
        return  # a single sign-on: the SSO view audits it with its reason (auth.sso_refused)
    username = str((credentials or {}).get("username", ""))[:150]
    audit.record_system(
        event="auth.sign_in_failed",
        justification="Failed sign-in attempt",
        details={"username": username},
    )
