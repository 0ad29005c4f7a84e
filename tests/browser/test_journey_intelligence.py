"""Issue 4 acceptance journey: a school partner submits intelligence about a car
collecting a pupil; a FIB officer grades it 2/B/P, sanitises it, links the vehicle and
disseminates it to the PPU; the PPU co-ordinator sees the sanitised text only; the partner
cannot see the grading. A crime disclosure is blocked with its route. axe on each page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from cairn.intelligence.models import Status, Submission
from cairn.pole import services as pole_services

from ..factories import UserFactory
from .test_journey_concern import fill_date

DANGER = "Is anyone in danger right now?"
CRIME_DESCRIBED = (
    "Has anyone described something that happened to them or someone else that could be a crime?"
)


def answer_plain_questions(page: Any, danger: str = "No", crime: str = "No") -> None:
    """The FIB form's two plain questions, asked before the free text (ADR 0019)."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Before you start")
    page.get_by_role("group", name=DANGER).get_by_label(danger).check()
    page.get_by_role("group", name=CRIME_DESCRIBED).get_by_label(crime).check()
    page.get_by_role("button", name="Continue").click()


ORIGINAL = (
    "A grey Vauxhall Corsa has collected Skye Examplewood (Year 9, born 14 February 2012) "
    "from the school gates at 15:15 on Monday and Wednesday. The driver is a man aged about "
    "25 who she calls her boyfriend."
)
SANITISED = "A grey Vauxhall Corsa NM12 XYZ has been collecting a Year 9 pupil from a school."


def test_school_partner_submits_and_fib_grades_sanitises_links_and_disseminates(
    page: Any,
    users: dict[str, Any],
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
    fib, ppu = users["fib_officer"], users["ppu_coordinator"]
    # The FIB already holds a record of this car from earlier intelligence.
    known = pole_services.vehicle_create(actor=fib, registration="NM12XYZ", police_only=True)
    yesterday = dt.date.today() - dt.timedelta(days=1)

    # The partner submits.
    page.goto("/accounts/sign-in/")
    login_as(page, partner)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Intelligence").click()
    assert_accessible(page)
    page.get_by_role("link", name="Submit intelligence").click()
    assert_accessible(page)
    page.get_by_role("button", name="Start now").click()
    answer_plain_questions(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Intelligence details")
    assert_accessible(page)
    page.get_by_label("Who is this entry about?").fill("Skye Examplewood, born 14 February 2012")
    page.get_by_label("What was seen or heard?").fill(
        "She told me that the driver hit her when she tried to get out of the car."
    )
    page.get_by_label("Where?").fill("Testshire Academy gates, Example Road")
    fill_date(page, "Date seen or heard", yesterday)
    page.get_by_label("Time (optional)").fill("15:15")
    page.get_by_label("First-hand: the source saw or heard it").check()
    page.get_by_label("I am the source").check()
    page.get_by_role("button", name="Add a vehicle").click()
    assert_accessible(page)
    page.get_by_label("Registration").fill("NM12 XYZ")
    page.get_by_label("Make (optional)").fill("Vauxhall")
    page.get_by_label("Colour (optional)").fill("Grey")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_test_id("mentions")).to_contain_text("NM12 XYZ")
    page.get_by_role("button", name="Check before submitting").click()

    # A crime disclosure is blocked, with the reason and the route.
    expect(page.get_by_test_id("crime-disclosure")).to_contain_text("call 999 now")
    expect(page.get_by_test_id("crime-disclosure")).to_contain_text("MASH referral")
    assert_accessible(page)
    page.get_by_role("button", name="Submit to the FIB").click()
    expect(page.get_by_role("alert")).to_contain_text("Give the crime reference")
    assert Submission.objects.get().status == Status.DRAFT
    assert_accessible(page)

    # Rewritten as intelligence only, it goes through.
    page.get_by_role("button", name="Back to the details").click()
    page.get_by_label("What was seen or heard?").fill(ORIGINAL)
    page.get_by_role("button", name="Check before submitting").click()
    expect(page.get_by_test_id("quality-ok")).to_be_visible()
    page.get_by_role("button", name="Submit to the FIB").click()
    expect(page.get_by_test_id("submitter-status")).to_contain_text("Submitted to the FIB")
    assert_accessible(page)
    submission = Submission.objects.get()
    assert submission.status == Status.NEW

    # The FIB officer works it from the queue.
    page.get_by_role("button", name="Sign out").click()
    page.goto("/accounts/sign-in/")
    login_as(page, fib)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Intelligence").click()
    # A FIB officer's Intelligence menu item opens the queue, not the general list.
    expect(page.get_by_role("heading", level=1)).to_have_text("FIB queue")
    assert_accessible(page)
    page.get_by_role("link", name=submission.reference).click()
    assert_accessible(page)
    page.get_by_role("link", name="Evaluate (3x5x2)").click()
    assert_accessible(page)
    page.get_by_label("2: Untested").check()
    page.get_by_label("B: Known indirectly to the source but corroborated").check()
    page.get_by_label("P: Lawful sharing permitted", exact=True).check()
    page.get_by_role("button", name="Save grading").click()
    expect(page.get_by_test_id("grade")).to_have_text("2/B/P")
    page.get_by_role("link", name="Sanitise").click()
    expect(page.get_by_label("Sanitised text")).to_contain_text("A grey Vauxhall Corsa")
    assert_accessible(page)
    page.get_by_label("Sanitised text").fill(SANITISED)
    page.get_by_role("button", name="Save sanitised version").click()
    expect(page.get_by_test_id("sanitised-text")).to_have_text(SANITISED)
    page.get_by_role("link", name="Link to POLE records").click()
    assert_accessible(page)
    expect(page.get_by_test_id("mention-0")).to_contain_text("the same registration")
    page.get_by_label("NM12XYZ").check()
    # The entry's subject has no record and names nobody else: the car is nobody's here.
    page.get_by_label("Not known, or nobody named in this entry").check()
    page.get_by_role("button", name="Link these details").click()
    expect(page.get_by_test_id("mention-0")).to_contain_text("Linked")
    page.get_by_role("link", name="Back to the entry").click()
    expect(page.get_by_test_id("correlations")).to_contain_text("NM12XYZ")
    page.get_by_role("link", name="Disseminate").click()
    assert_accessible(page)
    page.get_by_label("Public Protection Unit (PPU / CSE co-ordinator)").check()
    page.get_by_label("Why do they need to know?").fill("Child at risk of CSE; PPU to assess.")
    page.get_by_role("button", name="Disseminate sanitised version").click()
    expect(page.get_by_test_id("disseminations")).to_contain_text("Public Protection Unit")
    assert_accessible(page)
    submission.refresh_from_db()
    assert submission.grade == "2/B/P" and submission.status == Status.DISSEMINATED
    assert submission.entities.get().entity_id == known.pk

    # The PPU co-ordinator sees the sanitised version and grading only.
    page.get_by_role("button", name="Sign out").click()
    page.goto("/accounts/sign-in/")
    login_as(page, ppu)
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Inbox").click()
    expect(page.get_by_test_id("inbox")).to_contain_text(submission.reference)
    page.goto(f"/intelligence/{submission.pk}/")
    expect(page.get_by_test_id("sanitised-text")).to_have_text(SANITISED)
    expect(page.get_by_test_id("grade")).to_have_text("2/B/P")
    expect(page.get_by_test_id("original")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("she calls her boyfriend")
    assert_accessible(page)

    # The partner still sees what they sent, but not the grading or the sanitised text.
    page.get_by_role("button", name="Sign out").click()
    page.goto("/accounts/sign-in/")
    login_as(page, partner)
    page.goto(f"/intelligence/{submission.pk}/")
    expect(page.get_by_test_id("original-text")).to_contain_text("she calls her boyfriend")
    expect(page.get_by_test_id("grading")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("2/B/P")
    expect(page.locator("main")).not_to_contain_text(SANITISED)
    assert_accessible(page)
