"""Merge and unmerge: every reference follows the merge (found from the model graph) and
an unmerge puts every one of them back; audited as combination events; who may merge."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from cairn.audit.models import AuditEvent
from cairn.concerns import services as concern_services
from cairn.network import selectors, services
from cairn.network.models import CandidatePair, PairStatus
from cairn.pole import services as pole
from cairn.pole.models import Entity, EntityShare, Link, NameKind, Person, PersonName

from ..concerns.conftest import complete_payload

pytestmark = pytest.mark.django_db


def references_to(entity_id: int) -> dict[tuple[str, str], set[int]]:
    out: dict[tuple[str, str], set[int]] = {}
    for model, field in services.reference_fields():
        ids = set(
            model._default_manager.filter(**{field.attname: entity_id}).values_list("pk", flat=True)
        )
        if ids:
            out[(model._meta.label_lower, field.attname)] = ids
    return out


@pytest.fixture
def pair(users: dict[str, Any], make_person: Any, agencies: Any) -> tuple[Person, Person]:
    sw = users["social_worker"]
    keep = make_person(given_name="Skye", family_name="Examplewood", sex="female")
    dup = make_person(
        given_name="Sky",
        family_name="Examplewood",
        date_of_birth=dt.date(2012, 2, 14),
        aliases=[("nickname", "Sky-Sky", "")],
    )
    concern_services.concern_create(actor=sw, data=complete_payload(dup.pk))
    phone = pole.phone_create(actor=sw, number="07700 900123")
    pole.link_record(
        actor=sw,
        from_entity_id=dup.pk,
        to_entity_id=phone.pk,
        link_type="uses_phone",
        source_note="Test",
    )
    pole.link_record(
        actor=sw,
        from_entity_id=keep.pk,
        to_entity_id=dup.pk,
        link_type="associate",
        source_note="Test",
    )
    pole.entity_share(actor=sw, entity_id=dup.pk, agency=agencies["police"], reason="Test share")
    return keep, dup


def test_merge_then_unmerge_leaves_every_reference_intact(
    users: dict[str, Any], pair: tuple[Person, Person]
) -> None:
    analyst = users["analyst"]
    keep, dup = pair
    before_dup = references_to(dup.pk)
    before_keep = references_to(keep.pk)
    # The concern app's references are found generically, not listed by hand.
    assert ("concerns.concern", "child_id") in before_dup
    assert ("concerns.indicatorobservation", "child_id") in before_dup
    assert ("pole.link", "from_entity_id") in before_dup
    assert ("pole.personname", "person_id") in before_dup

    merge = services.person_merge(
        actor=analyst,
        survivor_id=keep.pk,
        absorbed_id=dup.pk,
        reason="Same child: same school, same phone",
        take_from_absorbed=["date_of_birth"],
    )
    assert not Person.objects.filter(pk=dup.pk).exists()
    assert not Entity.objects.filter(pk=dup.pk).exists()
    assert references_to(dup.pk) == {}
    keep.refresh_from_db()
    assert keep.date_of_birth == dt.date(2012, 2, 14)
    assert keep.given_name == "Skye"
    names = set(PersonName.objects.filter(person=keep).values_list("given_name", "kind"))
    assert ("Sky", NameKind.ALIAS) in names and ("Skye", NameKind.PRIMARY) in names
    # Every name now carries the survivor's date of birth (the matching triggers).
    assert set(PersonName.objects.filter(person=keep).values_list("person_dob", flat=True)) == {
        dt.date(2012, 2, 14)
    }
    # The link between the two records would be a self-link: removed (and restored later).
    assert not Link.objects.filter(from_entity_id=keep.pk, to_entity_id=keep.pk).exists()
    assert (
        not Link.objects.filter(pk__in=before_keep[("pole.link", "from_entity_id")])
        .filter(to_entity_id=keep.pk)
        .exists()
    )
    after_keep = references_to(keep.pk)
    for key, ids in before_dup.items():
        if key != ("pole.link", "to_entity_id"):  # the associate link was between the two
            assert ids <= after_keep[key]
    event = AuditEvent.objects.get(event="person.merged")
    assert event.action == "combination" and event.details["absorbed"] == dup.pk
    assert selectors.resolve_person_id(dup.pk) == keep.pk

    restored = services.person_unmerge(actor=analyst, merge=merge, reason="Checked: twins")
    assert restored.pk == dup.pk and restored.given_name == "Sky"
    assert references_to(dup.pk) == before_dup
    assert references_to(keep.pk) == before_keep
    keep.refresh_from_db()
    assert keep.date_of_birth is None
    assert PersonName.objects.get(person=dup, kind=NameKind.PRIMARY).given_name == "Sky"
    assert set(PersonName.objects.filter(person=keep).values_list("person_dob", flat=True)) == {
        None
    }
    assert set(PersonName.objects.filter(person=dup).values_list("person_dob", flat=True)) == {
        dt.date(2012, 2, 14)
    }
    assert EntityShare.objects.filter(entity_id=dup.pk).count() == 1
    assert AuditEvent.objects.get(event="person.unmerged").action == "combination"
    assert selectors.resolve_person_id(dup.pk) == dup.pk
    with pytest.raises(ValidationError):
        services.person_unmerge(actor=analyst, merge=merge, reason="again")


@pytest.mark.parametrize("role", ["social_worker", "practitioner", "hub_chair", "ig_admin"])
def test_merge_denied_for_roles_without_permission(
    users: dict[str, Any], pair: tuple[Person, Person], role: str
) -> None:
    keep, dup = pair
    with pytest.raises(PermissionDenied):
        services.person_merge(
            actor=users[role], survivor_id=keep.pk, absorbed_id=dup.pk, reason="x"
        )
    assert Person.objects.filter(pk=dup.pk).exists()


def test_merge_refuses_police_only_with_open_record_and_invisible(
    users: dict[str, Any], make_person: Any
) -> None:
    open_record = make_person(given_name="Ava", family_name="Sampleby")
    police = make_person(
        actor=users["fib_officer"], given_name="Ava", family_name="Sampleby", police_only=True
    )
    with pytest.raises(ValidationError):
        services.person_merge(
            actor=users["fib_officer"],
            survivor_id=open_record.pk,
            absorbed_id=police.pk,
            reason="x",
        )
    # A non-police merger cannot see the police-only record at all.
    with pytest.raises(Http404):
        services.person_merge(
            actor=users["mash_screener"],
            survivor_id=open_record.pk,
            absorbed_id=police.pk,
            reason="x",
        )


def test_merging_a_pair_marks_it_merged_and_unmerge_reopens_it(
    users: dict[str, Any], make_person: Any
) -> None:
    a = make_person(given_name="Leo", family_name="Testmore")
    b = make_person(given_name="Leon", family_name="Testmore")
    low, high = sorted((a.pk, b.pk))
    cp = CandidatePair.objects.create(
        person_a_id=low,
        person_b_id=high,
        match_weight=9.0,
        match_probability=0.99,
        model_version="v1",
    )
    merge = services.person_merge(
        actor=users["analyst"], survivor_id=a.pk, absorbed_id=b.pk, reason="Same", pair=cp
    )
    cp.refresh_from_db()
    assert cp.status == PairStatus.MERGED and cp.decided_by == users["analyst"]
    assert not selectors.pending_pairs(users["analyst"]).exists()
    services.person_unmerge(actor=users["analyst"], merge=merge, reason="Not the same")
    cp.refresh_from_db()
    assert cp.status == PairStatus.PENDING
