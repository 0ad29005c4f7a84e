"""Two system admins approving (or one approving, one rejecting) the same waiting change at
the same moment: the request row is locked, so exactly one decision wins and the other is
told the change was already dealt with. PostgreSQL only (real concurrent transactions)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from cairn.accounts import services
from cairn.accounts.models import AccountChangeRequest, ChangeRequestStatus, User
from cairn.accounts.roles import Role
from cairn.audit.models import AuditEvent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent transactions (PostgreSQL)"
    ),
]


def _race(*calls: Any) -> list[str]:
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call: Any) -> None:
        barrier.wait()
        try:
            call()
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


def test_one_decision_wins(make_user: Any, users: dict[str, Any]) -> None:
    asker = make_user(Role.SYSTEM_ADMIN, username="asker")
    second = make_user(Role.SYSTEM_ADMIN, username="second")
    third = make_user(Role.SYSTEM_ADMIN, username="third")
    target: User = users["practitioner"]
    target.role = Role.FIB_OFFICER
    change = services.user_save(actor=asker, user=target, created=False)
    assert change is not None
    outcomes = _race(
        lambda: services.change_request_approve(actor=second, request_id=change.pk),
        lambda: services.change_request_reject(actor=third, request_id=change.pk, note="no"),
    )
    assert outcomes.count("ok") == 1
    assert any("already been dealt with" in o for o in outcomes)
    change = AccountChangeRequest.objects.get(pk=change.pk)
    decided = AuditEvent.objects.filter(
        event__in=["accounts.change_approved", "accounts.change_rejected"]
    )
    assert decided.count() == 1
    target.refresh_from_db()
    assert (target.role == Role.FIB_OFFICER) == (change.status == ChangeRequestStatus.APPROVED)
