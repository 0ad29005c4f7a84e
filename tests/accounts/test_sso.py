"""Single sign-on against a real OpenID Provider (panva/oidc-provider under Node, started
for this module): first sign-in waits for approval, approval, matching by subject and never
by email, roles from groups only where allowed, the provider's MFA for the second step only
where configured, sign-out at the provider, and the refusals: a replayed callback, a token
for another application, an expired token, a nonce from another sign-in, a tampered
signature, a provider error. Every outcome is audited."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import Any

import jwt
import pytest
import requests
import time_machine
from django.test import Client
from django.urls import reverse

from cairn.accounts import services, sso
from cairn.accounts.models import (
    AccountChangeRequest,
    ChangeRequestStatus,
    ExternalIdentity,
    IdentityProvider,
    User,
)
from cairn.accounts.roles import Role
from cairn.audit.models import AuditEvent
from cairn.notifications.models import Notification

from ..oidc_op import (
    SECRET,
    SECRET_ENV,
    OpenIDProvider,
    callback_path,
    running_provider,
    sign_in_at_provider,
)

CALLBACK = "http://testserver/accounts/sign-in/callback/"
SIGNED_OUT = "http://testserver/accounts/signed-out/"
ANALYST_SUB = "op-sub-0001"
PRACTITIONER_SUB = "op-sub-0002"

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def op() -> Iterator[OpenIDProvider]:
    with running_provider([CALLBACK], [SIGNED_OUT], id_token_ttl=600) as provider:
        yield provider


@pytest.fixture(autouse=True)
def _secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV, SECRET)


@pytest.fixture
def make_provider(op: OpenIDProvider, agencies: dict[str, Any]) -> Callable[..., IdentityProvider]:
    def make(**kwargs: Any) -> IdentityProvider:
        fields = {
            **op.provider_fields(),
            "agency": agencies[kwargs.pop("agency", "police")],
            "name": "Northshire Police (test provider)",
            "slug": "northshire",
            "client_id": "cairn",
            **kwargs,
        }
        return IdentityProvider.objects.create(**fields)

    return make


def start(client: Client, slug: str = "northshire", next_url: str = "") -> str:
    url = reverse("accounts:sso-start", args=[slug]) + (f"?next={next_url}" if next_url else "")
    response = client.get(url)
    assert response.status_code == 302
    return str(response["Location"])


def callback(client: Client, path: str, query: dict[str, Any]) -> Any:
    """The provider's redirect back; a refusal is shown at its own address (followed)."""
    response = client.get(path, query)
    if response.status_code == 302 and response["Location"] == reverse("accounts:sso-refused"):
        return client.get(response["Location"])
    return response


def sign_in(client: Client, login: str, mfa: bool = False, slug: str = "northshire") -> Any:
    back = sign_in_at_provider(start(client, slug), login, mfa=mfa)
    path, query = callback_path(back)
    return callback(client, path, query)


def approve(user: User, admin: User) -> None:
    change = AccountChangeRequest.objects.get(user=user, status=ChangeRequestStatus.PENDING)
    services.change_request_approve(actor=admin, request_id=change.pk)


def events(name: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event=name).order_by("pk"))


def test_first_sign_in_waits_for_approval_then_signs_in(
    client: Client, make_provider: Callable[..., IdentityProvider], users: dict[str, User]
) -> None:
    provider = make_provider()
    response = sign_in(client, PRACTITIONER_SUB)
    assert response.status_code == 403
    assert "Your account is waiting for approval" in response.content.decode()
    assert "_auth_user_id" not in client.session

    user = ExternalIdentity.objects.get(provider=provider, subject=PRACTITIONER_SUB).user
    assert not user.is_active
    assert (user.agency_id, user.role, user.first_name) == (
        provider.agency_id,
        Role.PRACTITIONER,
        "Sam",
    )
    assert not user.has_usable_password()
    change = AccountChangeRequest.objects.get(user=user)
    assert change.changes == {"is_active": True}
    assert "first sign-in through Northshire Police (test provider)" in change.grants
    assert "membership of a police agency" in change.grants
    requested = events("accounts.sso_account_requested")
    assert len(requested) == 1 and requested[0].details["provider"] == "northshire"
    assert events("auth.sso_refused")[-1].details["reason"] == "account pending"
    told = Notification.objects.get(kind="account.pending")
    assert told.recipient == users["system_admin"]
    assert told.url == reverse("accounts:change-request", args=[change.pk])

    # A second sign-in before approval makes no second account or request.
    assert sign_in(client, PRACTITIONER_SUB).status_code == 403
    assert User.objects.filter(external_identities__subject=PRACTITIONER_SUB).count() == 1
    assert AccountChangeRequest.objects.filter(user=user).count() == 1

    approve(user, users["system_admin"])
    response = sign_in(client, PRACTITIONER_SUB)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/").status_code == 200
    signed_in = events("auth.sso_signed_in")
    assert [e.actor_id for e in signed_in] == [user.pk]
    assert signed_in[0].details == {
        "provider": "northshire",
        "provider_mfa": False,
        "subject": PRACTITIONER_SUB,
        "address": "127.0.0.1",
    }
    identity = ExternalIdentity.objects.get(user=user)
    assert identity.last_sign_in_at is not None
    assert identity.email == "sam.okafor@northshire-police.example"
    assert identity.groups == ["grp-practitioners"]
    refused = events("auth.sso_refused")[0].details
    assert (refused["subject"], refused["address"]) == (PRACTITIONER_SUB, "127.0.0.1")


def test_rejected_account_is_told_it_is_not_active(
    client: Client, make_provider: Callable[..., IdentityProvider], users: dict[str, User]
) -> None:
    make_provider()
    sign_in(client, PRACTITIONER_SUB)
    change = AccountChangeRequest.objects.get(status=ChangeRequestStatus.PENDING)
    services.change_request_reject(actor=users["system_admin"], request_id=change.pk)
    response = sign_in(client, PRACTITIONER_SUB)
    assert response.status_code == 403
    assert "Your account is not active" in response.content.decode()
    assert events("auth.sso_refused")[-1].details["reason"] == "account inactive"


def test_users_are_matched_by_subject_never_by_email(
    client: Client,
    make_provider: Callable[..., IdentityProvider],
    make_user: Callable[..., User],
) -> None:
    make_provider()
    local = make_user(
        Role.FIB_OFFICER,
        agency="police",
        username="local_sam",
        email="sam.okafor@northshire-police.example",
    )
    response = sign_in(client, PRACTITIONER_SUB)
    assert response.status_code == 403  # a new pending account, not the FIB officer's
    assert "_auth_user_id" not in client.session
    linked = ExternalIdentity.objects.get(subject=PRACTITIONER_SUB).user
    assert linked.pk != local.pk
    assert (linked.username, linked.role, linked.is_active) == (
        "sam.okafor",
        Role.PRACTITIONER,
        False,
    )


def test_an_admin_link_lets_an_existing_account_sign_in(
    client: Client,
    make_provider: Callable[..., IdentityProvider],
    make_user: Callable[..., User],
) -> None:
    provider = make_provider()
    local = make_user(Role.PRACTITIONER, agency="police", username="sam_local")
    ExternalIdentity.objects.create(provider=provider, subject=PRACTITIONER_SUB, user=local)
    response = sign_in(client, PRACTITIONER_SUB)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(local.pk)
    assert not AccountChangeRequest.objects.exists()


@pytest.mark.parametrize("allowed", [False, True])
def test_role_comes_from_groups_only_where_the_provider_allows(
    client: Client, make_provider: Callable[..., IdentityProvider], allowed: bool
) -> None:
    make_provider(role_from_groups=allowed, group_roles={"grp-hub-analysts": Role.ANALYST})
    sign_in(client, ANALYST_SUB)
    user = ExternalIdentity.objects.get(subject=ANALYST_SUB).user
    assert user.role == (Role.ANALYST if allowed else Role.PRACTITIONER)
    change = AccountChangeRequest.objects.get(user=user)
    assert ("the Analyst role" in change.grants) is allowed


def test_a_sensitive_role_from_groups_on_a_later_sign_in_waits_for_a_second_admin(
    client: Client,
    make_provider: Callable[..., IdentityProvider],
    make_user: Callable[..., User],
) -> None:
    provider = make_provider(role_from_groups=True, group_roles={"grp-hub-analysts": Role.ANALYST})
    local = make_user(Role.PRACTITIONER, agency="police", username="dana_local")
    ExternalIdentity.objects.create(provider=provider, subject=ANALYST_SUB, user=local)
    assert sign_in(client, ANALYST_SUB).status_code == 302
    local.refresh_from_db()
    assert local.role == Role.PRACTITIONER
    waiting = AccountChangeRequest.objects.get(user=local, status=ChangeRequestStatus.PENDING)
    assert waiting.changes == {"role": Role.ANALYST}
    client.post(reverse("accounts:logout"))
    sign_in(client, ANALYST_SUB)
    assert AccountChangeRequest.objects.filter(user=local).count() == 1


@pytest.mark.parametrize(
    ("configured", "used_mfa", "held_for_two_step"),
    [(True, True, False), (True, False, True), (False, True, True)],
)
def test_provider_mfa_stands_for_the_second_step_only_where_configured(
    client: Client,
    make_provider: Callable[..., IdentityProvider],
    make_user: Callable[..., User],
    settings: Any,
    configured: bool,
    used_mfa: bool,
    held_for_two_step: bool,
) -> None:
    settings.CAIRN_REQUIRE_2FA = True
    provider = make_provider(mfa_satisfies_two_step=configured, mfa_amr_values=["mfa"])
    local = make_user(Role.PRACTITIONER, agency="police", username="sam_mfa")
    ExternalIdentity.objects.create(provider=provider, subject=PRACTITIONER_SUB, user=local)
    assert sign_in(client, PRACTITIONER_SUB, mfa=used_mfa).status_code == 302
    home = client.get("/")
    if held_for_two_step:
        assert home.status_code == 302
        assert home["Location"] == reverse("accounts:two-step-setup")
    else:
        assert home.status_code == 200
    assert events("auth.sso_signed_in")[-1].details["provider_mfa"] is not held_for_two_step


def test_sign_out_ends_the_provider_session_too(
    client: Client, make_provider: Callable[..., IdentityProvider], make_user: Callable[..., User]
) -> None:
    provider = make_provider()
    local = make_user(Role.PRACTITIONER, agency="police", username="sam_out")
    ExternalIdentity.objects.create(provider=provider, subject=PRACTITIONER_SUB, user=local)
    sign_in(client, PRACTITIONER_SUB)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(provider.end_session_endpoint + "?")
    assert "id_token_hint=" in location and "post_logout_redirect_uri=" in location
    assert "_auth_user_id" not in client.session
    assert events("auth.signed_out")


@pytest.mark.parametrize("reauthenticate", [True, False])
def test_a_provider_session_left_open_signs_nobody_in_without_asking(
    client: Client,
    make_provider: Callable[..., IdentityProvider],
    make_user: Callable[..., User],
    reauthenticate: bool,
) -> None:
    """A shared computer: the first person signs out of Cairn but closes the provider's
    "sign out?" page. With prompt=login (the default) the provider asks the next person
    to sign in; only a provider set for single-user devices goes straight through."""
    provider = make_provider(reauthenticate=reauthenticate)
    local = make_user(Role.PRACTITIONER, agency="police", username="sam_shared")
    ExternalIdentity.objects.create(provider=provider, subject=PRACTITIONER_SUB, user=local)
    browser = requests.Session()
    first: list[bool] = []
    back = sign_in_at_provider(start(client), PRACTITIONER_SUB, browser=browser, asked=first)
    assert first == [True]
    assert callback(client, *callback_path(back)).status_code == 302
    client.post(reverse("accounts:logout"))  # the provider's sign-out page is never visited
    assert ("prompt=login" in start(client)) is reauthenticate

    again: list[bool] = []
    back = sign_in_at_provider(start(client), PRACTITIONER_SUB, browser=browser, asked=again)
    assert again == ([True] if reauthenticate else [])
    assert callback(client, *callback_path(back)).status_code == 302


def test_an_old_provider_sign_in_is_refused_when_reauthentication_is_required(
    client: Client, make_provider: Callable[..., IdentityProvider], make_user: Callable[..., User]
) -> None:
    """If a provider ignored prompt=login, its auth_time (before this sign-in started) shows
    it: the sign-in is refused rather than reusing someone's open provider session."""
    provider = make_provider()
    local = make_user(Role.PRACTITIONER, agency="police", username="sam_stale")
    ExternalIdentity.objects.create(provider=provider, subject=PRACTITIONER_SUB, user=local)
    back = sign_in_at_provider(start(client), PRACTITIONER_SUB)
    session = client.session
    session[sso.SESSION_STARTED_AT] = session[sso.SESSION_STARTED_AT] + 3600
    session.save()
    response = callback(client, *callback_path(back))
    assert response.status_code == 403
    assert "did not ask you to sign in again" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert events("auth.sso_refused")[-1].details["reason"].startswith("auth_time before")


def test_refreshing_the_pending_page_shows_it_again(
    client: Client, make_provider: Callable[..., IdentityProvider]
) -> None:
    make_provider()
    back = sign_in_at_provider(start(client), PRACTITIONER_SUB)
    response = client.get(*callback_path(back))
    assert response["Location"] == reverse("accounts:sso-refused")
    for _ in range(2):  # the page, then a refresh of it
        page = client.get(response["Location"])
        assert page.status_code == 403
        assert "Your account is waiting for approval" in page.content.decode()
    assert [e.details["reason"] for e in events("auth.sso_refused")] == ["account pending"]
    # Nothing to show without a sign-in: the sign-in page.
    assert Client().get(reverse("accounts:sso-refused"))["Location"] == reverse("accounts:login")


def test_junk_callbacks_from_one_address_are_audited_up_to_a_limit(
    client: Client, settings: Any
) -> None:
    from django.core.cache import cache

    settings.CAIRN_THROTTLE_ENABLED = True  # a rate limit: off in the test settings
    cache.clear()
    for n in range(sso.REFUSALS_AUDITED_PER_MINUTE + 5):
        response = callback(client, reverse("accounts:sso-callback"), {"code": "x", "state": n})
        assert response.status_code == 403
    refused = events("auth.sso_refused")
    assert len(refused) == sso.REFUSALS_AUDITED_PER_MINUTE
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=2)):
        callback(client, reverse("accounts:sso-callback"), {"code": "x", "state": "late"})
    latest = events("auth.sso_refused")[-1].details
    assert latest["unaudited_refusals_before"] == 5


def test_password_users_sign_out_locally(client: Client, users: dict[str, User]) -> None:
    client.force_login(users["practitioner"])
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == reverse("accounts:signed-out")


def test_a_replayed_callback_is_refused(
    client: Client, make_provider: Callable[..., IdentityProvider], make_user: Callable[..., User]
) -> None:
    provider = make_provider()
    local = make_user(Role.PRACTITIONER, agency="police", username="sam_replay")
    ExternalIdentity.objects.create(provider=provider, subject=PRACTITIONER_SUB, user=local)
    path, query = callback_path(sign_in_at_provider(start(client), PRACTITIONER_SUB))
    assert client.get(path, query).status_code == 302
    client.post(reverse("accounts:logout"))
    # The same code and state again, in the same browser or another one.
    for browser in (client, Client()):
        response = callback(browser, path, query)
        assert response.status_code == 403
        assert "already used or was not started here" in response.content.decode()
        assert "_auth_user_id" not in browser.session
    reasons = [e.details["reason"] for e in events("auth.sso_refused")]
    assert reasons[-2:] == ["unknown or used state (replayed callback)"] * 2


def test_a_provider_error_and_an_unknown_account_are_refused(
    client: Client, make_provider: Callable[..., IdentityProvider]
) -> None:
    make_provider()
    response = sign_in(client, "nobody-at-the-provider")
    assert response.status_code == 403
    assert "did not sign you in" in response.content.decode()
    assert events("auth.sso_refused")[-1].details["reason"] == "provider error: access_denied"
    assert not User.objects.filter(external_identities__isnull=False).exists()


def test_unknown_or_disabled_provider_is_not_found(
    client: Client, make_provider: Callable[..., IdentityProvider]
) -> None:
    make_provider(is_enabled=False)
    assert client.get(reverse("accounts:sso-start", args=["northshire"])).status_code == 404
    assert client.get(reverse("accounts:sso-start", args=["nowhere"])).status_code == 404
    assert "Sign in with" not in client.get(reverse("accounts:login")).content.decode()


def test_sign_in_page_offers_each_enabled_provider(
    client: Client, make_provider: Callable[..., IdentityProvider]
) -> None:
    make_provider()
    page = client.get(reverse("accounts:login")).content.decode()
    assert "Sign in with Northshire Police (test provider)" in page
    assert reverse("accounts:sso-start", args=["northshire"]) in page


def test_callback_without_a_started_sign_in_is_refused(client: Client) -> None:
    response = callback(client, reverse("accounts:sso-callback"), {"code": "x", "state": "y"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


# Token checks, on real tokens this provider issued ---------------------------------------


@pytest.fixture
def issued(
    client: Client, make_provider: Callable[..., IdentityProvider], make_user: Callable[..., User]
) -> tuple[IdentityProvider, str]:
    """A real ID token the provider issued to Cairn in a completed sign-in."""
    provider = make_provider()
    local = make_user(Role.PRACTITIONER, agency="police", username="sam_tokens")
    ExternalIdentity.objects.create(provider=provider, subject=PRACTITIONER_SUB, user=local)
    assert sign_in(client, PRACTITIONER_SUB).status_code == 302
    return provider, str(client.session["oidc_id_token"])


def backend_for(provider: IdentityProvider) -> sso.OIDCBackend:
    backend = sso.OIDCBackend()
    backend.use(provider)
    return backend


def nonce_of(token: str) -> str:
    return str(jwt.decode(token, options={"verify_signature": False})["nonce"])


def test_the_issued_token_verifies(issued: tuple[IdentityProvider, str]) -> None:
    provider, token = issued
    claims = backend_for(provider).verify_token(token, nonce=nonce_of(token))
    assert claims["sub"] == PRACTITIONER_SUB


def test_a_token_for_another_application_is_refused(
    issued: tuple[IdentityProvider, str], make_provider: Callable[..., IdentityProvider]
) -> None:
    _, token = issued
    other = make_provider(slug="other", name="Another app", client_id="another-app")
    with pytest.raises(sso.SsoRefused) as refused:
        backend_for(other).verify_token(token, nonce=nonce_of(token))
    assert refused.value.reason == "wrong audience"


def test_an_expired_token_is_refused(issued: tuple[IdentityProvider, str], settings: Any) -> None:
    provider, token = issued
    exp = jwt.decode(token, options={"verify_signature": False})["exp"]
    settings.CAIRN_SSO_CLOCK_LEEWAY = 0
    with time_machine.travel(exp + 5, tick=False), pytest.raises(sso.SsoRefused) as refused:
        backend_for(provider).verify_token(token, nonce=nonce_of(token))
    assert refused.value.reason == "token expired"


def test_a_nonce_from_another_sign_in_is_refused(issued: tuple[IdentityProvider, str]) -> None:
    provider, token = issued
    with pytest.raises(sso.SsoRefused) as refused:
        backend_for(provider).verify_token(token, nonce="a-nonce-from-another-sign-in")
    assert refused.value.reason.startswith("nonce mismatch")


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_a_tampered_token_is_refused(issued: tuple[IdentityProvider, str]) -> None:
    provider, token = issued
    header, _payload, signature = token.split(".")
    claims = jwt.decode(token, options={"verify_signature": False})
    forged = ".".join([header, _b64({**claims, "sub": ANALYST_SUB}), signature])
    with pytest.raises(sso.SsoRefused) as refused:
        backend_for(provider).verify_token(forged, nonce=claims["nonce"])
    assert refused.value.reason == "bad signature"


def test_an_unsigned_or_symmetric_token_is_refused(issued: tuple[IdentityProvider, str]) -> None:
    provider, token = issued
    claims = jwt.decode(token, options={"verify_signature": False})
    for alg, key in (("HS256", SECRET), ("none", None)):
        forged = jwt.encode(claims, key, algorithm=alg, headers={"kid": "x"})
        with pytest.raises(sso.SsoRefused):
            backend_for(provider).verify_token(forged, nonce=claims["nonce"])


def test_a_token_from_the_wrong_issuer_is_refused(
    issued: tuple[IdentityProvider, str],
) -> None:
    provider, token = issued
    provider.issuer = "https://login.example.invalid/other-tenant/v2.0"
    with pytest.raises(sso.SsoRefused) as refused:
        backend_for(provider).verify_token(token, nonce=nonce_of(token))
    assert refused.value.reason == "wrong issuer"


def test_two_first_sign_ins_at_once_make_one_account(
    make_provider: Callable[..., IdentityProvider],
) -> None:
    provider = make_provider()
    claims = {"sub": "op-sub-race", "preferred_username": "race"}
    first = sso.account_request(provider=provider, claims=claims)
    # The second request lost the race: its identity row collides and it returns the first.
    second = sso.account_request(provider=provider, claims=claims)
    assert first.pk == second.pk
    assert ExternalIdentity.objects.filter(subject="op-sub-race").count() == 1
    assert User.objects.filter(username__startswith="race").count() == 1


def test_only_a_provider_session_may_post_its_sign_out_to_the_provider(
    client: Client,
    make_provider: Callable[..., IdentityProvider],
    make_user: Callable[..., User],
    users: dict[str, User],
    op: OpenIDProvider,
) -> None:
    # Browsers apply form-action to the redirect after the sign-out POST too.
    provider = make_provider()
    local = make_user(Role.PRACTITIONER, agency="police", username="sam_csp")
    ExternalIdentity.objects.create(provider=provider, subject=PRACTITIONER_SUB, user=local)
    sign_in(client, PRACTITIONER_SUB)
    policy = client.get("/")["Content-Security-Policy"]
    assert f"form-action 'self' {op.issuer}" in policy
    other = Client()
    other.force_login(users["practitioner"])
    assert op.issuer not in other.get("/")["Content-Security-Policy"]


def test_an_error_link_does_not_sign_a_user_out(client: Client, users: dict[str, User]) -> None:
    client.force_login(users["practitioner"])
    response = callback(client, reverse("accounts:sso-callback"), {"error": "access_denied"})
    assert response.status_code == 403
    assert client.session["_auth_user_id"] == str(users["practitioner"].pk)


@pytest.mark.parametrize("iss", [["http://evil.example"], "twice"])
def test_a_callback_naming_another_issuer_is_refused(
    client: Client, make_provider: Callable[..., IdentityProvider], iss: Any
) -> None:
    provider = make_provider()
    path, query = callback_path(sign_in_at_provider(start(client), PRACTITIONER_SUB))
    assert query["iss"] == provider.issuer  # the provider sends it (RFC 9207)
    values = [provider.issuer, "http://evil.example"] if iss == "twice" else iss
    response = callback(client, path, {**query, "iss": values})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert events("auth.sso_refused")[-1].details["reason"].startswith("callback iss")
