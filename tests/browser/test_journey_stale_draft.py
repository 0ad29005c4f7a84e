"""Outside tester's two traps, in the browser: the boyfriend-model stage (chosen, then
another model: the way on was blocked) and a submit from a check page opened before the
draft changed in another tab (the other tab's text was recorded unseen). axe on the
pages that changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from cairn.concerns import services
from cairn.concerns.models import Concern, ConcernStatus

from ..concerns.conftest import complete_payload
from .test_journey_concern import fill_date


def test_stage_hides_with_another_model_and_a_stale_check_page_submits_nothing(
    page: Any,
    users: dict[str, Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
    make_person: Callable[..., Any],
) -> None:
    worker = users["social_worker"]
    child = make_person(
        given_name="Amber", family_name="Testcase", date_of_birth=dt.date(2011, 6, 1)
    )
    concern = services.concern_start(actor=worker, child=child)
    services.concern_save_draft(
        actor=worker, concern=concern, data=complete_payload(child.pk, mentions=[])
    )
    page.goto("/accounts/sign-in/")
    login_as(page, worker)

    page.goto(f"/concerns/{concern.pk}/details/")
    stage_two = page.get_by_label("2. Creating dependency", exact=False)
    expect(page.get_by_label("Boyfriend model", exact=True)).to_be_checked()
    expect(stage_two).to_be_visible()  # revealed under the chosen option
    stage_two.check()
    assert_accessible(page)
    page.get_by_label("Gang model", exact=True).check()
    expect(stage_two).to_be_hidden()
    fill_date(page, "Date observed", dt.date.today() - dt.timedelta(days=2))
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Signs you have seen")
    concern.refresh_from_db()
    assert (concern.draft["exploitation_model"], concern.draft["boyfriend_stage"]) == ("gang", None)

    # Check your answers in this tab; the description changes in another.
    page.goto(f"/concerns/{concern.pk}/check/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    other = page.context.new_page()
    other.goto(f"/concerns/{concern.pk}/details/")
    other.get_by_label("What did you see or were you told?").fill("Changed in the other tab.")
    other.get_by_role("button", name="Save and continue").click()
    expect(other.get_by_role("heading", level=1)).to_have_text("Signs you have seen")
    other.close()

    page.get_by_role("button", name="Submit concern").click()
    expect(page.get_by_test_id("draft-changed")).to_contain_text(
        "This draft changed after you opened this page"
    )
    expect(page.locator("main")).to_contain_text("Changed in the other tab.")
    assert_accessible(page)
    assert Concern.objects.get(pk=concern.pk).status == ConcernStatus.DRAFT
    page.get_by_role("button", name="Submit concern").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Check your answers")
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.SUBMITTED
    assert concern.narrative == "Changed in the other tab."
