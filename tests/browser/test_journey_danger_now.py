"""Issue 12 acceptance journey (ADR 0019): on the FIB form the two plain questions come
before the free text; a "danger now" text puts "Call 999 now" first on the page; a yes to
"Is anyone in danger right now?" routes to 999 and the crime steps; a concern whose
narrative reads like a disclosure asks the practitioner, with 999 first when it is
happening now. axe (and the 320 px check) on every page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from cairn.concerns import services as concern_services
from cairn.intelligence.models import Status, Submission
from cairn.pole import services as pole_services

from ..concerns.conftest import complete_payload
from ..factories import UserFactory
from .test_journey_concern import fill_date
from .test_journey_intelligence import CRIME_DESCRIBED, DANGER, answer_plain_questions

DANGER_TEXT = (
    "Skye rang me at 21:40 from a flat on Dock Street: the man there is hitting her right now "
    "and will not let her leave."
)


def expect_999_first(page: Any) -> None:
    # A retrying locator, not a one-shot evaluate: right after a click the old document
    # may be gone and the new one not yet parsed (CI saw `main` as null there).
    expect(page.locator("main > *").first).to_have_attribute("data-testid", "call-999")


def test_danger_now_on_the_fib_form_shows_999_first(
    page: Any,
    agencies: dict[str, Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
) -> None:
    partner = UserFactory(
        username="school_dsl",
        role="practitioner",
        agency=agencies["school"],
        first_name="Dana",
        last_name="Lead",
    )
    page.goto("/accounts/sign-in/")
    login_as(page, partner)
    page.goto("/intelligence/new/")
    page.get_by_role("button", name="Start now").click()

    # The two plain questions, before any free text; both must be answered.
    expect(page.get_by_role("heading", level=1)).to_have_text("Before you start")
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("Select yes if anyone is in danger")
    assert_accessible(page)
    answer_plain_questions(page)

    # A "no" to both, then a text that says it is happening now: 999 comes first.
    expect(page.get_by_role("heading", level=1)).to_have_text("Intelligence details")
    page.get_by_label("Who is this entry about?").fill("Skye Examplewood, born 14 February 2012")
    page.get_by_label("What was seen or heard?").fill(DANGER_TEXT)
    page.get_by_label("Where?").fill("Dock Street")
    fill_date(page, "Date seen or heard", dt.date.today())
    page.get_by_label("First-hand: the source saw or heard it").check()
    page.get_by_label("I am the source").check()
    page.get_by_role("button", name="Check before submitting").click()
    banner = page.get_by_test_id("call-999")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Call 999 now.")
    expect(banner).to_contain_text("the man there is hitting her right now")
    expect_999_first(page)
    expect(page.get_by_test_id("crime-disclosure")).to_contain_text("Someone may be in danger now")
    assert_accessible(page)
    page.get_by_role("button", name="Submit to the FIB").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    expect_999_first(page)
    assert Submission.objects.get().status == Status.DRAFT
    assert_accessible(page)

    # Back on the details page the banner is first too.
    page.get_by_role("button", name="Back to the details").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Intelligence details")
    expect_999_first(page)
    assert_accessible(page)

    # A "yes" to danger routes to 999 and the crime steps.
    page.get_by_role("link", name="Change whether anyone is in danger").click()
    page.get_by_role("group", name=DANGER).get_by_label("Yes").check()
    page.get_by_role("group", name=CRIME_DESCRIBED).get_by_label("No").check()
    page.get_by_role("button", name="Continue").click()
    # Danger but no crime: 999 and its log number, not a crime report (outside tester 9).
    expect(page.get_by_role("heading", level=1)).to_have_text("Call 999 first")
    expect_999_first(page)
    expect(page.get_by_test_id("call-999")).to_contain_text("You said someone is in danger")
    expect(page.get_by_test_id("crime-steps")).to_contain_text("MASH referral")
    expect(page.get_by_test_id("crime-steps")).not_to_contain_text("crime reference")
    assert_accessible(page)


def test_a_concern_that_reads_like_a_disclosure_asks_and_puts_999_first(
    page: Any,
    users: dict[str, Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
) -> None:
    sw = users["social_worker"]
    child = pole_services.person_create(
        actor=sw, given_name="Amber", family_name="Testcase", category="child"
    )
    concern = concern_services.concern_start(actor=sw, child=child)
    concern_services.concern_save_draft(
        actor=sw,
        concern=concern,
        data=complete_payload(child.pk, narrative=DANGER_TEXT, crime_disclosed="no"),
    )
    page.goto("/accounts/sign-in/")
    login_as(page, sw)
    page.goto(f"/concerns/{concern.pk}/questions/")
    expect_999_first(page)
    expect(page.get_by_test_id("reads-like-crime")).to_contain_text("hitting her right now")
    assert_accessible(page)
    page.goto(f"/concerns/{concern.pk}/check/")
    expect_999_first(page)
    expect(page.get_by_test_id("reads-like-crime")).to_be_visible()
    assert_accessible(page)
