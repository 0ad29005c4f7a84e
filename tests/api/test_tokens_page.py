"""The API tokens page: list, create (secret shown once) and revoke your own tokens."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cairn.api_auth import services as token_services
from cairn.api_auth.models import ApiToken
from cairn.audit.models import AuditEvent

from .conftest import ApiClient

pytestmark = pytest.mark.django_db

LIST = reverse("api_auth:token-list")


def _secret_from(html: str) -> str:
    match = re.search(r'id="api-token-secret" type="text" value="([^"]+)"', html)
    assert match
    return match.group(1)


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ["system_admin"])
def test_role_without_api_use_is_refused(client: Client, users: dict[str, Any], role: str) -> None:
    client.force_login(users[role])
    assert client.get(LIST).status_code == 403
    assert client.post(LIST, {"name": "x", "lifetime_days": "90"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_create_shows_the_secret_once_and_it_works(client: Client, users: dict[str, Any]) -> None:
    user = users["social_worker"]
    client.force_login(user)
    page = client.get(LIST)
    assert page.status_code == 200
    assert "You have no API tokens." in page.content.decode()

    created = client.post(LIST, {"name": "Weekly report", "lifetime_days": "30"})
    assert created.status_code == 200
    html = created.content.decode()
    assert "Copy the token now" in html
    secret = _secret_from(html)
    assert ApiClient(secret).get("/me").json()["username"] == user.username
    assert created["Cache-Control"] == "no-store, private"

    listing = client.get(LIST).content.decode()
    assert "Weekly report" in listing
    assert secret not in listing
    assert ApiToken.objects.get(user=user).prefix in listing
    assert AuditEvent.objects.filter(event="auth.api_token_created", actor=user).count() == 1


def test_create_with_errors_shows_error_summary(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["social_worker"])
    response = client.post(LIST, {"name": "", "lifetime_days": "90"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "Enter a name for the token" in html
    assert not ApiToken.objects.exists()


def test_service_error_is_shown_on_the_form(client: Client, users: dict[str, Any]) -> None:
    user = users["social_worker"]
    for n in range(token_services.MAX_ACTIVE_TOKENS):
        token_services.token_create(actor=user, name=f"Token {n}")
    client.force_login(user)
    response = client.post(LIST, {"name": "Another", "lifetime_days": "90"})
    assert response.status_code == 200
    assert "revoke one first" in response.content.decode()


def test_list_shows_only_your_own_tokens(client: Client, users: dict[str, Any]) -> None:
    token_services.token_create(actor=users["analyst"], name="Analyst export")
    token_services.token_create(actor=users["social_worker"], name="My script")
    client.force_login(users["social_worker"])
    html = client.get(LIST).content.decode()
    assert "My script" in html
    assert "Analyst export" not in html


def test_revoke_confirm_then_revoke(client: Client, users: dict[str, Any]) -> None:
    user = users["social_worker"]
    issued = token_services.token_create(actor=user, name="Old script")
    client.force_login(user)
    url = reverse("api_auth:token-revoke", args=[issued.token.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Revoke the token “Old script”?" in confirm.content.decode()
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == LIST
    html = response.content.decode()
    assert "has been revoked" in html
    assert "Revoked" in html
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is not None
    assert ApiClient(issued.secret).get("/me").status_code == 401


def test_cannot_see_or_revoke_someone_elses_token(client: Client, users: dict[str, Any]) -> None:
    issued = token_services.token_create(actor=users["analyst"], name="Not yours")
    client.force_login(users["social_worker"])
    url = reverse("api_auth:token-revoke", args=[issued.token.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is None
