"""The demo loader creates every tactic type through the services, coherently."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from cairn.disruption import selectors
from cairn.disruption.demo import load_demo
from cairn.disruption.models import (
    CawnBreach,
    DisruptionPlan,
    LocationAssessment,
    Tactic,
    TacticType,
)

pytestmark = pytest.mark.django_db


def test_demo_has_every_tactic_type() -> None:
    call_command("demo_data", verbosity=0)
    load_demo()
    types = set(Tactic.objects.values_list("tactic_type", flat=True))
    assert types == set(TacticType.values)
    assert CawnBreach.objects.count() == 1
    assert DisruptionPlan.objects.count() == 1
    assert LocationAssessment.objects.get().actions.count() == 2
    from cairn.accounts.models import User

    ppu = User.objects.get(username="ppu.demo")
    assert selectors.overdue_reviews(ppu).filter(tactic_type="marker").count() == 1
    assert len(selectors.repeated_sightings_near_children(ppu)) == 1
    before = Tactic.objects.count()
    load_demo()  # a second run adds nothing
    assert Tactic.objects.count() == before
