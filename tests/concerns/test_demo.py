"""The demo concerns tell the stories they claim to."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from cairn.concerns.demo import load_demo
from cairn.concerns.models import Concern, RiskDecision
from cairn.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_demo_concerns_include_a_boyfriend_model_progression() -> None:
    call_command("demo_data", verbosity=0)
    if not Concern.objects.exists():  # the demo command may already load app demos
        load_demo(seed=1)
    stages = {}
    for concern in Concern.objects.exclude(boyfriend_stage=None).order_by("observed_on"):
        stages.setdefault(concern.child_id, []).append(concern.boyfriend_stage)
    assert [1, 2, 3] in stages.values()
    child_id = next(k for k, v in stages.items() if v == [1, 2, 3])
    levels = list(
        RiskDecision.objects.filter(child_id=child_id, source="concern")
        .order_by("decided_at")
        .values_list("level", flat=True)
    )
    assert levels == ["emerging", "moderate", "significant"]
    assert Notification.objects.filter(kind="risk.raised").exists()
    assert any("county_lines" in c.exploitation_types for c in Concern.objects.all())
    # Idempotent: a second call adds nothing.
    count = Concern.objects.count()
    load_demo(seed=1)
    assert Concern.objects.count() == count
