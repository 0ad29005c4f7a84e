"""Simultaneous changes to one subject access request (PostgreSQL, real concurrent
transactions; tester report 10, F2, F9): a disclosure racing a redaction, and two
take-overs of one part. Each runs one after the other on the request row: one wins, the
other is told why (Conflict), and the request never reads Disclosed over a change its
discloser did not see."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from cairn.accounts.roles import AgencyKind
from cairn.concerns.models import Concern, ConcernStatus
from cairn.core.concurrency import Conflict
from cairn.pole import services as pole
from cairn.rights import selectors, services
from cairn.rights.models import PartTakeover, Redaction, SubjectAccessRequest

from ..factories import AgencyFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="Row locks need PostgreSQL (SQLite serialises)."
    ),
]


def _race(*calls: Callable[[], Any]) -> list[str]:
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            call()
            outcomes.append("done")
        except Conflict as exc:
            outcomes.append(f"conflict: {exc}")
        except Exception as exc:  # any other failure is reported by the assertion
            outcomes.append(f"error: {exc!r}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def _sar(ig: Any, person: Any) -> SubjectAccessRequest:
    sar = services.sar_log(
        actor=ig,
        requester=person.full_name,
        requester_kind="subject",
        authority_checked=True,
        given_name=person.given_name,
        family_name=person.family_name,
        date_of_birth=None,
        other_names="",
        received_on=timezone.localdate(),
    )
    return services.sar_confirm(actor=ig, sar_id=sar.pk, person_ids=[person.pk])


@pytest.mark.parametrize("attempt", range(3))
def test_a_disclosure_racing_a_redaction_never_sends_what_its_discloser_did_not_see(
    attempt: int,
) -> None:
    police = AgencyFactory(name="Race Police", kind=AgencyKind.POLICE)
    first = UserFactory(username="ig_disclose", role="ig_admin", agency=police)
    second = UserFactory(username="ig_redact", role="ig_admin", agency=police)
    fib = UserFactory(username="fib_disclose", role="fib_officer", agency=police)
    person = pole.person_create(
        actor=fib, given_name="Kieran", family_name="Raceexample", category="person_of_concern"
    )
    sar = _sar(first, person)
    services.sar_approve(actor=first, sar_id=sar.pk, confirmed=True)
    item = sar.items.get(record_type="person")
    shown = selectors.bundle_version(sar)  # the page the discloser has open

    outcomes = _race(
        lambda: services.sar_disclose(
            actor=first, sar_id=sar.pk, recipient="Kieran", method="post", version=shown
        ),
        lambda: services.sar_redact(
            actor=second,
            sar_id=sar.pk,
            item_id=item.pk,
            phrase="Raceexample",
            exemption="third_party",
            reason="A colleague's redaction",
        ),
    )
    sar.refresh_from_db()
    redacted = Redaction.objects.filter(item=item).exists()
    assert outcomes.count("done") == 1, outcomes
    loser = next(o for o in outcomes if o != "done")
    if sar.status == "disclosed":
        assert not redacted
        assert loser == f"conflict: {sar.reference} has moved on: disclosed."
    else:
        assert redacted and sar.status == "review"
        assert "bundle changed after you opened the page" in loser


def test_two_take_overs_of_one_part_record_one_and_name_the_winner() -> None:
    trust = AgencyFactory(name="Race Trust", kind=AgencyKind.CHILDRENS_TRUST)
    school = AgencyFactory(name="Race Academy", kind=AgencyKind.EDUCATION)
    first = UserFactory(username="ig_take_1", role="ig_admin", agency=trust, first_name="Ada")
    second = UserFactory(username="ig_take_2", role="ig_admin", agency=trust, first_name="Bo")
    worker = UserFactory(username="sw_take", role="social_worker", agency=trust)
    teacher = UserFactory(username="teacher_take", role="practitioner", agency=school)
    child = pole.person_create(
        actor=worker, given_name="Idris", family_name="Raceover", category="child", hub_shared=True
    )
    Concern.objects.create(
        child=child,
        status=ConcernStatus.SUBMITTED,
        reporter=teacher,
        reporter_agency=school,
        narrative="Seen at the gates",
    )
    sar = _sar(first, child)
    reason = "The academy has not answered since the request was sent"
    outcomes = _race(
        *(
            (
                lambda actor=actor: services.sar_take_over(
                    actor=actor, sar_id=sar.pk, agency_id=school.pk, reason=reason
                )
            )
            for actor in (first, second)
        )
    )
    takeover = PartTakeover.objects.get()
    winner = takeover.taken_by.get_full_name()
    assert outcomes.count("done") == 1, outcomes
    loser = next(o for o in outcomes if o != "done")
    assert loser.startswith(f"conflict: That part has already been taken over by {winner}")
