"""Who may call the API: bearer tokens (valid, revoked, expired, unknown), the signed-in
session (with CSRF for changes), inactive users and roles without `api.use`."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client
from django.utils import timezone

from cairn.api_auth import services as token_services
from cairn.api_auth.models import ApiToken
from cairn.api_auth.services import hash_secret
from cairn.audit.models import AuditEvent

from .conftest import API, ApiClient

pytestmark = pytest.mark.django_db


def _me(client: ApiClient) -> Any:
    return client.get("/me")


def test_valid_token_authenticates_as_its_user(
    users: dict[str, Any], token_for: Callable[..., str]
) -> None:
    response = _me(ApiClient(token_for(users["social_worker"])))
    assert response.status_code == 200
    assert response.json()["username"] == users["social_worker"].username


def test_no_credentials_is_401_with_bearer_challenge(db: Any) -> None:
    response = _me(ApiClient())
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert "Authentication required" in response.json()["detail"]


@pytest.mark.parametrize(
    "header",
    ["Bearer cairn_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer x" * 50],
)
def test_unknown_or_malformed_credentials_are_401(db: Any, header: str) -> None:
    response = Client().get(f"{API}/me", headers={"Authorization": header})
    assert response.status_code == 401


def test_only_the_hash_of_the_secret_is_stored(
    users: dict[str, Any], token_for: Callable[..., str]
) -> None:
    secret = token_for(users["analyst"])
    token = ApiToken.objects.get(user=users["analyst"])
    assert token.token_hash == hash_secret(secret)
    assert secret not in (token.token_hash, token.prefix)
    assert secret.startswith(token.prefix)
    lifetime = token.expires_at - token.created_at
    assert lifetime == pytest.approx(dt.timedelta(days=90), abs=dt.timedelta(seconds=60))


def test_revoked_token_is_refused(users: dict[str, Any], token_for: Callable[..., str]) -> None:
    user = users["social_worker"]
    secret = token_for(user)
    client = ApiClient(secret)
    assert _me(client).status_code == 200
    token = ApiToken.objects.get(token_hash=hash_secret(secret))
    token_services.token_revoke(actor=user, token_id=token.pk)
    assert _me(client).status_code == 401


def test_expired_token_is_refused(users: dict[str, Any], token_for: Callable[..., str]) -> None:
    secret = token_for(users["social_worker"], lifetime_days=30)
    client = ApiClient(secret)
    with time_machine.travel(timezone.now() + dt.timedelta(days=29)):
        assert _me(client).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        assert _me(client).status_code == 401


def test_inactive_users_token_is_refused(
    users: dict[str, Any], token_for: Callable[..., str]
) -> None:
    user = users["social_worker"]
    client = ApiClient(token_for(user))
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert _me(client).status_code == 401


def test_inactive_users_session_is_refused(users: dict[str, Any]) -> None:
    user = users["social_worker"]
    client = ApiClient(session_user=user)
    assert _me(client).status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert _me(client).status_code == 401


def test_token_of_user_who_lost_api_use_is_403(
    users: dict[str, Any], token_for: Callable[..., str]
) -> None:
    user = users["social_worker"]
    client = ApiClient(token_for(user))
    user.role = "system_admin"
    user.save(update_fields=["role"])
    response = _me(client)
    assert response.status_code == 403
    assert response.json()["detail"] == "Your role may not use the API."


def test_session_user_without_api_use_is_403(users: dict[str, Any]) -> None:
    response = _me(ApiClient(session_user=users["system_admin"]))
    assert response.status_code == 403


def test_system_admin_cannot_create_a_token(users: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        token_services.token_create(actor=users["system_admin"], name="Nope")
    assert not ApiToken.objects.exists()


def test_last_used_is_stamped(users: dict[str, Any], token_for: Callable[..., str]) -> None:
    secret = token_for(users["analyst"])
    token = ApiToken.objects.get(token_hash=hash_secret(secret))
    assert token.last_used_at is None
    assert _me(ApiClient(secret)).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_session_get_works_without_csrf(users: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["social_worker"])
    assert client.get(f"{API}/me").status_code == 200


def test_session_post_needs_csrf_token(users: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["social_worker"])
    body = json.dumps({"number": "07700 900123"})
    refused = client.post(f"{API}/phones", data=body, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    # The docs page hands the browser a CSRF token; with it the same call succeeds.
    client.get(f"{API}/docs")
    csrf = client.cookies["csrftoken"].value
    accepted = client.post(
        f"{API}/phones", data=body, content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    assert accepted.status_code == 201


def test_token_post_needs_no_csrf(users: dict[str, Any], token_for: Callable[..., str]) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"{API}/phones",
        data=json.dumps({"number": "07700 900124"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token_for(users['social_worker'])}"},
    )
    assert response.status_code == 201


def test_unauthenticated_post_is_401_not_a_csrf_failure(db: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"{API}/phones", data="{}", content_type="application/json")
    assert response.status_code == 401


# The token services -------------------------------------------------------------------


def test_token_create_and_revoke_are_audited(users: dict[str, Any]) -> None:
    user = users["practitioner"]
    issued = token_services.token_create(actor=user, name="Report script")
    created = AuditEvent.objects.get(event="auth.api_token_created")
    assert created.actor == user
    assert created.details["prefix"] == issued.token.prefix
    assert issued.secret not in json.dumps(created.details) + created.justification
    token_services.token_revoke(actor=user, token_id=issued.token.pk)
    token_services.token_revoke(actor=user, token_id=issued.token.pk)  # again: harmless
    assert AuditEvent.objects.filter(event="auth.api_token_revoked", actor=user).count() == 1


def test_cannot_revoke_someone_elses_token(users: dict[str, Any]) -> None:
    issued = token_services.token_create(actor=users["practitioner"], name="Mine")
    with pytest.raises(Http404):
        token_services.token_revoke(actor=users["social_worker"], token_id=issued.token.pk)
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is None


@pytest.mark.parametrize(
    ("name", "days", "field"),
    [("  ", 90, "name"), ("Fine", 0, "lifetime_days"), ("Fine", 366, "lifetime_days")],
)
def test_token_create_validates(users: dict[str, Any], name: str, days: int, field: str) -> None:
    with pytest.raises(ValidationError) as exc:
        token_services.token_create(actor=users["practitioner"], name=name, lifetime_days=days)
    assert field in exc.value.message_dict


def test_active_tokens_are_capped(users: dict[str, Any]) -> None:
    user = users["practitioner"]
    for n in range(token_services.MAX_ACTIVE_TOKENS):
        token_services.token_create(actor=user, name=f"Token {n}")
    with pytest.raises(ValidationError):
        token_services.token_create(actor=user, name="One too many")
