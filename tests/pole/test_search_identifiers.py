"""People and POLE objects are found by registration, phone number, handle or postcode
however they are typed, on the web and through the API, only among records the searcher
may see (police-only records stay hidden from a children's trust social worker)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from cairn.audit.models import AuditEvent
from cairn.pole import services
from cairn.pole.models import Person
from cairn.pole.search import search_objects, search_people

from ..api.conftest import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(make_person: Callable[..., Person], users: dict[str, Any]) -> dict[str, Any]:
    sw, fib = users["social_worker"], users["fib_officer"]
    child = make_person(actor=sw, given_name="Jason", family_name="Smith")
    elsewhere = make_person(actor=sw, given_name="Jade", family_name="Smithers")
    home = services.location_create(actor=sw, address_line_1="1 Example Street", postcode="nm11aa")
    other_home = services.location_create(actor=sw, address_line_1="2 Test Row", postcode="NM1 1AB")
    services.link_record(
        actor=sw,
        from_entity_id=child.pk,
        to_entity_id=home.pk,
        link_type="lives_at",
        source_note="Told by his mother",
    )
    services.link_record(
        actor=sw,
        from_entity_id=elsewhere.pk,
        to_entity_id=other_home.pk,
        link_type="lives_at",
        source_note="School record",
    )
    # Police intelligence: a police-only man at a police-only flat with the same postcode.
    suspect = make_person(
        actor=fib,
        given_name="Darren",
        family_name="Hiddenman",
        police_only=True,
        category="person_of_concern",
    )
    flat = services.location_create(
        actor=fib, address_line_1="Flat 3", postcode="NM1 1AA", police_only=True
    )
    services.link_record(
        actor=fib,
        from_entity_id=suspect.pk,
        to_entity_id=flat.pk,
        link_type="stays_at",
        source_note="FIB",
        police_only=True,
    )
    return {
        "child": child,
        "elsewhere": elsewhere,
        "home": home,
        "suspect": suspect,
        "flat": flat,
        "vehicle": services.vehicle_create(actor=sw, registration="NM19 KXT"),
        "phone": services.phone_create(actor=sw, number="07700 900123"),
        "account": services.online_account_create(actor=sw, platform="snapchat", handle="@Dan_X"),
        "police_vehicle": services.vehicle_create(
            actor=fib, registration="LM21ABC", police_only=True
        ),
    }


@pytest.mark.parametrize("q", ["NM1 1AA", "NM11AA", "nm1 1aa", "nm11aa", "Jason nm11aa"])
def test_a_postcode_in_person_search_finds_people_linked_there(
    users: dict[str, Any], records: dict[str, Any], q: str
) -> None:
    matches = search_people(users["social_worker"], query=q)
    assert [m.person for m in matches] == [records["child"]]
    assert "linked to a place in NM1 1AA" in matches[0].reasons


def test_a_postcode_narrows_a_name_search(users: dict[str, Any], records: dict[str, Any]) -> None:
    sw = users["social_worker"]
    assert {m.person for m in search_people(sw, query="Smith")} >= {
        records["child"],
        records["elsewhere"],
    }
    assert [m.person for m in search_people(sw, query="Smith NM1 1AB")] == [records["elsewhere"]]
    assert search_people(sw, query="Jade NM11AA") == []


def test_a_police_only_person_at_the_postcode_is_found_only_by_police(
    users: dict[str, Any], records: dict[str, Any]
) -> None:
    assert records["suspect"] not in {
        m.person for m in search_people(users["social_worker"], query="NM11AA")
    }
    assert records["suspect"] in {
        m.person for m in search_people(users["analyst"], query="nm1 1aa")
    }


@pytest.mark.parametrize(
    ("q", "record"),
    [
        ("NM19 KXT", "vehicle"),
        ("nm19kxt", "vehicle"),
        (" NM19  KXT ", "vehicle"),
        ("07700 900123", "phone"),
        ("+44 7700 900123", "phone"),
        ("07700900123", "phone"),
        ("(07700) 900 123", "phone"),
        ("@Dan_X", "account"),
        ("dan_x", "account"),
        ("DAN_X", "account"),
        ("nm1 1aa", "home"),
        ("NM11AA", "home"),
    ],
)
def test_each_spelling_finds_the_object(
    users: dict[str, Any], records: dict[str, Any], q: str, record: str
) -> None:
    found = search_objects(users["social_worker"], q)
    assert [e.pk for e in found] == [records[record].pk]


@pytest.mark.parametrize("q", ["LM21 ABC", "lm21abc"])
def test_a_police_only_object_is_found_only_by_police(
    users: dict[str, Any], records: dict[str, Any], q: str
) -> None:
    assert search_objects(users["social_worker"], q) == []
    assert [e.pk for e in search_objects(users["analyst"], q)] == [records["police_vehicle"].pk]


def test_a_blank_or_unknown_query_finds_nothing(
    users: dict[str, Any], records: dict[str, Any]
) -> None:
    assert search_objects(users["social_worker"], "   ") == []
    assert search_objects(users["social_worker"], "ZZ99ZZZ") == []


def test_api_object_search(
    users: dict[str, Any], records: dict[str, Any], api_as: Callable[[Any], ApiClient]
) -> None:
    sw = users["social_worker"]
    response = api_as(sw).get("/entities", q="+44 7700 900123")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 1
    assert body["results"][0]["id"] == records["phone"].pk
    assert body["results"][0]["phone"]["number_e164"] == "+447700900123"
    row = AuditEvent.objects.filter(event="entity.searched", actor=sw).latest("chain_index")
    assert row.details["subjects"] == [records["phone"].pk]
    # Police-only: answers exactly as a registration nobody holds.
    hidden = api_as(sw).get("/entities", q="LM21 ABC").json()
    assert hidden["count"] == api_as(sw).get("/entities", q="ZZ99 ZZZ").json()["count"] == 0
    assert api_as(sw).get("/entities", q="").status_code == 422


def test_api_people_search_takes_a_postcode(
    users: dict[str, Any], records: dict[str, Any], api_as: Callable[[Any], ApiClient]
) -> None:
    response = api_as(users["social_worker"]).get("/people", q="nm11aa")
    assert response.status_code == 200
    assert [r["person"]["id"] for r in response.json()["results"]] == [records["child"].pk]


def test_object_search_page(users: dict[str, Any], records: dict[str, Any]) -> None:
    client = Client()
    client.force_login(users["social_worker"])
    page = client.get("/people/records/", {"q": "nm19kxt"})
    assert page.status_code == 200
    assert "1 record found" in page.content.decode()
    assert "NM19KXT" in page.content.decode()
    assert AuditEvent.objects.filter(event="entity.searched").exists()
    empty = client.get("/people/records/", {"q": ""})
    assert "Enter a registration, phone number, handle or postcode" in empty.content.decode()
    hidden = client.get("/people/records/", {"q": "LM21 ABC"}).content.decode()
    assert "No records found" in hidden and "LM21ABC" not in hidden


def test_object_search_needs_the_permission(users: dict[str, Any]) -> None:
    client = Client()
    client.force_login(users["system_admin"])
    # A whole feature the role lacks (pole.view_person), not a record: 403.
    assert client.get("/people/records/", {"q": "nm19kxt"}).status_code == 403


def test_a_found_phone_names_the_people_linked_to_it_that_the_reader_may_see(
    users: dict[str, Any], records: dict[str, Any]
) -> None:
    """A phone has no page of its own: the search names the people it is linked to, so
    the FIB's hidden-record alert (which lands here) leads to the records to link. A
    partner is never shown the police-only person on the same phone."""
    sw, fib = users["social_worker"], users["fib_officer"]
    phone = records["phone"]
    services.link_record(
        actor=sw,
        from_entity_id=records["child"].pk,
        to_entity_id=phone.pk,
        link_type="uses_phone",
        source_note="Given by the child",
    )
    services.link_record(
        actor=fib,
        from_entity_id=records["suspect"].pk,
        to_entity_id=phone.pk,
        link_type="uses_phone",
        source_note="FIB",
        police_only=True,
    )
    police = Client()
    police.force_login(fib)
    seen = police.get("/people/records/", {"q": "07700900123"}).content.decode()
    assert f'href="/people/{records["child"].pk}/"' in seen
    assert f'href="/people/{records["suspect"].pk}/"' in seen
    # The consultation names the people the page showed, not only the phone.
    row = AuditEvent.objects.filter(event="entity.searched", actor=fib).latest("pk")
    assert {records["child"].pk, records["suspect"].pk, phone.pk} <= set(row.details["subjects"])

    partner = Client()
    partner.force_login(sw)
    shown = partner.get("/people/records/", {"q": "07700900123"}).content.decode()
    assert f'href="/people/{records["child"].pk}/"' in shown
    assert "Hiddenman" not in shown and f"/people/{records['suspect'].pk}/" not in shown

    alone = partner.get("/people/records/", {"q": "nm19kxt"}).content.decode()
    assert "No one you can see" in alone
