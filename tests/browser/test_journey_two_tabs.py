"""The outside tester's finding 9 in the browser (issue 18 #2): one FIB draft's details
page open in two tabs. Tab 1 changes "Where" and saves; tab 2 changes "Anything else" and
saves: both changes are kept, and tab 2 is told "Where" was kept as changed elsewhere.
Then both change "Where": tab 2 is shown its own answer and tab 1's, nothing saved, until
it saves again. axe on the conflict page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from cairn.intelligence import services
from cairn.intelligence.models import Submission

from ..intelligence.conftest import intel_data


def test_fib_draft_in_two_tabs_keeps_both_and_asks_on_a_clash(
    page: Any,
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
    make_user: Callable[..., Any],
) -> None:
    partner = make_user("practitioner", agency="school", username="school_dsl")
    draft = services.submission_start(actor=partner)
    services.submission_save_draft(
        actor=partner,
        submission=draft,
        data=intel_data(mentions=[], anyone_in_danger="no", crime_described="no"),
    )
    page.goto("/accounts/sign-in/")
    login_as(page, partner)
    url = f"/intelligence/{draft.pk}/edit/"
    tab1 = page
    tab2 = page.context.new_page()
    tab1.goto(url)
    tab2.goto(url)

    tab1.get_by_label("Where?").fill("Tab 1: the car park behind the academy")
    tab1.get_by_role("button", name="Save draft").click()
    expect(tab1.locator(".govuk-notification-banner")).to_contain_text("Your draft has been saved.")
    tab2.get_by_label("Anything else (optional)").fill("Tab 2: her brother saw it too.")
    tab2.get_by_role("button", name="Save draft").click()
    expect(tab2.locator(".govuk-notification-banner")).to_contain_text(
        "those changes are kept (“Where?”)"
    )
    expect(tab2.get_by_label("Where?")).to_have_value("Tab 1: the car park behind the academy")
    draft.refresh_from_db()
    assert draft.where == "Tab 1: the car park behind the academy"
    assert draft.further_information == "Tab 2: her brother saw it too."

    # Both tabs now change "Where", differently.
    tab1.get_by_label("Where?").fill("Tab 1: outside the chip shop")
    tab1.get_by_role("button", name="Save draft").click()
    expect(tab1.locator(".govuk-notification-banner")).to_contain_text("saved")
    tab2.get_by_label("Where?").fill("Tab 2: the bus station")
    tab2.get_by_role("button", name="Save draft").click()
    summary = tab2.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Changed in another tab or by someone else at")
    expect(summary).to_contain_text("“Tab 1: outside the chip shop”")
    expect(tab2.get_by_label("Where?")).to_have_value("Tab 2: the bus station")
    tab2.screenshot(path="/tmp/stepguard/conflict.png", full_page=True)
    assert_accessible(tab2)
    assert Submission.objects.get(pk=draft.pk).where == "Tab 1: outside the chip shop"

    tab2.get_by_role("button", name="Save draft").click()
    expect(tab2.locator(".govuk-notification-banner")).to_contain_text("Your draft has been saved.")
    assert Submission.objects.get(pk=draft.pk).where == "Tab 2: the bus station"
