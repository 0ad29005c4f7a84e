"""Review scheduling and overdue detection with frozen time; reminders go to owners'
inboxes once per item, review date and stage (the command and the task)."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from cairn.disruption import selectors
from cairn.disruption.models import ReviewReminder
from cairn.disruption.services import markers, plans, reminders, tactics
from cairn.notifications.models import Notification

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def marker(ppu: Any, poc: Any) -> Any:
    with time_machine.travel(START, tick=False):
        return markers.marker_add(
            actor=ppu,
            entity_id=poc.pk,
            marker_type="cse",
            reason="Seen with children",
            review_on=dt.date(2026, 3, 20),
        )


def test_overdue_only_after_the_review_date(ppu: Any, marker: Any) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 20, 12, tzinfo=dt.UTC), tick=False):
        assert not selectors.is_overdue(marker.tactic)
        assert list(selectors.overdue_reviews(ppu)) == []
        assert list(selectors.reviews_due_soon(ppu)) == [marker.tactic]
    with time_machine.travel(dt.datetime(2026, 3, 21, 12, tzinfo=dt.UTC), tick=False):
        assert selectors.is_overdue(marker.tactic)
        assert list(selectors.overdue_reviews(ppu)) == [marker.tactic]


def test_removed_marker_is_never_overdue(ppu: Any, marker: Any) -> None:
    with time_machine.travel(START, tick=False):
        markers.marker_remove(actor=ppu, marker=marker, reason="No longer needed")
    marker.tactic.refresh_from_db()
    with time_machine.travel(dt.datetime(2026, 6, 1, tzinfo=dt.UTC), tick=False):
        assert not selectors.is_overdue(marker.tactic)
        assert list(selectors.overdue_reviews(ppu)) == []
        assert reminders.raise_review_reminders() == 0


def test_reminders_due_then_overdue_each_once(ppu: Any, marker: Any) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 5, tzinfo=dt.UTC), tick=False):
        assert reminders.raise_review_reminders() == 0  # more than a week away
    with time_machine.travel(dt.datetime(2026, 3, 14, tzinfo=dt.UTC), tick=False):
        assert reminders.raise_review_reminders() == 1
        assert reminders.raise_review_reminders() == 0
    with time_machine.travel(dt.datetime(2026, 3, 25, tzinfo=dt.UTC), tick=False):
        assert reminders.raise_review_reminders() == 1
        assert reminders.raise_review_reminders() == 0
    notes = list(Notification.objects.filter(recipient=ppu).order_by("created_at"))
    assert [n.kind for n in notes] == ["disruption.review_due", "disruption.review_overdue"]
    assert notes[1].title.startswith("Review overdue: Warning or information marker")
    assert notes[1].url == f"/disruption/tactics/{marker.tactic_id}/"
    assert ReviewReminder.objects.count() == 2


def test_a_new_review_date_gets_its_own_reminder(ppu: Any, marker: Any) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 25, tzinfo=dt.UTC), tick=False):
        assert reminders.raise_review_reminders() == 1
        markers.marker_review(
            actor=ppu, marker=marker, next_review_on=dt.date(2026, 3, 28), note="Still needed"
        )
        assert reminders.raise_review_reminders() == 1  # due soon, for the new date
    assert Notification.objects.filter(recipient=ppu).count() == 2


def test_plans_and_orders_are_reminded(ppu: Any, poc: Any, location: Any) -> None:
    with time_machine.travel(START, tick=False):
        plans.plan_save(
            actor=ppu, person_of_concern=poc, objectives="Disrupt", review_on=dt.date(2026, 3, 4)
        )
        tactics.tactic_create(
            actor=ppu,
            tactic_type="closure_order",
            title="Closure order",
            subjects=[(location.pk, "location")],
            review_on=dt.date(2026, 3, 3),
            detail={"starts_on": dt.date(2026, 2, 1), "expires_on": dt.date(2026, 8, 1)},
        )
        assert reminders.raise_review_reminders() == 2
    assert {n.kind for n in Notification.objects.all()} == {"disruption.review_due"}


def test_command_and_task(ppu: Any, marker: Any) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 25, tzinfo=dt.UTC), tick=False):
        out = StringIO()
        call_command("disruption_reminders", stdout=out)
        assert "Raised 1 review reminder(s)." in out.getvalue()
        from cairn.disruption.tasks import raise_review_reminders

        result = raise_review_reminders.enqueue()  # immediate backend in tests
        assert result.return_value == 0
        out = StringIO()
        call_command("disruption_reminders", "--enqueue", stdout=out)
        assert "Enqueued" in out.getvalue()
    assert Notification.objects.filter(recipient=ppu).count() == 1
    assert timezone.is_aware(Notification.objects.get().created_at)
