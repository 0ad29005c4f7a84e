"""The retention API: the same queue, decisions and disposal as the web pages, for IG of
the record's agency only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from cairn.audit.models import AuditEvent
from cairn.pole.models import Entity, Person
from cairn.retention.models import Tombstone

from ..api.conftest import ApiClient, api_as, token_for  # noqa: F401

pytestmark = pytest.mark.django_db


def test_queue_retain_and_dispose(
    api_as: Callable[[Any], ApiClient],  # noqa: F811
    ig_police: Any,
    old_police_person: Person,
    users: dict[str, Any],
    make_person: Callable[..., Person],
) -> None:
    api = api_as(ig_police)
    body = api.get("/retention/queue").json()
    assert body["count"] == 1
    entry = body["results"][0]
    assert entry["record_id"] == old_police_person.pk
    assert entry["rule"]["code"] == "mopi-3" and entry["blockers"] == []
    assert AuditEvent.objects.filter(event="retention.queue_viewed", source="api").exists()

    refused = api.post(
        f"/retention/person/{old_police_person.pk}/dispose", {"reason": "x", "confirm": False}
    )
    assert refused.status_code == 422
    done = api.post(
        f"/retention/person/{old_police_person.pk}/dispose",
        {"reason": "No further action", "confirm": True},
    )
    assert done.status_code == 200, done.content
    tomb = done.json()
    assert tomb["record_id"] == old_police_person.pk and tomb["rule"] == "mopi-3"
    assert Entity.objects.get(pk=old_police_person.pk).disposed_at is not None
    assert api.get(f"/retention/tombstones/{tomb['id']}").json()["reference"] == tomb["reference"]

    other = make_person(actor=users["fib_officer"], given_name="Keepme")
    Entity.objects.filter(pk=other.pk).update(
        updated_at=timezone.now() - dt.timedelta(days=7 * 365)
    )
    next_review = timezone.localdate() + dt.timedelta(days=400)
    kept = api.post(
        f"/retention/person/{other.pk}/retain",
        {"reason": "Current investigation", "next_review_on": next_review.isoformat()},
    )
    assert kept.status_code == 200, kept.content
    assert kept.json()["outcome"] == "retain"
    assert api.get("/retention/queue").json()["count"] == 0


@pytest.mark.parametrize("role", ["fib_officer", "ig_admin", "social_worker"])
def test_others_get_404(
    api_as: Callable[[Any], ApiClient],  # noqa: F811
    users: dict[str, Any],
    old_police_person: Person,
    role: str,
) -> None:
    api = api_as(users[role])
    if role != "ig_admin":
        assert api.get("/retention/queue").status_code == 404
    response = api.post(
        f"/retention/person/{old_police_person.pk}/dispose", {"reason": "x", "confirm": True}
    )
    assert response.status_code == 404
    assert not Tombstone.objects.exists()
