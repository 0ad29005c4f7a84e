"""Merging person records under racing requests: the same pair merged twice, crossed
merges (A into B and B into A), and undoing: one merge survives, the loser gets 409,
nothing is half-moved and the person is still found by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cairn.network import services
from cairn.network.models import PersonMerge
from cairn.pole.models import NameKind, Person, PersonName

from .conftest import ROUNDS, race

pytestmark = pytest.mark.django_db(transaction=True)

REASON = "Same child: same school, same phone"


def _pair(make_person: Callable[..., Person], n: int) -> tuple[Person, Person]:
    return (
        make_person(given_name="Skye", family_name=f"Examplewood{n}"),
        make_person(given_name="Sky", family_name=f"Examplewood{n}"),
    )


def test_same_pair_merged_twice_at_once(
    users: dict[str, Any], make_person: Callable[..., Person], api_for: Callable[[Any], Any]
) -> None:
    analyst, fib = api_for(users["analyst"]), api_for(users["fib_officer"])
    for n in range(ROUNDS):
        keep, dup = _pair(make_person, n)
        body = {"survivor_id": keep.pk, "absorbed_id": dup.pk, "reason": REASON}

        outcomes = race(
            lambda b=body: analyst.post("/network/merges", b),
            lambda b=body: fib.post("/network/merges", b),
        )

        codes = sorted(o.value.status_code for o in outcomes)
        assert codes == [201, 409], [o.value.content for o in outcomes]
        loser = next(o.value for o in outcomes if o.value.status_code == 409)
        assert "already been merged" in loser.json()["detail"]
        assert PersonMerge.objects.filter(absorbed_id=dup.pk, unmerged_at=None).count() == 1

        merge = PersonMerge.objects.get(absorbed_id=dup.pk)
        services.person_unmerge(actor=users["analyst"], merge=merge, reason="Not the same")
        for person in (keep, dup):
            # Both are whole again: each still has its primary name, so search finds them.
            assert PersonName.objects.filter(person_id=person.pk, kind=NameKind.PRIMARY).exists()


def test_crossed_merges_at_once(
    users: dict[str, Any], make_person: Callable[..., Person], api_for: Callable[[Any], Any]
) -> None:
    analyst, fib = api_for(users["analyst"]), api_for(users["fib_officer"])
    for n in range(ROUNDS):
        a, b = _pair(make_person, n)

        outcomes = race(
            lambda x=a, y=b: analyst.post(
                "/network/merges", {"survivor_id": x.pk, "absorbed_id": y.pk, "reason": REASON}
            ),
            lambda x=a, y=b: fib.post(
                "/network/merges", {"survivor_id": y.pk, "absorbed_id": x.pk, "reason": REASON}
            ),
        )

        codes = sorted(o.value.status_code for o in outcomes)
        assert codes == [201, 409], [o.value.content for o in outcomes]
        assert Person.objects.filter(pk__in=[a.pk, b.pk]).count() == 1
        assert PersonMerge.objects.filter(unmerged_at=None).count() == n + 1


def test_undo_twice_at_once(users: dict[str, Any], make_person: Callable[..., Person]) -> None:
    analyst, fib = users["analyst"], users["fib_officer"]
    keep, dup = _pair(make_person, 0)
    merge = services.person_merge(
        actor=analyst, survivor_id=keep.pk, absorbed_id=dup.pk, reason=REASON
    )
    copies = [PersonMerge.objects.get(pk=merge.pk) for _ in range(2)]

    outcomes = race(
        lambda: services.person_unmerge(actor=analyst, merge=copies[0], reason="Not the same"),
        lambda: services.person_unmerge(actor=fib, merge=copies[1], reason="Different DOB"),
    )

    assert sorted(o.ok for o in outcomes) == [False, True]
    assert "already been undone" in str(next(o.error for o in outcomes if not o.ok))
    assert Person.objects.filter(pk__in=[keep.pk, dup.pk]).count() == 2
