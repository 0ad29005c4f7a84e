"""Issue 14 acceptance journey (items 3 and 6b): a social worker starts a FIB entry from
her concern about Amber and says it is about Dean, the adult the concern names; the FIB
officer links the entry's details in one step (an unanswered "whose is it?" is reported
in the error summary and nothing chosen is lost), the phone and the car to Dean; the
analyst's network of Dean shows them, and Amber's does not claim them. axe and 320 px
on each page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from cairn.concerns import services as concern_services
from cairn.intelligence.models import Submission
from cairn.pole import services as pole_services
from cairn.pole.models import Link, LinkType, Person

from ..concerns.conftest import complete_payload
from ..intelligence.test_linking import MENTIONS
from .test_journey_intelligence import answer_plain_questions


def test_fib_links_several_details_to_the_adult_in_one_step(
    page: Any,
    users: dict[str, Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
) -> None:
    sw, fib, analyst = users["social_worker"], users["fib_officer"], users["analyst"]
    child = pole_services.person_create(
        actor=sw,
        given_name="Amber",
        family_name="Testcase",
        category="child",
        date_of_birth=dt.date(2012, 5, 1),
    )
    concern = concern_services.concern_create(
        actor=sw, data=complete_payload(child.pk, mentions=MENTIONS)
    )
    dean = Person.objects.get(given_name="Dean")

    # The social worker starts an entry from the concern: who is it about?
    login_as(page, sw)
    page.goto(f"/intelligence/new/?concern={concern.pk}")
    expect(page.get_by_test_id("from-concern")).to_contain_text(concern.reference)
    page.get_by_role("button", name="Start now").click()
    expect(page.get_by_role("alert")).to_contain_text("Select who this entry is about")
    assert_accessible(page)
    page.get_by_label("Dean Marshfield (named in the concern").check()
    page.get_by_role("button", name="Start now").click()
    answer_plain_questions(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Intelligence details")
    expect(page.get_by_test_id("mentions")).to_contain_text("Amber Testcase")
    page.get_by_label("First-hand: the source saw or heard it").check()
    page.get_by_label("I am the source").check()
    page.get_by_role("button", name="Check before submitting").click()
    page.get_by_role("button", name="Submit to the FIB").click()
    expect(page.get_by_test_id("submitter-status")).to_contain_text("Submitted to the FIB")
    entry = Submission.objects.get()
    assert entry.subject_id == dean.pk

    # The FIB officer links every detail at once.
    page.get_by_role("button", name="Sign out").click()
    login_as(page, fib)
    page.goto(f"/intelligence/{entry.pk}/link/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Link to POLE records")
    assert_accessible(page)
    amber, phone, car, park = (page.get_by_test_id(f"mention-{i}") for i in range(4))
    expect(amber).to_contain_text("the record this detail was given with")
    amber.get_by_label("Amber Testcase").check()
    amber.get_by_label("Dean Marshfield, the subject").check()
    phone.get_by_label("+447700900123").check()
    # Whose phone? left unanswered for now.
    car.get_by_label("NX12ABC").check()
    car.get_by_label("Dean Marshfield, the subject").check()
    car.get_by_label("How are they linked?").select_option("owns_vehicle")
    park.get_by_label("Leave it for now").check()
    # Dean's own details as typed in the concern, kept for linking (the entry's subject is
    # already his record): left for now.
    subject_details = page.get_by_test_id("mention-4")
    expect(subject_details).to_contain_text("Dean Marshfield")
    subject_details.get_by_label("Leave it for now").check()
    page.get_by_role("button", name="Link these details").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Select whose phone 07700 900123 is")
    assert_accessible(page)
    # Nothing was linked, and every answer given is still there.
    assert not Link.objects.filter(link_type=LinkType.OWNS_VEHICLE).exists()
    expect(car.get_by_label("NX12ABC")).to_be_checked()
    expect(car.get_by_label("Dean Marshfield, the subject")).to_be_checked()
    expect(amber.get_by_label("Amber Testcase")).to_be_checked()
    summary.get_by_role("link", name="Select whose phone 07700 900123 is").click()
    phone.get_by_label("Dean Marshfield, the subject").check()
    page.get_by_role("button", name="Link these details").click()
    expect(page.get_by_role("heading", name="Already linked")).to_be_visible()
    expect(page.get_by_test_id("facts-1")).to_contain_text(
        "Dean Marshfield: uses phone: +447700900123"
    )
    expect(page.get_by_test_id("facts-2")).to_contain_text(
        "Dean Marshfield: keeper or driver of: NX12ABC"
    )
    assert_accessible(page)
    keys = [link.key for link in Link.objects.all()]
    assert len(keys) == len(set(keys)), "one row per fact"

    # The analyst's network of Dean shows his phone and his car.
    page.get_by_role("button", name="Sign out").click()
    login_as(page, analyst)
    page.goto(f"/network/people/{dean.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Network of Dean Marshfield")
    links = page.get_by_test_id("network-links")
    expect(
        links.get_by_role("row").filter(has_text="Uses phone").filter(has_text="+447700900123")
    ).to_have_count(1)
    expect(
        links.get_by_role("row").filter(has_text="Keeper or driver of").filter(has_text="NX12ABC")
    ).to_have_count(1)
    assert_accessible(page)
    # Amber's network does not say the phone or the car is hers.
    page.goto(f"/network/people/{child.pk}/")
    amber_links = page.get_by_test_id("network-links")
    expect(amber_links.get_by_role("row").filter(has_text="Amber Testcase")).not_to_have_count(0)
    expect(
        amber_links.get_by_role("row")
        .filter(has_text="Amber Testcase")
        .filter(has_text="Uses phone")
    ).to_have_count(0)
    expect(
        amber_links.get_by_role("row")
        .filter(has_text="Amber Testcase")
        .filter(has_text="Keeper or driver of")
    ).to_have_count(0)
