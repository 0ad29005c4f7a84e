"""Meetings, the discussion of items (an agreed level joins the child's trajectory as a
"hub" decision), actions and their completion, reminders, minutes and distribution."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from cairn.audit.models import AuditEvent
from cairn.concerns.models import RiskDecision
from cairn.hub import services
from cairn.hub.models import AgendaItem, Attendance, HubMember, Meeting
from cairn.notifications.models import Notification
from cairn.pole.models import Person

from .conftest import ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def child_item(
    make_person: Callable[..., Person],
    decide: Callable[..., Any],
    schedule: Callable[..., Meeting],
    chair: Any,
) -> AgendaItem:
    child = make_person(given_name="Kit", family_name="Example", date_of_birth=dt.date(2011, 3, 1))
    decide(child, "emerging", ago(days=40))
    decide(child, "moderate", ago(days=2))
    meeting = schedule()
    [item] = services.agenda_generate(actor=chair, meeting=meeting)
    return item


def test_schedule_invites_member_representatives(
    members: list[HubMember], schedule: Callable[..., Meeting], chair: Any, users: dict[str, Any]
) -> None:
    meeting = schedule()
    rows = {a.user_id: a.status for a in Attendance.objects.filter(meeting=meeting)}
    assert rows == {
        chair.pk: "attended",
        users["ppu_coordinator"].pk: "invited",
        users["social_worker"].pk: "invited",
    }
    services.attendance_record(
        actor=chair, meeting=meeting, user=users["social_worker"], status="apologies"
    )
    assert Attendance.objects.get(meeting=meeting, user=users["social_worker"]).status == (
        "apologies"
    )


def test_only_the_chair_schedules(users: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        services.meeting_schedule(actor=users["ppu_coordinator"], starts_at=timezone.now())


def test_agreed_level_joins_the_trajectory_as_a_hub_decision(
    child_item: AgendaItem, chair: Any
) -> None:
    services.item_record(
        actor=chair,
        item=child_item,
        discussion="Seen with older males at the park; school attendance falling.",
        agreed_level="significant",
        decisions="Refer to MASH; disruption plan for the park.",
        next_review_on=timezone.localdate() + dt.timedelta(days=28),
    )
    decision = RiskDecision.objects.filter(child_id=child_item.subject_id).latest("decided_at")
    assert decision.level == "significant" and decision.source == "hub"
    assert decision.concern is None and decision.decided_by == chair
    assert decision.rationale.startswith("Agreed by the Hub at")
    assert child_item.meeting.reference in decision.rationale
    # The trajectory is read by everyone who may see the child: no meeting discussion in it.
    assert "older males" not in decision.rationale
    child_item.refresh_from_db()
    assert child_item.risk_decision == decision
    # The meeting is tomorrow: notes made ahead of it do not make it held.
    assert child_item.meeting.status == "scheduled"
    event = AuditEvent.objects.get(event="hub.risk_agreed")
    assert event.subject_id == child_item.subject_id
    assert event.details["previous"] == "moderate"
    # Saving the same agreement again adds no second decision.
    services.item_record(
        actor=chair, item=child_item, discussion="Edited summary", agreed_level="significant"
    )
    assert RiskDecision.objects.filter(child_id=child_item.subject_id, source="hub").count() == 1


def test_item_record_validation(child_item: AgendaItem, chair: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.item_record(
            actor=chair,
            item=child_item,
            discussion=" ",
            next_review_on=timezone.localdate() - dt.timedelta(days=3),
        )
    assert set(exc.value.message_dict) == {"discussion", "next_review_on"}


def test_action_owner_notified_and_completion(
    child_item: AgendaItem, chair: Any, users: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    owner = users["social_worker"]
    action = services.action_create(
        actor=chair,
        item=child_item,
        description="Arrange a safety plan meeting",
        owner=owner,
        due_on=timezone.localdate() + dt.timedelta(days=7),
    )
    assert action.owner_agency == owner.agency and action.meeting == child_item.meeting
    assert action.subject_id == child_item.subject_id
    assert Notification.objects.filter(recipient=owner, kind="hub.action").count() == 1
    school = make_user("practitioner", agency="school", username="school_worker")
    with pytest.raises(PermissionDenied):
        services.action_complete(actor=school, action=action, note="Not mine")
    with pytest.raises(ValidationError):
        services.action_complete(actor=owner, action=action, note="")
    # A colleague in the owner's agency may complete it.
    services.action_complete(actor=users["practitioner"], action=action, note="Plan agreed")
    action.refresh_from_db()
    assert action.status == "complete" and action.completed_by == users["practitioner"]


def test_an_action_about_a_child_goes_only_to_someone_who_may_see_the_child(
    child_item: AgendaItem, chair: Any, make_user: Callable[..., Any]
) -> None:
    """Otherwise the owner is told of an action about a child they cannot open, and cannot
    tell which child it is."""
    school = make_user("practitioner", agency="school", username="school_dsl")
    with pytest.raises(ValidationError) as exc:
        services.action_create(
            actor=chair,
            item=child_item,
            description="Check attendance",
            owner=school,
            due_on=timezone.localdate() + dt.timedelta(days=7),
        )
    assert "cannot see this record" in exc.value.message_dict["owner"][0]
    assert not Notification.objects.filter(recipient=school, kind="hub.action").exists()


def test_action_validation(chair: Any, users: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as exc:
        services.action_create(
            actor=chair,
            description="",
            owner=users["ig_admin"],
            due_on=timezone.localdate() - dt.timedelta(days=1),
        )
    assert set(exc.value.message_dict) == {"description", "owner", "due_on"}


def test_reminders_once_per_overdue_action(chair: Any, users: dict[str, Any]) -> None:
    owner = users["social_worker"]
    action = services.action_create(
        actor=chair, description="Call school", owner=owner, due_on=timezone.localdate()
    )
    assert services.send_overdue_reminders() == 0  # due today: not overdue
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert services.send_overdue_reminders(today=tomorrow) == 1
    assert services.send_overdue_reminders(today=tomorrow) == 0
    call_command("hub_reminders")
    assert Notification.objects.filter(kind="hub.action_overdue", recipient=owner).count() == 1
    action.refresh_from_db()
    assert action.reminded_on == tomorrow
    assert AuditEvent.objects.filter(event="hub.reminders_sent").count() == 1


def test_minutes_finalise_and_distribute_as_disclosures(
    child_item: AgendaItem, chair: Any, members: list[HubMember], agencies: dict[str, Any]
) -> None:
    meeting = child_item.meeting
    with pytest.raises(ValidationError):
        services.minutes_finalise(actor=chair, meeting=meeting)  # nothing discussed
    with pytest.raises(ValidationError):
        services.minutes_distribute(actor=chair, meeting=meeting, agencies=[agencies["trust"]])
    services.item_record(actor=chair, item=child_item, discussion="Discussed")
    with pytest.raises(ValidationError, match="has not taken place yet"):
        services.minutes_finalise(actor=chair, meeting=meeting)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(hours=1))
    meeting.refresh_from_db()
    services.minutes_finalise(actor=chair, meeting=meeting)
    rows = services.minutes_distribute(
        actor=chair, meeting=meeting, agencies=[agencies["police"], agencies["trust"]]
    )
    assert len(rows) == 2
    # The chair's own agency is no disclosure; the Trust's copy relied on the Hub agreement.
    by_agency = {r.agency_id: r for r in rows}
    assert by_agency[agencies["police"].pk].disclosure is None
    trust_copy = by_agency[agencies["trust"].pk].disclosure
    assert trust_copy is not None and trust_copy.kind == "minutes"
    assert trust_copy.agreement is not None and trust_copy.lawful_basis == "ca2004_s11"
    events = AuditEvent.objects.filter(event="hub.minutes_distributed")
    assert events.count() == 2 and {e.action for e in events} == {"disclosure"}
    assert all(e.recipient for e in events)
    with pytest.raises(ValidationError):  # no representative recorded for the school
        services.minutes_distribute(actor=chair, meeting=meeting, agencies=[agencies["school"]])
    # A chair whose account has no agency cannot send in an agency's name: refused (403,
    # as agency_of refuses elsewhere), nothing recorded.
    chair.agency = None
    with pytest.raises(PermissionDenied):
        services.minutes_distribute(actor=chair, meeting=meeting, agencies=[agencies["trust"]])
    assert AuditEvent.objects.filter(event="hub.minutes_distributed").count() == 2
    chair.refresh_from_db()
    with pytest.raises(ValidationError):  # final minutes cannot change
        services.item_record(actor=chair, item=child_item, discussion="Changed later")


def test_items_left_undiscussed_are_finalised_only_when_the_chair_confirms(
    schedule: Any, chair: Any, make_person: Any
) -> None:
    meeting = schedule(starts_at=timezone.now() - dt.timedelta(hours=3))
    first, _ = (
        AgendaItem.objects.create(meeting=meeting, kind="other", key=f"other-{n}", title=title)
        for n, title in enumerate(("First business", "Second business"))
    )
    services.item_record(actor=chair, item=first, discussion="Discussed")
    with pytest.raises(ValidationError, match="1 item of 2 has no discussion recorded"):
        services.minutes_finalise(actor=chair, meeting=meeting)
    services.minutes_finalise(actor=chair, meeting=meeting, undiscussed_confirmed=True)
    event = AuditEvent.objects.get(event="hub.minutes_finalised")
    assert event.details["items_not_discussed"] == 1
