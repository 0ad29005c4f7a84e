"""People journeys in a real browser: sign in, find a person (by another form of the first
name, by alias), open the profile, sign out; plus the denied case (another agency gets a
404), the empty-search error summary and the possible-duplicate warning when adding a
person. axe checks every page shown."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from cairn.accounts.roles import Role
from cairn.audit.models import AuditEvent
from cairn.pole.models import NameKind, Person


def viewed_events(user: Any, person: Person) -> int:
    return AuditEvent.objects.filter(
        event="person.viewed",
        actor=user,
        object_type="pole.person",
        object_id=str(person.pk),
    ).count()


def test_social_worker_finds_a_person_by_alias_opens_the_profile_and_signs_out(
    page: Any,
    users: dict[str, Any],
    make_person: Callable[..., Person],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
) -> None:
    social_worker = users["social_worker"]
    person = make_person(
        given_name="Amber",
        family_name="Testcase",
        aliases=[(NameKind.NICKNAME, "Bramble", "")],
    )
    make_person(given_name="Zachary", family_name="Unrelated")
    daniel = make_person(given_name="Daniel", family_name="Stewart")
    assert viewed_events(social_worker, person) == 0

    # Sign in.
    page.goto("/accounts/sign-in/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Cairn")
    assert_accessible(page)
    login_as(page, social_worker)

    # A first name as people give it, and a surname heard: "Dan Stuart" finds Daniel
    # Stewart, and the result says why in one statement (issue 19 item 4).
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a person")
    page.get_by_label("Name or alias").fill("Dan Stuart")
    page.get_by_role("button", name="Search").click()
    found = page.get_by_role("table", name="1 person found")
    expect(found.get_by_role("link", name="Daniel Stewart")).to_be_visible()
    expect(found).to_contain_text(
        "\u201cDan\u201d is another form of \u201cDaniel\u201d; "
        "last name sounds like the one searched"
    )
    assert_accessible(page)
    assert viewed_events(social_worker, daniel) == 0  # a search lists, it does not open

    # Search by the alias, from the navigation.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a person")
    page.get_by_label("Name or alias").fill("Bramble")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 person found")).to_be_visible()
    results = page.get_by_role("table", name="1 person found")
    expect(results.get_by_role("link", name="Amber Testcase")).to_be_visible()
    expect(results).to_contain_text("known as Bramble")
    expect(results).not_to_contain_text("Zachary")
    assert_accessible(page)

    # Open the profile: marked OFFICIAL-SENSITIVE, and the view is audited.
    results.get_by_role("link", name="Amber Testcase").click()
    expect(page).to_have_url(re.compile(rf"/people/{person.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Amber Testcase")
    expect(page.get_by_test_id("security-marking")).to_have_text("OFFICIAL-SENSITIVE")
    expect(page.get_by_text("Bramble (nickname)")).to_be_visible()
    assert_accessible(page)
    assert viewed_events(social_worker, person) == 1

    # Sign out from the account area.
    page.get_by_role("navigation", name="Account").get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/signed-out/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    assert_accessible(page)

    # Signed out means signed out: the profile now asks for sign-in and is not audited.
    page.goto(f"/people/{person.pk}/")
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/"))
    assert viewed_events(social_worker, person) == 1


def test_other_agency_cannot_open_a_record_not_shared_with_it(
    page: Any,
    users: dict[str, Any],
    make_user: Callable[..., Any],
    make_person: Callable[..., Person],
    login_as: Callable[..., None],
) -> None:
    private = make_person(given_name="Amber", family_name="Testcase")
    shared = make_person(given_name="Jasper", family_name="Sharedcase", hub_shared=True)
    school_practitioner = make_user(Role.PRACTITIONER, agency="school", username="school_prac")
    login_as(page, school_practitioner)

    # Denied: a 404, with nothing of the record shown, and no consultation recorded.
    response = page.goto(f"/people/{private.pk}/")
    assert response is not None
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("Amber")
    expect(page.locator("body")).not_to_contain_text("Testcase")
    assert viewed_events(school_practitioner, private) == 0

    # Nor does search reveal it.
    page.goto("/people/?q=Amber+Testcase")
    expect(page.get_by_role("heading", name="No people found")).to_be_visible()

    # Allowed: a record shared with the Hub opens for the same user.
    response = page.goto(f"/people/{shared.pk}/")
    assert response is not None
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Jasper Sharedcase")
    assert viewed_events(school_practitioner, shared) == 1

    # And the owning agency's social worker can open the private record.
    page.context.clear_cookies()
    login_as(page, users["social_worker"])
    response = page.goto(f"/people/{private.pk}/")
    assert response is not None
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Amber Testcase")


def test_empty_search_shows_the_error_summary_linking_to_the_field(
    page: Any,
    users: dict[str, Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
) -> None:
    login_as(page, users["social_worker"])
    page.goto("/people/")
    expect(page.locator(".govuk-error-summary")).to_have_count(0)

    page.get_by_role("button", name="Search").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(page).to_have_title(re.compile(r"error", re.IGNORECASE))
    link = summary.get_by_role("link", name="Enter a name, an alias or a date of birth to search")
    expect(link).to_have_attribute("href", "#id_q")
    expect(page.get_by_role("heading", name="No people found")).to_have_count(0)
    assert_accessible(page)

    # Following the link puts the cursor in the search box.
    link.click()
    expect(page.get_by_label("Name or alias")).to_be_focused()


def test_adding_a_likely_duplicate_warns_and_keeps_what_was_typed(
    page: Any,
    users: dict[str, Any],
    make_person: Callable[..., Person],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
) -> None:
    existing = make_person(given_name="Amber", family_name="Testcase")
    login_as(page, users["social_worker"])
    page.goto("/people/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a person")

    page.get_by_label("Child or young person").check()
    page.get_by_label("First name").fill("Amber")
    page.get_by_label("Last name").fill("Testcase")
    page.get_by_label("Nicknames or aliases (optional)").fill("Ambs, AT")
    page.get_by_label("Physical description (optional)").fill("Tall, green coat")
    page.get_by_role("button", name="Add person").click()

    # The warning, with a link to the existing record; nothing created yet.
    warning = page.get_by_test_id("possible-duplicates")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("This person may already have a record")
    expect(page.get_by_role("link", name="Amber Testcase")).to_have_attribute(
        "href", f"/people/{existing.pk}/"
    )
    assert Person.objects.filter(given_name="Amber", family_name="Testcase").count() == 1

    # Everything typed is still there.
    expect(page.get_by_label("Child or young person")).to_be_checked()
    expect(page.get_by_label("First name")).to_have_value("Amber")
    expect(page.get_by_label("Last name")).to_have_value("Testcase")
    expect(page.get_by_label("Nicknames or aliases (optional)")).to_have_value("Ambs, AT")
    expect(page.get_by_label("Physical description (optional)")).to_have_value("Tall, green coat")
    assert_accessible(page)

    # Confirming that none of them is this person creates the new record.
    page.get_by_role("button", name="None of these: add a new person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Amber Testcase")
    expect(page.get_by_text("Amber Testcase has been added.")).to_be_visible()
    assert Person.objects.filter(given_name="Amber", family_name="Testcase").count() == 2
    created = Person.objects.exclude(pk=existing.pk).get(family_name="Testcase")
    expect(page).to_have_url(re.compile(rf"/people/{created.pk}/$"))
    assert_accessible(page)
