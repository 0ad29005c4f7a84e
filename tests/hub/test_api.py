"""Hub API: meetings and actions; allowed and denied callers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from cairn.audit.models import AuditEvent
from cairn.hub import services
from cairn.hub.models import Meeting
from cairn.pole.models import Person

from ..api.conftest import ApiClient
from .conftest import ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(
    make_person: Callable[..., Person],
    decide: Callable[..., Any],
    schedule: Callable[..., Meeting],
    chair: Any,
    members: Any,
    users: dict[str, Any],
) -> Meeting:
    child = make_person(given_name="Api", family_name="Child")
    decide(child, "significant", ago(days=1))
    meeting = schedule()
    [item] = services.agenda_generate(actor=chair, meeting=meeting)
    services.action_create(
        actor=chair,
        item=item,
        description="Safety plan",
        owner=users["social_worker"],
        due_on=timezone.localdate() + dt.timedelta(days=3),
    )
    return meeting


def test_meetings_allowed_and_denied(
    api_as: Callable[[Any], ApiClient],
    users: dict[str, Any],
    meeting: Meeting,
    make_user: Callable[..., Any],
) -> None:
    chair = api_as(users["hub_chair"])
    listed = chair.get("/hub/meetings").json()
    assert [m["id"] for m in listed["results"]] == [meeting.pk]
    assert (listed["page"], listed["pages"], listed["page_size"]) == (1, 1, 25)
    assert chair.get("/hub/meetings", page_size=0).status_code == 422
    detail = chair.get(f"/hub/meetings/{meeting.pk}")
    assert detail.status_code == 200
    body = detail.json()
    assert body["items"][0]["title"] == "Api Child"
    assert body["items"][0]["actions"][0]["description"] == "Safety plan"
    assert AuditEvent.objects.filter(event="hub.meeting_viewed", source="api").exists()
    # The invited representative sees it; someone not involved gets 404 / an empty list.
    assert api_as(users["social_worker"]).get(f"/hub/meetings/{meeting.pk}").status_code == 200
    teacher = api_as(make_user("practitioner", agency="school", username="teacher"))
    assert teacher.get(f"/hub/meetings/{meeting.pk}").status_code == 404
    assert teacher.get("/hub/meetings").json()["count"] == 0
    assert api_as(users["system_admin"]).get("/hub/meetings").status_code == 403
    assert ApiClient().get("/hub/meetings").status_code == 401


def test_actions_list_and_complete(
    api_as: Callable[[Any], ApiClient], users: dict[str, Any], meeting: Meeting
) -> None:
    owner = api_as(users["social_worker"])
    mine = owner.get("/hub/actions").json()
    assert mine["count"] == 1 and mine["results"][0]["overdue"] is False
    assert mine["page_size"] == 25
    assert owner.get("/hub/actions", page=9, page_size=1).json()["page"] == 1
    action_id = mine["results"][0]["id"]
    assert owner.get("/hub/actions", state="overdue").json()["count"] == 0
    police = api_as(users["fib_officer"])
    assert police.get(f"/hub/actions/{action_id}").status_code == 404
    assert police.post(f"/hub/actions/{action_id}/complete", {"note": "x"}).status_code == 404
    assert owner.post(f"/hub/actions/{action_id}/complete", {"note": ""}).status_code == 422
    done = owner.post(f"/hub/actions/{action_id}/complete", {"note": "Plan agreed"})
    assert done.status_code == 200 and done.json()["status"] == "complete"
    assert api_as(users["ig_admin"]).get("/hub/actions").status_code == 403
