"""Two-step verification in a real browser: set it up, sign out, sign in with the code.
axe on each page."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import time_machine
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_set_up_two_step_then_sign_in_with_a_code(
    page: Any,
    users: dict[str, Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
) -> None:
    user = users["social_worker"]
    page.goto("/accounts/sign-in/")
    login_as(page, user)
    page.get_by_role("link", name="Two-step verification").click()
    assert_accessible(page)
    page.get_by_role("button", name="Set up two-step verification").click()
    expect(page.get_by_test_id("totp-secret")).to_be_visible()
    assert_accessible(page)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page.get_by_label("Code from your authenticator app").fill(_code(device))
    page.get_by_role("button", name="Turn on two-step verification").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-step verification is on")
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    page.goto("/accounts/sign-in/")
    login_as(page, user)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your sign-in code")
    assert_accessible(page)
    device.refresh_from_db()
    # A new 30-second step, as a person typing the next code would see.
    with time_machine.travel(time.time() + 31, tick=False):
        code = _code(device)
    page.get_by_label("Code from your authenticator app").fill(code)
    with time_machine.travel(time.time() + 31, tick=True):
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", level=1)).not_to_have_text("Enter your sign-in code")
