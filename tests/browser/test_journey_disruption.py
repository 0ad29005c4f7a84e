"""Issue 6 acceptance journey: a PPU officer issues a CAWN for an eligible child against a
person of concern, records its service and logs a breach; an ineligible child gets a clear
explanation and the alternative; a marker past its review date shows as overdue.
axe on each page."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from cairn.disruption.models import Cawn
from cairn.disruption.services import markers
from cairn.pole import services as pole_services


def fill_date(page: Any, group: str | re.Pattern[str], day: dt.date) -> None:
    box = page.get_by_role("group", name=group)
    box.get_by_label("Day").fill(str(day.day))
    box.get_by_label("Month").fill(str(day.month))
    box.get_by_label("Year").fill(str(day.year))


def years_ago(years: int) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - dt.timedelta(days=40)


def test_ppu_officer_issues_a_cawn_and_sees_an_overdue_marker(
    page: Any,
    users: dict[str, Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
) -> None:
    ppu = users["ppu_coordinator"]
    sw = users["social_worker"]
    today = timezone.localdate()
    child = pole_services.person_create(
        actor=sw,
        given_name="Skye",
        family_name="Examplewood",
        category="child",
        date_of_birth=years_ago(14),
    )
    older = pole_services.person_create(
        actor=sw,
        given_name="Robin",
        family_name="Exampleton",
        category="child",
        date_of_birth=years_ago(16),
    )
    poc = pole_services.person_create(
        actor=ppu,
        given_name="Dean",
        family_name="Fictional",
        category="person_of_concern",
        date_of_birth=years_ago(33),
    )
    pole_services.link_record(
        actor=ppu,
        from_entity_id=poc.pk,
        to_entity_id=child.pk,
        link_type="associate",
        source_note="Seen together by patrol",
    )
    # A marker whose review date has already passed.
    marker = markers.marker_add(
        actor=ppu,
        entity_id=poc.pk,
        marker_type="cse",
        reason="Seen with missing children",
        review_on=today - dt.timedelta(days=3),
    )

    page.goto("/accounts/sign-in/")
    login_as(page, ppu)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Disruption").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Disruption")
    expect(page.get_by_test_id("overdue")).to_contain_text(marker.tactic.reference)
    expect(page.get_by_test_id("overdue")).to_contain_text("Overdue")
    assert_accessible(page)

    # The marker page says the review is overdue.
    page.get_by_test_id("overdue").get_by_role("link", name=marker.tactic.reference).click()
    expect(page.get_by_test_id("overdue-warning")).to_contain_text("Review overdue")
    assert_accessible(page)

    # Issue a CAWN from the child's profile.
    page.goto(f"/people/{child.pk}/")
    expect(page.get_by_test_id("cawn-eligibility")).to_contain_text("Eligible")
    assert_accessible(page)
    page.get_by_role("link", name="Issue a child abduction warning notice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Child abduction warning notice")
    expect(page.get_by_test_id("eligibility")).to_contain_text("Eligible: the child is 14")
    assert_accessible(page)
    page.get_by_role("group", name="Who is the notice served on?").get_by_label(
        "Dean Fictional"
    ).check()
    page.get_by_role("group", name="Who authorised the notice?").get_by_label(
        "Parent or person with parental responsibility"
    ).check()
    page.get_by_role("button", name="Issue the notice").click()
    # A mistake first: the error summary names what is missing.
    expect(page.get_by_role("alert")).to_contain_text(
        "Enter the name of the person who authorised the notice"
    )
    assert_accessible(page)
    page.get_by_label("Name of the person who authorised it").fill("Pat Examplewood")
    fill_date(page, "Review date", today + dt.timedelta(days=90))
    page.get_by_role("button", name="Issue the notice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Child abduction warning notice (CAWN)"
    )
    expect(page.get_by_test_id("service")).to_have_text("Not served yet")
    assert_accessible(page)

    # Record service.
    page.get_by_role("link", name="Record service").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record service of the CAWN")
    assert_accessible(page)
    page.get_by_label("Officer who served it").fill("PC Sam Example")
    fill_date(page, "Date served", today - dt.timedelta(days=2))
    page.get_by_label("Time served").fill("14:30")
    page.get_by_label("Where was it served?").fill("Testshire police station")
    fill_date(
        page,
        "Date a copy was sent to children's social care (optional)",
        today - dt.timedelta(days=2),
    )
    page.get_by_role("button", name="Save service").click()
    expect(page.get_by_test_id("service")).to_contain_text("Served by PC Sam Example")
    expect(page.get_by_test_id("status")).to_have_text("In progress")
    assert_accessible(page)

    # Log a breach.
    page.get_by_role("link", name="Log a breach").click()
    assert_accessible(page)
    fill_date(page, "Date of the breach", today)
    page.get_by_label("Evidence of the breach").fill("Seen together at the bus station.")
    page.get_by_role("button", name="Log breach").click()
    expect(page.get_by_test_id("breaches")).to_contain_text("Seen together at the bus station.")
    assert_accessible(page)
    cawn = Cawn.objects.get()
    assert cawn.breaches.count() == 1 and cawn.served

    # The printable notice.
    page.get_by_role("link", name="Printable notice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Child Abduction Warning Notice")
    expect(page.get_by_role("main")).to_contain_text("Dean Fictional")
    assert_accessible(page)

    # An ineligible child: a clear explanation and the alternative.
    page.goto(f"/people/{older.pk}/")
    page.get_by_role("link", name="Issue a child abduction warning notice").click()
    expect(page.get_by_test_id("eligibility")).to_contain_text(
        "A CAWN cannot be issued for Robin Exampleton"
    )
    expect(page.get_by_test_id("explanation")).to_contain_text("Not eligible: the child is 16")
    expect(page.get_by_test_id("alternative")).to_contain_text("warning letter")
    assert_accessible(page)
    page.get_by_role("link", name="Record a warning letter instead").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Warning letter to a person of concern"
    )
    assert_accessible(page)
