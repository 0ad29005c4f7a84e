"""The audit append on both databases: the row the database hashes and chains in one
statement (PostgreSQL) must verify exactly as the Python chain does, whatever the text,
and writers released together must leave one contiguous chain (ADR 0028)."""

from __future__ import annotations

import itertools
import threading
from typing import Any

import pytest
from django.db import connection, connections, transaction

from cairn.audit import services as audit
from cairn.audit.models import AuditChainHead, AuditEvent, AuditValue
from cairn.audit.verify import verify_chain

from ..factories import UserFactory

AWKWARD = [
    "plain",
    'quotes " and \\ backslashes',
    "Zoë Ní Bhriain — 📱 07700 900 982",
    '"chain_index":-1,"occurred_at":"2026-01-01T00:00:00.000000+00:00"',
    "@index-deadbeef@",
    "line\nbreak\ttab",
]


@pytest.mark.django_db
def test_every_awkward_row_verifies_and_matches_its_python_hash(agencies: Any) -> None:
    user = UserFactory(username="auditor_awkward", role="social_worker")
    rows = [
        audit.record(
            actor=user,
            event="person.viewed",
            subject=7,
            justification=text[:500],
            details={"note": text, "occurred_at": text, "nested": {"chain_index": [text, 1.5]}},
        )
        for text in AWKWARD
    ]
    # One with personal values kept beside the chain (the transaction with `then`).
    rows.append(
        audit.record(actor=user, event="person.searched", subject=7, values={"query": AWKWARD[2]})
    )
    assert AuditValue.objects.filter(event=rows[-1]).exists()
    for row in rows:
        stored = AuditEvent.objects.get(pk=row.pk)
        assert stored.hash == row.hash
        assert stored.compute_hash() == stored.hash
        assert stored.chain_index == row.chain_index
    indexes = [r.chain_index for r in rows]
    assert indexes == list(range(indexes[0], indexes[0] + len(rows)))
    for earlier, later in itertools.pairwise(rows):
        assert later.prev_hash == earlier.hash
        assert later.occurred_at >= earlier.occurred_at
    assert verify_chain().ok
    head = AuditChainHead.objects.get(pk=1)
    assert (head.last_index, head.last_hash) == (rows[-1].chain_index, rows[-1].hash)


@pytest.mark.django_db
def test_the_first_event_makes_the_head(agencies: Any) -> None:
    user = UserFactory(username="auditor_first", role="social_worker")
    # An empty log, as on a new database (the PostgreSQL trigger refuses DELETE).
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE audit_auditchainhead, audit_auditevent CASCADE")
        else:
            cursor.execute("DELETE FROM audit_auditvaluesubject")
            cursor.execute("DELETE FROM audit_auditvalue")
            cursor.execute("DELETE FROM audit_auditevent")
            cursor.execute("DELETE FROM audit_auditchainhead")
    first = audit.record(actor=user, event="person.viewed", subject=1)
    assert first.chain_index == 1
    assert AuditChainHead.objects.get(pk=1).last_index == 1
    assert verify_chain().ok


@pytest.mark.django_db
def test_an_append_inside_a_rolled_back_transaction_leaves_no_trace(agencies: Any) -> None:
    user = UserFactory(username="auditor_rollback", role="social_worker")
    kept = audit.record(actor=user, event="person.viewed", subject=1)
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(actor=user, event="person.viewed", subject=2)
        raise RuntimeError("the write failed")
    after = audit.record(actor=user, event="person.viewed", subject=3)
    assert after.chain_index == kept.chain_index + 1
    assert after.prev_hash == kept.hash
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Concurrent writers need PostgreSQL row locks."
)
def test_writers_released_together_leave_one_contiguous_chain(agencies: Any) -> None:
    users = [UserFactory(username=f"auditor_{n}", role="social_worker") for n in range(6)]
    barrier = threading.Barrier(len(users))
    errors: list[str] = []

    def write(user: Any) -> None:
        try:
            barrier.wait(timeout=10)
            for n in range(40):
                if n % 10 == 0:
                    audit.record(
                        actor=user, event="person.searched", subject=n, values={"q": f"q{n}"}
                    )
                else:
                    audit.record(actor=user, event="person.viewed", subject=n)
        except Exception as exc:  # reported by the assertion below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    indexes = list(AuditEvent.objects.order_by("chain_index").values_list("chain_index", flat=True))
    assert indexes == list(range(indexes[0], indexes[0] + len(indexes)))
    assert AuditEvent.objects.filter(event="person.viewed").count() == 6 * 36
    assert verify_chain().ok
