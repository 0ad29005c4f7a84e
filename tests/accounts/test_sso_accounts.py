"""What single sign-on accounts meet after the sign-in (the outsider probe of issue 17):
the approver sees who the provider says it is and which accounts it looks like; an API
token needs a second factor and lasts no longer than the provider allows; the admin site
never asks an SSO account for a password; the two-step page does not speak of one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cairn.accounts.models import (
    AccountChangeRequest,
    ExternalIdentity,
    IdentityProvider,
    User,
)
from cairn.accounts.roles import Role
from cairn.accounts.sso import SESSION_PROVIDER_MFA, account_request
from cairn.api_auth.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(agencies: dict[str, Any]) -> IdentityProvider:
    return IdentityProvider.objects.create(
        agency=agencies["police"],
        name="Testshire Police (Entra ID)",
        slug="testshire",
        issuer="https://login.example/tenant/v2.0",
        authorization_endpoint="https://login.example/authorize",
        token_endpoint="https://login.example/token",
        userinfo_endpoint="https://login.example/userinfo",
        jwks_uri="https://login.example/keys",
        client_id="cairn",
        client_secret_env="CAIRN_TEST_UNUSED",
        api_token_max_days=30,
    )


CLAIMS = {
    "sub": "entra-0042",
    "email": "fib.demo@testshire-police.example",
    "given_name": "Fiona",
    "family_name": "Bell",
    "preferred_username": "fib.demo@testshire-police.example",
    "groups": ["grp-fib", "grp-all-staff"],
}


def test_the_approver_sees_the_provider_claims_and_a_lookalike(
    client: Client,
    provider: IdentityProvider,
    users: dict[str, User],
    make_user: Callable[..., User],
) -> None:
    existing = make_user(
        Role.FIB_OFFICER, agency="police", username="fib.demo", first_name="Fiona", last_name="Bell"
    )
    new = account_request(provider=provider, claims=CLAIMS)
    assert new.username == "fib.demo-2"
    change = AccountChangeRequest.objects.get(user=new)
    client.force_login(users["system_admin"])
    for url in (
        reverse("accounts:change-request", args=[change.pk]),
        reverse("accounts:change-request-decide", args=[change.pk, "approve"]),
    ):
        page = client.get(url).content.decode()
        assert "Testshire Police (Entra ID)" in page
        assert "fib.demo@testshire-police.example" in page
        assert "entra-0042" in page
        assert "grp-fib, grp-all-staff" in page
        assert 'data-testid="lookalikes"' in page
        assert f"({existing.username}, Testshire Police)" in page
    listing = client.get(reverse("accounts:change-requests")).content.decode()
    assert "Signs in through Testshire Police (Entra ID)" in listing
    assert "Looks like fib.demo" in listing


def test_no_lookalike_warning_for_a_new_name(
    client: Client, provider: IdentityProvider, users: dict[str, User]
) -> None:
    new = account_request(
        provider=provider,
        claims={**CLAIMS, "sub": "entra-0043", "email": "", "preferred_username": "ola.new"},
    )
    change = AccountChangeRequest.objects.get(user=new)
    client.force_login(users["system_admin"])
    page = client.get(reverse("accounts:change-request", args=[change.pk])).content.decode()
    assert "Testshire Police (Entra ID)" in page
    assert 'data-testid="lookalikes"' not in page
    # Password accounts' changes show no provider block.
    assert "Signed in through" not in client.get(
        reverse("accounts:change-requests")
    ).content.decode().replace("Signs in through", "")


def _sso_user(make_user: Callable[..., User], provider: IdentityProvider) -> User:
    user = make_user(Role.ANALYST, agency="police", username="ana_sso")
    user.set_unusable_password()
    user.save()
    ExternalIdentity.objects.create(provider=provider, subject="entra-0099", user=user)
    return user


def test_an_sso_account_needs_a_second_factor_for_an_api_token(
    client: Client, provider: IdentityProvider, make_user: Callable[..., User]
) -> None:
    user = _sso_user(make_user, provider)
    client.force_login(user)
    page = client.get(reverse("api_auth:token-list")).content.decode()
    assert 'data-testid="needs-second-factor"' in page
    response = client.post(reverse("api_auth:token-list"), {"name": "report", "lifetime_days": 30})
    assert response.status_code == 200
    assert "without a second factor" in response.content.decode()
    assert 'value="report"' in response.content.decode()  # nothing typed is lost
    assert not ApiToken.objects.filter(user=user).exists()


def test_an_sso_token_lasts_no_longer_than_the_provider_allows(
    client: Client, provider: IdentityProvider, make_user: Callable[..., User]
) -> None:
    user = _sso_user(make_user, provider)
    client.force_login(user)
    session = client.session
    session[SESSION_PROVIDER_MFA] = True  # the provider's MFA counted at sign-in
    session.save()
    page = client.get(reverse("api_auth:token-list")).content.decode()
    assert 'value="365"' not in page and 'value="90"' not in page
    assert "allows tokens of up to 30 days" in page
    # A crafted POST for a year is refused with a clear message.
    response = client.post(reverse("api_auth:token-list"), {"name": "year", "lifetime_days": 365})
    assert response.status_code == 200
    assert not ApiToken.objects.filter(user=user).exists()
    response = client.post(reverse("api_auth:token-list"), {"name": "month", "lifetime_days": 30})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=user)
    assert round((token.expires_at - token.created_at).total_seconds() / 86400) == 30


def test_the_service_refuses_an_sso_token_beyond_the_cap(
    provider: IdentityProvider, make_user: Callable[..., User]
) -> None:
    from django.core.exceptions import ValidationError

    from cairn.api_auth import services

    user = _sso_user(make_user, provider)
    with pytest.raises(ValidationError, match="at most 30 days"):
        services.token_create(actor=user, name="t", lifetime_days=90, second_factor=True)
    assert services.token_create(actor=user, name="t", lifetime_days=30, second_factor=True)


def test_password_accounts_keep_year_long_tokens(client: Client, users: dict[str, User]) -> None:
    client.force_login(users["analyst"])
    page = client.get(reverse("api_auth:token-list")).content.decode()
    assert 'value="365"' in page
    assert 'data-testid="needs-second-factor"' not in page


def test_the_admin_site_sends_everyone_to_cairns_sign_in(
    client: Client, provider: IdentityProvider, make_user: Callable[..., User]
) -> None:
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302
    login = client.get(response["Location"])
    assert login["Location"].startswith(reverse("accounts:login") + "?next=")
    # An SSO system admin without "Can use the admin site": told so, never a password form.
    admin = make_user(Role.SYSTEM_ADMIN, agency="police", username="sys_sso")
    admin.set_unusable_password()
    admin.save()
    ExternalIdentity.objects.create(provider=provider, subject="entra-0100", user=admin)
    client.force_login(admin)
    page = client.get("/admin/login/?next=/admin/")
    assert page.status_code == 403
    body = page.content.decode()
    assert "Can use the admin site" in body
    assert 'type="password"' not in body
    # Once granted, the same address goes straight in.
    admin.is_staff = True
    admin.save()
    assert client.get("/admin/login/?next=/admin/")["Location"] == "/admin/"
    assert client.get("/admin/login/?next=https://evil.example/")["Location"] == "/admin/"


def test_the_two_step_page_does_not_ask_an_sso_account_about_a_password(
    client: Client, provider: IdentityProvider, make_user: Callable[..., User]
) -> None:
    user = _sso_user(make_user, provider)
    client.force_login(user)
    page = client.get(reverse("accounts:two-step-setup")).content.decode()
    assert "You sign in through your organisation" in page
    assert "your password" not in page


def test_the_waiting_list_of_sso_accounts_has_a_fixed_number_of_queries(
    client: Client, provider: IdentityProvider, users: dict[str, User]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def first_sign_in(n: int) -> None:
        claims = {**CLAIMS, "sub": f"entra-{n}", "email": f"w{n}@testshire-police.example"}
        account_request(provider=provider, claims={**claims, "preferred_username": f"w{n}"})

    client.force_login(users["system_admin"])
    first_sign_in(1)
    client.get(reverse("accounts:change-requests"))  # warm
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("accounts:change-requests"))
    for n in range(2, 6):
        first_sign_in(n)
    with CaptureQueriesContext(connection) as five:
        page = client.get(reverse("accounts:change-requests")).content.decode()
    assert page.count("Signs in through") == 5
    assert len(five.captured_queries) == len(one.captured_queries)
