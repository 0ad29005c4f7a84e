"""Two people of the owning agency share the same record with the same agency at the same
moment (PostgreSQL, real concurrent transactions): one share is made and the other is
told it already exists; neither gets a database error."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from cairn.accounts.models import Agency
from cairn.accounts.roles import AgencyKind
from cairn.audit.models import AuditEvent
from cairn.pole import services
from cairn.pole.models import EntityShare

from ..factories import AgencyFactory, SharingAgreementFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="Row locks need PostgreSQL (SQLite serialises)."
    ),
]


def test_simultaneous_shares_make_one_share_and_a_clear_error() -> None:
    school = AgencyFactory(name="Race Academy", kind=AgencyKind.EDUCATION)
    trust: Agency = AgencyFactory(name="Race Trust", kind=AgencyKind.CHILDRENS_TRUST)
    SharingAgreementFactory(title="Race protocol", parties=[school, trust])  # ADR 0026
    first = UserFactory(username="dsl_one", role="practitioner", agency=school)
    second = UserFactory(username="dsl_two", role="practitioner", agency=school)
    child = services.person_create(actor=first, given_name="Rowan", category="child")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def share(actor: Any) -> None:
        try:
            barrier.wait(timeout=10)
            services.person_share(
                actor=actor, person_id=child.pk, agency=trust, reason="Assessment"
            )
            outcomes.append("shared")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        except Exception as exc:  # any other failure is reported by the assertion
            outcomes.append(f"error: {exc!r}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=share, args=(user,)) for user in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["This record is already shared with Race Trust.", "shared"]
    assert EntityShare.objects.filter(entity_id=child.pk).count() == 1
    assert AuditEvent.objects.filter(event="entity.shared").count() == 1
