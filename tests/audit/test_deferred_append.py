"""Audit rows recorded inside a transaction are chained at its commit (PostgreSQL, ADR
0029): the chain head is not held for the rest of a write, so an audited read released
while a write is still working appends at once; rows of a savepoint or transaction that
rolls back are never chained; the chain stays contiguous and verifies."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections, transaction

from cairn.audit import services as audit
from cairn.audit.models import AuditChainHead, AuditEvent
from cairn.audit.verify import verify_chain

from ..factories import UserFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="The deferred append is PostgreSQL's (ADR 0029)."
)


def _subjects() -> list[int | None]:
    return list(AuditEvent.objects.order_by("chain_index").values_list("subject_id", flat=True))


@pytest.mark.django_db
def test_rows_of_a_transaction_are_chained_when_it_ends_and_a_rolled_back_part_never(
    agencies: Any,
) -> None:
    user = UserFactory(username="auditor_deferred", role="social_worker")
    before = AuditChainHead.objects.get_or_create(pk=1)[0].last_index
    with transaction.atomic():
        queued = audit.record(actor=user, event="person.viewed", subject=101)
        assert queued.pk is None  # queued, not yet chained
        assert not AuditEvent.objects.filter(subject_id=101).exists()
        with pytest.raises(RuntimeError), transaction.atomic():
            audit.record(actor=user, event="person.viewed", subject=102)
            raise RuntimeError("this part of the write failed")
        audit.record(actor=user, event="person.viewed", subject=103)
    assert _subjects()[-2:] == [101, 103]
    rows = list(AuditEvent.objects.filter(subject_id__in=[101, 102, 103]).order_by("chain_index"))
    assert [r.chain_index for r in rows] == [before + 1, before + 2]
    assert rows[0].actor_username == "auditor_deferred" and rows[0].event == "person.viewed"
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(actor=user, event="person.viewed", subject=104)
        raise RuntimeError("the whole write failed")
    assert not AuditEvent.objects.filter(subject_id=104).exists()
    after = audit.record(actor=user, event="person.viewed", subject=105)
    assert after.chain_index == before + 3 and after.prev_hash == rows[-1].hash
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_an_audited_read_does_not_wait_for_a_write_still_working(agencies: Any) -> None:
    """Before: the write's first row locked the head until its COMMIT, so the read waited
    (here it would hit the 2 s lock timeout). Now the read appends at once and the write's
    rows follow it in the chain when the write commits."""
    writer = UserFactory(username="auditor_writer", role="social_worker")
    reader = UserFactory(username="auditor_reader", role="social_worker")
    recorded, release = threading.Event(), threading.Event()
    errors: list[str] = []

    def write() -> None:
        try:
            with transaction.atomic():
                audit.record(actor=writer, event="person.viewed", subject=201)
                recorded.set()
                release.wait(timeout=20)  # the rest of the write: screening, the page...
                audit.record(actor=writer, event="person.viewed", subject=202)
        except Exception as exc:  # reported by the assertion below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    thread = threading.Thread(target=write)
    thread.start()
    assert recorded.wait(timeout=20)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
        audit.record(actor=reader, event="person.viewed", subject=301)  # must not wait
    finally:
        release.set()
        thread.join(timeout=30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = DEFAULT")
    assert errors == []
    assert _subjects()[-3:] == [301, 201, 202]
    indexes = list(AuditEvent.objects.order_by("chain_index").values_list("chain_index", flat=True))
    assert indexes == list(range(indexes[0], indexes[0] + len(indexes)))
    assert verify_chain().ok
