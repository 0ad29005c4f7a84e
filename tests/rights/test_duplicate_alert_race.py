"""Two presses of an alert's decision at the same moment (PostgreSQL, real concurrent
transactions): the alert row is locked, so one decision is made and the other is told it
is decided; the restriction is extended at most once. On SQLite writes serialise: the
same re-check under the lock is covered by test_duplicate_alert."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from cairn.accounts.roles import AgencyKind
from cairn.audit.models import AuditEvent
from cairn.pole import services as pole
from cairn.rights import services
from cairn.rights.models import AlertStatus, DuplicateAlert, Restriction

from ..factories import AgencyFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="Row locks need PostgreSQL (SQLite serialises)."
    ),
]

REASON = "Same name and date of birth, same school and mother"


def _alert() -> tuple[Any, DuplicateAlert]:
    trust = AgencyFactory(name="Race Trust", kind=AgencyKind.CHILDRENS_TRUST)
    school = AgencyFactory(name="Race School", kind=AgencyKind.EDUCATION)
    ig = UserFactory(username="ig_race", role="ig_admin", agency=trust)
    sw = UserFactory(username="sw_race", role="social_worker", agency=trust)
    teacher = UserFactory(username="teacher_race", role="practitioner", agency=school)
    born = dt.date(2013, 2, 3)
    child = pole.person_create(
        actor=sw, given_name="Rowena", family_name="Racecase", date_of_birth=born, category="child"
    )
    services.restriction_apply(actor=ig, person_id=child.pk, reason="Accuracy contested")
    again = pole.person_create(
        actor=teacher,
        given_name="Rowena",
        family_name="Racecase",
        date_of_birth=born,
        category="child",
    )
    return ig, DuplicateAlert.objects.get(person=again)


@pytest.mark.parametrize(
    "actions",
    [("same", "same"), ("not_same", "not_same"), ("same", "not_same")],
)
def test_simultaneous_decisions_make_one(actions: tuple[str, str]) -> None:
    ig, alert = _alert()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(action: str) -> None:
        try:
            barrier.wait(timeout=10)
            if action == "same":
                services.duplicate_alert_restrict(actor=ig, alert_id=alert.pk, reason=REASON)
            else:
                services.duplicate_alert_dismiss(actor=ig, alert_id=alert.pk, reason=REASON)
            outcomes.append("decided")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        except Exception as exc:  # any other failure is reported by the assertion
            outcomes.append(f"error: {exc!r}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(a,)) for a in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes.count("decided") == 1, outcomes
    other = next(o for o in outcomes if o != "decided")
    assert "has already been decided" in other, other
    alert.refresh_from_db()
    assert alert.status in (AlertStatus.SAME, AlertStatus.NOT_SAME)
    extended = Restriction.objects.filter(person_id=alert.person_id).count()
    assert extended == (1 if alert.status == AlertStatus.SAME else 0)
    assert AuditEvent.objects.filter(event="rights.restricted_duplicate_decided").count() == 1
