"""Information governance answers a subject access request in a real browser: log it,
confirm the child's record found by the matcher, redact a third party's name, approve the
Trust's part; the police's part (a missing episode) is a placeholder to the Trust's IG
until the police approve it, and the police-only intelligence is not in the Trust's
bundle at all; police IG (a second browser context) reads its part, is asked to confirm
before approving it with nothing redacted and goes back, redacts its source and approves
it; then disclose and download the PDF, whose text holds none of the
redacted words and nothing police-only. axe on each page."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pypdf
from playwright.sync_api import expect

from cairn.audit.models import AuditEvent
from cairn.concerns.models import Concern, ConcernStatus
from cairn.intelligence.models import Status as IntelStatus
from cairn.intelligence.models import Submission
from cairn.missing.models import MissingEpisode
from cairn.pole import services as pole

THIRD_PARTY = "Orla Madeupfriend"
SOURCE = "the neighbour at number 12"


def test_ig_handles_a_subject_access_request_to_a_redacted_pdf(
    page: Any,
    users: dict[str, Any],
    agencies: dict[str, Any],
    login_as: Any,
    assert_accessible: Any,
    make_user: Any,
    live_server: Any,
) -> None:
    ig, sw, fib = users["ig_admin"], users["social_worker"], users["fib_officer"]
    police_ig = make_user("ig_admin", agency="police", username="ig_police")
    child = pole.person_create(
        actor=sw,
        given_name="Jade",
        family_name="Examplesmith",
        category="child",
        date_of_birth=dt.date(2010, 3, 14),
        aliases=[("nickname", "JJ", "")],
    )
    Concern.objects.create(
        child=child,
        status=ConcernStatus.SUBMITTED,
        reporter=sw,
        reporter_agency=agencies["trust"],
        narrative=f"Jade was seen getting into a car with {THIRD_PARTY} after school.",
    )
    MissingEpisode.objects.create(
        child=child,
        owning_agency=agencies["police"],
        recorded_by=fib,
        reported_at=dt.datetime.now(tz=dt.UTC),
        circumstances=f"Reported by {SOURCE}: Jade stays out overnight at a flat on Mill Road.",
    )
    Submission.objects.create(  # police-only: the police answer for it themselves
        status=IntelStatus.NEW,
        submitter=fib,
        submitter_agency=agencies["police"],
        subject=child,
        what="Seen at the Mill Road flat with Crispin Madeupassociate.",
    )

    page.goto("/accounts/sign-in/")
    login_as(page, ig)
    page.get_by_role("link", name="Tools").click()
    page.get_by_role("link", name="Subject access requests").click()
    expect(page.get_by_test_id("sars-empty")).to_be_visible()
    assert_accessible(page)

    # Log the request: she gives her nickname; the clock runs from today.
    page.get_by_role("link", name="Log a subject access request").click()
    page.get_by_role("button", name="Log the request").click()  # empty: errors, nothing lost
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter who asked")
    assert_accessible(page)
    page.get_by_label("Who asked").fill("Jade Examplesmith")
    page.get_by_label("The data subject", exact=True).check()
    page.get_by_label("The data subject's first name").fill("Jade")
    page.get_by_label("Last name", exact=True).fill("Examplesmith")
    born = page.get_by_role("group", name="Date of birth")
    born.get_by_label("Day").fill("14")
    born.get_by_label("Month").fill("3")
    born.get_by_label("Year").fill("2010")
    page.get_by_label("Other names they have used (optional)").fill("JJ")
    today = dt.date.today()
    box = page.get_by_role("group", name="Date received")
    box.get_by_label("Day").fill(str(today.day))
    box.get_by_label("Month").fill(str(today.month))
    box.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Log the request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Subject access request about Jade Examplesmith"
    )
    expect(page.get_by_test_id("sar-state")).to_have_text("Confirming records")
    expect(page.get_by_test_id("identity-not-checked")).to_be_visible()
    assert_accessible(page)
    # Her proof of identity checked: only then may the bundle be approved and disclosed.
    page.get_by_role("button", name="I have checked the requester's identity").click()
    expect(page.get_by_test_id("authority-checked")).to_have_text("Identity checked")

    # Confirm the record the matcher found.
    page.get_by_label(re.compile(r"Jade Examplesmith, born 14 March 2010")).check()
    page.get_by_role("button", name="Confirm and build the bundle").click()
    expect(page.get_by_test_id("sar-state")).to_have_text("Redaction and approval")
    expect(page.get_by_test_id("bundle")).to_contain_text("A record held by Testshire Police")
    expect(page.get_by_test_id("bundle")).not_to_contain_text("police-only")
    expect(page.get_by_test_id("police-own-records")).to_be_visible()
    assert_accessible(page)

    def redact(on: Any, item: str, phrase: str, exemption: str) -> None:
        on.get_by_test_id("bundle").get_by_role("link", name=re.compile(item)).click()
        form = on.locator("form").filter(has=on.get_by_role("button", name="Redact"))
        form.get_by_label("Words to redact").fill(phrase)
        form.get_by_label(exemption).check()
        form.get_by_label("Reason").fill("Identifies another person")
        form.get_by_role("button", name="Redact").click()
        text = on.get_by_test_id("item-text")
        expect(text).to_contain_text(f"[Redacted: {exemption.lower()}]")
        expect(text).not_to_contain_text(phrase)
        expect(on.get_by_test_id("redactions")).to_contain_text(exemption)
        assert_accessible(on)
        on.get_by_role("link", name=re.compile(r"^SAR-")).click()

    redact(page, "Concern", THIRD_PARTY, "Third-party personal data")
    sar_url = page.url

    # The police's part is a placeholder to the Trust's IG until the police approve it;
    # nothing police-only is in the bundle, not even a placeholder.
    bundle = page.get_by_test_id("bundle")
    expect(bundle).not_to_contain_text("Intelligence INT-")
    expect(bundle.get_by_role("listitem")).to_have_count(3)  # person, concern, episode
    bundle.get_by_role("link", name="A record held by Testshire Police").click()
    expect(page.get_by_test_id("item-placeholder")).to_contain_text(
        "Testshire Police's information governance reviews and approves this part"
    )
    expect(page.locator("main")).not_to_contain_text("Mill Road")
    expect(page.get_by_role("button", name="Redact")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^SAR-")).click()

    # The Trust approves its part; disclosure waits for the police's (no reason overrides
    # a police agency's part).
    page.get_by_role("button", name="Approve Testshire Children's Trust's part").click()
    approvals = page.get_by_test_id("approvals")
    expect(approvals.get_by_role("row").filter(has_text="Children's Trust")).to_contain_text(
        "Approved by"
    )
    page.get_by_label("Sent to").fill("Jade Examplesmith, 1 Example Row")
    page.get_by_label("Recorded post").check()
    page.get_by_role("button", name="Disclose").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Testshire Police must approve or withhold its part"
    )
    expect(page.get_by_label("Sent to")).to_have_value("Jade Examplesmith, 1 Example Row")
    assert_accessible(page)

    # Police IG, in its own browser context, reads its part, redacts and approves it.
    context = page.context.browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-GB"
    )
    try:
        police = context.new_page()
        police.goto("/accounts/sign-in/")
        login_as(police, police_ig)
        police.goto(sar_url)
        expect(police.get_by_test_id("bundle")).to_contain_text("Missing episode")
        expect(police.get_by_test_id("bundle")).not_to_contain_text("Intelligence INT-")
        assert_accessible(police)
        # Approving with nothing redacted asks first, listing what the part names
        # (tester 9, F4); the officer goes back to review it instead.
        police.get_by_role("button", name="Approve Testshire Police's part").click()
        expect(police.get_by_role("heading", level=1)).to_have_text(
            "Approve your part with nothing redacted or withheld?"
        )
        expect(police.get_by_test_id("approve-as-it-is")).to_be_visible()
        assert_accessible(police)
        police.get_by_role("link", name="Review the records first").click()
        expect(
            police.get_by_test_id("approvals").get_by_role("row").filter(has_text="Police")
        ).not_to_contain_text("Approved by")
        redact(police, "Missing episode", SOURCE, "Intelligence source")
        police.get_by_role("button", name="Approve Testshire Police's part").click()
        expect(
            police.get_by_test_id("approvals").get_by_role("row").filter(has_text="Police")
        ).to_contain_text("Approved by")
        assert_accessible(police)
    finally:
        context.close()

    # Every part approved: the Trust's IG discloses with no override.
    page.goto(sar_url)
    page.get_by_label("Sent to").fill("Jade Examplesmith, 1 Example Row")
    page.get_by_label("Recorded post").check()
    page.get_by_role("button", name="Disclose").click()
    expect(page.get_by_test_id("disclosed")).to_contain_text("Jade Examplesmith, 1 Example Row")
    expect(page.get_by_test_id("disclosed")).not_to_contain_text("Without every agency")
    assert_accessible(page)

    with page.expect_download() as info:
        page.get_by_role("link", name="Download the disclosure (PDF)").click()
    reader = pypdf.PdfReader(info.value.path())
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Mill Road" in text
    assert "Redacted: intelligence source" in text
    assert "Madeupfriend" not in text and "number 12" not in text
    assert "Madeupassociate" not in text  # police-only: the police answer for it
    downloaded = AuditEvent.objects.get(event="rights.sar_pdf_downloaded")
    assert downloaded.recipient == "Jade Examplesmith, 1 Example Row"
    # The cover says where the data went, how long it is kept and the right to complain.
    assert "Who it has been shared with" in text and "How long it is kept" in text
    assert "Information Commissioner's Office" in text


def test_a_parents_request_is_checked_warned_as_a_duplicate_and_withdrawn(
    page: Any,
    users: dict[str, Any],
    login_as: Any,
    assert_accessible: Any,
) -> None:
    """A mother asks for her child's records: the authority check is required; a second
    request for the same child warns before it is logged; the mother withdraws one, which
    is confirmed first and then listed with its outcome. A date of birth typed wrongly
    still finds the child's record, flagged."""
    ig, sw = users["ig_admin"], users["social_worker"]
    pole.person_create(
        actor=sw,
        given_name="Kit",
        family_name="Imaginaryton",
        category="child",
        date_of_birth=dt.date(2012, 5, 20),
    )
    page.goto("/accounts/sign-in/")
    login_as(page, ig)
    today = dt.date.today()

    def log(born: tuple[str, str, str]) -> None:
        page.goto("/rights/access/new/")
        page.get_by_label("Who asked").fill("Ms Rae Imaginaryton (mother)")
        page.get_by_label("A parent or carer, for a child").check()
        page.get_by_label("The data subject's first name").fill("Kit")
        page.get_by_label("Last name", exact=True).fill("Imaginaryton")
        group = page.get_by_role("group", name="Date of birth")
        for label, value in zip(("Day", "Month", "Year"), born, strict=True):
            group.get_by_label(label).fill(value)
        box = page.get_by_role("group", name="Date received")
        box.get_by_label("Day").fill(str(today.day))
        box.get_by_label("Month").fill(str(today.month))
        box.get_by_label("Year").fill(str(today.year))
        page.get_by_role("button", name="Log the request").click()

    log(("2", "5", "2012"))  # day and month swapped
    expect(page.locator(".govuk-error-summary")).to_contain_text("parental responsibility")
    expect(page.get_by_label("Who asked")).to_have_value("Ms Rae Imaginaryton (mother)")
    assert_accessible(page)
    page.get_by_label(
        re.compile("I have checked the requester's identity, and for a parent")
    ).check()
    page.get_by_role("button", name="Log the request").click()
    expect(page.get_by_test_id("authority-checked")).to_have_text(
        "Identity and parental responsibility checked"
    )
    expect(page.get_by_test_id("dob-differs")).to_be_visible()
    expect(page.get_by_label(re.compile("Kit Imaginaryton, born 20 May 2012"))).to_be_visible()
    expect(page.locator("main")).to_contain_text("date of birth differs")
    assert_accessible(page)
    first_url = page.url

    log(("2", "5", "2012"))
    page.get_by_label(
        re.compile("I have checked the requester.s identity, and for a parent")
    ).check()
    page.get_by_role("button", name="Log the request").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("is already open for")
    assert_accessible(page)
    page.get_by_label(re.compile("This is a new request")).check()
    page.get_by_role("button", name="Log the request").click()
    expect(page.get_by_test_id("duplicate")).to_contain_text("Logged while SAR-")
    page.goto("/rights/access/")
    expect(page.get_by_test_id("duplicate-tag")).to_have_count(1)
    assert_accessible(page)

    # The mother withdraws the first: confirmed before it is final.
    page.goto(first_url)
    page.get_by_test_id("close-link").click()
    page.get_by_label("The requester withdrew the request").check()
    page.get_by_label("What happened").fill("Ms Imaginaryton phoned to withdraw on 5 June")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Are you sure")
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("Yes, close")).click()
    expect(page.get_by_test_id("sar-state")).to_have_text("Withdrawn by the requester")
    expect(page.get_by_test_id("closed")).to_contain_text("phoned to withdraw")
    expect(page.get_by_test_id("close-link")).to_have_count(0)
    assert_accessible(page)
    page.goto("/rights/access/?status=closed")
    expect(page.get_by_test_id("outcome")).to_contain_text("The requester withdrew the request")
    assert_accessible(page)
