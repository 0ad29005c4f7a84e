"""Disruption plans for a person of concern: objectives, review date, tactics."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from cairn.audit import services as audit
from cairn.core.concurrency import DraftChanged, lock
from cairn.core.http import require
from cairn.core.types import Actor
from cairn.disruption.access import is_police_user, visible_tactics
from cairn.disruption.models import DisruptionPlan
from cairn.pole.access import access_person_by_id
from cairn.pole.models import Person

from ._common import _today


@transaction.atomic
def plan_save(
    *,
    actor: Actor,
    person_of_concern: Person,
    objectives: str,
    review_on: dt.date,
    tactic_ids: list[int] | None = None,
    plan: DisruptionPlan | None = None,
    expected_version: str | None = None,
) -> DisruptionPlan:
    """Start or change a plan. `expected_version` is the plan's version its answers were
    reconciled with (`cairn.core.step_guard`): a change that overtook this one raises
    DraftChanged (the page reconciles again)."""
    require(actor, "disruption.manage_plan", agency=True)
    if plan is not None:
        lock(plan)
        if expected_version is not None and expected_version != plan.version:
            raise DraftChanged(plan.updated_at)
    person_of_concern = access_person_by_id(actor, person_of_concern.pk)
    errors: dict[str, str] = {}
    if not objectives.strip():
        errors["objectives"] = "Enter the plan's objectives"
    if review_on is None or review_on <= _today():
        errors["review_on"] = "Review date must be in the future"
    if errors:
        raise ValidationError(errors)
    tactics = list(visible_tactics(actor).filter(pk__in=tactic_ids or []))
    if len(tactics) != len(set(tactic_ids or [])):
        raise ValidationError({"tactic_ids": "Choose tactics you can see"})
    created = plan is None
    if plan is None:
        plan = DisruptionPlan(
            person_of_concern=person_of_concern,
            owner=actor,
            owning_agency=actor.agency,
            police_only=is_police_user(actor),
        )
    elif plan.person_of_concern_id != person_of_concern.pk:
        raise ValidationError({"person_of_concern": "This plan is for someone else"})
    plan.objectives = objectives.strip()
    plan.review_on = review_on
    plan.save()
    plan.tactics.set(tactics)
    audit.record(
        actor=actor,
        event="plan.created" if created else "plan.changed",
        obj=plan,
        subject=person_of_concern,
        justification="Disruption plan saved",
        details={"tactics": [t.pk for t in tactics]},
    )
    return plan
