"""The IG holding a restriction follows a "may duplicate restricted record" alert in a
real browser: from the inbox to the alert page (the two records side by side), decides
"the same person: restrict this record too", confirms, and sees the result; the school
that added the child again is told its record is restricted and can no longer find it.
axe on each page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from cairn.accounts.roles import Role
from cairn.pole import services as pole
from cairn.rights import services


def test_ig_follows_a_duplicate_alert_and_restricts_the_new_record_too(
    page: Any,
    users: dict[str, Any],
    make_user: Callable[..., Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
) -> None:
    ig, sw = users["ig_admin"], users["social_worker"]
    teacher = make_user(Role.PRACTITIONER, "school", username="dsl_teacher")
    born = dt.date(2015, 5, 15)
    child = pole.person_create(
        actor=sw,
        given_name="Lauren",
        family_name="Greenwoodcase",
        category="child",
        date_of_birth=born,
        hub_shared=True,
    )
    services.restriction_apply(
        actor=ig, person_id=child.pk, reason="Accuracy contested by the family"
    )
    # The school cannot find her, so adds her again.
    again = pole.person_create(
        actor=teacher,
        given_name="Lauren",
        family_name="Greenwoodcase",
        category="child",
        date_of_birth=born,
    )

    page.goto("/accounts/sign-in/")
    login_as(page, ig)
    page.goto("/inbox/")
    title = f"New record {again.pk} may duplicate restricted record {child.pk}"
    expect(page.get_by_test_id("inbox")).to_contain_text(title)
    assert_accessible(page)
    page.get_by_role("button", name=f"Open {title}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Is record {again.pk} the same person as restricted record {child.pk}?"
    )
    pair = page.get_by_test_id("pair")
    expect(pair).to_contain_text("Lauren Greenwoodcase")
    expect(pair).to_contain_text("15 May 2015")
    expect(page.get_by_test_id("new-created-by")).to_contain_text(teacher.agency.name)
    expect(page.get_by_test_id("merge-later")).to_contain_text("once the restriction is lifted")
    assert_accessible(page)
    page.get_by_label("Reason").fill("Same name and date of birth; the school confirms the mother")
    page.get_by_role("button", name="The same person: restrict this record too").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Restrict record {again.pk} too?")
    assert_accessible(page)
    page.get_by_role("button", name=f"Yes, restrict record {again.pk} too").click()
    expect(page.get_by_text(f"Record {again.pk} is restricted too")).to_be_visible()
    expect(page.get_by_test_id("decision")).to_contain_text("restricted too")
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    # The school is told its record is restricted, and its search no longer finds her.
    page.goto("/accounts/sign-in/")
    login_as(page, teacher)
    page.goto("/inbox/")
    expect(page.get_by_test_id("inbox")).to_contain_text(
        f"Processing of record {again.pk} is restricted"
    )
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="People").click()
    page.get_by_label("Name or alias").fill("Lauren Greenwoodcase")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="No people found")).to_be_visible()
