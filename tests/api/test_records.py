"""Objects, locations and links: GET /entities/{id}, POST /vehicles, /phones,
/online-accounts, /locations and /links, each with allowed and denied cases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from cairn.accounts.models import User
from cairn.audit.models import AuditEvent
from cairn.notifications.models import Notification
from cairn.pole import services as pole_services
from cairn.pole.models import Entity, Link, Person

from .conftest import ApiClient

pytestmark = pytest.mark.django_db

ApiAs = Callable[[User], ApiClient]
NO_RECORD_ACCESS = ["ig_admin", "system_admin"]

VALID = {
    "/vehicles": (
        {"registration": "zz09 abc", "make": "Ford", "model": "Fiesta", "colour": "Blue"},
        "vehicle",
        {"registration": "ZZ09 ABC", "registration_key": "ZZ09ABC"},
    ),
    "/phones": (
        {"number": "07700 900123"},
        "phone",
        {"number_e164": "+447700900123", "as_given": "07700 900123"},
    ),
    "/online-accounts": (
        {"platform": "snapchat", "handle": "@fictional_handle"},
        "online_account",
        {"platform": "snapchat", "handle": "@fictional_handle"},
    ),
    "/locations": (
        {
            "name": "Example Takeaway",
            "address_line_1": "2 Sample Road",
            "postcode": "zz1 1zz",
            "premises_type": "takeaway",
            "latitude": 52.123456789,
            "longitude": -1.5,
        },
        "location",
        {"postcode": "ZZ1 1ZZ", "premises_type": "takeaway", "latitude": 52.123457},
    ),
}

INVALID = {
    "/vehicles": ({"registration": "!!!!"}, "registration"),
    "/phones": ({"number": "not a number"}, "number"),
    "/online-accounts": ({"platform": "myspace", "handle": "someone"}, "platform"),
    "/locations": ({"town": "Testtown"}, "address_line_1"),
}


@pytest.mark.parametrize("path", list(VALID))
def test_create_record(path: str, users: dict[str, Any], api_as: ApiAs) -> None:
    body, kind, expected = VALID[path]
    user = users["social_worker"]
    response = api_as(user).post(path, body)
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["kind"] == kind
    assert out["owning_agency"]["name"] == user.agency.name
    for key, value in expected.items():
        assert out[kind][key] == value
    others = {"vehicle", "phone", "online_account", "location"} - {kind}
    assert all(out[other] is None for other in others)
    assert Entity.objects.get(pk=out["id"]).kind == kind
    (event,) = AuditEvent.objects.filter(event="entity.created", actor=user)
    assert event.object_id == str(out["id"])


@pytest.mark.parametrize("path", list(VALID))
def test_only_police_may_ask_for_a_police_only_record(
    path: str, users: dict[str, Any], api_as: ApiAs
) -> None:
    """A partner asking for a police-only record is told no (it used to get an ordinary
    record and a 201, as if the marking had been kept); police get the marking."""
    body = {**VALID[path][0], "police_only": True}
    before = Entity.objects.count()
    refused = api_as(users["social_worker"]).post(path, body)
    assert refused.status_code == 422, refused.content
    assert "Only police users can mark a record police-only" in refused.text
    assert Entity.objects.count() == before
    made = api_as(users["fib_officer"]).post(path, body)
    assert made.status_code == 201, made.content
    assert Entity.objects.get(pk=made.json()["id"]).police_only


@pytest.mark.parametrize("path", list(INVALID))
def test_create_record_invalid_is_422(path: str, users: dict[str, Any], api_as: ApiAs) -> None:
    body, field = INVALID[path]
    response = api_as(users["social_worker"]).post(path, body)
    assert response.status_code == 422
    assert field in {e["loc"][-1] for e in response.json()["detail"]}
    assert not Entity.objects.exists()


@pytest.mark.parametrize("role", NO_RECORD_ACCESS)
@pytest.mark.parametrize("path", list(VALID))
def test_create_record_denied_to_admin_roles(
    role: str, path: str, users: dict[str, Any], api_as: ApiAs
) -> None:
    assert api_as(users[role]).post(path, VALID[path][0]).status_code == 403
    assert not Entity.objects.exists()


@pytest.mark.parametrize("path", list(VALID))
def test_create_record_denied_without_credentials(path: str, db: Any) -> None:
    assert ApiClient().post(path, VALID[path][0]).status_code == 401


# The same vehicle, phone or account again: the record already held, not a second one ----

# The same object as each VALID body, typed another way.
AGAIN = {
    "/vehicles": {"registration": "ZZ09ABC"},
    "/phones": {"number": "+44 7700 900123"},
    "/online-accounts": {"platform": "snapchat", "handle": "Fictional_Handle"},
}


@pytest.mark.parametrize("path", list(AGAIN))
def test_the_same_object_sent_again_is_the_record_already_held(
    path: str, users: dict[str, Any], api_as: ApiAs
) -> None:
    """A second POST of the same registration, number or handle (by the same user, or
    another of the agency) answers 200 with the first record and creates nothing; the
    answer shows a record, so it is logged as a view of it."""
    sw, colleague = users["social_worker"], users["practitioner"]
    made = api_as(sw).post(path, VALID[path][0])
    assert made.status_code == 201, made.content
    first = made.json()
    count = Entity.objects.count()
    for user in (sw, colleague):
        again = api_as(user).post(path, AGAIN[path])
        assert again.status_code == 200, again.content
        assert again.json() == first
        viewed = AuditEvent.objects.filter(event="entity.viewed", actor=user).get()
        assert viewed.object_id == str(first["id"])
    assert Entity.objects.count() == count
    assert AuditEvent.objects.filter(event="entity.created").count() == 1
    # Another object is a new record.
    other = {
        "/vehicles": {"registration": "ZZ09 ABD"},
        "/phones": {"number": "07700 900124"},
        "/online-accounts": {"platform": "instagram", "handle": "@fictional_handle"},
    }[path]
    assert api_as(sw).post(path, other).status_code == 201


@pytest.mark.parametrize("path", list(AGAIN))
def test_a_record_the_caller_may_not_see_is_never_returned(
    path: str, users: dict[str, Any], make_user: Callable[..., User], api_as: ApiAs
) -> None:
    """Police intelligence (police-only) and another agency's record are not disclosed: the
    partner gets a new record of their own (201), as if there were none, and the FIB is
    told of the twin (tests/pole/test_hidden_twin.py)."""
    fib, sw = users["fib_officer"], users["social_worker"]
    held = api_as(fib).post(path, {**VALID[path][0], "police_only": True}).json()
    school = make_user("practitioner", agency="school")
    theirs = api_as(school).post(path, VALID[path][0])
    assert theirs.status_code == 201
    made = api_as(sw).post(path, AGAIN[path])
    assert made.status_code == 201, made.content
    mine = made.json()
    assert mine["id"] not in (held["id"], theirs.json()["id"])
    assert mine["owning_agency"]["name"] == sw.agency.name and not mine["police_only"]
    assert not AuditEvent.objects.filter(event="entity.viewed").exists()
    assert Notification.objects.filter(recipient=fib, kind="pole.hidden_twin").count() == 1
    # The Hub's police roles see all three: asked for police-only they get theirs back,
    # asked for an ordinary record the first ordinary one, never the police-only one.
    again = api_as(users["ppu_coordinator"]).post(path, {**AGAIN[path], "police_only": True})
    assert (again.status_code, again.json()["id"]) == (200, held["id"])
    ordinary = api_as(fib).post(path, AGAIN[path])
    assert (ordinary.status_code, ordinary.json()["id"]) == (200, theirs.json()["id"])


# GET /entities/{id} --------------------------------------------------------------------


@pytest.fixture
def vehicle(users: dict[str, Any]) -> Any:
    return pole_services.vehicle_create(
        actor=users["social_worker"], registration="ZZ09 XYZ", make="Vauxhall", colour="Red"
    )


def test_entity_detail_and_consultation_audit(
    users: dict[str, Any], api_as: ApiAs, vehicle: Any, django_assert_max_num_queries: Any
) -> None:
    user = users["practitioner"]
    client = api_as(user)
    with django_assert_max_num_queries(9):
        response = client.get(f"/entities/{vehicle.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["kind"] == "vehicle"
    assert body["label"] == "ZZ09XYZ"
    assert body["vehicle"]["make"] == "Vauxhall"
    assert body["phone"] is None
    (event,) = AuditEvent.objects.filter(event="entity.viewed", actor=user)
    assert event.source == "api"
    assert event.action == "consultation"
    assert event.object_id == str(vehicle.pk)


def test_entity_detail_of_another_agencys_record_is_404(
    school_practitioner: User, api_as: ApiAs, vehicle: Any
) -> None:
    assert api_as(school_practitioner).get(f"/entities/{vehicle.pk}").status_code == 404
    assert not AuditEvent.objects.filter(event="entity.viewed").exists()


def test_entity_detail_of_a_person_points_to_people(
    users: dict[str, Any], api_as: ApiAs, make_person: Callable[..., Person]
) -> None:
    person = make_person()
    response = api_as(users["social_worker"]).get(f"/entities/{person.pk}")
    assert response.status_code == 404
    assert "/people/" in response.json()["detail"]


@pytest.mark.parametrize("role", NO_RECORD_ACCESS)
def test_entity_detail_denied_to_admin_roles(
    role: str, users: dict[str, Any], api_as: ApiAs, vehicle: Any
) -> None:
    assert api_as(users[role]).get(f"/entities/{vehicle.pk}").status_code == 403


def test_entity_detail_denied_without_credentials(vehicle: Any) -> None:
    assert ApiClient().get(f"/entities/{vehicle.pk}").status_code == 401


# POST /links ---------------------------------------------------------------------------


@pytest.fixture
def child(make_person: Callable[..., Person]) -> Person:
    return make_person(given_name="Jason", family_name="Testcase")


def test_create_link(users: dict[str, Any], api_as: ApiAs, child: Person, vehicle: Any) -> None:
    user = users["social_worker"]
    response = api_as(user).post(
        "/links",
        {
            "from_entity_id": child.pk,
            "to_entity_id": vehicle.pk,
            "link_type": "seen_in_vehicle",
            "started_on": "2024-05-01",
            "source_note": "Seen by school staff",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["link_type"] == "seen_in_vehicle"
    assert body["direction"] == "outgoing"
    assert body["other"] == {"id": vehicle.pk, "kind": "vehicle", "label": "ZZ09XYZ"}
    link = Link.objects.get(pk=body["id"])
    assert (link.from_entity_id, link.to_entity_id) == (child.pk, vehicle.pk)
    assert link.started_on == dt.date(2024, 5, 1)
    (event,) = AuditEvent.objects.filter(event="link.created", actor=user)
    assert event.subject_id == child.pk


def test_cannot_link_to_a_record_you_cannot_see(
    users: dict[str, Any], school_practitioner: User, api_as: ApiAs, vehicle: Any
) -> None:
    own = pole_services.phone_create(actor=school_practitioner, number="07700 900555")
    response = api_as(school_practitioner).post(
        "/links",
        {
            "from_entity_id": own.pk,
            "to_entity_id": vehicle.pk,
            "link_type": "other",
            "source_note": "Guess",
        },
    )
    assert response.status_code == 404
    assert not Link.objects.exists()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"to_entity_id": "self"}, "cannot be linked to itself"),
        ({"started_on": "2024-05-02", "ended_on": "2024-05-01"}, "on or after the start"),
        ({"source_note": "   "}, "source_note"),
        ({"link_type": "enemy_of"}, "link_type"),
    ],
)
def test_create_link_invalid_is_422(
    change: dict[str, Any],
    expected: str,
    users: dict[str, Any],
    api_as: ApiAs,
    child: Person,
    vehicle: Any,
) -> None:
    body = {
        "from_entity_id": child.pk,
        "to_entity_id": vehicle.pk,
        "link_type": "other",
        "source_note": "Note",
        **change,
    }
    if body["to_entity_id"] == "self":
        body["to_entity_id"] = child.pk
    response = api_as(users["social_worker"]).post("/links", body)
    assert response.status_code == 422
    problems = " ".join(f"{e['loc'][-1]}: {e['msg']}" for e in response.json()["detail"])
    assert expected in problems
    assert not Link.objects.exists()


@pytest.mark.parametrize("role", NO_RECORD_ACCESS)
def test_create_link_denied_to_admin_roles(
    role: str, users: dict[str, Any], api_as: ApiAs, child: Person, vehicle: Any
) -> None:
    response = api_as(users[role]).post(
        "/links",
        {
            "from_entity_id": child.pk,
            "to_entity_id": vehicle.pk,
            "link_type": "other",
            "source_note": "Note",
        },
    )
    assert response.status_code == 403
    assert not Link.objects.exists()


def test_create_link_denied_without_credentials(child: Person, vehicle: Any) -> None:
    response = ApiClient().post(
        "/links",
        {"from_entity_id": child.pk, "to_entity_id": vehicle.pk, "link_type": "other"},
    )
    assert response.status_code == 401
