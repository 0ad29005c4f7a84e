"""The FIB form's details and check pages and a concern's screening page, at 320 px and on a
desktop (issue 12, outside tester): the back link is inside a landmark (axe "region"), the
"Call 999 now" banner before the h1 adds no heading out of order (axe "heading-order"), and
"Delete this draft" is the last thing on the page, after the submit buttons. These axe rules
are "moderate", below the journeys' serious-or-critical bar, so they are checked here at any
impact."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from cairn.concerns import services as concern_services
from cairn.pole import services as pole_services

from ..concerns.conftest import complete_payload
from ..factories import UserFactory
from .conftest import check_accessible, format_violations
from .test_journey_concern import fill_date
from .test_journey_danger_now import DANGER_TEXT, expect_999_first
from .test_journey_intelligence import answer_plain_questions

# The axe rules the tester's findings fall under, failed at any impact.
STRUCTURE_RULES = frozenset(
    {
        "region",
        "heading-order",
        "page-has-heading-one",
        "landmark-one-main",
        "landmark-unique",
        "landmark-no-duplicate-main",
        "landmark-complementary-is-top-level",
    }
)
WIDTHS = ((320, 640), (1280, 900))


def check_structure(page: Any) -> None:
    """axe at 320 px and on a desktop: no problem with the page's landmarks or headings at
    any impact, and nothing serious or critical (the journeys' check)."""
    from axe_playwright_python.sync_playwright import Axe

    size = page.viewport_size
    try:
        for width, height in WIDTHS:
            page.set_viewport_size({"width": width, "height": height})
            violations = [
                v
                for v in Axe().run(page).response.get("violations", [])
                if v.get("id") in STRUCTURE_RULES
            ]
            assert not violations, (
                f"axe at {width} px on {page.url}:\n{format_violations(violations)}"
            )
    finally:
        if size:
            page.set_viewport_size(size)
    check_accessible(page)


def expect_h1_first(page: Any) -> None:
    """The h1 is the page's first heading in <main> (outside tester: the FIB rules' h2 came
    before it on the check page)."""
    first = page.locator("main").get_by_role("heading").first
    expect(first).to_have_js_property("tagName", "H1")


def expect_back_link_in_landmark(page: Any) -> None:
    back = page.locator(".govuk-back-link")
    expect(back).to_have_count(1)
    expect(page.locator("nav[aria-label='Back'] > .govuk-back-link")).to_have_count(1)
    # Where GOV.UK puts it: before <main>, so the skip link passes it.
    assert page.locator("main .govuk-back-link").count() == 0


def test_fib_pages_back_link_999_banner_and_delete_link(
    page: Any,
    agencies: dict[str, Any],
    login_as: Callable[..., None],
) -> None:
    partner = UserFactory(
        username="school_dsl", role="practitioner", agency=agencies["school"],
        first_name="Dana", last_name="Lead",
    )  # fmt: skip
    page.goto("/accounts/sign-in/")
    login_as(page, partner)
    page.goto("/intelligence/new/")
    page.get_by_role("button", name="Start now").click()
    answer_plain_questions(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Intelligence details")

    # The details page: deleting comes last, after the submit buttons, as a link.
    delete = page.get_by_test_id("delete-draft")
    expect(delete).to_have_text("Delete this draft")
    expect(delete).to_have_attribute("href", re.compile(r"^/intelligence/\d+/discard/$"))
    last_control = page.locator("main a, main button").last
    expect(last_control).to_have_attribute("data-testid", "delete-draft")
    check_box = page.get_by_role("button", name="Check before submitting").bounding_box()
    assert check_box and (delete.bounding_box() or {}).get("y", 0) > check_box["y"]
    expect_back_link_in_landmark(page)
    expect_h1_first(page)
    check_structure(page)

    page.get_by_label("Who is this entry about?").fill("Skye Examplewood, born 14 February 2012")
    page.get_by_label("What was seen or heard?").fill(DANGER_TEXT)
    page.get_by_label("Where?").fill("Dock Street")
    fill_date(page, "Date seen or heard", dt.date.today())
    page.get_by_label("First-hand: the source saw or heard it").check()
    page.get_by_label("I am the source").check()
    page.get_by_role("button", name="Check before submitting").click()

    # The check page: 999 first, its title not a heading before the h1.
    expect(page.get_by_role("heading", level=1)).to_have_text("Check before submitting")
    expect_999_first(page)
    banner = page.get_by_test_id("call-999")
    expect(banner).to_have_accessible_name("Someone may be in danger now")
    expect(banner.get_by_role("heading")).to_have_count(0)
    expect_back_link_in_landmark(page)
    expect_h1_first(page)
    check_structure(page)

    # The "Are you sure?" page has no back link, and no empty landmark for one.
    page.get_by_role("button", name="Back to the details").click()
    page.get_by_test_id("delete-draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Are you sure you want to delete this draft?"
    )
    expect(page.locator("nav[aria-label='Back']")).to_have_count(0)
    check_structure(page)


def test_concern_screening_page_back_link_and_999_banner(
    page: Any,
    users: dict[str, Any],
    login_as: Callable[..., None],
) -> None:
    sw = users["social_worker"]
    child = pole_services.person_create(
        actor=sw, given_name="Amber", family_name="Testcase", category="child"
    )
    concern = concern_services.concern_create(
        actor=sw,
        data=complete_payload(child.pk, narrative=DANGER_TEXT, immediate_danger="no"),
        no_danger_now=True,
    )
    page.goto("/accounts/sign-in/")
    login_as(page, sw)
    # A draft's check page: deleting comes last, after "Submit concern", as a link.
    draft = concern_services.concern_start(actor=sw, child=child)
    concern_services.concern_save_draft(
        actor=sw, concern=draft, data=complete_payload(child.pk, narrative=DANGER_TEXT)
    )
    page.goto(f"/concerns/{draft.pk}/check/")
    # "No" against danger-now text: asked to confirm nobody is in danger (a labelled box).
    expect(page.get_by_label("I have checked: nobody is in danger right now")).to_have_count(1)
    column = page.locator("main .govuk-grid-column-two-thirds")
    expect(column.locator("a, button").last).to_have_attribute("data-testid", "delete-draft")
    check_structure(page)

    page.goto(f"/concerns/{concern.pk}/screening/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Risk level")
    expect_999_first(page)
    expect(page.get_by_test_id("call-999").get_by_role("heading")).to_have_count(0)
    check_structure(page)
