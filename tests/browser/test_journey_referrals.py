"""Issue 5 acceptance journey: a social worker starts a MASH referral from a child's page
(pre-filled from the record) and sends it; the MASH screener finds it on the MASH
dashboard, decides "s47 enquiry with a strategy discussion" within the one-working-day
clock and records the discussion; the referrer sees the outcome. axe on each page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from cairn.pole import services as pole_services
from cairn.referrals.models import MashDecision, Referral, ReferralStatus


def test_mash_referral_from_child_page_to_s47_strategy_discussion(
    page: Any,
    users: dict[str, Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
) -> None:
    sw, screener = users["social_worker"], users["mash_screener"]
    child = pole_services.person_create(
        actor=sw,
        given_name="Skye",
        family_name="Examplewood",
        category="child",
        date_of_birth=dt.date(2012, 2, 14),
        first_language="Polish",
        ethnicity="white_other",
    )

    page.goto("/accounts/sign-in/")
    login_as(page, sw)
    page.goto(f"/people/{child.pk}/")
    expect(page.get_by_test_id("child-referrals")).to_contain_text("No referrals")
    assert_accessible(page)
    page.get_by_role("link", name="Make a referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Make a referral")
    assert_accessible(page)
    page.get_by_label("MASH referral").check()
    page.get_by_role("button", name="Continue").click()

    # The form starts with what Cairn knows about the child and the referrer.
    expect(page.get_by_role("heading", level=1)).to_have_text("MASH referral")
    expect(page.get_by_label("Child's first language")).to_have_value("Polish")
    expect(page.get_by_label("Child's ethnicity")).to_have_value("white_other")
    expect(page.get_by_label("Your agency")).to_have_value("Testshire Children's Trust")
    assert_accessible(page)
    page.get_by_role("button", name="Send referral").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter what the concern is")
    assert_accessible(page)
    page.get_by_label("What is the concern?").fill(
        "Seen getting into a grey car with two older men outside school; new phone."
    )
    page.get_by_label("How did the concern arise?").fill("Seen by me on Tuesday at 15:30.")
    page.get_by_label("People with parental responsibility").fill("Mother, details on record")
    page.get_by_role("group", name="Does the child need an interpreter?").get_by_label("No").check()
    page.get_by_label("The child's views").fill("Says the men are her friends.")
    page.get_by_role("group", name="Do the parents or carers know").get_by_label("Yes").check()
    page.get_by_label("Yes, they consent").check()
    page.get_by_role("group", name="Is this information first-hand?").get_by_label("Yes").check()
    page.get_by_label("Where is the child now?").fill("At school")
    page.get_by_label("Your name").fill("Sam Worker")
    page.get_by_label("Your job or role").fill("Social worker")
    page.get_by_label("Your phone number").fill("07700 900456")
    page.get_by_role("button", name="Send referral").click()
    expect(page.get_by_role("alert")).to_contain_text("sent to Testshire Children's Trust")
    referral = Referral.objects.get()
    expect(page.get_by_test_id("status").first).to_have_text("Submitted")
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    # The MASH screener: dashboard, decision within the clock, strategy discussion.
    page.goto("/accounts/sign-in/")
    login_as(page, screener)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Referrals").click()
    expect(page.get_by_role("heading", name="MASH dashboard")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=referral.reference).click()
    expect(page.get_by_test_id("answers")).to_contain_text("grey car")
    assert_accessible(page)
    page.get_by_role("link", name="Record the MASH decision").click()
    assert_accessible(page)
    page.get_by_label("Section 47 enquiry with a strategy discussion").check()
    page.get_by_label("Rationale").fill("Reasonable cause to suspect significant harm.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the strategy discussion")
    assert_accessible(page)
    today = dt.date.today()
    box = page.get_by_role("group", name="Date of the discussion")
    box.get_by_label("Day").fill(str(today.day))
    box.get_by_label("Month").fill(str(today.month))
    box.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Attendees by agency").fill(
        "Testshire Police: DS Example\nTestshire Children's Trust: S Worker"
    )
    page.get_by_label("Decisions").fill("Joint visit today; s47 enquiry led by the Trust.")
    page.get_by_label("Actions").fill("Joint home visit (S Worker, DS Example), today")
    page.get_by_role("button", name="Record strategy discussion").click()
    expect(page.get_by_test_id("strategy-discussion")).to_contain_text("DS Example")
    assert_accessible(page)
    decision = MashDecision.objects.get(referral=referral)
    assert decision.outcome == "s47" and decision.within_timescale
    page.get_by_role("button", name="Sign out").click()

    # The referrer sees the outcome (and a notification).
    page.goto("/accounts/sign-in/")
    login_as(page, sw)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Referrals").click()
    page.get_by_role("link", name="Sent by me").click()
    assert_accessible(page)
    page.get_by_role("link", name=referral.reference).click()
    expect(page.get_by_test_id("mash-decision")).to_contain_text(
        "Section 47 enquiry with a strategy discussion"
    )
    expect(page.get_by_test_id("mash-decision")).to_contain_text("within one working day")
    expect(page.get_by_test_id("strategy-discussion")).to_contain_text("Joint visit today")
    assert_accessible(page)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
