"""Missing episodes API (under /api/v1/hub/missing-episodes, where the Hub app served it):
record, return, interview, list; allowed and denied callers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from cairn.missing.models import MissingEpisode
from cairn.pole.models import Person

from ..api.conftest import ApiClient

pytestmark = pytest.mark.django_db


def test_missing_episodes(
    api_as: Callable[[Any], ApiClient],
    users: dict[str, Any],
    make_person: Callable[..., Person],
    make_user: Callable[..., Any],
) -> None:
    child = make_person(given_name="Rue")
    sw = api_as(users["social_worker"])
    reported = (timezone.now() - dt.timedelta(days=2)).isoformat()
    created = sw.post(
        "/hub/missing-episodes",
        {"child_id": child.pk, "reported_at": reported, "police_risk_grading": "high"},
    )
    assert created.status_code == 201, created.content
    episode_id = created.json()["id"]
    assert created.json()["rhi_state"] == "not_due"
    found = timezone.now() - dt.timedelta(days=1)
    returned = sw.post(
        f"/hub/missing-episodes/{episode_id}/return", {"found_at": found.isoformat()}
    )
    assert returned.status_code == 200
    assert returned.json()["rhi_due_at"] is not None
    done = sw.post(
        f"/hub/missing-episodes/{episode_id}/interview",
        {
            "offered_on": timezone.localdate().isoformat(),
            "accepted": True,
            "completed_at": timezone.now().isoformat(),
        },
    )
    assert done.status_code == 200 and done.json()["rhi_state"] == "completed_in_time"
    listed = sw.get("/hub/missing-episodes", child_id=child.pk).json()
    assert (listed["count"], listed["page_size"]) == (1, 25)
    assert listed["results"][0]["id"] == episode_id and listed["results"][0]["rhi_state"] == (
        "completed_in_time"
    )
    bad = sw.post(
        "/hub/missing-episodes",
        {"child_id": child.pk, "reported_at": (timezone.now() + dt.timedelta(days=1)).isoformat()},
    )
    assert bad.status_code == 422
    teacher = api_as(make_user("practitioner", agency="school", username="teacher"))
    assert teacher.get(f"/hub/missing-episodes/{episode_id}").status_code == 404
    assert teacher.get("/hub/missing-episodes").json()["count"] == 0
    assert (
        teacher.post(
            "/hub/missing-episodes", {"child_id": child.pk, "reported_at": reported}
        ).status_code
        == 404
    )
    analyst = api_as(users["analyst"])
    assert (
        analyst.post(
            "/hub/missing-episodes", {"child_id": child.pk, "reported_at": reported}
        ).status_code
        == 403
    )
    assert MissingEpisode.objects.count() == 1
