"""Issue 7 acceptance journey: the chair opens the next meeting and builds the agenda,
which lists the right children (one whose level rose since the last meeting; not one
whose level stayed the same); the chair records the discussion, an agreed level and an
action; the action's owner finds it in "My actions", and it shows as overdue once its
date has passed. axe on each page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from cairn.concerns.models import RiskDecision
from cairn.hub import services
from cairn.hub.models import Action, Meeting
from cairn.missing import services as missing_services
from cairn.pole import services as pole_services


def _decide(child: Any, level: str, days_ago: int, by: Any) -> None:
    decision = RiskDecision.objects.create(
        child=child,
        suggested_level=level,
        suggested_reasons=[],
        level=level,
        rationale="Journey set-up",
        decided_by=by,
    )
    RiskDecision.objects.filter(pk=decision.pk).update(
        decided_at=timezone.now() - dt.timedelta(days=days_ago)
    )


def test_chair_runs_the_agenda_and_the_owner_sees_the_action(
    page: Any,
    users: dict[str, Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
) -> None:
    chair, owner = users["hub_chair"], users["social_worker"]
    owner.first_name, owner.last_name = "Harriet", "Owner"
    owner.save(update_fields=["first_name", "last_name"])
    rosa = pole_services.person_create(
        actor=owner, given_name="Rosa", family_name="Riser", category="child"
    )
    sam = pole_services.person_create(
        actor=owner, given_name="Sam", family_name="Steady", category="child"
    )
    _decide(rosa, "emerging", 40, owner)
    _decide(sam, "significant", 40, owner)
    last = services.meeting_schedule(
        actor=chair, starts_at=timezone.now() - dt.timedelta(days=14), title="Last MACE"
    )
    Meeting.objects.filter(pk=last.pk).update(
        status="finalised", finalised_at=timezone.now() - dt.timedelta(days=13)
    )
    _decide(rosa, "moderate", 2, owner)  # rose since the last meeting
    _decide(sam, "significant", 1, owner)  # confirmed again: no change
    services.meeting_schedule(
        actor=chair, starts_at=timezone.now() + dt.timedelta(days=1), title="Next MACE"
    )

    page.goto("/accounts/sign-in/")
    login_as(page, chair)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Hub").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Exploitation Hub")
    assert_accessible(page)
    page.get_by_role("link", name="Next MACE").click()
    assert_accessible(page)
    page.get_by_role("button", name="Build the agenda").click()
    expect(page.get_by_role("alert")).to_contain_text("Agenda built: 1 new item")
    agenda = page.get_by_test_id("agenda")
    expect(agenda).to_contain_text("Rosa Riser")
    expect(agenda).to_contain_text("Risen from emerging to moderate since the last meeting")
    expect(agenda).not_to_contain_text("Sam Steady")
    assert_accessible(page)

    agenda.get_by_role("link", name="Rosa Riser").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rosa Riser")
    assert_accessible(page)
    page.get_by_label("Discussion summary").fill(
        "School and the youth service report Rosa with older associates at the retail park."
    )
    page.get_by_label("Significant", exact=True).check()
    page.get_by_label("Decisions (optional)").fill("Strategy discussion; safety plan.")
    page.get_by_role("button", name="Save discussion").click()
    expect(page.get_by_role("alert")).to_contain_text("Discussion of Rosa Riser recorded")
    assert RiskDecision.objects.filter(child=rosa, source="hub", level="significant").exists()

    due = timezone.localdate() + dt.timedelta(days=3)
    page.get_by_label("Action", exact=True).fill("Hold a strategy discussion for Rosa")
    page.get_by_label("Owner").select_option(label=f"Harriet Owner ({owner.agency.name})")
    box = page.get_by_role("group", name="Due date")
    box.get_by_label("Day").fill(str(due.day))
    box.get_by_label("Month").fill(str(due.month))
    box.get_by_label("Year").fill(str(due.year))
    page.get_by_role("button", name="Add action").click()
    expect(page.get_by_role("alert")).to_contain_text("added for Harriet Owner")
    expect(page.get_by_test_id("item-actions")).to_contain_text(
        "Hold a strategy discussion for Rosa"
    )
    assert_accessible(page)
    page.get_by_role("link", name="Next MACE").click()
    expect(page.get_by_test_id("agenda")).to_contain_text("Significant")

    page.get_by_role("button", name="Sign out").click()
    page.goto("/accounts/sign-in/")
    login_as(page, owner)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Hub").click()
    page.get_by_role("link", name="My actions", exact=True).click()
    rows = page.get_by_test_id("actions")
    expect(rows).to_contain_text("Hold a strategy discussion for Rosa")
    expect(rows.get_by_test_id("overdue")).to_have_count(0)
    assert_accessible(page)

    # Time passes: the due date goes by without the action being done.
    Action.objects.update(due_on=timezone.localdate() - dt.timedelta(days=1))
    page.reload()
    expect(page.get_by_test_id("actions").get_by_test_id("overdue")).to_have_text("Overdue")
    page.get_by_role("link", name="Overdue", exact=True).click()
    expect(page.get_by_test_id("actions")).to_contain_text("Hold a strategy discussion for Rosa")
    assert_accessible(page)


def test_hub_pages_are_accessible(
    page: Any,
    users: dict[str, Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
) -> None:
    """Dashboard (SVG charts with tables), missing episode, Philomena profile and the
    problem profile pass axe for the chair."""
    chair, sw = users["hub_chair"], users["social_worker"]
    child = pole_services.person_create(
        actor=sw, given_name="Ivy", family_name="Example", category="child"
    )
    _decide(child, "moderate", 3, sw)
    flat = pole_services.location_create(actor=sw, name="Flat 4, Fictional Row", postcode="TS4 1AA")
    pole_services.link_record(
        actor=sw,
        from_entity_id=child.pk,
        to_entity_id=flat.pk,
        link_type="frequents",
        source_note="Seen there by youth workers",
    )
    episode = missing_services.episode_record(
        actor=sw,
        child=child,
        reported_at=timezone.now() - dt.timedelta(days=2),
        found_at=timezone.now() - dt.timedelta(days=1),
        police_risk_grading="medium",
    )
    page.goto("/accounts/sign-in/")
    login_as(page, chair)
    for path, heading in (
        ("/hub/dashboard/", "Hub dashboard"),
        (f"/hub/missing/{episode.pk}/", "Ivy Example: missing episode"),
        (f"/hub/children/{child.pk}/philomena/", "Ivy Example"),
        ("/hub/problem-profile/?postcode=TS4", "Problem profile: Area TS4"),
        ("/hub/missing/", "Missing episodes"),
    ):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_accessible(page)
    page.goto("/hub/dashboard/")
    page.get_by_text("Children by current risk level as a table").click()
    expect(page.get_by_test_id("panel-risk_levels").get_by_role("table")).to_contain_text(
        "Moderate"
    )
