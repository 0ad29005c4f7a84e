"""Disruption tactics under racing requests: a marker removed twice, a tactic changed by
two officers from the same form, and a CAWN's service recorded twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from cairn.core.concurrency import Conflict
from cairn.disruption.models import Cawn, Marker, Tactic, TacticStatus
from cairn.disruption.services import cawns, markers, tactics
from cairn.pole.models import Person

from ..disruption.conftest import future, years_ago
from .conftest import ROUNDS, poster, race

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def poc(users: dict[str, Any]) -> Person:
    from cairn.pole import services as pole_services

    return pole_services.person_create(
        actor=users["ppu_coordinator"],
        given_name="Dean",
        family_name="Fictional",
        category="person_of_concern",
        date_of_birth=years_ago(31),
    )


def test_marker_removed_twice_at_once(users: dict[str, Any], make_user: Any, poc: Person) -> None:
    ppu, other = users["ppu_coordinator"], make_user("ppu_coordinator", username="ppu_two")
    for _ in range(ROUNDS):
        marker = markers.marker_add(
            actor=ppu, entity_id=poc.pk, marker_type="cse", reason="CSE risk", review_on=future()
        )
        copies = [Marker.objects.select_related("tactic").get(pk=marker.pk) for _ in range(2)]

        outcomes = race(
            lambda m=copies[0]: markers.marker_remove(actor=ppu, marker=m, reason="Moved away"),
            lambda m=copies[1]: markers.marker_remove(actor=other, marker=m, reason="In prison"),
        )

        assert sorted(o.ok for o in outcomes) == [False, True]
        loser = next(o.error for o in outcomes if not o.ok)
        assert isinstance(loser, Conflict) and "already removed" in str(loser)
        marker.refresh_from_db()
        winner = next(o.value for o in outcomes if o.ok)
        assert marker.removal_reason == winner.removal_reason
        assert marker.tactic.outcome == f"Removed: {winner.removal_reason}"


def test_tactic_changed_by_two_officers_from_the_same_form(
    users: dict[str, Any], make_user: Any, poc: Person
) -> None:
    ppu, other = users["ppu_coordinator"], make_user("ppu_coordinator", username="ppu_two")
    tactic = tactics.tactic_create(
        actor=ppu,
        tactic_type="sro",
        title="Order",
        subjects=[(poc.pk, "target")],
        detail={"starts_on": "2026-01-01", "expires_on": "2036-01-01"},
    )
    url = reverse("disruption:tactic-update", args=[tactic.pk])
    form = {"version": Tactic.objects.get(pk=tactic.pk).version}

    outcomes = race(
        poster(ppu, url, {**form, "status": "done", "outcome": "Visited, warned"}),
        poster(other, url, {**form, "status": "cancelled", "outcome": "Not needed"}),
    )

    codes = sorted(o.value.status_code for o in outcomes)
    assert codes == [200, 302], codes  # one saved; the other shown the form with the error
    refused = next(o.value for o in outcomes if o.value.status_code == 200)
    assert "Someone else changed this tactic" in refused.content.decode()
    tactic.refresh_from_db()
    assert tactic.status in (TacticStatus.DONE, TacticStatus.CANCELLED)


def test_cawn_service_recorded_twice_at_once(
    users: dict[str, Any], make_user: Any, make_person: Any, poc: Person
) -> None:
    from cairn.pole import services as pole_services

    ppu, other = users["ppu_coordinator"], make_user("ppu_coordinator", username="ppu_two")
    child = make_person(date_of_birth=years_ago(14))
    pole_services.link_record(
        actor=ppu,
        from_entity_id=poc.pk,
        to_entity_id=child.pk,
        link_type="associate",
        source_note="Seen together",
    )
    cawn = cawns.cawn_issue(
        actor=ppu,
        child=child,
        person_of_concern=poc,
        authorised_by="parent",
        authorised_by_name="Pat Testcase",
        review_on=future(90),
    )
    copies = [Cawn.objects.select_related("tactic").get(pk=cawn.pk) for _ in range(2)]
    served = [timezone.now() - dt.timedelta(hours=h) for h in (3, 2)]

    outcomes = race(
        *(
            lambda c=copy, when=at, who=user: cawns.cawn_record_service(
                actor=who, cawn=c, served_by_name=who.username, served_at=when, served_place="Home"
            )
            for copy, at, user in zip(copies, served, (ppu, other), strict=True)
        )
    )

    assert sorted(o.ok for o in outcomes) == [False, True]
    cawn.refresh_from_db()
    winner = next(o.value for o in outcomes if o.ok)
    assert cawn.served_by_name == winner.served_by_name


def _linked_child(ppu: Any, make_person: Any, poc: Person) -> Person:
    from cairn.pole import services as pole_services

    child = make_person(date_of_birth=years_ago(14))
    pole_services.link_record(
        actor=ppu,
        from_entity_id=poc.pk,
        to_entity_id=child.pk,
        link_type="associate",
        source_note="Seen together",
    )
    return child


def test_marker_reviewed_by_two_officers_from_the_same_page(
    users: dict[str, Any], make_user: Any, poc: Person
) -> None:
    ppu, other = users["ppu_coordinator"], make_user("ppu_coordinator", username="ppu_two")
    marker = markers.marker_add(
        actor=ppu, entity_id=poc.pk, marker_type="cse", reason="CSE risk", review_on=future()
    )
    url = reverse("disruption:marker-review", args=[marker.tactic_id])
    version = Tactic.objects.get(pk=marker.tactic_id).version

    def review(days: int) -> dict[str, str]:
        day = future(days)
        return {
            "next_review_on_day": str(day.day),
            "next_review_on_month": str(day.month),
            "next_review_on_year": str(day.year),
            "note": f"Still needed ({days})",
            "version": version,
        }

    outcomes = race(poster(ppu, url, review(60)), poster(other, url, review(90)))

    codes = sorted(o.value.status_code for o in outcomes)
    assert codes == [200, 302], codes
    refused = next(o.value for o in outcomes if o.value.status_code == 200)
    assert "Someone else changed this marker" in refused.content.decode()
    assert Tactic.objects.get(pk=marker.tactic_id).review_on in (future(60), future(90))


def test_the_same_cawn_issued_twice_at_once_is_one_notice(
    users: dict[str, Any], make_user: Any, make_person: Any, poc: Person
) -> None:
    ppu, other = users["ppu_coordinator"], make_user("ppu_coordinator", username="ppu_two")
    child = _linked_child(ppu, make_person, poc)

    def issue(who: Any) -> Any:
        return lambda: cawns.cawn_issue(
            actor=who,
            child=child,
            person_of_concern=poc,
            authorised_by="parent",
            authorised_by_name="Pat Testcase",
            review_on=future(90),
        )

    outcomes = race(issue(ppu), issue(other))

    assert sorted(o.ok for o in outcomes) == [False, True]
    loser = next(o.error for o in outcomes if not o.ok)
    assert isinstance(loser, Conflict) and "already in force" in str(loser)
    assert Cawn.objects.filter(child=child, person_of_concern=poc).count() == 1


def test_the_same_breach_logged_twice_at_once_is_one_breach(
    users: dict[str, Any], make_user: Any, make_person: Any, poc: Person
) -> None:
    ppu, other = users["ppu_coordinator"], make_user("ppu_coordinator", username="ppu_two")
    child = _linked_child(ppu, make_person, poc)
    cawn = cawns.cawn_issue(
        actor=ppu,
        child=child,
        person_of_concern=poc,
        authorised_by="parent",
        authorised_by_name="Pat Testcase",
        review_on=future(90),
    )
    cawns.cawn_record_service(
        actor=ppu,
        cawn=cawn,
        served_by_name="PC Example",
        served_at=timezone.now() - dt.timedelta(days=3),
        served_place="Home",
    )
    day = timezone.localdate() - dt.timedelta(days=1)
    copies = [Cawn.objects.select_related("tactic").get(pk=cawn.pk) for _ in range(2)]

    outcomes = race(
        *(
            lambda c=copy, who=user: cawns.cawn_breach_record(
                actor=who, cawn=c, occurred_on=day, evidence="Seen with the child at the park"
            )
            for copy, user in zip(copies, (ppu, other), strict=True)
        )
    )

    assert sorted(o.ok for o in outcomes) == [False, True]
    assert cawn.breaches.count() == 1
