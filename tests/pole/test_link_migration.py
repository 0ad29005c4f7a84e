"""Migrations 0006-0008 (ADR 0017): links recorded before them keep their sources as
LinkSource rows; links recording the same fact are folded into the oldest with every
source once; the snapshots of merges not yet undone are rewritten, so undoing a merge
made before the migration still works; and the migrations can be reversed."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from cairn.network import services as network
from cairn.network.models import PersonMerge
from cairn.pole import services as pole
from cairn.pole.models import Link, LinkSource, LinkType, Person

from ..migrating import migrate

BEFORE = [("pole", "0005_share_entityshare_basis")]


def _migrate_back() -> Any:
    """Migrate to before 0006; the historical apps there."""
    return migrate(BEFORE).loader.project_state(BEFORE).apps


@pytest.mark.django_db(transaction=True)
def test_links_recorded_twice_fold_into_one_with_every_source(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    sw, fib = users["social_worker"], users["fib_officer"]
    child = make_person(given_name="Amber", family_name="Testcase")
    adult = make_person(given_name="Dean", family_name="Marshfield", category="person_of_concern")
    phone = pole.phone_create(actor=sw, number="07700 900123")
    now = timezone.now()
    try:
        old = _migrate_back().get_model("pole", "Link")

        def link(a: Any, b: Any, link_type: str, **fields: Any) -> int:
            values: dict[str, Any] = {
                "owning_agency_id": sw.agency_id,
                "created_by_id": sw.pk,
                "source_type": "",
                "source_id": "",
                "source_note": "",
                **fields,
            }
            row = old.objects.create(
                from_entity_id=a.pk, to_entity_id=b.pk, link_type=link_type, **values
            )
            old.objects.filter(pk=row.pk).update(created_at=fields.get("created_at", now))
            return int(row.pk)

        concern = {"source_type": "concerns.concern", "source_id": "7"}
        intel = {
            "source_type": "intelligence.submission",
            "source_id": "3",
            "source_note": "Intelligence INT-000003",
            "owning_agency_id": fib.agency_id,
            "created_by_id": fib.pk,
            "police_only": True,
        }
        # The concern and the entry each recorded the child and the adult (8 rows for 4
        # facts, as the testers found): the same way round, and the other way round.
        kept = link(
            child,
            adult,
            LinkType.ASSOCIATE,
            started_on=dt.date(2026, 3, 1),
            source_note="Mentioned in concern CON-000007",
            **concern,
        )
        link(adult, child, LinkType.ASSOCIATE, started_on=dt.date(2026, 2, 1), **intel)
        link(
            child,
            adult,
            LinkType.ASSOCIATE,
            started_on=dt.date(2026, 3, 1),
            source_note="Mentioned in concern CON-000007",
            **concern,
        )
        phone_link = link(
            adult, phone, LinkType.USES_PHONE, started_on=dt.date(2026, 2, 1), **intel
        )
        link(adult, phone, LinkType.USES_PHONE, started_on=dt.date(2026, 2, 1), **intel)
        link(adult, phone, LinkType.USES_PHONE, source_note="Seen on his phone")
        # A different fact between the same two: kept apart.
        other = link(child, phone, LinkType.OTHER, source_note="Mentioned", **concern)
    finally:
        migrate()

    assert sorted(Link.objects.values_list("pk", flat=True)) == sorted([kept, phone_link, other])
    together = Link.objects.get(pk=kept)
    assert [(s.source_type, s.source_id, s.note) for s in together.sources.all()] == [
        ("concerns.concern", "7", "Mentioned in concern CON-000007"),
        ("intelligence.submission", "3", "Intelligence INT-000003"),
    ]
    # Rolled up: the earliest start, not police-only (a partner asserts it too).
    assert together.started_on == dt.date(2026, 2, 1) and together.police_only is False
    source = together.sources.get(source_type="intelligence.submission")
    assert source.police_only and source.owning_agency_id == fib.agency_id
    assert source.recorded_by_id == fib.pk and source.started_on == dt.date(2026, 2, 1)
    phone_sources = Link.objects.get(pk=phone_link).sources.all()
    assert [(s.source_id, s.note) for s in phone_sources] == [
        ("3", "Intelligence INT-000003"),
        ("", "Seen on his phone"),
    ]
    assert Link.objects.get(pk=phone_link).police_only is False
    assert Link.objects.get(pk=other).sources.count() == 1
    # The facts are now one row each, and the service adds to them.
    again = pole.link_record(
        actor=sw,
        from_entity_id=adult.pk,
        to_entity_id=child.pk,
        link_type=LinkType.ASSOCIATE,
        source_note="Seen together again",
    )
    assert again.link.pk == kept and not again.created


@pytest.mark.django_db(transaction=True)
def test_a_merge_made_before_the_migration_can_still_be_undone(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    sw, analyst = users["social_worker"], users["analyst"]
    keep = make_person(given_name="Dean", family_name="Marshfield", category="person_of_concern")
    dup = make_person(given_name="Deano", family_name="Marshfield", category="person_of_concern")
    phone = pole.phone_create(actor=sw, number="07700 900123")
    between = pole.link_record(
        actor=sw,
        from_entity_id=keep.pk,
        to_entity_id=dup.pk,
        link_type=LinkType.FAMILY,
        source_note="Thought to be brothers",
    ).link
    moved = pole.link_record(
        actor=sw,
        from_entity_id=dup.pk,
        to_entity_id=phone.pk,
        link_type=LinkType.USES_PHONE,
        source_type="concerns.concern",
        source_id="9",
        source_note="Mentioned in concern CON-000009",
    ).link
    merge = network.person_merge(
        actor=analyst, survivor_id=keep.pk, absorbed_id=dup.pk, reason="Same man"
    )
    try:
        # Back to before the change: the snapshot is in the old shape (the link carries
        # its source; no source rows), as a merge made then would have it.
        _migrate_back()
        old_rows = json.loads(PersonMerge.objects.get(pk=merge.pk).snapshot)
        (old_link,) = [r for r in old_rows if r["model"] == "pole.link"]
        assert old_link["fields"]["source_note"] == "Thought to be brothers"
        assert not [r for r in old_rows if r["model"] == "pole.linksource"]
    finally:
        migrate()
    rows = json.loads(PersonMerge.objects.get(pk=merge.pk).snapshot)
    (source_row,) = [r for r in rows if r["model"] == "pole.linksource"]
    assert source_row["fields"]["link"] == between.pk
    assert source_row["fields"]["note"] == "Thought to be brothers"

    restored = network.person_unmerge(
        actor=analyst, merge=PersonMerge.objects.get(pk=merge.pk), reason="Two men"
    )
    assert restored.pk == dup.pk
    link = Link.objects.get(pk=between.pk)
    assert (link.from_entity_id, link.to_entity_id) == (keep.pk, dup.pk)
    assert [s.note for s in link.sources.all()] == ["Thought to be brothers"]
    back = Link.objects.get(pk=moved.pk)
    assert back.from_entity_id == dup.pk
    assert [(s.source_type, s.source_id) for s in back.sources.all()] == [("concerns.concern", "9")]
    assert LinkSource.objects.count() == 2
