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
from cairn.pole.models import Entity, Link, Person

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


def _same_objects(r: int) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Round `r`'s new phone, vehicle and account, typed differently in each concern."""
    return [
        (
            {"kind": "phone", "number": f"07700 90051{r}"},
            {"kind": "phone", "number": f"+4477009005 1{r}"},
        ),
        (
            {"kind": "vehicle", "registration": f"RC1{r} ACE"},
            {"kind": "vehicle", "registration": f"rc1{r}ace"},
        ),
        (
            {"kind": "online_account", "platform": "snapchat", "handle": f"@mention_racer{r}"},
            {"kind": "online_account", "platform": "snapchat", "handle": f"Mention_Racer{r}"},
        ),
    ]


def test_two_concerns_naming_the_same_new_phone_at_once_make_one_record(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    """Two workers, two children, one new phone (vehicle, account) named in both, submitted
    at the same moment: one record each, linked to both children (mentions take the same
    key lock as POST /phones; without it both find nothing and both make one)."""
    workers = (users["practitioner"], users["social_worker"])
    for round_ in range(ROUNDS):
        before = Entity.objects.count()
        drafts = []
        for n, worker in enumerate(workers):
            child = make_person(given_name=f"Mention{round_}{n}", date_of_birth=dt.date(2011, 6, 1))
            concern = _draft(worker, child)
            concern.draft["mentions"] = [pair[n] for pair in _same_objects(round_)]
            concern.save(update_fields=["draft"])
            drafts.append((worker, concern))

        outcomes = race(
            *(lambda w=w, c=c: services.concern_submit(actor=w, concern=c) for w, c in drafts)
        )

        assert all(o.ok for o in outcomes), [o.error for o in outcomes]
        recorded = [[m["record_id"] for m in o.value.draft["mentions"]] for o in outcomes]
        assert recorded[0] == recorded[1]  # one record each, not two
        assert Entity.objects.count() == before + 2 + 3  # two children, three objects
        for entity_id in recorded[0]:
            assert Link.objects.filter(to_entity_id=entity_id).count() == 2
