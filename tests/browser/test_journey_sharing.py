"""IG keeps the register of information-sharing agreements in a real browser (issue 16,
item 5): Tools, the register, an agreement added after a refused first try (nothing typed
lost), then disclosures by lawful basis. axe and the 320 px check on each page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from cairn.pole import services as pole_services
from cairn.sharing.models import SharingAgreement
from cairn.sharing.services import Claim

from .test_journey_concern import fill_date


def test_ig_adds_an_agreement_and_reads_disclosures_by_basis(
    page: Any,
    users: dict[str, Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
) -> None:
    login_as(page, users["ig_admin"])
    page.get_by_role("link", name="Tools").click()
    page.get_by_role("link", name="Information-sharing agreements").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Information-sharing agreements")
    assert_accessible(page)

    page.get_by_role("link", name="Add an agreement").click()
    page.get_by_label("Title").fill("Testshire missing children protocol")
    page.get_by_role("button", name="Add the agreement").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Testshire missing children protocol")
    assert_accessible(page)

    page.get_by_label("Testshire Police").check()
    page.get_by_label("Testshire Children's Trust").check()
    page.get_by_role("textbox", name="Purposes").fill(
        "Finding missing children and keeping them safe."
    )
    page.get_by_label("Children Act 2004 s.11 (duty to safeguard and promote welfare)").check()
    today = dt.date.today()
    fill_date(page, "Start date", today)
    fill_date(page, "Review date", today + dt.timedelta(days=20))
    page.get_by_role("button", name="Add the agreement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Information-sharing agreements")
    expect(page.get_by_test_id("isa-register")).to_contain_text(
        "Testshire missing children protocol"
    )
    expect(page.get_by_test_id("isa-due")).to_be_visible()  # due for review within 60 days
    assert_accessible(page)
    agreement = SharingAgreement.objects.get(title="Testshire missing children protocol")
    assert set(agreement.parties.values_list("name", flat=True)) == {
        "Testshire Police",
        "Testshire Children's Trust",
    }

    page.get_by_role("link", name="Tools").click()
    page.get_by_role("link", name="Disclosures by lawful basis").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Disclosures by lawful basis")
    assert_accessible(page)


def test_ig_reviews_an_exceptional_disclosure_as_not_justified(
    page: Any,
    agencies: dict[str, Any],
    make_user: Callable[..., Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
) -> None:
    """The disclosing agency's IG finds the disclosure awaiting review, is asked whether it
    was justified (refused without an answer, nothing typed lost), records "not justified"
    and is told at once that it may be a breach with the ICO's 72 hours; the list then
    shows the outcome. axe on each page."""
    school_dsl = make_user("practitioner", agency="school", username="school_dsl_b")
    child = pole_services.person_create(
        actor=school_dsl, given_name="Rowan", family_name="Farfield", category="child"
    )
    SharingAgreement.objects.filter(parties=agencies["police"]).delete()
    pole_services.person_share(
        actor=school_dsl,
        person_id=child.pk,
        agency=agencies["police"],
        reason="Missing overnight",
        claim=Claim(exceptional=True, exceptional_reason="Risk to life: missing overnight"),
    )
    login_as(page, make_user("ig_admin", agency="school", username="school_ig_b"))
    page.get_by_role("link", name="Tools").click()
    page.get_by_role("link", name="Disclosures by lawful basis").click()
    page.get_by_role("link", name="Review").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review an exceptional disclosure")
    expect(page.get_by_text("within 72 hours")).to_be_visible()
    assert_accessible(page)

    note = "Her school file was not needed to find her; the police already had it."
    page.get_by_label("What did the review find?").fill(note)
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_role("alert")).to_contain_text("Select whether the disclosure was justified")
    expect(page.get_by_label("What did the review find?")).to_have_value(note)
    assert_accessible(page)

    page.get_by_label("Not justified: it should not have been disclosed").check()
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_role("region", name="Important")).to_contain_text("within 72 hours")
    page.goto(page.url.split("?")[0] + "?exceptional=on")
    expect(page.get_by_test_id("reviewed")).to_contain_text("Not justified")
    assert_accessible(page)
