"""IG and the owning agency restrict the same record at the same moment (PostgreSQL, real
concurrent transactions): one restriction is made, the other is told it is already
restricted; neither gets a database error. On SQLite writes serialise: the same service
re-checks under the lock, which test_withholding covers."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from cairn.accounts.roles import AgencyKind
from cairn.audit.models import AuditEvent
from cairn.pole import services as pole
from cairn.rights import services
from cairn.rights.models import Restriction

from ..factories import AgencyFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="Row locks need PostgreSQL (SQLite serialises)."
    ),
]


def test_simultaneous_restrictions_make_one() -> None:
    trust = AgencyFactory(name="Race Trust", kind=AgencyKind.CHILDRENS_TRUST)
    ig = UserFactory(username="ig_race", role="ig_admin", agency=trust)
    sw = UserFactory(username="sw_race", role="social_worker", agency=trust)
    adult = pole.person_create(actor=sw, given_name="Rowan", category="other")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def restrict(actor: Any) -> None:
        try:
            barrier.wait(timeout=10)
            services.restriction_apply(actor=actor, person_id=adult.pk, reason="Accuracy contested")
            outcomes.append("restricted")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        except Exception as exc:  # any other failure is reported by the assertion
            outcomes.append(f"error: {exc!r}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=restrict, args=(user,)) for user in (ig, sw)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == [
        "Processing of this record is already restricted.",
        "restricted",
    ]
    assert Restriction.objects.filter(person=adult).count() == 1
    assert AuditEvent.objects.filter(event="rights.restricted").count() == 1
