"""Review reminders: due (within a week) and overdue reviews of tactics and plans, raised
into their owners' inboxes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse

from cairn.audit import services as audit
from cairn.disruption.models import (
    DisruptionPlan,
    ReminderStage,
    ReviewReminder,
    Tactic,
    TacticStatus,
)
from cairn.notifications import services as notifications

from ._common import _today

# A review due within this many days raises a "due soon" reminder.
REMINDER_LEAD_DAYS = 7


def _review_items(today: dt.date) -> list[tuple[Tactic | DisruptionPlan, dt.date]]:
    horizon = today + dt.timedelta(days=REMINDER_LEAD_DAYS)
    tactics = (
        Tactic.objects.filter(
            review_on__isnull=False,
            review_on__lte=horizon,
            status__in=[TacticStatus.PLANNED, TacticStatus.IN_PROGRESS],
        )
        .exclude(marker__removed_at__isnull=False)
        .select_related("owner")
    )
    plans = DisruptionPlan.objects.filter(review_on__lte=horizon).select_related("owner")
    items: list[tuple[Tactic | DisruptionPlan, dt.date]] = []
    items += [(t, t.review_on) for t in tactics if t.review_on is not None]
    items += [(p, p.review_on) for p in plans]
    return items


@transaction.atomic
def raise_review_reminders(*, today: dt.date | None = None) -> int:
    """Raise due (within a week) and overdue reviews of tactics (markers, CAWNs, orders)
    and plans into their owners' inboxes. Idempotent: one reminder per item, review date
    and stage, however often it runs. Returns how many reminders were raised."""
    today = today or _today()
    raised = 0
    for item, due_on in _review_items(today):
        stage = ReminderStage.OVERDUE if due_on < today else ReminderStage.DUE
        is_plan = isinstance(item, DisruptionPlan)
        key: dict[str, Any] = {"plan_id": item.pk} if is_plan else {"tactic_id": item.pk}
        _, created = ReviewReminder.objects.get_or_create(**key, due_on=due_on, stage=stage)
        if not created:
            continue
        if is_plan:
            what = "Disruption plan"
            url = reverse("disruption:plan-detail", args=[item.pk])
        else:
            assert isinstance(item, Tactic)
            what = f"{item.get_tactic_type_display()} {item.reference}"
            url = reverse("disruption:tactic-detail", args=[item.pk])
        verb = "was due" if stage == ReminderStage.OVERDUE else "is due"
        notifications.notify(
            recipients=[item.owner],
            kind=f"disruption.review_{stage}",
            title=f"Review {'overdue' if stage == 'overdue' else 'due'}: {what}",
            body=f"The review of {what} {verb} on {due_on:%-d %B %Y}.",
            url=url,
            obj=item,
        )
        raised += 1
    if raised:
        audit.record_system(
            event="disruption.reminders_raised",
            justification="Scheduled review reminders",
            details={"raised": raised, "on": today.isoformat()},
        )
    return raised
