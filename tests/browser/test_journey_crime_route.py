"""The crime route, end to end: a school partner turns their concern into a FIB entry that
describes a crime; a crime reference typed on the check page is still there after a Change
to an earlier answer, and a reason after "Back to the details" and a change there; "n/a"
as the reason is refused (what they typed is kept) and a real reason accepted; the FIB
officer opens the queue from the Intelligence menu on a 375 px phone (no sideways page
scroll), judges it a crime and refers it for crime recording
(after a confirmation); the PPU co-ordinator opens the referral from the Inbox and records
the crime reference (after a confirmation); the partner is notified, and the entry, the
concern and the child's chronology say "crime reported, reference ...". axe on each page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from cairn.accounts.models import User
from cairn.concerns import services as concern_services
from cairn.intelligence.models import CrimeReferral, Status, Submission
from cairn.pole import services as pole_services

from ..concerns.conftest import complete_payload
from ..factories import UserFactory
from ..intelligence.test_danger_escalation import overridden
from .test_journey_concern import fill_date
from .test_journey_intelligence import answer_plain_questions

CRIME = "She told me that the driver hit her in the car on Monday when she tried to get out."
REASON = (
    "She was repeating what she had read in a group chat; she says nobody hit her and she "
    "does not know who it was about."
)
REFERENCE = "43/12345/26"
TYPED = "43/99999/26"


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.goto("/accounts/sign-in/")


def no_sideways_scroll(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        f"{page.url} scrolls sideways at {page.viewport_size['width']} px"
    )


def test_crime_on_a_fib_form_is_referred_and_recorded(
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
    child = pole_services.person_create(
        actor=partner, given_name="Skye", family_name="Examplewood", category="child"
    )
    concern = concern_services.concern_create(actor=partner, data=complete_payload(child.pk))
    assert concern.crime_disclosed is False

    # The partner makes a FIB entry from their concern; it describes a crime.
    page.goto("/accounts/sign-in/")
    login_as(page, partner)
    page.goto(f"/intelligence/new/?concern={concern.pk}")
    expect(page.get_by_test_id("from-concern")).to_contain_text(concern.reference)
    page.get_by_label("Skye Examplewood (the child in the concern").check()
    page.get_by_role("button", name="Start now").click()
    answer_plain_questions(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Intelligence details")
    page.get_by_label("Who is this entry about?").fill("Skye Examplewood, Year 9")
    page.get_by_label("What was seen or heard?").fill(CRIME)
    page.get_by_label("First-hand: the source saw or heard it").check()
    page.get_by_label("I am the source").check()
    page.get_by_role("button", name="Check before submitting").click()
    expect(page.get_by_test_id("crime-disclosure")).to_contain_text("call 999 now")

    # A reference typed here survives a Change to an earlier answer (it was lost).
    reference = page.get_by_label("Crime reference it was reported under")
    reference.fill(TYPED)
    page.get_by_role("button", name="Change where").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Intelligence details")
    page.get_by_label("Where?").fill("The car park behind Testfield Academy")
    page.get_by_role("button", name="Check before submitting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check before submitting")
    expect(page.locator('[data-row="entry.where"]')).to_contain_text("Testfield Academy")
    expect(reference).to_have_value(TYPED)
    assert_accessible(page)
    reference.fill("")

    # A reason typed here survives "Back to the details" and a change made there (it was
    # lost: Back was a plain link).
    reason = page.get_by_label("Or, if this is not a crime, say why it is intelligence only")
    reason.fill("She read it in a group chat")
    page.get_by_text("Back to the details").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Intelligence details")
    page.get_by_label("Where?").fill("The bus station behind Testfield Academy")
    page.get_by_role("button", name="Check before submitting").click()
    expect(page.locator('[data-row="entry.where"]')).to_contain_text("bus station")
    expect(reason).to_have_value("She read it in a group chat")
    expect(reference).to_have_value("")

    # "n/a" does not get past the block; what was typed stays in the box. Enter in the
    # reference box submits (the Change buttons above belong to the form too).
    reason.fill("n/a")
    reference.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("is not enough")
    expect(reason).to_have_value("n/a")
    assert Submission.objects.get().status == Status.DRAFT
    assert_accessible(page)
    reason.fill(REASON)
    page.get_by_role("button", name="Submit to the FIB").click()
    expect(page.get_by_test_id("outcome")).to_have_text("With the FIB")
    assert_accessible(page)
    submission = Submission.objects.get()
    sign_out(page)

    # The FIB officer, on a phone: the Intelligence menu opens the queue, which fits.
    page.set_viewport_size({"width": 375, "height": 800})
    login_as(page, fib)
    menu = page.get_by_role("navigation", name="Menu")
    toggle = menu.get_by_role("button", name="Menu")
    if toggle.is_visible():
        toggle.click()
    menu.get_by_role("link", name="Intelligence").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("FIB queue")
    row = page.get_by_test_id("queue-row").filter(has_text=submission.reference)
    expect(row.get_by_test_id("queue-subject")).to_contain_text("Skye Examplewood")
    expect(row.get_by_test_id("queue-crime")).to_contain_text("Crime check flagged")
    expect(row.get_by_test_id("queue-crime")).to_contain_text("Reason given")
    no_sideways_scroll(page)
    assert_accessible(page)
    row.get_by_role("link", name=submission.reference).click()
    page.get_by_role("link", name="Crime check decision").click()
    expect(page.get_by_test_id("crime-check")).to_contain_text(REASON)
    no_sideways_scroll(page)
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("A crime: refer it for crime recording").check()
    page.get_by_label("Note").fill("A child's account of an assault: it needs a crime record.")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Refer this entry for crime recording?"
    )
    assert not CrimeReferral.objects.exists()
    assert_accessible(page)
    page.get_by_role("button", name="Yes, refer for crime recording").click()
    expect(page.get_by_test_id("status")).to_have_text("Referred for crime recording")
    referral = CrimeReferral.objects.get()
    expect(page.get_by_test_id("crime-referrals")).to_contain_text(referral.reference)
    assert_accessible(page)
    sign_out(page)

    # The PPU co-ordinator records the crime from the Inbox.
    login_as(page, ppu)
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Inbox").click()
    expect(page.get_by_test_id("inbox")).to_contain_text(referral.reference)
    page.get_by_role("button", name=f"Open Crime referral {referral.reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A crime to record")
    expect(page.get_by_test_id("referral-entry")).to_contain_text(CRIME)
    assert_accessible(page)
    page.get_by_label("Crime reference number").fill("n/a")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the crime reference as the police")
    assert_accessible(page)
    page.get_by_label("Crime reference number").fill(REFERENCE)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Record crime reference {REFERENCE}?"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Yes, record the crime reference").click()
    expect(page.get_by_test_id("referral-status")).to_contain_text(
        f"Crime reported, reference {REFERENCE}"
    )
    assert_accessible(page)
    page.get_by_role("link", name="Crime recording queue").click()
    page.get_by_role("link", name="Recorded (1)").click()
    expect(page.get_by_test_id("crime-queue")).to_contain_text(f"Reference {REFERENCE}")
    assert_accessible(page)
    sign_out(page)

    # The partner is told, and the entry, the concern and the chronology say so.
    login_as(page, partner)
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Inbox").click()
    inbox = page.get_by_test_id("inbox")
    expect(inbox).to_contain_text("referred for crime recording")
    expect(inbox).to_contain_text(f"crime reported, reference {REFERENCE}")
    assert_accessible(page)
    page.get_by_role(
        "button",
        name=f"Open Intelligence {submission.reference}: crime reported, reference {REFERENCE}",
    ).click()
    expect(page.get_by_test_id("outcome")).to_have_text(f"Crime reported, reference {REFERENCE}")
    page.goto(f"/concerns/{concern.pk}/")
    expect(page.get_by_test_id("crime-disclosed")).to_have_text(
        f"Yes: crime reported, reference {REFERENCE}"
    )
    assert_accessible(page)
    page.goto(f"/people/{child.pk}/")
    expect(page.locator(".moj-timeline")).to_contain_text(f"Crime reported, reference {REFERENCE}")
    assert_accessible(page)


ABDUCTION = (
    "Demi Exampleton (13) has just messaged her friend from a dark blue van behind the "
    "leisure centre. She says the man won't let her out and is driving her to his flat. "
    "Her friend showed me the messages 5 minutes ago."
)
ACTION = "Passed to the control room at 14:02, log 123; a unit is on its way."


def test_danger_sent_after_the_warning_reaches_the_fib_at_once(
    page: Any,
    users: dict[str, Any],
    agencies: dict[str, Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
) -> None:
    """Outside tester 9, finding 8: the partner sends "danger now" after the 999 warning;
    the page tells them again to call 999; every FIB officer gets an urgent notice, the
    entry heads the queue until one records what they did, and then it does not."""
    partner = UserFactory(
        username="school_dsl",
        role="practitioner",
        agency=agencies["school"],
        first_name="Zofia",
        last_name="Example",
    )
    fib = users["fib_officer"]
    page.goto("/accounts/sign-in/")
    login_as(page, partner)
    page.goto("/intelligence/new/")
    page.get_by_role("button", name="Start now").click()
    answer_plain_questions(page)
    page.get_by_label("Who is this entry about?").fill("Unknown man, about 30, dark blue van")
    page.get_by_label("What was seen or heard?").fill(ABDUCTION)
    page.get_by_label("Where?").fill("Behind Exampletown Leisure Centre, Station Road")
    fill_date(page, "Date seen or heard", dt.date.today())
    page.get_by_label("Told by someone else").check()
    page.get_by_label("I am the source").check()
    page.get_by_role("button", name="Check before submitting").click()
    expect(page.get_by_test_id("call-999")).to_contain_text("Call 999 now.")
    page.get_by_label("Or, if this is not a crime, say why it is intelligence only").fill(
        "Her friend may be exaggerating, she has made things up before at school."
    )
    page.get_by_label("I have checked: nobody is in danger right now").check()
    page.get_by_role("button", name="Submit to the FIB").click()
    warning = page.get_by_test_id("submitter-danger")
    expect(warning).to_contain_text("If anyone may be in danger now, call 999 now")
    expect(page.get_by_role("main")).to_contain_text("The FIB has been told urgently")
    assert_accessible(page)
    entry = Submission.objects.get()
    assert entry.danger_state == "open"
    sign_out(page)

    login_as(page, fib)
    # The home page says so first, not only an inbox count (at 320 px too, and with axe).
    page.goto("/")
    home = page.get_by_test_id("home-danger")
    expect(home).to_contain_text(f"Intelligence {entry.reference}")
    expect(page.locator("main > *").first).to_have_attribute("data-testid", "home-danger")
    assert_accessible(page)
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Inbox").click()
    expect(page.get_by_test_id("inbox")).to_contain_text(
        f"URGENT: Danger now: sent after the warning. Intelligence {entry.reference}"
    )
    assert_accessible(page)
    page.goto("/intelligence/fib/")
    banner = page.get_by_test_id("danger-waiting")
    expect(banner).to_contain_text("Danger now: sent after the warning")
    assert_accessible(page)
    banner.get_by_role("link", name=entry.reference).click()
    expect(page.get_by_test_id("danger-open")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Record what you did").click()
    expect(page.get_by_test_id("danger-why")).to_have_text("Danger now: sent after the warning")
    assert_accessible(page)
    page.get_by_label("Passed it on for an immediate police response").check()
    page.get_by_role("textbox").fill("log 1")
    page.get_by_role("button", name="Record what you did").click()
    expect(page.get_by_role("alert")).to_contain_text("Say what you did")
    expect(page.get_by_role("textbox")).to_have_value("log 1")
    assert_accessible(page)
    page.get_by_role("textbox").fill(ACTION)
    page.get_by_role("button", name="Record what you did").click()
    expect(page.get_by_test_id("danger-state")).to_contain_text(ACTION)
    expect(page.get_by_test_id("danger-open")).to_have_count(0)
    assert_accessible(page)
    page.goto("/intelligence/fib/")
    expect(page.get_by_test_id("danger-waiting")).to_have_count(0)
    page.goto("/")
    expect(page.get_by_test_id("home-danger")).to_have_count(0)


def test_with_no_fib_officer_active_the_ppu_is_alerted_and_can_read_it(
    page: Any,
    users: dict[str, Any],
    agencies: dict[str, Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
) -> None:
    """No active FIB officer: the escalation goes to the PPU / CSE co-ordinators, whose home
    page alerts them and who may open the entry; the partner's page does not say the FIB."""
    partner = UserFactory(username="school_dsl2", role="practitioner", agency=agencies["school"])
    User.objects.filter(role="fib_officer").update(is_active=False)
    entry = overridden(partner)
    page.goto("/accounts/sign-in/")
    login_as(page, partner)
    page.goto(f"/intelligence/{entry.pk}/")
    expect(page.get_by_test_id("danger-told")).to_contain_text("PPU / CSE co-ordinators")
    expect(page.get_by_test_id("danger-told")).not_to_contain_text("The FIB has been told")
    assert_accessible(page)
    sign_out(page)

    login_as(page, users["ppu_coordinator"])
    page.goto("/")
    home = page.get_by_test_id("home-danger")
    expect(home).to_contain_text(f"Intelligence {entry.reference}")
    assert_accessible(page)
    home.get_by_role("link", name=f"Open {entry.reference}").click()
    expect(page.get_by_test_id("danger-fallback")).to_contain_text("force control room")
    expect(page.get_by_test_id("original-text")).to_contain_text("Demi Exampleton")
    assert_accessible(page)
