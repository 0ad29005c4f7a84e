"""The Hub demo: loads on top of the demo hub through the services, tells a coherent
story (past minutes, an agenda for the next meeting with a risen child, actions in each
state, missing episodes with interviews) and loads only once."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from cairn.concerns.models import IndicatorObservation
from cairn.hub.demo import load_demo
from cairn.hub.models import Action, AgendaItem, HubMember, Meeting, MissingEpisode
from cairn.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_demo_loads_a_coherent_hub() -> None:
    call_command("demo_data")
    load_demo()
    past, upcoming = Meeting.objects.order_by("starts_at")
    assert past.status == "finalised" and past.distribution.exists()
    assert upcoming.status == "scheduled" and upcoming.starts_at > timezone.now()
    assert AgendaItem.objects.filter(meeting=past).exclude(recorded_at=None).exists()
    kinds = set(AgendaItem.objects.filter(meeting=upcoming).values_list("kind", flat=True))
    assert {"risk_raised", "overdue_action", "review_due", "overdue_rhi"} <= kinds
    assert AgendaItem.objects.filter(meeting=upcoming, reason__startswith="Risen").exists()
    statuses = [a.is_overdue() for a in Action.objects.filter(status="open")]
    assert True in statuses and False in statuses
    assert Action.objects.filter(status="complete").exists()
    states = {e.rhi_state for e in MissingEpisode.objects.all()}
    assert {"completed_in_time", "late", "overdue"} <= states
    assert IndicatorObservation.objects.filter(indicator__code="frequent_missing").exists()
    assert HubMember.objects.count() >= 4
    # The owner's notice gives the due date the action has (the demo moves one into the
    # past after the notice was sent: the Inbox said "due 09 Dec", the action "Overdue").
    notices = Notification.objects.filter(kind="hub.action", object_type="hub.action")
    assert notices.exists()
    for notice in notices:
        action = Action.objects.get(pk=int(notice.object_id))
        assert f"due {action.due_on:%d %b %Y}" in notice.title
    # The past meeting's agenda was built before it, not today.
    assert past.agenda_generated_at is not None and past.agenda_generated_at < past.starts_at
    load_demo()
    assert Meeting.objects.count() == 2
