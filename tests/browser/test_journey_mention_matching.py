"""Issue 19 item 4 in the browser: a person typed as a street name in a concern's details
is matched at entry. In the demo hub Lily Price ("Deano") is held by police, not shared:
a school does not see her, the FIB does. So the FIB officer is offered her record with
the nickname as the reason and uses it; the school, typing the same, is offered nothing
and its "Deano" is kept as typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from cairn.concerns import services as concern_services
from cairn.concerns.models import Concern


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
