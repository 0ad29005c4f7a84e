"""Disposal of a person record: every store that held its personal data is emptied, the
other agencies' linked records stay and their owners are told, a tombstone shows, the
audit rows stay and the hash chain still verifies (ADR 0024)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cairn.audit.models import AuditEvent, AuditValue, AuditValueSubject, values_commitment
from cairn.audit.verify import verify_chain
from cairn.intelligence import search as intel_search
from cairn.intelligence import services as intel
from cairn.intelligence.models import Submission, SubmissionEntity
from cairn.network import selectors as network
from cairn.network.matching.online import match_person
from cairn.network.models import CandidatePair
from cairn.notifications.models import Notification
from cairn.pole import services as pole
from cairn.pole.access import access_person_by_id
from cairn.pole.models import Entity, EntityShare, Link, Person, PersonName
from cairn.pole.search import search_people
from cairn.retention.models import RecordType, Tombstone

from ..intelligence.conftest import intel_data
from .conftest import age

pytestmark = pytest.mark.django_db

NAME = "Oldrecordson"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(
    users: dict[str, Any],
    agencies: dict[str, Any],
    make_person: Callable[..., Person],
    old_police_person: Person,
) -> dict[str, Any]:
    """The old police record with something in every store that can hold its data."""
    fib = users["fib_officer"]
    person = old_police_person
    pole.person_add_name(
        actor=fib, person=person, kind="alias", given_name="Quill", family_name=NAME
    )
    pole.person_update(actor=fib, person=person, description="Tall, red coat")
    colleague = make_person(
        actor=fib, given_name="Marek", family_name="Policeheld", category="person_of_concern"
    )
    trust_child = make_person(
        given_name="Ellery", family_name="Trustheld", hub_shared=True
    )  # recorded by the Trust's social worker
    for other in (colleague, trust_child):
        pole.link_record(
            actor=fib,
            from_entity_id=person.pk,
            to_entity_id=other.pk,
            link_type="associate",
            source_note="Seen together in 2018",
        )
    pole.person_share(
        actor=fib, person_id=person.pk, agency=agencies["trust"], reason="Hub discussion"
    )
    low, high = sorted((person.pk, colleague.pk))
    CandidatePair.objects.create(
        person_a_id=low,
        person_b_id=high,
        match_weight=9.0,
        match_probability=0.9,
        model_version="t",
    )
    entry = intel.submission_create(
        actor=fib,
        data=intel_data(
            subject_id=person.pk,
            subject_description=f"Quillon {NAME}",
            what=f"Quillon {NAME} was seen at the bus station with two children.",
            mentions=[],
        ),
    )
    intel.submission_evaluate(
        actor=fib, submission=entry, source_grade="2", intel_grade="B", handling="P"
    )
    intel.submission_sanitise(
        actor=fib, submission=entry, text=f"{NAME} was seen at the bus station with children."
    )
    SubmissionEntity.objects.create(submission=entry, entity=person.entity, linked_by=fib)
    # Searching by name keeps the name typed beside the audit row, about who was found.
    _client(fib).get(reverse("pole:person-search"), {"q": NAME})
    # All that happened years ago: the record is due under MoPI group 3.
    long_ago = timezone.now() - dt.timedelta(days=8 * 365)
    age(person, long_ago)
    Link.objects.filter(from_entity_id=person.pk).update(updated_at=long_ago, created_at=long_ago)
    return {"person": person, "colleague": colleague, "trust_child": trust_child, "entry": entry}


def _dispose(ig: Any, person: Person) -> Any:
    client = _client(ig)
    assert client.get(reverse("retention:review", args=["person", person.pk])).status_code == 200
    page = client.get(reverse("retention:dispose", args=["person", person.pk]))
    assert "Disposal cannot be undone" in page.content.decode()
    return client.post(
        reverse("retention:dispose", args=["person", person.pk]),
        {"reason": "No further action since 2018; no risk identified", "confirm": "on"},
    )


def test_disposal_empties_every_store_and_keeps_the_chain(
    users: dict[str, Any], ig_police: Any, world: dict[str, Any]
) -> None:
    person, entry = world["person"], world["entry"]
    fib = users["fib_officer"]
    # Before: found everywhere.
    assert [m.person.pk for m in search_people(fib, query=NAME)] == [person.pk]
    assert list(intel_search.search(fib, intel_search.Filters(q=NAME))) == [entry]
    kept = AuditValue.objects.filter(subjects__subject_id=person.pk)
    assert kept.count() == 2  # the edit's before/after, and the search's typed name
    commitments = {
        v.event_id: v.event.details["values"]["sha256"] for v in kept.select_related("event")
    }
    assert all(values_commitment(v.salt, v.values) == commitments[v.event_id] for v in kept)
    rows_before = AuditEvent.objects.count()

    response = _dispose(ig_police, person)
    assert response.status_code == 302, response.content.decode()
    tombstone = Tombstone.objects.get(record_type=RecordType.PERSON, record_id=person.pk)
    assert response["Location"] == reverse("retention:tombstone", args=[tombstone.pk])

    # The record itself: no names, no date of birth, withheld from everyone.
    person.refresh_from_db()
    assert (person.given_name, person.family_name, person.date_of_birth) == (
        "Disposed record",
        "",
        None,
    )
    assert person.description == ""
    entity = Entity.objects.get(pk=person.pk)
    assert entity.disposed_at is not None and entity.label == "Disposed record"
    with pytest.raises(Http404):
        access_person_by_id(fib, person.pk)
    # Search and matching indexes.
    assert not PersonName.objects.filter(person=person).exists()
    assert search_people(fib, query=NAME) == []
    assert search_people(fib, query="Quill") == []
    matches = match_person(
        fib, {"given_name": "Quillon", "family_name": NAME, "date_of_birth": dt.date(1990, 3, 3)}
    )
    assert person.pk not in [m.person_id for m in matches]
    # Links, shares, duplicate pairs, mentions; the other records stay.
    assert not Link.objects.filter(from_entity=person.entity).exists()
    assert not Link.objects.filter(to_entity=person.entity).exists()
    assert (
        Person.objects.filter(pk__in=[world["colleague"].pk, world["trust_child"].pk]).count() == 2
    )
    assert not EntityShare.objects.filter(entity=person.entity).exists()
    assert not CandidatePair.objects.filter(person_a_id=person.pk).exists()
    assert not CandidatePair.objects.filter(person_b_id=person.pk).exists()
    assert not SubmissionEntity.objects.filter(entity=person.entity).exists()
    # The police entry about the person: free text gone, and its full-text index with it.
    entry = Submission.objects.get(pk=entry.pk)
    assert NAME not in entry.what + entry.subject_description + entry.sanitised_text
    assert list(intel_search.search(fib, intel_search.Filters(q=NAME))) == []
    # The network and its exports.
    _, net = network.network_for_person(fib, world["colleague"].pk)
    assert person.pk not in net.nodes
    _, csv_bytes = network.export_network(fib, world["colleague"].pk, "csv")
    assert NAME.encode() not in csv_bytes
    # The audit log: no row deleted, values erased, the chain verifies.
    assert not AuditValue.objects.filter(pk__in=commitments.keys()).exists()
    assert not AuditValueSubject.objects.filter(subject_id=person.pk).exists()
    assert AuditEvent.objects.filter(pk__in=commitments.keys()).count() == 2
    assert AuditEvent.objects.count() > rows_before
    erasure = AuditEvent.objects.get(event="retention.disposed")
    assert (erasure.action, erasure.subject_id) == ("erasure", person.pk)
    assert NAME not in str(erasure.details)
    assert verify_chain().ok
    call_command("audit_verify")  # raises CommandError on any problem
    for row in AuditEvent.objects.filter(subject_id=person.pk):
        assert NAME not in str(row.details)
    # The Trust, whose child was linked, is told, without personal data.
    told = Notification.objects.get(kind="retention.linked_disposed")
    assert told.recipient == users["social_worker"]
    assert NAME not in told.title + told.body and "Quillon" not in told.title + told.body
    assert told.url == reverse("pole:person-detail", args=[world["trust_child"].pk])
    assert tombstone.owners_told == ["Testshire Children's Trust"]
    # The tombstone shows.
    page = _client(ig_police).get(response["Location"]).content.decode()
    assert f"Person record {person.pk} was disposed of" in page
    assert "MoPI group 3" in page and "No further action since 2018" in page
    assert NAME not in page
    # The audit viewer shows the values were erased.
    row = _client(ig_police).get(
        reverse("audit:event", args=[AuditEvent.objects.get(pk=min(commitments)).chain_index])
    )
    assert "Erased when the record was disposed of" in row.content.decode()


def test_disposal_is_once_only_and_leaves_the_queue(ig_police: Any, world: dict[str, Any]) -> None:
    person = world["person"]
    assert _dispose(ig_police, person).status_code == 302
    client = _client(ig_police)
    # Gone from the queue and from review; a second submit finds nothing to dispose of.
    queue = client.get(reverse("retention:queue")).content.decode()
    assert reverse("retention:review", args=["person", person.pk]) not in queue
    again = client.post(
        reverse("retention:dispose", args=["person", person.pk]),
        {"reason": "again", "confirm": "on"},
    )
    assert again.status_code == 404
    assert Tombstone.objects.count() == 1


def test_confirmation_is_required_and_the_reason_kept(
    ig_police: Any, world: dict[str, Any]
) -> None:
    person = world["person"]
    response = _client(ig_police).post(
        reverse("retention:dispose", args=["person", person.pk]), {"reason": "No further action"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Confirm that you understand disposal cannot be undone" in html
    assert "No further action" in html  # what was typed is not lost
    assert not Tombstone.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text index")
def test_postgresql_full_text_index_no_longer_finds_the_entry(
    users: dict[str, Any], ig_police: Any, world: dict[str, Any]
) -> None:
    entry = world["entry"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM intelligence_submission WHERE id = %s AND "
            "sanitised_search @@ plainto_tsquery('english', %s)",
            [entry.pk, NAME],
        )
        assert cursor.fetchone()[0] == 1
    assert _dispose(ig_police, world["person"]).status_code == 302
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM intelligence_submission WHERE "
            "sanitised_search @@ plainto_tsquery('english', %s)",
            [NAME],
        )
        assert cursor.fetchone()[0] == 0
