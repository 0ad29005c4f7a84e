"""Submitting a concern twice at once (a double click, a resent form) records it once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from cairn.audit.models import AuditEvent
from cairn.concerns import services
from cairn.concerns.models import Concern, ConcernStatus, IndicatorObservation, PathwayDecision
from cairn.pole.models import Person

from ..concerns.conftest import complete_payload
from .conftest import ROUNDS, poster, race

pytestmark = pytest.mark.django_db(transaction=True)


def _draft(actor: Any, child: Person) -> Concern:
    concern = services.concern_start(actor=actor, child=child)
    concern.draft = complete_payload(child.pk)
    concern.save(update_fields=["draft"])
    return concern


def test_two_submits_of_check_answers_record_one_concern(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    worker = users["practitioner"]
    for round_ in range(ROUNDS):
        child = make_person(given_name=f"Racer{round_}", date_of_birth=dt.date(2011, 6, 1))
        concern = _draft(worker, child)
        url = reverse("concerns:step", args=[concern.pk, "check"])

        outcomes = race(poster(worker, url), poster(worker, url))

        screening = reverse("concerns:screening", args=[concern.pk])
        for outcome in outcomes:
            assert outcome.ok, outcome.error
            assert outcome.value.status_code == 302
            assert outcome.value["Location"] == screening
        concern.refresh_from_db()
        assert concern.status == ConcernStatus.SUBMITTED
        assert IndicatorObservation.objects.filter(concern=concern).count() == 2
        assert (
            AuditEvent.objects.filter(event="concern.submitted", object_id=str(concern.pk)).count()
            == 1
        )
        # Each sign counted once, so screening's repeat weighting is not inflated.
        assert IndicatorObservation.objects.filter(child=child).count() == 2


def test_stale_submits_in_services_record_once(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    """Both requests read the draft before either submits (the window a view leaves)."""
    worker = users["practitioner"]
    child = make_person()
    concern = _draft(worker, child)
    first, second = Concern.objects.get(pk=concern.pk), Concern.objects.get(pk=concern.pk)

    outcomes = race(
        lambda: services.concern_submit(actor=worker, concern=first),
        lambda: services.concern_submit(actor=worker, concern=second),
    )

    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    assert {o.value.status for o in outcomes} == {ConcernStatus.SUBMITTED}
    assert IndicatorObservation.objects.filter(concern=concern).count() == 2
    assert Person.objects.filter(family_name="Fictional").count() == 1


def test_next_steps_recorded_twice_at_once(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    worker = users["social_worker"]
    child = make_person(date_of_birth=dt.date(2011, 6, 1))
    concern = services.concern_create(actor=worker, data=complete_payload(child.pk))
    services.risk_decision_record(
        actor=worker, concern=concern, level="significant", rationale="Clear"
    )
    decisions = {
        "fib": (True, ""),
        "ppu": (True, "Phoned the co-ordinator"),
        "mash": (False, "Already open to the Trust"),
    }
    copies = [Concern.objects.get(pk=concern.pk) for _ in range(2)]

    outcomes = race(
        *(
            lambda c=copy: services.pathway_decisions_record(
                actor=worker, concern=c, decisions=decisions
            )
            for copy in copies
        )
    )

    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    assert PathwayDecision.objects.filter(concern=concern).count() == 3
