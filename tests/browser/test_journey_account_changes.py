"""A second system admin approves a change giving someone the FIB officer role, in a real
browser: Tools, the waiting list, the change, the confirmation. axe on each page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from cairn.accounts import services
from cairn.accounts.models import AccountChangeRequest, ChangeRequestStatus
from cairn.accounts.roles import Role


def test_second_admin_approves_a_fib_role(
    page: Any,
    users: dict[str, Any],
    make_user: Callable[..., Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
) -> None:
    asker = make_user(Role.SYSTEM_ADMIN, username="asking_admin", is_staff=True)
    approver = users["system_admin"]
    target = users["practitioner"]
    target.role = Role.FIB_OFFICER
    change = services.user_save(actor=asker, user=target, created=False)
    assert change is not None

    login_as(page, approver)
    page.get_by_role("link", name="Tools").click()
    page.get_by_role("link", name="Account changes waiting for approval").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Account changes waiting for approval"
    )
    assert_accessible(page)
    page.get_by_role("link", name=f"Review change to {target}").click()
    expect(page.get_by_text("the FIB officer role")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Approve").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Approve the change")
    assert_accessible(page)
    page.get_by_role("button", name="Approve change").click()
    expect(page.get_by_text(f"The change to {target} has been approved.")).to_be_visible()
    expect(page.get_by_text("No account changes are waiting for approval.")).to_be_visible()
    assert_accessible(page)
    assert AccountChangeRequest.objects.get(pk=change.pk).status == ChangeRequestStatus.APPROVED
    target.refresh_from_db()
    assert target.role == Role.FIB_OFFICER
