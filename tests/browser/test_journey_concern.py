"""Issue 3 acceptance journey: an early-help worker records a concern with signs for a new
child, sees the suggested level with reasons, confirms it with a rationale, sees the
pathways and records them; the PPU co-ordinator finds it in their inbox. axe on each page."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from cairn.accounts.roles import AgencyKind
from cairn.concerns.models import Concern, ConcernStatus
from cairn.pole.models import Link, Person

from ..factories import AgencyFactory, UserFactory


def fill_date(page: Any, group: str | re.Pattern[str], day: dt.date) -> None:
    box = page.get_by_role("group", name=group)
    box.get_by_label("Day").fill(str(day.day))
    box.get_by_label("Month").fill(str(day.month))
    box.get_by_label("Year").fill(str(day.year))


def test_early_help_worker_records_a_concern_and_ppu_sees_it(
    page: Any,
    users: dict[str, Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
    make_person: Callable[..., Any],
) -> None:
    early_help = AgencyFactory(
        name="Testshire Early Help", short_name="TEH", kind=AgencyKind.EARLY_HELP
    )
    worker = UserFactory(
        username="eh_worker",
        role="practitioner",
        agency=early_help,
        first_name="Erin",
        last_name="Helper",
    )
    ppu = users["ppu_coordinator"]
    today = dt.date.today()
    # An adult the Hub already knows (shared Hub-wide), whom the worker will mention.
    known_adult = make_person(
        actor=ppu,
        given_name="Dexter",
        family_name="Examplar",
        category="person_of_concern",
        date_of_birth=dt.date(1994, 5, 6),
        hub_shared=True,
    )

    page.goto("/accounts/sign-in/")
    login_as(page, worker)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Concerns").click()
    assert_accessible(page)
    page.get_by_role("link", name="Record a concern").click()
    assert_accessible(page)
    page.get_by_role("button", name="Start now").click()

    # Step 1: a new child (not in Cairn yet).
    expect(page.get_by_role("heading", level=1)).to_have_text("Which child is this about?")
    assert_accessible(page)
    page.get_by_label("First name").fill("Skye")
    page.get_by_label("Last name (if known)").fill("Examplewood")
    fill_date(page, "Date of birth", dt.date(2012, 2, 14))
    page.get_by_role("button", name="Add child and continue").click()

    # Step 2: what happened. First with a mistake: the typed text must survive.
    expect(page.get_by_role("heading", level=1)).to_have_text("What happened")
    fill_date(page, "Date observed", today + dt.timedelta(days=3))
    page.get_by_label("What did you see or were you told?").fill(
        "Seen getting into a grey car with an older man outside the youth centre; "
        "a new phone she would not explain."
    )
    page.get_by_label("Child sexual exploitation (CSE)").check()
    page.get_by_label("Boyfriend model", exact=True).check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("alert")).to_contain_text("Date observed must be today or in the past")
    expect(page.get_by_label("What did you see or were you told?")).to_have_value(
        "Seen getting into a grey car with an older man outside the youth centre; "
        "a new phone she would not explain."
    )
    assert_accessible(page)
    fill_date(page, "Date observed", today - dt.timedelta(days=1))
    page.get_by_role("button", name="Save and continue").click()

    # Step 3-4: signs, then when each was seen.
    expect(page.get_by_role("heading", level=1)).to_have_text("Signs you have seen")
    assert_accessible(page)
    page.get_by_label("Getting into cars with unknown adults ('cruising')").check()
    page.get_by_label("Older 'boyfriend' or controlling adult").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("When were the signs seen?")
    assert_accessible(page)
    fill_date(page, re.compile("last seen: Getting into cars"), today - dt.timedelta(days=1))
    fill_date(page, re.compile("last seen: Older .boyfriend"), today - dt.timedelta(days=10))
    page.get_by_role("button", name="Save and continue").click()

    # Step 5: a vehicle.
    assert_accessible(page)
    page.get_by_role("link", name="Add a vehicle").click()
    assert_accessible(page)
    page.get_by_label("Registration").fill("NM15 ABC")
    page.get_by_label("Colour (optional)").fill("Grey")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_test_id("mentions")).to_contain_text("NM15 ABC")
    # ... and the older man she gets into the car with, misspelt: he may already be known.
    page.get_by_role("link", name="Add a person").click()
    page.get_by_label("First name").fill("Dextor")
    page.get_by_label("Last name").fill("Examplar")
    fill_date(page, "Date of birth (if known)", dt.date(1994, 5, 6))
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_test_id("mention-possible-matches")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Use this record (Dexter Examplar)").click()
    expect(page.get_by_test_id("mention-existing")).to_have_text("Existing record: Dexter Examplar")
    page.get_by_role("button", name="Continue").click()

    # Step 6: the two direct questions.
    assert_accessible(page)
    page.get_by_role("group", name="Is the child in immediate danger?").get_by_label("No").check()
    page.get_by_role("group", name="Did the child, or anyone else, disclose a crime?").get_by_label(
        "No"
    ).check()
    page.get_by_role("button", name="Save and continue").click()

    # Check answers, submit.
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(page.get_by_role("main")).to_contain_text("Skye Examplewood")
    assert_accessible(page)
    page.get_by_role("button", name="Submit concern").click()

    # Screening: suggested level with reasons; confirm with a rationale.
    expect(page.get_by_role("heading", level=1)).to_have_text("Risk level")
    expect(page.get_by_test_id("suggestion")).to_contain_text("Significant")
    expect(page.get_by_test_id("reasons")).to_contain_text(
        "2 different significant indicators in the last 6 months"
    )
    assert_accessible(page)
    page.get_by_label("Significant").check()
    page.get_by_label("Why? Give your reasons").fill(
        "Older boyfriend and cars: I agree, significant."
    )
    page.get_by_role("button", name="Save and see next steps").click()

    # Pathways.
    expect(page.get_by_role("heading", level=1)).to_have_text("What can you do?")
    for code in ("fib", "ppu", "mash"):
        expect(page.get_by_test_id(f"pathway-{code}")).to_be_visible()
    assert_accessible(page)
    for code in ("fib", "ppu", "mash"):
        page.get_by_test_id(f"pathway-{code}").get_by_label("Yes").check()
    page.get_by_role("button", name="Record next steps").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Concern about Skye Examplewood")
    assert_accessible(page)
    concern = Concern.objects.get()
    assert concern.status == ConcernStatus.COMPLETE
    # The concern is linked to the adult's existing record: no second Dexter.
    assert list(Person.objects.filter(family_name="Examplar")) == [known_adult]
    from_concern = Link.objects.filter(sources__source_id=str(concern.pk))
    assert (
        from_concern.filter(to_entity_id=known_adult.pk).exists()
        or from_concern.filter(from_entity_id=known_adult.pk).exists()
    )

    # The PPU co-ordinator finds it in their inbox.
    page.get_by_role("button", name="Sign out").click()
    page.goto("/accounts/sign-in/")
    login_as(page, ppu)
    expect(page.get_by_test_id("inbox-count")).to_contain_text("1")
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Inbox").click()
    expect(page.get_by_test_id("inbox")).to_contain_text(concern.reference)
    assert_accessible(page)
    page.get_by_role("button", name=f"Open Concern {concern.reference}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Concern about Skye Examplewood")
    assert_accessible(page)
