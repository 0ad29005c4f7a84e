"""Issuing, revoking and checking API tokens. Issuing and revoking are security events
in the audit trail; checking a token only stamps when it was last used."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from cairn.audit import services as audit
from cairn.core.outage import Outage, classify
from cairn.core.types import Actor

from . import selectors
from .models import ApiToken

logger = logging.getLogger(__name__)

SECRET_PREFIX = "cairn_"  # noqa: S105 (a public marker, not a secret)
PREFIX_LENGTH = len(SECRET_PREFIX) + 6
DEFAULT_LIFETIME_DAYS = 90
MAX_LIFETIME_DAYS = 365
MAX_ACTIVE_TOKENS = 10
# Stamping last_used_at on every request would make each API call a write; a minute is
# precise enough for "is this token still in use?".
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown to the user once, never stored


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(
    *,
    actor: Actor,
    name: str,
    lifetime_days: int = DEFAULT_LIFETIME_DAYS,
    second_factor: bool = False,
) -> IssuedToken:
    """`second_factor`: this session passed a second step (Cairn's code, or the provider's
    MFA where it counts). An account that signs in through its agency's provider needs it,
    and gets tokens no longer than the provider allows: Cairn is not told when the provider
    disables the person, so a token must not outlive that by long (ADR 0020)."""
    if not actor.has_perm("api.use"):
        raise PermissionDenied("Your role may not use the API.")
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Enter a name for the token"})
    if not 1 <= lifetime_days <= MAX_LIFETIME_DAYS:
        raise ValidationError(
            {"lifetime_days": f"A token can last between 1 and {MAX_LIFETIME_DAYS} days"}
        )
    limit = selectors.sign_in_limit(actor)
    if limit is not None:
        days, provider = limit
        if not second_factor:
            raise ValidationError(
                {
                    "__all__": "You signed in through your organisation without a second "
                    "factor. Set up two-step verification (linked from your home page) before you "
                    "create an API token."
                }
            )
        if lifetime_days > days:
            raise ValidationError(
                {
                    "lifetime_days": f"Accounts that sign in through {provider} can have "
                    f"a token for at most {days} days"
                }
            )
    now = timezone.now()
    active = selectors.tokens_for_user(actor).filter(revoked_at__isnull=True, expires_at__gt=now)
    if active.count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            {"name": f"You already have {MAX_ACTIVE_TOKENS} active tokens: revoke one first"}
        )
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=actor,
        name=name,
        token_hash=hash_secret(secret),
        prefix=secret[:PREFIX_LENGTH],
        expires_at=now + dt.timedelta(days=lifetime_days),
    )
    token.full_clean()
    token.save()
    audit.record(
        actor=actor,
        event="auth.api_token_created",
        obj=token,
        justification=f"API token issued: {name}"[:500],
        details={"prefix": token.prefix, "expires_at": token.expires_at.isoformat()},
    )
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def token_revoke(*, actor: Actor, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens (anyone else's is a 404). Revoking twice is
    harmless and audited once."""
    token = selectors.token_for_owner(actor, token_id)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        event="auth.api_token_revoked",
        obj=token,
        justification=f"API token revoked: {token.name}"[:500],
        details={"prefix": token.prefix},
    )
    return token


def token_authenticate(*, secret: str) -> Actor | None:
    """The active user a bearer secret belongs to, or None when the secret is unknown,
    revoked or expired, or its user is inactive."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 200:
        return None
    token = selectors.token_by_hash(hash_secret(secret))
    now = timezone.now()
    if token is None or not token.is_usable(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now
        _stamp_last_used(token)
    return token.user


def _stamp_last_used(token: ApiToken) -> None:
    """Bookkeeping, not a record: while the database is read-only for maintenance a call
    that only reads still works, with the stamp left for a later call. (A GET runs in
    autocommit, so the refused UPDATE spoils nothing; a POST fails read-only anyway.)"""
    try:
        token.save(update_fields=["last_used_at"])
    except DatabaseError as exc:
        if classify(exc) is not Outage.READ_ONLY:
            raise
        logger.warning("API token last-used time not stamped: the database is read-only.")
