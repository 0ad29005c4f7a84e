"""axe on every disruption form a police officer fills in to record a tactic: the CAWN, the
warning letter to a person of concern (started from a child who cannot have a CAWN), the
warning marker, drugs warrant, vehicle sighting, enforcement visit, immigration check, an
order from the wider toolkit and the location assessment. Each form is checked empty, then
after submitting it empty (the error summary and the fields in error)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from cairn.disruption.models import Tactic
from cairn.pole import services as pole_services


def years_ago(years: int) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - dt.timedelta(days=40)


def make_records(ppu: Any, sw: Any) -> dict[str, Any]:
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
    for protected in (child, older):
        pole_services.link_record(
            actor=ppu,
            from_entity_id=poc.pk,
            to_entity_id=protected.pk,
            link_type="associate",
            source_note="Seen together by patrol",
        )
    place = pole_services.location_create(
        actor=ppu,
        name="Fictional Fried Chicken",
        address_line_1="1 Example Parade",
        town="Testshire",
        postcode="NX1 1AA",
        premises_type="takeaway",
    )
    return {"child": child, "older": older, "poc": poc, "place": place}


def forms_to_check(records: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(what, URL, heading) for each form."""
    child, older, poc, place = (records[k].pk for k in ("child", "older", "poc", "place"))
    return [
        ("CAWN", f"/disruption/cawn/new/{child}/", "Child abduction warning notice"),
        (
            "warning letter",
            f"/disruption/new/{older}/poc_letter/",
            "Warning letter to a person of concern",
        ),
        ("warning marker", f"/disruption/markers/new/{poc}/", "Add a marker on Dean Fictional"),
        (
            "drugs warrant",
            f"/disruption/new/{place}/drugs_warrant/",
            "Drugs warrant (s23 Misuse of Drugs Act 1971)",
        ),
        ("vehicle sighting", "/disruption/sightings/new/", "Record a vehicle sighting"),
        ("enforcement visit", f"/disruption/new/{place}/enforcement_visit/", "Enforcement visit"),
        ("immigration check", f"/disruption/new/{poc}/immigration_check/", "Immigration check"),
        (
            "hotel notice",
            f"/disruption/new/{place}/hotel_notice/",
            "Hotel guest-information notice (s116)",
        ),
        (
            "location assessment",
            f"/disruption/locations/{place}/assessment/",
            "Record a location assessment",
        ),
    ]


def submit_empty(page: Any) -> None:
    """Clear everything typed or pre-filled in the form, then submit it."""
    form = page.locator("main form[method='post']")
    for box in form.locator("input[type='text'], input:not([type]), textarea").all():
        box.fill("")
    form.locator("button[type='submit']").click()


def test_disruption_forms_are_accessible_empty_and_with_errors(
    page: Any,
    users: dict[str, Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
) -> None:
    ppu = users["ppu_coordinator"]
    records = make_records(ppu, users["social_worker"])
    page.goto("/accounts/sign-in/")
    login_as(page, ppu)

    problems: list[str] = []

    def check(what: str) -> None:
        try:
            assert_accessible(page)
        except AssertionError as exc:  # gather every page's problems, then fail once
            problems.append(f"{what}:\n{exc}")

    for what, url, heading in forms_to_check(records):
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.locator(".govuk-error-summary")).to_have_count(0)
        check(f"{what} (empty)")
        submit_empty(page)
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_be_visible()
        expect(summary).to_contain_text("There is a problem")
        assert page.title().startswith("Error: "), f"{what}: the title does not say Error"
        assert page.locator(".govuk-error-message").count() >= 1, f"{what}: no field error"
        check(f"{what} (submitted empty)")

    # The warning letter offers the child's person of concern.
    page.goto(f"/disruption/new/{records['older'].pk}/poc_letter/")
    letter_to = page.get_by_role("group", name="Who is the letter to?")
    expect(letter_to.get_by_label("Dean Fictional")).to_be_checked()

    assert not Tactic.objects.exists(), "an empty form recorded a tactic"
    assert not problems, "\n\n".join(problems)
