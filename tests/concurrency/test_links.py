"""Recording links at the same moment: the same fact from two sources (either way round)
is one link with both sources; the same source twice is one source; the FIB's linking
step submitted twice at once (a double click) links each detail once. Nothing fails."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cairn.intelligence import services as intel_services
from cairn.intelligence.models import SubmissionEntity
from cairn.pole import services as pole
from cairn.pole.models import Entity, Link, LinkSource, LinkType, Person

from ..intelligence.conftest import intel_data
from .conftest import ROUNDS, poster, race

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_same_fact_recorded_at_once_is_one_link(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    sw, fib = users["social_worker"], users["fib_officer"]
    for n in range(ROUNDS):
        child = make_person(given_name="Amber", family_name=f"Testcase{n}")
        adult = make_person(
            given_name="Dean", family_name=f"Marshfield{n}", category="person_of_concern"
        )

        def record(actor: Any, a: Person, b: Person, source_id: str) -> Any:
            return lambda: pole.link_record(
                actor=actor,
                from_entity_id=a.pk,
                to_entity_id=b.pk,
                link_type=LinkType.ASSOCIATE,
                source_type="concerns.concern",
                source_id=source_id,
                source_note=f"Concern {source_id}",
            )

        outcomes = race(
            record(sw, child, adult, "1"),
            record(fib, adult, child, "2"),
            record(sw, child, adult, "1"),
        )
        assert all(o.ok for o in outcomes), [o.error for o in outcomes]
        links = Link.objects.filter(from_entity_id__in=(child.pk, adult.pk))
        (link,) = links
        assert sorted(link.sources.values_list("source_id", flat=True)) == ["1", "2"]


def test_the_linking_step_sent_twice_at_once_links_each_detail_once(
    users: dict[str, Any],
) -> None:
    fib, partner = users["fib_officer"], users["social_worker"]
    for _ in range(ROUNDS):
        entry = intel_services.submission_create(actor=partner, data=intel_data())
        url = f"/intelligence/{entry.pk}/link/"
        answers = {
            "record_0": "new",
            "owner_0": "none",
            "type_0": "owns_vehicle",
            "record_1": "new",
            "owner_1": "none",
        }
        entities = Entity.objects.count()
        outcomes = race(poster(fib, url, answers), poster(fib, url, answers))
        assert all(o.ok for o in outcomes), [o.error for o in outcomes]
        assert sorted(o.value.status_code for o in outcomes) == [302, 302]
        assert SubmissionEntity.objects.filter(submission=entry).count() == 2
        # One new vehicle and one new phone, not two of each.
        assert Entity.objects.count() == entities + 2
        assert LinkSource.objects.filter(source_id=str(entry.pk)).count() == 0
