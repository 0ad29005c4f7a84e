"""A disruption plan changed by two people at once (issue 18 #2: every editable record
gets a version): each keeps the other's change; an answer both changed differently is
shown again with both, nothing saved (`cairn.core.step_guard`)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cairn.disruption.services import plans
from cairn.pole.models import Person

from ..core.tabs import Tab
from .conftest import future

pytestmark = pytest.mark.django_db


def test_two_people_changing_a_plan(ppu: Any, poc: Person, make_user: Any) -> None:
    colleague = make_user("ppu_coordinator", username="ppu_two")
    plan = plans.plan_save(
        actor=ppu,
        person_of_concern=poc,
        objectives="Stop contact with children",
        review_on=future(60),
    )
    url = reverse("disruption:plan-edit", args=[plan.pk])
    mine, theirs = Tab(ppu, url), Tab(colleague, url)
    later = future(30)

    assert mine.send(objectives="Stop contact; disrupt the car").status_code == 302
    assert (
        theirs.send(
            review_on_day=str(later.day),
            review_on_month=str(later.month),
            review_on_year=str(later.year),
        ).status_code
        == 302
    )
    plan.refresh_from_db()
    assert (plan.objectives, plan.review_on) == ("Stop contact; disrupt the car", later)

    first, second = Tab(ppu, url), Tab(colleague, url)
    assert first.send(objectives="Objectives from the first").status_code == 302
    response = second.send(objectives="Objectives from the second")
    assert response.status_code == 409
    assert "“Objectives from the first”" in response.content.decode()
    plan.refresh_from_db()
    assert plan.objectives == "Objectives from the first"
    second.redraw(response)
    assert second.send().status_code == 302
    plan.refresh_from_db()
    assert plan.objectives == "Objectives from the second"
