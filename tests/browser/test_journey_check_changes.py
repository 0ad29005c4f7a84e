"""Outside tester (F1), in the browser: with "Check before submitting" open in one tab, a
police user changed only "Anything else" in another and submitted from the first; the
warning fired, but the check page had no "Anything else" row, so the text went unseen.
Now the row is there, the page shown again marks it "Changed" and names it, and the
entry sent holds the text the user has now seen. axe on the marked page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from cairn.intelligence import services
from cairn.intelligence.models import Status, Submission

from ..intelligence.conftest import intel_data

TAB2 = "TAB2 ONLY: the source also says Matthew Brown gave one girl a phone."


def test_a_change_to_anything_else_in_another_tab_is_marked_then_sent_as_seen(
    page: Any,
    users: dict[str, Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
) -> None:
    police = users["ppu_coordinator"]
    draft = services.submission_start(actor=police)
    services.submission_save_draft(
        actor=police,
        submission=draft,
        data=intel_data(
            mentions=[],
            anyone_in_danger="no",
            crime_described="no",
            further_information="Seen twice this week.",
        ),
    )
    page.goto("/accounts/sign-in/")
    login_as(page, police)

    page.goto(f"/intelligence/{draft.pk}/check/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check before submitting")
    more = page.locator('[data-row="more.further_information"]')
    expect(more).to_contain_text("Seen twice this week.")
    expect(page.locator('[data-row="source.name"]')).to_contain_text("Petra Sourceperson")
    expect(more.get_by_role("link", name="Change anything else")).to_be_visible()

    # Tab 2 changes only "Anything else" and saves the draft.
    other = page.context.new_page()
    other.goto(f"/intelligence/{draft.pk}/edit/")
    other.get_by_label("Anything else (optional)").fill(TAB2)
    other.get_by_role("button", name="Save draft").click()
    expect(other.locator(".govuk-notification-banner")).to_contain_text("saved")
    other.close()

    page.get_by_role("button", name="Submit to the FIB").click()
    expect(page.get_by_test_id("draft-changed")).to_contain_text(
        "This draft changed after you opened this page"
    )
    expect(page.get_by_test_id("changed-summary")).to_contain_text(
        "Changed since you opened this page: Anything else."
    )
    expect(more).to_contain_text(TAB2)
    expect(more.get_by_test_id("row-changed")).to_have_text("Changed")
    expect(page.get_by_test_id("row-changed")).to_have_count(1)
    assert_accessible(page)
    assert Submission.objects.get(pk=draft.pk).status == Status.DRAFT

    page.get_by_role("button", name="Submit to the FIB").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Check before submitting")
    expect(page.locator("main")).to_contain_text(TAB2)
    sent = Submission.objects.get(pk=draft.pk)
    assert sent.status == Status.NEW and sent.further_information == TAB2
