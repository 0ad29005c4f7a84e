"""Issue 19 item 4 in the browser: a person typed as a street name in a concern's details
is matched at entry. In the demo hub Lily Price ("Deano") is held by police, not shared:
a school does not see her, the FIB does. So the FIB officer is offered her record with
the nickname as the reason and uses it; the school, typing the same, is offered nothing
and its "Deano" is kept as typed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from cairn.concerns import services as concern_services
from cairn.concerns.models import Concern
from cairn.intelligence import services as intel

from ..intelligence.conftest import intel_data


def _add_deano(page: Any, concern: Concern) -> None:
    page.goto(f"/concerns/{concern.pk}/mentions/add/person/")
    page.get_by_label("Nickname or street name").fill("Deano")
    page.get_by_role("button", name="Add").click()


def test_the_fib_is_offered_deano_and_the_school_is_not(
    page: Any,
    users: dict[str, Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
    make_person: Callable[..., Any],
    make_user: Callable[..., Any],
) -> None:
    fib = users["fib_officer"]
    lily = make_person(
        actor=fib,
        given_name="Lily",
        family_name="Price",
        category="person_of_concern",
        aliases=[("nickname", "Deano", "")],
    )
    child = make_person(given_name="Skye", family_name="Examplewood")

    concern = concern_services.concern_start(actor=fib, child=child)
    page.goto("/accounts/sign-in/")
    login_as(page, fib)
    _add_deano(page, concern)
    offered = page.get_by_test_id("mention-possible-matches")
    expect(offered).to_be_visible()
    item = page.locator("li", has_text="Lily Price")
    expect(item).to_contain_text("known as \u201cDeano\u201d (nickname)")
    assert_accessible(page)
    item.get_by_role("button", name="Use this record").click()
    expect(page.get_by_test_id("mention-existing")).to_contain_text("Existing record: Lily Price")
    concern.refresh_from_db()
    assert concern.draft["mentions"][0]["entity_id"] == lily.pk

    school = make_user("practitioner", agency="school", username="school_dsl_b")
    theirs = concern_services.concern_start(actor=school, child=make_person(actor=school))
    page.context.clear_cookies()
    page.goto("/accounts/sign-in/")
    login_as(page, school)
    _add_deano(page, theirs)
    # Nothing the school may see: added as typed, and Lily's name is nowhere on the page.
    expect(page.get_by_test_id("mention-possible-matches")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text("Lily Price")
    theirs.refresh_from_db()
    (mention,) = theirs.draft["mentions"]
    assert mention["nickname"] == "Deano" and "entity_id" not in mention


def test_the_fib_link_step_offers_daniel_stewart_for_danny_stuart_about_42(
    page: Any,
    users: dict[str, Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
    make_person: Callable[..., Any],
    make_user: Callable[..., Any],
) -> None:
    """Outside tester 12 and 13: a Youth Justice worker names "Danny Stuart (known as
    Dan)", about 42, giving the age in its own field; the FIB's linking step offers police's
    Daniel Stewart (known as "Danny Stewart") with the reason, which the worker never sees."""
    fib = users["fib_officer"]
    today = dt.date.today()
    daniel = make_person(
        actor=fib,
        given_name="Daniel",
        family_name="Stewart",
        date_of_birth=dt.date(today.year - 42, 1, 2),
        sex="male",
        category="person_of_concern",
        aliases=[("nickname", "Danny", "Stewart")],
        police_only=True,
    )
    worker = make_user("practitioner", agency="school", username="yjs_browser")
    entry = intel.submission_start(actor=worker)
    page.goto("/accounts/sign-in/")
    login_as(page, worker)
    page.goto(f"/intelligence/{entry.pk}/details/add/person/")
    page.get_by_label("First name").fill("Danny")
    page.get_by_label("Last name").fill("Stuart")
    page.get_by_label("Nickname or street name").fill("Dan")
    age = page.get_by_label("Age, or about how old they are (if date of birth not known)")
    age.fill("142")
    page.get_by_role("button", name="Add").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Age must be 120 or less")
    expect(page.get_by_label("Last name")).to_have_value("Stuart")
    assert_accessible(page)
    age.fill("42")
    page.get_by_role("button", name="Add").click()
    # Nothing the worker may see: kept as typed, with the age.
    expect(page.locator("body")).not_to_contain_text("Daniel Stewart")
    entry.refresh_from_db()
    (mention,) = entry.mentions
    assert mention["estimated_age"] == 42 and "entity_id" not in mention
    intel.submission_save_draft(
        actor=worker,
        submission=entry,
        data=intel_data(subject_description="Danny Stuart, about 42", mentions=entry.mentions),
    )
    intel.submission_submit(actor=worker, submission=entry)

    page.context.clear_cookies()
    page.goto("/accounts/sign-in/")
    login_as(page, fib)
    page.goto(f"/intelligence/{entry.pk}/link/")
    row = page.get_by_test_id("mention-0")
    expect(row).to_contain_text("Danny Stuart (known as Dan), about 42")
    offer = row.locator(".govuk-radios__item", has_text="Daniel Stewart")
    expect(offer).to_contain_text("sounds the same (Stuart / Stewart)")
    assert_accessible(page)
    offer.get_by_role("radio").check()
    expect(row.get_by_role("radio", name="Daniel Stewart")).to_have_value(str(daniel.pk))
