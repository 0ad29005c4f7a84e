"""Information governance restricts a child's record at the family's request, in a real
browser: find the child in the audit log, log the request, restrict; the social worker's
search no longer finds the child; IG opens the record by direct link and lifts the
restriction; the child is found again. axe on each page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from cairn.pole import services as pole


def test_ig_restricts_and_lifts_a_childs_record(
    page: Any,
    users: dict[str, Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
) -> None:
    ig, sw = users["ig_admin"], users["social_worker"]
    child = pole.person_create(
        actor=sw,
        given_name="Wren",
        family_name="Quietfield",
        category="child",
        date_of_birth=dt.date(2012, 3, 9),
        hub_shared=True,
    )

    def search_as_social_worker() -> None:
        page.goto("/accounts/sign-in/")
        login_as(page, sw)
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="People").click()
        page.get_by_label("Name or alias").fill("Wren")
        page.get_by_role("button", name="Search").click()

    # IG finds the child by name in the audit log and logs the family's request.
    page.goto("/accounts/sign-in/")
    login_as(page, ig)
    page.get_by_role("link", name="Tools").click()
    page.get_by_role("link", name="Rectification and restriction requests").click()
    expect(page.get_by_test_id("rights-empty")).to_be_visible()
    assert_accessible(page)
    page.goto("/audit/")
    page.get_by_label("Name").first.fill("Wren Quietfield")
    page.get_by_role("button", name="Find the person").click()
    page.get_by_role("link", name="Log a rectification or restriction request about").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Log a rectification or restriction request"
    )
    assert_accessible(page)
    page.get_by_label("Restriction of processing").check()
    page.get_by_label("Who asked").fill("Mrs J. Quietfield (mother)")
    page.get_by_label("Their representative").check()
    page.get_by_label("I have checked the requester's identity").check()
    page.get_by_label("What they say is wrong, or why they ask for restriction").fill(
        "Says the exploitation concern confuses Wren with another child; asks that the "
        "record not be used while that is checked."
    )
    today = dt.date.today()
    box = page.get_by_role("group", name="Date received")
    box.get_by_label("Day").fill(str(today.day))
    box.get_by_label("Month").fill(str(today.month))
    box.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Log the request").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Restriction of processing request about Wren Quietfield"
    )
    expect(page.get_by_test_id("due")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Reason").fill("Accuracy contested while the concern is checked")
    page.get_by_role("button", name="Restrict processing").click()
    expect(page.get_by_test_id("outcome")).to_contain_text("Processing restricted")
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    # The social worker's search no longer finds the child.
    search_as_social_worker()
    expect(page.get_by_role("heading", name="No people found")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # IG opens the record by direct link, sees why it is restricted, and lifts it.
    page.goto("/accounts/sign-in/")
    login_as(page, ig)
    page.goto(f"/people/{child.pk}/")
    expect(page.get_by_test_id("restricted-banner")).to_contain_text("Processing restricted since")
    assert_accessible(page)
    page.get_by_role("link", name="Lift the restriction").click()
    assert_accessible(page)
    page.get_by_label("Reason").fill("Checked with the school: the record is accurate")
    page.get_by_role("button", name="Lift the restriction").click()
    expect(
        page.get_by_text("The restriction on Wren Quietfield's record is lifted.")
    ).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    search_as_social_worker()
    expect(page.get_by_role("link", name="Wren Quietfield")).to_be_visible()


def test_owner_corrects_a_record_from_the_request(
    page: Any,
    users: dict[str, Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
) -> None:
    from cairn.rights import services

    sw = users["social_worker"]
    child = pole.person_create(
        actor=sw,
        given_name="Ivo",
        family_name="Correctfield",
        category="child",
        date_of_birth=dt.date(2012, 5, 4),
    )
    request = services.request_log(
        actor=users["ig_admin"],
        person_id=child.pk,
        kind="rectification",
        requester="Mr K. Correctfield (father)",
        requester_kind="representative",
        authority_checked=True,
        grounds="Born on 4 June, not 4 May.",
        received_on=dt.date.today(),
    )
    page.goto("/accounts/sign-in/")
    login_as(page, sw)
    page.goto("/inbox/")
    page.get_by_role("button", name=f"Open Rectification request {request.reference}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rectification request")
    assert_accessible(page)
    page.get_by_role("link", name="Correct the record").click()
    assert_accessible(page)
    box = page.get_by_role("group", name="Date of birth")
    box.get_by_label("Month").fill("6")
    page.get_by_label("What was corrected").fill("Date of birth corrected to 4 June 2012.")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.get_by_test_id("outcome")).to_contain_text("Record corrected")
    assert_accessible(page)
    child.refresh_from_db()
    assert child.date_of_birth == dt.date(2012, 6, 4)
