from __future__ import annotations

import pytest
from django.core.management import call_command

from cairn.accounts.models import User
from cairn.intelligence import selectors
from cairn.intelligence.demo import load_demo
from cairn.intelligence.models import Status, Submission
from cairn.pole.models import Vehicle

pytestmark = pytest.mark.django_db


def test_demo_loads_every_state_and_correlations() -> None:
    call_command("demo_data")
    Submission.objects.all().delete()  # demo_data may already have loaded it
    vehicles_before = Vehicle.objects.count()
    load_demo()
    statuses = set(Submission.objects.values_list("status", flat=True))
    assert {
        Status.NEW,
        Status.TRIAGED,
        Status.EVALUATED,
        Status.DISSEMINATED,
        Status.CLOSED,
    } <= statuses
    assert Submission.objects.filter(legacy_grade="B24").exists()
    fib = User.objects.get(username="fib.demo")
    first = Submission.objects.filter(status=Status.DISSEMINATED).order_by("pk").first()
    assert first is not None
    # The car in the first report recurs in later ones, and is the demo hub's own record.
    correlations = selectors.correlations(fib, first)
    assert any(c.count >= 1 and c.entity.kind == "vehicle" for c in correlations)
    assert Vehicle.objects.count() == vehicles_before
    load_demo()  # idempotent
    assert Submission.objects.count() == 8
