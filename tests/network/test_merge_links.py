"""Merging two records of one person keeps one link per fact: a fact both records had
becomes one link with the sources of both, and undoing the merge puts every source back
on its own record's link (ADR 0017)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from cairn.network import services
from cairn.pole import services as pole
from cairn.pole.models import Link, LinkType, Person

pytestmark = pytest.mark.django_db


def _sources(link: Link) -> list[tuple[str, str]]:
    return [(s.source_type, s.source_id) for s in link.sources.order_by("pk")]


@pytest.fixture
def records(users: dict[str, Any], make_person: Any) -> dict[str, Any]:
    """Two records of one adult, each seen using the same phone (from different
    concerns, one of them also naming both), and each associating with the same child."""
    sw = users["social_worker"]
    keep = make_person(given_name="Dean", family_name="Marshfield", category="person_of_concern")
    dup = make_person(given_name="Deano", family_name="Marshfield", category="person_of_concern")
    child = make_person(given_name="Amber", family_name="Testcase")
    phone = pole.phone_create(actor=sw, number="07700 900123")

    def record(a: Person, b: Any, link_type: str, source_id: str, on: dt.date) -> Link:
        return pole.link_record(
            actor=sw,
            from_entity_id=a.pk,
            to_entity_id=b.pk,
            link_type=link_type,
            started_on=on,
            source_type="concerns.concern",
            source_id=source_id,
            source_note=f"Mentioned in concern {source_id}",
        ).link

    return {
        "keep": keep,
        "dup": dup,
        "child": child,
        "phone": phone,
        "keep_phone": record(keep, phone, LinkType.USES_PHONE, "1", dt.date(2026, 3, 1)),
        "dup_phone_1": record(dup, phone, LinkType.USES_PHONE, "2", dt.date(2026, 1, 1)),
        # Concern 1 named both records with the phone: the same source on both links.
        "dup_phone": record(dup, phone, LinkType.USES_PHONE, "1", dt.date(2026, 1, 1)),
        # The child associates with each record, recorded from opposite ends.
        "keep_child": record(child, keep, LinkType.ASSOCIATE, "3", dt.date(2026, 2, 1)),
        "dup_child": record(dup, child, LinkType.ASSOCIATE, "4", dt.date(2026, 2, 2)),
    }


def test_merge_folds_shared_facts_and_unmerge_splits_them_again(
    users: dict[str, Any], records: dict[str, Any]
) -> None:
    keep, dup, phone, child = records["keep"], records["dup"], records["phone"], records["child"]
    keep_phone, dup_phone = records["keep_phone"], records["dup_phone"]
    assert dup_phone.pk == records["dup_phone_1"].pk
    assert _sources(dup_phone) == [("concerns.concern", "2"), ("concerns.concern", "1")]

    merge = services.person_merge(
        actor=users["analyst"], survivor_id=keep.pk, absorbed_id=dup.pk, reason="Same man"
    )
    # One link per fact: the phone and the child, each with every source once.
    (phone_link,) = Link.objects.filter(to_entity_id=phone.pk)
    assert phone_link.pk == keep_phone.pk and phone_link.from_entity_id == keep.pk
    assert sorted(_sources(phone_link)) == [("concerns.concern", "1"), ("concerns.concern", "2")]
    assert phone_link.started_on == dt.date(2026, 1, 1)  # the span of its sources
    (child_link,) = Link.objects.filter(link_type=LinkType.ASSOCIATE)
    assert child_link.pk == records["keep_child"].pk
    assert {child_link.from_entity_id, child_link.to_entity_id} == {child.pk, keep.pk}
    assert sorted(_sources(child_link)) == [("concerns.concern", "3"), ("concerns.concern", "4")]
    assert not Link.objects.filter(from_entity_id=dup.pk).exists()
    assert merge.survivor_id == keep.pk

    services.person_unmerge(actor=users["analyst"], merge=merge, reason="Two men after all")
    by_from = {link.from_entity_id: link for link in Link.objects.filter(to_entity_id=phone.pk)}
    assert set(by_from) == {keep.pk, dup.pk}
    assert _sources(by_from[keep.pk]) == [("concerns.concern", "1")]
    assert sorted(_sources(by_from[dup.pk])) == [
        ("concerns.concern", "1"),
        ("concerns.concern", "2"),
    ]
    assert by_from[keep.pk].started_on == dt.date(2026, 3, 1)
    assert by_from[dup.pk].pk == dup_phone.pk and by_from[dup.pk].started_on == dt.date(2026, 1, 1)
    associations = Link.objects.filter(link_type=LinkType.ASSOCIATE)
    assert {frozenset((a.from_entity_id, a.to_entity_id)) for a in associations} == {
        frozenset((child.pk, keep.pk)),
        frozenset((dup.pk, child.pk)),
    }
    assert {tuple(_sources(a)) for a in associations} == {
        (("concerns.concern", "3"),),
        (("concerns.concern", "4"),),
    }


def test_merge_still_moves_links_that_are_not_shared_and_drops_links_between(
    users: dict[str, Any], records: dict[str, Any]
) -> None:
    keep, dup = records["keep"], records["dup"]
    car = pole.vehicle_create(actor=users["social_worker"], registration="ZZ09 XYZ")
    own = pole.link_record(
        actor=users["social_worker"],
        from_entity_id=dup.pk,
        to_entity_id=car.pk,
        link_type=LinkType.OWNS_VEHICLE,
        source_note="Seen driving it",
    ).link
    between = pole.link_record(
        actor=users["social_worker"],
        from_entity_id=keep.pk,
        to_entity_id=dup.pk,
        link_type=LinkType.FAMILY,
        source_note="Thought to be brothers",
    ).link
    merge = services.person_merge(
        actor=users["analyst"], survivor_id=keep.pk, absorbed_id=dup.pk, reason="Same man"
    )
    own.refresh_from_db()
    assert own.from_entity_id == keep.pk
    assert not Link.objects.filter(pk=between.pk).exists()
    services.person_unmerge(actor=users["analyst"], merge=merge, reason="Undo")
    own.refresh_from_db()
    assert own.from_entity_id == dup.pk
    restored = Link.objects.get(pk=between.pk)
    assert [s.note for s in restored.sources.all()] == ["Thought to be brothers"]
