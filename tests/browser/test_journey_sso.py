"""Single sign-on in a real browser against a real OpenID Provider (panva/oidc-provider
under Node): a police analyst signs in through the force's provider for the first time and
is told the account waits for approval; a system admin approves it; the analyst signs in
again and lands on their home page; a replayed sign-in is refused; signing out ends the
provider's session too. axe on every Cairn page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from cairn.accounts.models import ExternalIdentity, IdentityProvider
from cairn.accounts.roles import Role

from ..oidc_op import SECRET, SECRET_ENV, OpenIDProvider, running_provider

CALLBACK_PATH = "/accounts/sign-in/callback/"
PROVIDER_NAME = "Testshire Police (Entra ID)"


@pytest.fixture(scope="module")
def op(live_server: Any) -> Iterator[OpenIDProvider]:
    with running_provider(
        [live_server.url + CALLBACK_PATH], [live_server.url + "/accounts/signed-out/"]
    ) as provider:
        yield provider


def test_first_sso_sign_in_is_approved_then_lands_home(
    page: Any,
    browser: Any,
    live_server: Any,
    op: OpenIDProvider,
    agencies: dict[str, Any],
    users: dict[str, Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(SECRET_ENV, SECRET)
    IdentityProvider.objects.create(
        **op.provider_fields(),
        agency=agencies["police"],
        name=PROVIDER_NAME,
        slug="testshire-police",
        client_id="cairn",
        role_from_groups=True,
        group_roles={"grp-hub-analysts": Role.ANALYST},
    )

    # First sign-in: through the provider, then told to wait.
    page.goto("/accounts/sign-in/")
    assert_accessible(page)
    page.get_by_role("link", name=f"Sign in with {PROVIDER_NAME}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Sign in to the test identity provider"
    )
    page.get_by_label("Account").fill("op-sub-0001")
    page.get_by_label("I used my second factor").check()
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your account is waiting for approval"
    )
    expect(page.get_by_text("Thank you, Dana Fielding.")).to_be_visible()
    assert_accessible(page)
    # A refresh shows the same page (the used callback is not replayed).
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your account is waiting for approval"
    )
    analyst = ExternalIdentity.objects.get(subject="op-sub-0001").user
    assert (analyst.is_active, analyst.role) == (False, Role.ANALYST)

    # A system admin approves it on the usual two-admin pages.
    admin_context = browser.new_context(base_url=live_server.url)
    admin_page = admin_context.new_page()
    try:
        login_as(admin_page, users["system_admin"])
        admin_page.goto("/accounts/changes/")
        admin_page.get_by_role("link", name=f"Review change to {analyst}").click()
        expect(admin_page.get_by_text(f"first sign-in through {PROVIDER_NAME}")).to_be_visible()
        expect(admin_page.get_by_text("the Analyst role")).to_be_visible()
        # What the provider said about them, for the approver to check.
        expect(admin_page.get_by_text("dana.fielding@northshire-police.example")).to_be_visible()
        expect(admin_page.get_by_text("grp-hub-analysts")).to_be_visible()
        assert_accessible(admin_page)
        admin_page.get_by_role("link", name="Approve").click()
        admin_page.get_by_role("button", name="Approve change").click()
        expect(
            admin_page.get_by_text(f"The change to {analyst} has been approved.")
        ).to_be_visible()
    finally:
        admin_context.close()

    # Signing in again: the provider asks again (prompt=login: a provider session left
    # open on a shared computer must not sign the next person in), then home.
    page.goto("/accounts/sign-in/")
    page.get_by_role("link", name=f"Sign in with {PROVIDER_NAME}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Sign in to the test identity provider"
    )
    page.get_by_label("Account").fill("op-sub-0001")
    page.get_by_label("I used my second factor").check()
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".cairn-header__user-name")).to_have_text("Dana Fielding")
    assert page.url == live_server.url + "/"
    assert_accessible(page)

    # Signing out ends the provider's session as well, then comes back to Cairn.
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    assert_accessible(page)
    page.goto("/accounts/sign-in/")
    page.get_by_role("link", name=f"Sign in with {PROVIDER_NAME}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Sign in to the test identity provider"
    )


def test_replayed_sso_callback_is_refused_in_the_browser(
    page: Any,
    live_server: Any,
    op: OpenIDProvider,
    agencies: dict[str, Any],
    assert_accessible: Callable[[Any], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(SECRET_ENV, SECRET)
    IdentityProvider.objects.create(
        **op.provider_fields(),
        agency=agencies["police"],
        name=PROVIDER_NAME,
        slug="testshire-police",
        client_id="cairn",
    )
    page.goto("/accounts/sign-in/")
    page.get_by_role("link", name=f"Sign in with {PROVIDER_NAME}").click()
    callbacks: list[str] = []
    page.on(
        "request",
        lambda request: callbacks.append(request.url) if CALLBACK_PATH in request.url else None,
    )
    page.get_by_label("Account").fill("op-sub-0002")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your account is waiting for approval"
    )
    page.goto(callbacks[0])
    expect(page.get_by_role("heading", level=1)).to_have_text("You could not be signed in")
    expect(page.get_by_text("This sign-in was already used")).to_be_visible()
    assert_accessible(page)
