"""Hub hand-offs acceptance journey: a school's designated safeguarding lead sends a MASH
referral about a child only the school holds (its risk level travels with it); the MASH
screener sees the risk on the dashboard, decides "s47 enquiry" and allocates the work to
the Trust's exploitation team; a social worker in that team, who could not find the
child before, now finds and opens the child's record and sees why it is shared. axe on
each page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from cairn.concerns.models import RiskDecision
from cairn.pole import services as pole_services
from cairn.referrals.models import MashDecision, Referral

from ..factories import TeamFactory

TEAM = "Exploitation and Missing Team"


def test_school_referral_to_mash_allocation_to_social_worker_finding_the_child(
    page: Any,
    users: dict[str, Any],
    agencies: dict[str, Any],
    make_user: Callable[..., Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
) -> None:
    dsl = make_user(
        "practitioner", agency="school", username="school_dsl", first_name="Dana", last_name="Lead"
    )
    screener, sw = users["mash_screener"], users["social_worker"]
    team = TeamFactory(agency=agencies["trust"], name=TEAM)
    sw.team = team
    sw.save()
    child = pole_services.person_create(
        actor=dsl,
        given_name="Rowan",
        family_name="Farfield",
        category="child",
        date_of_birth=dt.date(2012, 3, 9),
    )
    RiskDecision.objects.create(
        child=child,
        suggested_level="significant",
        suggested_reasons=[],
        level="significant",
        rationale="Missing overnight; older men collecting her from school.",
        decided_by=dsl,
    )

    def search_for_rowan() -> None:
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="People").click()
        page.get_by_label("Name or alias").fill("Rowan Farfield")
        page.get_by_role("button", name="Search").click()

    # Before any referral the social worker cannot find the school's child.
    page.goto("/accounts/sign-in/")
    login_as(page, sw)
    search_for_rowan()
    expect(page.get_by_role("heading", name="No people found")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # The school's safeguarding lead sends a MASH referral from the child's page.
    page.goto("/accounts/sign-in/")
    login_as(page, dsl)
    page.goto(f"/people/{child.pk}/")
    page.get_by_role("link", name="Make a referral").click()
    page.get_by_label("MASH referral").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("MASH referral")
    page.get_by_label("What is the concern?").fill(
        "Collected from school by older men in a grey car; missing overnight at the weekend."
    )
    page.get_by_label("How did the concern arise?").fill("Seen by staff at 15:30 on Tuesday.")
    page.get_by_label("People with parental responsibility").fill("Mother, details on record")
    page.get_by_label("Child's first language").fill("English")
    page.get_by_role("group", name="Does the child need an interpreter?").get_by_label("No").check()
    page.get_by_label("The child's views").fill("Says they are her friends.")
    page.get_by_role("group", name="Do the parents or carers know").get_by_label("Yes").check()
    page.get_by_label("Yes, they consent").check()
    page.get_by_role("group", name="Is this information first-hand?").get_by_label("Yes").check()
    page.get_by_label("Where is the child now?").fill("At school")
    page.get_by_label("Your name").fill("Dana Lead")
    page.get_by_label("Your job or role").fill("Designated safeguarding lead")
    page.get_by_label("Your phone number").fill("07700 900789")
    page.get_by_role("button", name="Send referral").click()
    expect(page.get_by_role("alert")).to_contain_text("sent to Testshire Children's Trust")
    expect(page.get_by_test_id("referral-risk")).to_contain_text("Significant")
    assert_accessible(page)
    referral = Referral.objects.get()
    page.goto(f"/people/{child.pk}/")
    expect(page.get_by_test_id("record-shares")).to_contain_text("Testshire Children's Trust")
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    # The MASH screener: the risk is on the dashboard; s47, allocated to the team.
    page.goto("/accounts/sign-in/")
    login_as(page, screener)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Referrals").click()
    expect(page.get_by_role("columnheader", name="Risk when sent")).to_be_visible()
    expect(page.get_by_test_id("referral-row").first).to_contain_text("Significant")
    assert_accessible(page)
    page.get_by_role("link", name=referral.reference).click()
    page.get_by_role("link", name="Record the MASH decision").click()
    page.get_by_label("Section 47 enquiry with a strategy discussion").check()
    page.get_by_label("Rationale").fill("Reasonable cause to suspect significant harm.")
    page.get_by_label("Allocate to a team (optional)").select_option(
        label=f"{TEAM} (Testshire Children's Trust)"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the strategy discussion")
    assert MashDecision.objects.get(referral=referral).allocated_team == team
    page.get_by_role("button", name="Sign out").click()

    # The social worker in the allocated team now finds and opens the child.
    page.goto("/accounts/sign-in/")
    login_as(page, sw)
    search_for_rowan()
    page.get_by_role("link", name="Rowan Farfield").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rowan Farfield")
    shares = page.get_by_test_id("record-shares")
    expect(shares).to_contain_text(TEAM)
    expect(shares).to_contain_text("The MASH allocated the work")
    assert_accessible(page)
    # The referral the work came from, read only.
    shares.get_by_role("link", name=referral.reference).first.click()
    expect(page.get_by_test_id("allocated-team")).to_contain_text(TEAM)
    expect(page.get_by_test_id("referral-risk")).to_contain_text("Significant")
    assert_accessible(page)
