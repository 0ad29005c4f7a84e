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

from ..api.conftest import ApiClient

pytestmark = pytest.mark.django_db


def test_queue_retain_and_dispose(
    api_as: Callable[[Any], ApiClient],
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
    api_as: Callable[[Any], ApiClient],
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


def _due_entry(users: dict[str, Any], make_person: Callable[..., Person]) -> Any:
    """A police entry, closed by the FIB, last touched eight years ago (MoPI group 3)."""
    from cairn.intelligence import services as intel
    from cairn.intelligence.models import Submission

    from ..intelligence.conftest import intel_data

    fib = users["fib_officer"]
    subject = make_person(actor=fib, given_name="Apiwen", category="person_of_concern")
    entry = intel.submission_create(actor=fib, data=intel_data(subject_id=subject.pk))
    long_ago = timezone.now() - dt.timedelta(days=8 * 365)
    Submission.objects.filter(pk=entry.pk).update(
        status="closed", created_at=long_ago, updated_at=long_ago
    )
    return entry


def test_dispose_of_an_entry_and_a_second_call_conflicts(
    api_as: Callable[[Any], ApiClient],
    ig_police: Any,
    users: dict[str, Any],
    make_person: Callable[..., Person],
    rules: None,
) -> None:
    from cairn.intelligence.models import SourceRecord, Submission

    entry = _due_entry(users, make_person)
    fib = api_as(users["fib_officer"])
    assert fib.get(f"/intelligence/submissions/{entry.pk}").status_code == 200
    api = api_as(ig_police)
    queue = api.get("/retention/queue").json()["results"]
    assert {(e["record_type"], e["record_id"]) for e in queue} >= {
        ("intelligence.submission", entry.pk)
    }
    done = api.post(
        f"/retention/intelligence/{entry.pk}/dispose", {"reason": "MoPI 3 lapsed", "confirm": True}
    )
    assert done.status_code == 200, done.content
    assert done.json()["record_type"] == "intelligence.submission"
    assert Submission.objects.get(pk=entry.pk).disposed_at is not None
    assert not SourceRecord.objects.filter(submission_id=entry.pk).exists()
    again = api.post(
        f"/retention/intelligence/{entry.pk}/dispose", {"reason": "again", "confirm": True}
    )
    assert again.status_code == 409
    assert Tombstone.objects.count() == 1
    # The FIB's API no longer lists or opens it.
    assert fib.get(f"/intelligence/submissions/{entry.pk}").status_code == 404
    listed = fib.get("/intelligence/submissions").json()
    assert entry.pk not in [row["id"] for row in listed["results"]]


def test_a_blocked_entry_is_refused_with_the_reason(
    api_as: Callable[[Any], ApiClient],
    ig_police: Any,
    users: dict[str, Any],
    make_person: Callable[..., Person],
    rules: None,
) -> None:
    from cairn.intelligence.models import Submission

    entry = _due_entry(users, make_person)
    Submission.objects.filter(pk=entry.pk).update(status="triaged")
    refused = api_as(ig_police).post(
        f"/retention/intelligence/{entry.pk}/dispose", {"reason": "x", "confirm": True}
    )
    assert refused.status_code == 422
    assert "still in the FIB's workflow" in refused.content.decode()
    assert not Tombstone.objects.exists()


@pytest.mark.parametrize("role", ["fib_officer", "ig_admin", "social_worker"])
@pytest.mark.parametrize("kind", ["concern", "intelligence"])
def test_others_may_not_dispose_of_concerns_or_entries(
    api_as: Callable[[Any], ApiClient],
    users: dict[str, Any],
    make_person: Callable[..., Person],
    rules: None,
    role: str,
    kind: str,
) -> None:
    from cairn.concerns import services as concern_services

    from ..concerns.conftest import complete_payload

    if kind == "intelligence":
        record_id = _due_entry(users, make_person).pk
    else:  # a police officer's concern: the Trust's IG and everyone else are refused
        child = make_person(actor=users["fib_officer"], given_name="Apiconcern")
        record_id = concern_services.concern_create(
            actor=users["ppu_coordinator"], data=complete_payload(child.pk, mentions=[])
        ).pk
    response = api_as(users[role]).post(
        f"/retention/{kind}/{record_id}/dispose", {"reason": "x", "confirm": True}
    )
    # The record is not theirs to review: refused as if it did not exist.
    assert response.status_code == 404
    assert not Tombstone.objects.exists()


def test_an_unknown_kind_is_refused(
    api_as: Callable[[Any], ApiClient],
    ig_police: Any,
) -> None:
    response = api_as(ig_police).post(
        "/retention/thing/1/dispose", {"reason": "x", "confirm": True}
    )
    assert response.status_code == 422
