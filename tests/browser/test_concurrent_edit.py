"""A PPU officer updates a tactic from a form opened before a colleague changed it: the
change is refused with a clear error summary (not saved over the colleague's), and once
the form is opened again it saves. axe on the refused page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from cairn.disruption.models import Tactic, TacticStatus
from cairn.disruption.services import tactics
from cairn.pole import services as pole_services


def test_a_stale_tactic_update_is_refused_then_saved(
    page: Any,
    users: dict[str, Any],
    make_user: Callable[..., Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
) -> None:
    ppu = users["ppu_coordinator"]
    colleague = make_user("ppu_coordinator", username="ppu_colleague")
    poc = pole_services.person_create(
        actor=ppu, given_name="Dean", family_name="Fictional", category="person_of_concern"
    )
    tactic = tactics.tactic_create(
        actor=ppu,
        tactic_type="sro",
        title="Order",
        subjects=[(poc.pk, "target")],
        detail={"starts_on": "2026-01-01", "expires_on": "2036-01-01"},
    )
    page.goto("/accounts/sign-in/")
    login_as(page, ppu)
    page.goto(f"/disruption/tactics/{tactic.pk}/update/")
    # Meanwhile a colleague cancels it.
    tactics.tactic_update(
        actor=colleague,
        tactic=Tactic.objects.get(pk=tactic.pk),
        status=TacticStatus.CANCELLED,
        outcome="Not needed",
    )
    page.get_by_label("Done").check()
    page.get_by_label("Outcome").fill("Order granted")
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Someone else changed this tactic")
    assert_accessible(page)
    tactic.refresh_from_db()
    assert tactic.status == TacticStatus.CANCELLED and tactic.outcome == "Not needed"

    page.goto(f"/disruption/tactics/{tactic.pk}/update/")
    page.get_by_label("Done").check()
    page.get_by_label("Outcome").fill("Order granted after all")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Tactic updated.")
    tactic.refresh_from_db()
    assert tactic.status == TacticStatus.DONE
