"""POLE write services: validation, permissions and an audit row for every write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from cairn.audit.models import AuditEvent
from cairn.pole import services
from cairn.pole.models import LinkType, NameKind, Person

pytestmark = pytest.mark.django_db


def test_person_create_writes_names_keys_and_audit(users: dict[str, Any]) -> None:
    person = services.person_create(
        actor=users["social_worker"],
        given_name=" Zoë ",
        family_name="O'Neill",
        category="child",
        date_of_birth=dt.date(2011, 5, 4),
        aliases=[(NameKind.NICKNAME, "Zo", "")],
    )
    assert person.full_name == "Zoë O'Neill"
    assert person.entity.regime == "uk_gdpr"
    primary = person.names.get(kind=NameKind.PRIMARY)
    assert (primary.given_key, primary.family_key) == ("zoe", "oneill")
    assert person.names.filter(kind=NameKind.NICKNAME, given_name="Zo").exists()
    event = AuditEvent.objects.get(event="person.created")
    assert (event.action, event.subject_id, event.actor_id) == (
        "collection",
        person.pk,
        users["social_worker"].pk,
    )


def test_police_records_are_part3(users: dict[str, Any]) -> None:
    person = services.person_create(
        actor=users["fib_officer"], given_name="Ed", category="person_of_concern", police_only=True
    )
    assert person.entity.regime == "dpa_part3"
    assert person.entity.police_only


def test_non_police_cannot_mark_police_only(users: dict[str, Any]) -> None:
    person = services.person_create(
        actor=users["social_worker"], given_name="Ed", category="other", police_only=True
    )
    assert person.entity.police_only is False


@pytest.mark.parametrize("role", ["system_admin", "ig_admin"])
def test_admins_cannot_create_people(role: str, users: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        services.person_create(actor=users[role], given_name="Ed", category="child")
    assert not Person.objects.exists()


def test_future_date_of_birth_rejected(users: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as exc:
        services.person_create(
            actor=users["social_worker"],
            given_name="Ed",
            category="child",
            date_of_birth=dt.date.today() + dt.timedelta(days=1),
        )
    assert "date_of_birth" in exc.value.message_dict
    assert not AuditEvent.objects.filter(event="person.created").exists()


def test_estimated_age_gets_a_reference_date(users: dict[str, Any]) -> None:
    person = services.person_create(
        actor=users["social_worker"], given_name="Ed", category="child", estimated_age=15
    )
    assert person.estimated_age_on == dt.date.today()
    assert person.age_on(dt.date.today()) == 15
    assert person.age_is_estimated


def test_person_update_audits_changed_fields_only(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    person = make_person()
    services.person_update(
        actor=users["social_worker"], person=person, family_name="Newname", sex="female"
    )
    event = AuditEvent.objects.get(event="person.changed")
    assert event.details["fields"] == ["family_name", "sex"]
    person.refresh_from_db()
    assert person.entity.label == "Amber Newname"
    assert person.names.get(kind=NameKind.PRIMARY).family_key == "newname"


def test_other_agency_cannot_update(
    users: dict[str, Any], make_person: Callable[..., Person], make_user: Callable[..., Any]
) -> None:
    person = make_person()
    teacher = make_user("practitioner", agency="school", username="teacher")
    with pytest.raises(PermissionDenied):
        services.person_update(actor=teacher, person=person, family_name="X")


def test_person_add_name(users: dict[str, Any], make_person: Callable[..., Person]) -> None:
    person = make_person()
    services.person_add_name(
        actor=users["social_worker"],
        person=person,
        kind=NameKind.ALIAS,
        given_name="Bex",
        family_name="",
    )
    assert person.names.filter(given_key="bex").exists()
    with pytest.raises(ValidationError):
        services.person_add_name(
            actor=users["social_worker"],
            person=person,
            kind=NameKind.ALIAS,
            given_name=" ",
            family_name="",
        )


def test_objects_are_normalised(users: dict[str, Any]) -> None:
    actor = users["fib_officer"]
    vehicle = services.vehicle_create(
        actor=actor, registration="nm12 xyz", make="Ford", colour="Silver"
    )
    phone = services.phone_create(actor=actor, number="07700 900 456")
    account = services.online_account_create(actor=actor, platform="snapchat", handle="@Night_Owl")
    location = services.location_create(
        actor=actor,
        name="Harbour View Hotel",
        address_line_1="1 Quay Street",
        town="Northmoor",
        postcode="nm12ab",
        premises_type="hotel",
    )
    assert vehicle.registration_key == "NM12XYZ"
    assert phone.number_e164 == "+447700900456"
    assert account.handle_key == "night_owl"
    assert location.postcode == "NM1 2AB"
    assert AuditEvent.objects.filter(event="entity.created").count() == 4


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda a: services.vehicle_create(actor=a, registration="!"), "registration"),
        (lambda a: services.phone_create(actor=a, number="hello"), "number"),
        (
            lambda a: services.online_account_create(actor=a, platform="snapchat", handle="@"),
            "handle",
        ),
        (lambda a: services.location_create(actor=a), "address_line_1"),
    ],
)
def test_object_validation_messages(users: dict[str, Any], call: Any, field: str) -> None:
    with pytest.raises(ValidationError) as exc:
        call(users["fib_officer"])
    assert field in exc.value.message_dict


def test_link_needs_a_source_and_visible_ends(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    child = make_person()
    adult = make_person(
        actor=users["fib_officer"], given_name="Vic", category="person_of_concern", police_only=True
    )
    with pytest.raises(ValidationError):
        services.link_record(
            actor=users["fib_officer"],
            from_entity_id=adult.pk,
            to_entity_id=child.pk,
            link_type=LinkType.ASSOCIATE,
        )
    with pytest.raises(Http404):
        services.link_record(
            actor=users["social_worker"],
            from_entity_id=child.pk,
            to_entity_id=adult.pk,
            link_type=LinkType.ASSOCIATE,
            source_note="Told by school",
        )
    with pytest.raises(ValidationError):
        services.link_record(
            actor=users["fib_officer"],
            from_entity_id=child.pk,
            to_entity_id=child.pk,
            link_type=LinkType.ASSOCIATE,
            source_note="x",
        )
    with pytest.raises(ValidationError):
        services.link_record(
            actor=users["fib_officer"],
            from_entity_id=adult.pk,
            to_entity_id=child.pk,
            link_type=LinkType.ASSOCIATE,
            source_note="x",
            started_on=dt.date(2026, 5, 1),
            ended_on=dt.date(2026, 4, 1),
        )
    link = services.link_record(
        actor=users["fib_officer"],
        from_entity_id=adult.pk,
        to_entity_id=child.pk,
        link_type=LinkType.ASSOCIATE,
        source_note="Seen together",
        started_on=dt.date(2026, 4, 1),
    ).link
    event = AuditEvent.objects.get(event="link.created")
    assert event.subject_id == adult.pk
    assert event.details == {
        "type": "associate",
        "from": adult.pk,
        "to": child.pk,
        "source": "note",
        "link_source": link.sources.get().pk,
    }
    assert link.owning_agency.is_police


def test_share_requires_permission_and_reason(
    users: dict[str, Any], make_person: Callable[..., Person], agencies: dict[str, Any]
) -> None:
    child = make_person()
    # Analysts read the Hub's records but do not decide to disclose them.
    with pytest.raises(PermissionDenied):
        services.entity_share(
            actor=users["analyst"], entity_id=child.pk, agency=agencies["school"], reason="x"
        )
    with pytest.raises(ValidationError):
        services.entity_share(
            actor=users["social_worker"], entity_id=child.pk, agency=agencies["school"], reason=" "
        )
