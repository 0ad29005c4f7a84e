"""Missing episodes: the 72-hour return home interview clock and its states, validation,
and the automatic frequent-missing and missing-overnight indicator observations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cairn.audit.models import AuditEvent
from cairn.concerns.models import IndicatorObservation
from cairn.hub.models import HubSetup
from cairn.missing import services
from cairn.pole.models import Person

pytestmark = pytest.mark.django_db

TZ = timezone.get_current_timezone()


def at(day: int, hour: int, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0, tzinfo=TZ)


@pytest.fixture
def child(make_person: Callable[..., Person]) -> Person:
    return make_person(given_name="Mia", family_name="Example")


def record(actor: Any, child: Person, reported: dt.datetime, found: dt.datetime | None) -> Any:
    return services.episode_record(
        actor=actor, child=child, reported_at=reported, found_at=found, police_risk_grading="medium"
    )


@time_machine.travel(dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC), tick=False)
def test_interview_due_72_hours_after_return_and_its_states(
    child: Person, users: dict[str, Any]
) -> None:
    sw = users["social_worker"]
    episode = record(sw, child, at(17, 18), None)
    assert episode.rhi_due_at is None and episode.rhi_state == "not_due"
    services.episode_return(
        actor=sw, episode=episode, found_at=at(18, 9), where_found="Bus station"
    )
    assert episode.rhi_due_at == at(21, 9)
    assert episode.rhi_state == "due"
    with time_machine.travel(at(21, 10), tick=False):
        assert episode.rhi_state == "overdue"
    services.rhi_record(
        actor=sw,
        episode=episode,
        offered_on=dt.date(2026, 3, 19),
        accepted=True,
        completed_at=at(20, 11),
    )
    assert episode.rhi_state == "completed_in_time"
    late = record(sw, child, at(1, 10), at(1, 20))
    services.rhi_record(
        actor=sw,
        episode=late,
        offered_on=dt.date(2026, 3, 2),
        accepted=True,
        completed_at=at(5, 9),
    )
    assert late.rhi_state == "late"
    assert AuditEvent.objects.filter(event="missing.rhi_recorded").count() == 2


@time_machine.travel(dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC), tick=False)
def test_episode_validation(child: Person, users: dict[str, Any]) -> None:
    sw = users["social_worker"]
    with pytest.raises(ValidationError) as exc:
        record(sw, child, at(25, 10), None)
    assert "reported_at" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        record(sw, child, at(10, 10), at(9, 10))
    assert exc.value.message_dict["found_at"] == [
        "The time found must be after the time reported missing"
    ]
    episode = record(sw, child, at(10, 10), at(10, 14))
    with pytest.raises(ValidationError) as exc:
        services.rhi_record(
            actor=sw,
            episode=episode,
            offered_on=dt.date(2026, 3, 11),
            accepted=False,
            completed_at=at(11, 10),
        )
    assert "completed_at" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        record(users["analyst"], child, at(10, 10), None)


@time_machine.travel(dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC), tick=False)
def test_third_episode_in_90_days_adds_frequent_missing_with_reason(
    child: Person, users: dict[str, Any]
) -> None:
    sw = users["social_worker"]
    record(sw, child, at(1, 10, month=1), at(1, 15, month=1))
    record(sw, child, at(10, 10, month=2), at(10, 15, month=2))
    assert not IndicatorObservation.objects.filter(indicator__code="frequent_missing").exists()
    third = record(sw, child, at(15, 10), at(15, 16))
    obs = IndicatorObservation.objects.get(indicator__code="frequent_missing")
    assert obs.child == child and obs.source == f"Missing episode {third.reference}"
    assert obs.evidence.startswith("Added automatically: 3 missing episodes in 90 days")
    assert obs.observed_on == dt.date(2026, 3, 15)
    assert AuditEvent.objects.filter(event="missing.indicator_added", subject_id=child.pk).count()


@time_machine.travel(dt.datetime(2026, 6, 20, 12, 0, tzinfo=dt.UTC), tick=False)
def test_episodes_spread_beyond_the_window_do_not_count(
    child: Person, users: dict[str, Any]
) -> None:
    sw = users["social_worker"]
    record(sw, child, at(1, 10, month=1), at(1, 15, month=1))
    record(sw, child, at(10, 10, month=4), at(10, 15, month=4))
    record(sw, child, at(15, 10, month=6), at(15, 16, month=6))
    assert not IndicatorObservation.objects.filter(indicator__code="frequent_missing").exists()


@time_machine.travel(dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC), tick=False)
def test_threshold_is_configurable(child: Person, users: dict[str, Any]) -> None:
    HubSetup.objects.create(pk=1, frequent_missing_count=2, frequent_missing_days=30)
    sw = users["social_worker"]
    record(sw, child, at(1, 10), at(1, 15))
    record(sw, child, at(5, 10), at(5, 15))
    assert IndicatorObservation.objects.filter(indicator__code="frequent_missing").count() == 1


@time_machine.travel(dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC), tick=False)
def test_overnight_episode_adds_missing_overnight_once(
    child: Person, users: dict[str, Any]
) -> None:
    sw = users["social_worker"]
    record(sw, child, at(10, 10), at(10, 22))  # same day: not overnight
    assert not IndicatorObservation.objects.filter(indicator__code="missing_overnight").exists()
    episode = record(sw, child, at(12, 21), None)
    assert not IndicatorObservation.objects.filter(indicator__code="missing_overnight").exists()
    services.episode_return(actor=sw, episode=episode, found_at=at(13, 7))
    obs = IndicatorObservation.objects.get(indicator__code="missing_overnight")
    assert "missing from 12 Mar 2026 21:00 to 13 Mar 2026 07:00" in obs.evidence
    with pytest.raises(ValidationError):
        services.episode_return(actor=sw, episode=episode, found_at=at(13, 8))
    assert IndicatorObservation.objects.filter(indicator__code="missing_overnight").count() == 1
