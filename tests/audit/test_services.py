"""The auditor: actor required, contiguous hash chain, append-only in the ORM and (on
PostgreSQL) at the database."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from cairn.accounts.models import User
from cairn.audit import services as audit
from cairn.audit.models import GENESIS_HASH, AppendOnlyError, AuditChainHead, AuditEvent
from cairn.audit.services import MissingActorError

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="The append-only trigger exists only on PostgreSQL (migration 0002); SQLite "
    "relies on the ORM guard and the hash chain.",
)


def _record_some(user: User, count: int = 3) -> list[AuditEvent]:
    return [
        audit.record(actor=user, event="person.viewed", subject=100 + n, justification=f"n{n}")
        for n in range(count)
    ]


def test_record_requires_an_actor() -> None:
    with pytest.raises(MissingActorError):
        audit.record(actor=None, event="person.viewed")
    assert not AuditEvent.objects.exists()


def test_record_refuses_an_unsaved_actor(agencies: Any) -> None:
    with pytest.raises(MissingActorError):
        audit.record(actor=User(username="ghost"), event="person.viewed")
    assert not AuditEvent.objects.exists()


def test_record_refuses_unregistered_events(users: dict[str, User]) -> None:
    with pytest.raises(ValueError, match="Unregistered"):
        audit.record(actor=users["ig_admin"], event="audit.not_a_real_event")


def test_record_snapshots_the_actor(users: dict[str, User]) -> None:
    user = users["fib_officer"]
    event = audit.record(
        actor=user, event="entity.shared", recipient="Testshire Academy", subject=77
    )
    assert event.actor_username == user.username
    assert event.actor_agency == "Testshire Police"
    assert event.actor_role == "fib_officer"
    assert event.action == "disclosure"
    assert event.subject_id == 77
    assert event.recipient == "Testshire Academy"


def test_chain_indices_are_contiguous_and_each_hash_links_to_the_previous(
    users: dict[str, User],
) -> None:
    _record_some(users["social_worker"], 5)
    audit.record_system(event="auth.sign_in_failed", justification="Failed sign-in attempt")
    rows = list(AuditEvent.objects.order_by("chain_index"))
    assert [row.chain_index for row in rows] == list(range(1, len(rows) + 1))
    assert rows[0].prev_hash == GENESIS_HASH
    for before, after in itertools.pairwise(rows):
        assert after.prev_hash == before.hash
    for row in rows:
        assert row.compute_hash() == row.hash
    head = AuditChainHead.objects.get(pk=1)
    assert (head.last_index, head.last_hash) == (rows[-1].chain_index, rows[-1].hash)


def test_system_events_have_no_actor() -> None:
    event = audit.record_system(event="audit.verified", justification="check")
    assert event.actor_id is None
    assert event.actor_username == "system"
    assert event.source == "system"


def test_orm_cannot_update_or_delete(users: dict[str, User]) -> None:
    event = _record_some(users["social_worker"], 1)[0]
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(justification="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        event.delete()
    event.justification = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).justification == "n0"


@postgres_only
def test_database_trigger_refuses_raw_update(users: dict[str, User]) -> None:
    event = _record_some(users["social_worker"], 1)[0]
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE audit_auditevent SET justification = %s WHERE id = %s",
            ["rewritten", event.pk],
        )
    assert AuditEvent.objects.get(pk=event.pk).justification == "n0"


@postgres_only
def test_database_trigger_refuses_raw_delete(users: dict[str, User]) -> None:
    event = _record_some(users["social_worker"], 1)[0]
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()
