"""Two IG confirm a subject access requester's identity at the same moment (PostgreSQL,
real concurrent transactions): it is recorded once, the other is told it is already
confirmed (Conflict); neither gets a database error."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from cairn.accounts.roles import AgencyKind
from cairn.audit.models import AuditEvent
from cairn.core.concurrency import Conflict
from cairn.rights import services

from ..factories import AgencyFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="Row locks need PostgreSQL (SQLite serialises)."
    ),
]


def test_simultaneous_identity_confirmations_record_one() -> None:
    trust = AgencyFactory(name="Race Trust", kind=AgencyKind.CHILDRENS_TRUST)
    first = UserFactory(username="ig_race_1", role="ig_admin", agency=trust)
    second = UserFactory(username="ig_race_2", role="ig_admin", agency=trust)
    sar = services.sar_log(
        actor=first,
        requester="Rowan Racecase",
        requester_kind="subject",
        given_name="Rowan",
        family_name="Racecase",
        date_of_birth=dt.date(2011, 1, 2),
        other_names="",
        received_on=timezone.localdate(),
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def confirm(actor: Any) -> None:
        try:
            barrier.wait(timeout=10)
            services.sar_confirm_identity(actor=actor, sar_id=sar.pk)
            outcomes.append("confirmed")
        except Conflict as exc:
            outcomes.append(str(exc))
        except Exception as exc:  # any other failure is reported by the assertion
            outcomes.append(f"error: {exc!r}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm, args=(user,)) for user in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == [
        f"The requester's identity for {sar.reference} is already confirmed.",
        "confirmed",
    ]
    assert AuditEvent.objects.filter(event="rights.sar_identity_confirmed").count() == 1
