"""Issue 14 acceptance: one child's story across nine roles, asserting every hand-off
between agencies arrives and every loop closes.

A school's safeguarding lead records a concern about Maisie, naming the adult only as
"Deano" (police hold "Lily Pricetest, known as Deano": the match is offered, not a duplicate
made), then makes a FIB entry from the concern about that adult, which also describes a
crime. The FIB officer refers the crime for recording and links the adult's phone and car to
the adult; the PPU co-ordinator records the crime and the school is told; the school sends a
MASH referral whose risk travels; the MASH screener allocates an s47 to the Trust's team; the
allocated social worker finds Maisie and makes an NRM referral; a PPU officer issues a CAWN
to the adult; the Hub chair's agenda shows Maisie; the analyst's network of the adult shows
the phone and the car; information governance finds who viewed Maisie by her name. axe (and
the 320 px reflow check) on every page; the school's part on a 375 px phone."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from cairn.audit.models import AuditEvent
from cairn.concerns.models import Concern
from cairn.hub import services as hub_services
from cairn.intelligence.models import CrimeReferral, Submission
from cairn.pole.models import Person
from cairn.referrals.models import Referral

from ..factories import TeamFactory, UserFactory
from .test_journey_concern import fill_date
from .test_journey_intelligence import answer_plain_questions

TEAM = "Exploitation and Missing Team"
PHONE = "07700 900461"
REG = "NM19 KXT"
ENTRY = (
    "Deano (Lily Pricetest) collects Maisie Farrowdale from the school gates most days in a "
    f"grey Vauxhall Corsa {REG} and calls her on {PHONE}. On Monday Maisie told me that Deano "
    "hit her in the car when she tried to get out."
)
REASON = (
    "Maisie says she will deny it if police speak to her and asked me to pass on only the car "
    "and the phone; I have told her I must share it."
)
CRIME_REF = "43/20461/26"


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.goto("/accounts/sign-in/")


def open_menu(page: Any, name: str) -> None:
    menu = page.get_by_role("navigation", name="Menu")
    toggle = menu.get_by_role("button", name="Menu")
    if toggle.is_visible():
        toggle.click()
    menu.get_by_role("link", name=name).click()


def open_inbox(page: Any) -> None:
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Inbox").click()


def test_one_childs_story_across_nine_roles(
    page: Any,
    users: dict[str, Any],
    agencies: dict[str, Any],
    make_user: Callable[..., Any],
    make_person: Callable[..., Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
) -> None:
    dsl = UserFactory(
        username="school_dsl",
        role="practitioner",
        agency=agencies["school"],
        first_name="Dana",
        last_name="Lead",
    )
    fib, ppu, screener = users["fib_officer"], users["ppu_coordinator"], users["mash_screener"]
    sw, analyst, chair, ig = (
        users["social_worker"],
        users["analyst"],
        users["hub_chair"],
        users["ig_admin"],
    )
    team = TeamFactory(agency=agencies["trust"], name=TEAM)
    sw.team = team
    sw.first_name, sw.last_name = "Sol", "Worker"
    sw.save()
    today = dt.date.today()
    # Police already hold the adult, known on the street as "Deano", shared with the Hub.
    lily = make_person(
        actor=fib,
        given_name="Lily",
        family_name="Pricetest",
        category="person_of_concern",
        date_of_birth=dt.date(1996, 4, 2),
        aliases=[("nickname", "Deano", "")],
        hub_shared=True,
    )
    hub_services.meeting_schedule(
        actor=chair, starts_at=timezone.now() + dt.timedelta(days=2), title="December MACE"
    )

    # 1. The school's safeguarding lead records a concern on a phone.
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/accounts/sign-in/")
    login_as(page, dsl)
    page.goto("/concerns/new/")
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("First name").fill("Maisie")
    page.get_by_label("Last name (if known)").fill("Farrowdale")
    fill_date(page, "Date of birth", dt.date(2012, 6, 11))
    page.get_by_role("button", name="Add child and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What happened")
    fill_date(page, "Date observed", today - dt.timedelta(days=1))
    page.get_by_label("What did you see or were you told?").fill(
        "Collected from the gates by an adult she calls Deano in a grey car; missing overnight."
    )
    page.get_by_label("Child sexual exploitation (CSE)").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Signs you have seen")
    page.get_by_label("Getting into cars with unknown adults ('cruising')").check()
    page.get_by_label("Older 'boyfriend' or controlling adult").check()
    page.get_by_role("button", name="Save and continue").click()
    fill_date(page, re.compile("last seen: Getting into cars"), today - dt.timedelta(days=1))
    fill_date(page, re.compile("last seen: Older .boyfriend"), today - dt.timedelta(days=3))
    page.get_by_role("button", name="Save and continue").click()
    # Only the nickname is known: the adult police hold is offered, with why.
    page.get_by_role("link", name="Add a person").click()
    page.get_by_label("Nickname or street name").fill("Deano")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_test_id("mention-possible-matches")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("known as \u201cDeano\u201d (nickname)")
    assert_accessible(page)
    page.get_by_role("button", name="Use this record (Lily Pricetest)").click()
    expect(page.get_by_test_id("mention-existing")).to_have_text("Existing record: Lily Pricetest")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("group", name="Is the child in immediate danger?").get_by_label("No").check()
    page.get_by_role("group", name="Did the child, or anyone else, disclose a crime?").get_by_label(
        "No"
    ).check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    page.get_by_role("button", name="Submit concern").click()
    page.get_by_label("Significant").check()
    page.get_by_label("Why? Give your reasons").fill("An older adult controlling her; cars.")
    page.get_by_role("button", name="Save and see next steps").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What can you do?")
    assert_accessible(page)
    for code in ("fib", "mash"):
        page.get_by_test_id(f"pathway-{code}").get_by_label("Yes").check()
    page.get_by_role("button", name="Record next steps").click()
    concern = Concern.objects.get()
    maisie = concern.child
    assert list(Person.objects.filter(family_name="Pricetest")) == [lily]

    # 2. A FIB entry from the concern, about the adult; it also describes a crime.
    page.goto(f"/intelligence/new/?concern={concern.pk}")
    expect(page.get_by_test_id("from-concern")).to_contain_text(concern.reference)
    page.get_by_role("button", name="Start now").click()
    # One subject per entry: this one is about the adult the concern names.
    page.get_by_label(re.compile(r"Lily Pricetest \(named in the concern")).check()
    page.get_by_role("button", name="Start now").click()
    # She answers "no" to the plain crime question: the text check is the net under it.
    answer_plain_questions(page)
    # On a phone the FIB rules and the crime warning come before the form, not after it.
    rules = page.get_by_role("complementary", name="Guidance").bounding_box()
    question = page.get_by_label("What was seen or heard?").bounding_box()
    assert rules is not None and question is not None and rules["y"] < question["y"]
    page.get_by_label("Who is this entry about?").fill("Lily Pricetest, known as Deano")
    page.get_by_label("What was seen or heard?").fill(ENTRY)
    page.get_by_label("Where?").fill("Testshire Academy gates, Example Road")
    page.get_by_label("First-hand: the source saw or heard it").check()
    page.get_by_label("I am the source").check()
    page.get_by_role("button", name="Add a vehicle").click()
    page.get_by_label("Registration").fill(REG)
    page.get_by_label("Colour (optional)").fill("Grey")
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_role("button", name="Add a phone").click()
    page.get_by_label("Phone number").fill(PHONE)
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_test_id("mentions")).to_contain_text(REG)
    expect(page.get_by_test_id("mentions")).to_contain_text(PHONE)
    page.get_by_role("button", name="Check before submitting").click()
    expect(page.get_by_test_id("crime-disclosure")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Or, if this is not a crime, say why it is intelligence only").fill(REASON)
    page.get_by_role("button", name="Submit to the FIB").click()
    expect(page.get_by_test_id("outcome")).to_have_text("With the FIB")
    assert_accessible(page)
    submission = Submission.objects.get()
    sign_out(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    # 3. The FIB officer links the adult's phone and car to the adult, then refers the crime.
    login_as(page, fib)
    open_menu(page, "Intelligence")
    expect(page.get_by_role("heading", level=1)).to_have_text("FIB queue")
    page.get_by_role("link", name=submission.reference).click()
    link_phone_and_car_to_the_adult(page, submission, lily, assert_accessible)
    page.get_by_role("link", name="Crime check decision").click()
    expect(page.get_by_test_id("crime-check")).to_contain_text(REASON)
    page.get_by_label("A crime: refer it for crime recording").check()
    page.get_by_label("Note").fill("A child's account of an assault: it needs a crime record.")
    page.get_by_role("button", name="Continue").click()
    assert_accessible(page)
    page.get_by_role("button", name="Yes, refer for crime recording").click()
    expect(page.get_by_test_id("status")).to_have_text("Referred for crime recording")
    crime = CrimeReferral.objects.get()
    sign_out(page)

    # 4. The PPU co-ordinator records the crime from the Inbox.
    login_as(page, ppu)
    open_inbox(page)
    page.get_by_role("button", name=f"Open Crime referral {crime.reference}").click()
    expect(page.get_by_test_id("referral-entry")).to_contain_text("hit her in the car")
    assert_accessible(page)
    page.get_by_label("Crime reference number").fill(CRIME_REF)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Yes, record the crime reference").click()
    expect(page.get_by_test_id("referral-status")).to_contain_text(
        f"Crime reported, reference {CRIME_REF}"
    )
    sign_out(page)

    # 5. The school is told; the concern says so; the school sends a MASH referral.
    login_as(page, dsl)
    open_inbox(page)
    expect(page.get_by_test_id("inbox")).to_contain_text(f"crime reported, reference {CRIME_REF}")
    assert_accessible(page)
    page.goto(f"/concerns/{concern.pk}/")
    expect(page.get_by_test_id("crime-disclosed")).to_have_text(
        f"Yes: crime reported, reference {CRIME_REF}"
    )
    page.goto(f"/people/{maisie.pk}/")
    expect(page.locator(".moj-timeline")).to_contain_text(f"Crime reported, reference {CRIME_REF}")
    page.get_by_role("link", name="Make a referral").click()
    page.get_by_label("MASH referral").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("What is the concern?").fill(
        "Collected by an older adult in a grey car; she disclosed an assault (crime reported)."
    )
    page.get_by_label("How did the concern arise?").fill("Disclosed to me on Monday.")
    page.get_by_label("People with parental responsibility").fill("Mother, details on record")
    page.get_by_label("Child's first language").fill("English")
    page.get_by_role("group", name="Does the child need an interpreter?").get_by_label("No").check()
    page.get_by_label("The child's views").fill("Says Deano is her friend.")
    page.get_by_role("group", name="Do the parents or carers know").get_by_label("Yes").check()
    page.get_by_label("Yes, they consent").check()
    page.get_by_role("group", name="Is this information first-hand?").get_by_label("Yes").check()
    page.get_by_label("Where is the child now?").fill("At school")
    page.get_by_label("Your job or role").fill("Designated safeguarding lead")
    page.get_by_label("Your phone number").fill("07700 900789")
    page.get_by_role("button", name="Send referral").click()
    expect(page.get_by_test_id("referral-risk")).to_contain_text("Significant")
    mash = Referral.objects.get(kind="mash")
    sign_out(page)

    # 6. The MASH screener: significant risk first; s47 allocated to the Trust's team.
    login_as(page, screener)
    open_menu(page, "Referrals")
    expect(page.get_by_test_id("referral-row").first).to_contain_text("Significant")
    page.get_by_role("link", name=mash.reference).click()
    page.get_by_role("link", name="Record the MASH decision").click()
    page.get_by_label("Section 47 enquiry with a strategy discussion").check()
    page.get_by_label("Rationale").fill("Reasonable cause to suspect significant harm.")
    page.get_by_label("Allocate to a team (optional)").select_option(
        label=f"{TEAM} (Testshire Children's Trust)"
    )
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the strategy discussion")
    sign_out(page)

    # 7. The allocated social worker finds Maisie (no duplicate offered) and refers to the NRM.
    login_as(page, sw)
    open_menu(page, "People")
    page.get_by_label("Name or alias").fill("Maisie Farrowdale")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Maisie Farrowdale").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Maisie Farrowdale")
    expect(page.get_by_test_id("record-shares")).to_contain_text(TEAM)
    assert_accessible(page)
    page.get_by_role("link", name="Make a referral").click()
    page.get_by_label("National Referral Mechanism (NRM) referral").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("group", name="Has the child been safeguarded?").get_by_label("Yes").check()
    page.get_by_label("Nationality").fill("British")
    page.get_by_role("group", name="Does the child need an interpreter?").get_by_label("No").check()
    page.get_by_label("Sexual exploitation").check()
    page.get_by_label("The account of exploitation").fill(
        "Collected by an older adult, controlled, assaulted when she tried to leave the car."
    )
    page.get_by_label("First responder's job or role").fill("Social worker")
    page.get_by_label("First responder's phone number").fill("07700 900123")
    assert_accessible(page)
    page.get_by_role("button", name="Send referral").click()
    expect(page.get_by_role("alert")).to_contain_text("sent")
    assert Referral.objects.filter(kind="nrm", child=maisie).exists()
    sign_out(page)

    # 8. A PPU officer issues a CAWN to the adult about Maisie.
    login_as(page, ppu)
    page.goto(f"/people/{maisie.pk}/")
    page.get_by_role("link", name="Issue a child abduction warning notice").click()
    page.get_by_role("group", name="Who is the notice served on?").get_by_label(
        re.compile("Lily Pricetest")
    ).check()
    page.get_by_role("group", name="Who authorised the notice?").get_by_label(
        "Parent or person with parental responsibility"
    ).check()
    page.get_by_label("Name of the person who authorised it").fill("Jo Farrowdale")
    fill_date(page, "Review date", today + dt.timedelta(days=90))
    assert_accessible(page)
    page.get_by_role("button", name="Issue the notice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Child abduction warning notice (CAWN)"
    )
    page.goto(f"/people/{lily.pk}/")
    expect(page.get_by_role("main")).to_contain_text("Child abduction warning notice")
    sign_out(page)

    # 9. The Hub chair's agenda shows Maisie.
    login_as(page, chair)
    open_menu(page, "Hub")
    page.get_by_role("link", name="December MACE").click()
    page.get_by_role("button", name="Build the agenda").click()
    expect(page.get_by_test_id("agenda")).to_contain_text("Maisie Farrowdale")
    assert_accessible(page)
    sign_out(page)

    # 10. The analyst's network of the adult shows the phone and the car.
    login_as(page, analyst)
    page.goto(f"/people/{lily.pk}/")
    page.get_by_role("link", name="View Lily Pricetest's network").click()
    expect(page.get_by_test_id("network-chart")).to_have_attribute("data-ready", "true")
    links = page.get_by_test_id("network-links")
    rows = links.get_by_role("row")
    expect(rows.filter(has_text="Uses phone").filter(has_text="+447700900461")).to_have_count(1)
    expect(rows.filter(has_text="Keeper or driver of").filter(has_text="NM19KXT")).to_have_count(1)
    # The concern and the FIB entry both said Maisie associates with Lily: one fact, one row.
    expect(rows.filter(has_text="Associates with").filter(has_text="Maisie")).to_have_count(1)
    assert_accessible(page)
    sign_out(page)

    # 11. Information governance finds who viewed Maisie, by her name.
    login_as(page, ig)
    page.goto("/audit/")
    page.get_by_label("Name").fill("Maisie Farrowdale")
    page.get_by_role("button", name="Find the person").click()
    page.get_by_role("link", name="Events about this person (Maisie Farrowdale)").click()
    table = page.get_by_test_id("audit-table")
    expect(table).to_contain_text(sw.username)
    assert_accessible(page)
    assert AuditEvent.objects.filter(event="audit.subject_lookup", actor=ig).exists()


def link_phone_and_car_to_the_adult(
    page: Any, submission: Submission, adult: Person, assert_accessible: Callable[[Any], None]
) -> None:
    """The FIB's linking step, in one submit: the phone and the car belong to the adult the
    text names (the entry's subject), not to the child."""
    page.get_by_role("link", name="Link to POLE records").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Link to POLE records")
    assert_accessible(page)
    detail = page.get_by_test_id(re.compile(r"mention-\d+"))
    subject = f"{adult.full_name}, the subject"
    child = detail.filter(has_text="Person: Maisie Farrowdale")
    child.get_by_label("Maisie Farrowdale", exact=True).check()
    child.get_by_label(subject).check()
    for text in ("KXT", "900461"):
        row = detail.filter(has_text=text)
        row.get_by_label("Create a new police-only record").check()
        row.get_by_label(subject).check()
    page.get_by_role("button", name="Link these details").click()
    expect(page.get_by_role("heading", name="Already linked")).to_be_visible()
    facts = page.locator("[data-testid^=facts-]")
    expect(facts.filter(has_text="uses phone")).to_contain_text(adult.full_name)
    expect(facts.filter(has_text="keeper or driver of")).to_contain_text(adult.full_name)
    assert_accessible(page)
    page.get_by_role("link", name="Back to the entry").click()
