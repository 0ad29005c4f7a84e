"""Reads of API tokens: a user only ever sees their own."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from cairn.accounts.models import ExternalIdentity
from cairn.core.types import Actor

from .models import ApiToken


def tokens_for_user(user: Actor) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user_id=user.pk).order_by("-created_at")


def token_for_owner(user: Actor, token_id: int) -> ApiToken:
    """The user's own token; anyone else's (or none) is a 404."""
    token = tokens_for_user(user).filter(pk=token_id).first()
    if token is None:
        raise Http404("No token found.")
    return token


def token_by_hash(token_hash: str) -> ApiToken | None:
    return (
        ApiToken.objects.select_related("user", "user__agency")
        .filter(token_hash=token_hash)
        .first()
    )


def sign_in_limit(user: Actor) -> tuple[int, str] | None:
    """For an account that signs in through an agency's provider: the longest token its
    provider allows, and the provider's name (the strictest, if it has several)."""

    identities = ExternalIdentity.objects.filter(user=user).select_related("provider")
    limits = [(i.provider.api_token_max_days, i.provider.name) for i in identities]
    return min(limits) if limits else None
