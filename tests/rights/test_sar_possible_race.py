"""Two presses decide one possible entry at the same moment (PostgreSQL, real concurrent
transactions): one decision is recorded and at most one bundle item made; the other is
told it is decided (Conflict), never a database error."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from cairn.accounts.roles import AgencyKind
from cairn.audit.models import AuditEvent
from cairn.core.concurrency import Conflict
from cairn.intelligence.models import Status, Submission
from cairn.pole import services as pole
from cairn.rights import services
from cairn.rights.models import BundleItem

from ..factories import AgencyFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="Row locks need PostgreSQL (SQLite serialises)."
    ),
]


def test_simultaneous_decisions_record_one() -> None:
    police = AgencyFactory(name="Race Police", kind=AgencyKind.POLICE)
    first = UserFactory(username="ig_race_1", role="ig_admin", agency=police)
    second = UserFactory(username="ig_race_2", role="ig_admin", agency=police)
    fib = UserFactory(username="fib_race", role="fib_officer", agency=police)
    person = pole.person_create(
        actor=fib, given_name="Rowan", family_name="Racefree", category="person_of_concern"
    )
    Submission.objects.create(
        status=Status.NEW,
        submitter=fib,
        submitter_agency=police,
        submitted_at=timezone.now(),
        subject_description="Rowan Racefree, about 30",
    )
    sar = services.sar_log(
        actor=first,
        requester="Rowan Racefree",
        requester_kind="subject",
        authority_checked=True,
        given_name="Rowan",
        family_name="Racefree",
        date_of_birth=None,
        other_names="",
        received_on=timezone.localdate(),
    )
    services.sar_confirm(actor=first, sar_id=sar.pk, person_ids=[person.pk])
    entry = sar.possible_entries.get()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(actor: Any, decision: str) -> None:
        try:
            barrier.wait(timeout=10)
            services.sar_possible_decide(
                actor=actor,
                sar_id=sar.pk,
                entry_id=entry.pk,
                decision=decision,
                reason="Someone else: a different age and area",
            )
            outcomes.append("decided")
        except Conflict as exc:
            outcomes.append(str(exc))
        except Exception as exc:  # any other failure is reported by the assertion
            outcomes.append(f"error: {exc!r}")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=(first, "include")),
        threading.Thread(target=decide, args=(second, "not_them")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    entry.refresh_from_db()
    assert sorted(outcomes) == sorted(
        [
            "decided",
            f"{entry.reference} has already been decided: {entry.get_status_display().lower()}.",
        ]
    )
    assert AuditEvent.objects.filter(event="rights.sar_possible_entry_decided").count() == 1
    items = BundleItem.objects.filter(sar_id=sar.pk, record_type="intelligence").count()
    assert items == (1 if entry.status == "included" else 0)
