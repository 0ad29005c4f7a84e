"""The agenda built for the chair: which children, actions, people, places and return home
interviews are listed, and that building it twice adds nothing twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cairn.audit.models import AuditEvent
from cairn.hub import agenda, services
from cairn.hub.models import Action, AgendaItem, Meeting
from cairn.missing.models import MissingEpisode
from cairn.pole import services as pole_services
from cairn.pole.models import Person

from .conftest import ago

pytestmark = pytest.mark.django_db


def _keys(items: list[AgendaItem]) -> dict[str, AgendaItem]:
    return {i.key: i for i in items}


def test_children_newly_significant_or_risen_since_last_meeting(
    make_person: Callable[..., Person],
    decide: Callable[..., Any],
    held_meeting: Meeting,
    schedule: Callable[..., Meeting],
    chair: Any,
) -> None:
    rose = make_person(given_name="Rosa", family_name="Riser")
    decide(rose, "emerging", ago(days=30))
    decide(rose, "moderate", ago(days=3))
    newly = make_person(given_name="Nina", family_name="Newsig")
    decide(newly, "significant", ago(days=2))
    steady = make_person(given_name="Sam", family_name="Steady")
    decide(steady, "significant", ago(days=40))
    decide(steady, "significant", ago(days=1))  # confirmed again: not new
    fell = make_person(given_name="Fay", family_name="Faller")
    decide(fell, "significant", ago(days=40))
    decide(fell, "moderate", ago(days=1))
    before = make_person(given_name="Bea", family_name="Before")
    decide(before, "emerging", ago(days=60))
    decide(before, "significant", ago(days=20))  # rose, but before the last meeting
    first_moderate = make_person(given_name="Fern", family_name="Firstmod")
    decide(first_moderate, "moderate", ago(days=1))  # first decision, not significant

    meeting = schedule()
    items = _keys(services.agenda_generate(actor=chair, meeting=meeting))

    assert set(items) == {f"child-{rose.pk}", f"child-{newly.pk}"}
    assert (
        items[f"child-{rose.pk}"].reason == "Risen from emerging to moderate since the last meeting"
    )
    assert (
        items[f"child-{newly.pk}"].reason == "Newly assessed as significant since the last meeting"
    )
    assert items[f"child-{rose.pk}"].title == "Rosa Riser"


def test_without_a_previous_meeting_the_lookback_applies(
    make_person: Callable[..., Person],
    decide: Callable[..., Any],
    schedule: Callable[..., Meeting],
    chair: Any,
) -> None:
    recent = make_person(given_name="Remy")
    decide(recent, "significant", ago(days=10))
    old = make_person(given_name="Olly")
    decide(old, "significant", ago(days=40))
    meeting = schedule()
    ctx_since = agenda.since_for(meeting, services.setup())
    assert meeting.starts_at - ctx_since == dt.timedelta(days=28)
    keys = set(_keys(services.agenda_generate(actor=chair, meeting=meeting)))
    assert keys == {f"child-{recent.pk}"}


def test_review_due_overdue_actions_and_overdue_interviews(
    make_person: Callable[..., Person],
    held_meeting: Meeting,
    schedule: Callable[..., Meeting],
    chair: Any,
    users: dict[str, Any],
    agencies: dict[str, Any],
) -> None:
    due = make_person(given_name="Dana", family_name="Duereview")
    not_yet = make_person(given_name="Nate", family_name="Notyet")
    today = timezone.localdate()
    AgendaItem.objects.create(
        meeting=held_meeting,
        kind="risk_raised",
        key=f"child-{due.pk}",
        title="Dana Duereview",
        subject_id=due.pk,
        discussion="x",
        recorded_at=ago(days=14),
        next_review_on=today,
    )
    AgendaItem.objects.create(
        meeting=held_meeting,
        kind="risk_raised",
        key=f"child-{not_yet.pk}",
        title="Nate",
        subject_id=not_yet.pk,
        discussion="x",
        recorded_at=ago(days=14),
        next_review_on=today + dt.timedelta(days=30),
    )
    late = Action.objects.create(
        description="Visit school",
        owner=users["social_worker"],
        owner_agency=agencies["trust"],
        due_on=today - dt.timedelta(days=2),
        created_by=chair,
    )
    Action.objects.create(
        description="Not due yet",
        owner=users["social_worker"],
        owner_agency=agencies["trust"],
        due_on=today + dt.timedelta(days=5),
        created_by=chair,
    )
    Action.objects.create(
        description="Done",
        owner=users["social_worker"],
        owner_agency=agencies["trust"],
        due_on=today - dt.timedelta(days=5),
        status="complete",
        created_by=chair,
    )
    returned = make_person(given_name="Rhi", family_name="Overdue")
    MissingEpisode.objects.create(
        child=returned,
        reported_at=ago(days=6),
        found_at=ago(days=5),
        rhi_due_at=ago(days=2),
        owning_agency=agencies["trust"],
        recorded_by=users["social_worker"],
    )
    MissingEpisode.objects.create(
        child=not_yet,
        reported_at=ago(days=2),
        found_at=ago(days=1),
        rhi_due_at=ago(hours=-48),
        owning_agency=agencies["trust"],
        recorded_by=users["social_worker"],
    )
    meeting = schedule(starts_at=timezone.now() + dt.timedelta(hours=2))
    items = _keys(services.agenda_generate(actor=chair, meeting=meeting))
    assert set(items) == {f"child-{due.pk}", f"action-{late.pk}", f"rhi-{returned.pk}"}
    assert items[f"child-{due.pk}"].kind == "review_due"
    assert items[f"action-{late.pk}"].action_id == late.pk
    assert items[f"rhi-{returned.pk}"].kind == "overdue_rhi"


def test_persons_of_concern_and_locations_linked_to_several_at_risk_children(
    make_person: Callable[..., Person],
    decide: Callable[..., Any],
    schedule: Callable[..., Meeting],
    chair: Any,
    users: dict[str, Any],
) -> None:
    sw = users["social_worker"]
    a = make_person(given_name="Ava")
    b = make_person(given_name="Bo")
    c = make_person(given_name="Cy")
    decide(a, "significant", ago(days=90))
    decide(b, "moderate", ago(days=90))
    decide(c, "emerging", ago(days=90))
    adult = make_person(given_name="Dean", family_name="Fictional", category="person_of_concern")
    loner = make_person(given_name="Lone", family_name="Adult", category="person_of_concern")
    flat = pole_services.location_create(
        actor=sw, name="Flat 9, Fictional Court", postcode="TS1 4ZZ"
    )
    for child in (a, b):
        pole_services.link_record(
            actor=sw,
            from_entity_id=child.pk,
            to_entity_id=adult.pk,
            link_type="associate",
            source_note="Test",
        )
    # The reverse direction counts too.
    pole_services.link_record(
        actor=sw, from_entity_id=flat.pk, to_entity_id=a.pk, link_type="other", source_note="Test"
    )
    pole_services.link_record(
        actor=sw, from_entity_id=b.pk, to_entity_id=flat.pk, link_type="seen_at", source_note="Test"
    )
    # Linked to one at-risk child and one emerging: not flagged.
    pole_services.link_record(
        actor=sw,
        from_entity_id=a.pk,
        to_entity_id=loner.pk,
        link_type="associate",
        source_note="Test",
    )
    pole_services.link_record(
        actor=sw,
        from_entity_id=c.pk,
        to_entity_id=loner.pk,
        link_type="associate",
        source_note="Test",
    )
    items = _keys(services.agenda_generate(actor=chair, meeting=schedule()))
    assert set(items) == {f"person-{adult.pk}", f"location-{flat.pk}"}
    assert items[f"person-{adult.pk}"].reason == (
        "Linked to 2 children at moderate or significant risk"
    )


def test_police_only_links_flag_only_police_only_records_and_a_partner_chair_sees_neither(
    make_person: Callable[..., Person],
    make_user: Callable[..., Any],
    decide: Callable[..., Any],
    schedule: Callable[..., Meeting],
    chair: Any,
    users: dict[str, Any],
) -> None:
    """The agenda is read by every agency: an item partners may see is never built from
    police-only intelligence, and a chair from a partner agency is not a way round it."""
    sw, ppu = users["social_worker"], users["ppu_coordinator"]
    a = make_person(given_name="Ava")
    b = make_person(given_name="Bo")
    decide(a, "significant", ago(days=90))
    decide(b, "moderate", ago(days=90))
    # Known to partners, linked to one child openly and to another only by police.
    known = make_person(given_name="Dean", family_name="Open", category="person_of_concern")
    # Known only to police, linked to both by police.
    hidden = make_person(
        actor=ppu,
        given_name="Kai",
        family_name="Policeonly",
        category="person_of_concern",
        police_only=True,
    )
    pole_services.link_record(
        actor=sw,
        from_entity_id=a.pk,
        to_entity_id=known.pk,
        link_type="associate",
        source_note="Seen together",
    )
    for child, other in ((b, known), (a, hidden), (b, hidden)):
        pole_services.link_record(
            actor=ppu,
            from_entity_id=child.pk,
            to_entity_id=other.pk,
            link_type="associate",
            source_note="Police intelligence",
            police_only=True,
        )
    meeting = schedule()
    items = _keys(services.agenda_generate(actor=chair, meeting=meeting))
    assert set(items) == {f"person-{hidden.pk}"}
    item = items[f"person-{hidden.pk}"]

    from cairn.hub.access import access_item_to_run, visible_items

    assert list(visible_items(chair, meeting)) == [item]
    # A police member at the meeting (Hub-wide, not the chair) sees it too.
    assert list(visible_items(ppu, meeting)) == [item]
    partner_chair = make_user("hub_chair", agency="trust", username="trust_chair")
    assert list(visible_items(partner_chair, meeting)) == []
    with pytest.raises(Http404):
        access_item_to_run(partner_chair, item.pk)
    client = Client()
    client.force_login(partner_chair)
    page = client.get(reverse("hub:meeting", args=[meeting.pk]))
    assert page.status_code == 200
    assert b"Policeonly" not in page.content
    assert client.get(reverse("hub:item", args=[meeting.pk, item.pk])).status_code == 404


def test_generation_is_idempotent_and_keeps_notes(
    make_person: Callable[..., Person],
    decide: Callable[..., Any],
    schedule: Callable[..., Meeting],
    chair: Any,
) -> None:
    child = make_person()
    decide(child, "significant", ago(days=1))
    meeting = schedule()
    first = services.agenda_generate(actor=chair, meeting=meeting)
    AgendaItem.objects.filter(pk=first[0].pk).update(discussion="Kept")
    assert services.agenda_generate(actor=chair, meeting=meeting) == []
    assert AgendaItem.objects.get(meeting=meeting).discussion == "Kept"
    assert AuditEvent.objects.filter(event="hub.agenda_generated").count() == 2


def test_only_the_chair_builds_an_agenda(
    schedule: Callable[..., Meeting], users: dict[str, Any]
) -> None:
    meeting = schedule()
    for role in ("ppu_coordinator", "social_worker", "analyst", "system_admin"):
        with pytest.raises(PermissionDenied):
            services.agenda_generate(actor=users[role], meeting=meeting)


def test_registry_accepts_other_apps_providers(
    schedule: Callable[..., Meeting], chair: Any
) -> None:
    @agenda.register("test_extra", order=999)
    def extra(ctx: agenda.AgendaContext) -> list[agenda.Candidate]:
        return [agenda.Candidate(kind="other", key="extra-1", title="Extra", reason="Plug-in")]

    try:
        items = services.agenda_generate(actor=chair, meeting=schedule())
        assert [i.title for i in items] == ["Extra"]
    finally:
        agenda.PROVIDERS.pop("test_extra")


def test_an_action_due_before_a_later_meeting_is_not_called_overdue(
    schedule: Callable[..., Meeting], chair: Any, users: dict[str, Any], agencies: dict[str, Any]
) -> None:
    today = timezone.localdate()
    soon = Action.objects.create(
        description="Due next week",
        owner=users["social_worker"],
        owner_agency=agencies["trust"],
        due_on=today + dt.timedelta(days=5),
        created_by=chair,
    )
    late = Action.objects.create(
        description="Due last week",
        owner=users["social_worker"],
        owner_agency=agencies["trust"],
        due_on=today - dt.timedelta(days=5),
        created_by=chair,
    )
    meeting = schedule(starts_at=timezone.now() + dt.timedelta(days=14))
    items = _keys(services.agenda_generate(actor=chair, meeting=meeting))
    assert items[f"action-{soon.pk}"].kind_label == "Action due before the meeting"
    assert items[f"action-{late.pk}"].kind_label == "Overdue action"
    client = Client()
    client.force_login(chair)
    page = client.get(reverse("hub:meeting", args=[meeting.pk])).content.decode()
    assert "Action due before the meeting" in page and "Overdue action" in page
