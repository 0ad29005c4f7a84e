"""The people endpoints: /me, search, detail, links and create. Each has an allowed and
a denied case; every read writes its consultation audit row with source "api"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from cairn.accounts.models import User
from cairn.audit.models import AuditEvent
from cairn.pole import services as pole_services
from cairn.pole.models import LinkType, NameKind, Person

from .conftest import ApiClient

pytestmark = pytest.mark.django_db

ApiAs = Callable[[User], ApiClient]
NO_PEOPLE_ACCESS = ["ig_admin", "system_admin"]


@pytest.fixture
def child(make_person: Callable[..., Person]) -> Person:
    """A Children's Trust record, not shared: the Trust and Hub-wide roles see it."""
    return make_person(
        given_name="Jason",
        family_name="Testcase",
        date_of_birth=dt.date(2010, 3, 27),
        aliases=[(NameKind.NICKNAME, "Jay", "")],
    )


def _events(name: str, **filters: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event=name, **filters))


# /me ------------------------------------------------------------------------------------


def test_me_describes_the_caller(users: dict[str, Any], api_as: ApiAs) -> None:
    user = users["practitioner"]
    response = api_as(user).get("/me")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == user.username
    assert body["name"] == user.get_full_name()
    assert body["role"] == "practitioner"
    assert body["agency"]["name"] == "Testshire Children's Trust"
    assert "pole.view_person" in body["permissions"]
    assert "audit.view_auditevent" not in body["permissions"]


def test_me_for_ig_admin_lists_audit_permissions(users: dict[str, Any], api_as: ApiAs) -> None:
    body = api_as(users["ig_admin"]).get("/me").json()
    assert "audit.view_auditevent" in body["permissions"]
    assert "pole.view_person" not in body["permissions"]


def test_me_denied(users: dict[str, Any], api_as: ApiAs) -> None:
    assert api_as(users["system_admin"]).get("/me").status_code == 403
    assert ApiClient().get("/me").status_code == 401


# Search --------------------------------------------------------------------------------


def test_search_finds_by_alias_with_reasons_and_is_audited(
    users: dict[str, Any], api_as: ApiAs, child: Person
) -> None:
    user = users["social_worker"]
    response = api_as(user).get("/people", q="Jay")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["page"] == 1
    match = body["results"][0]
    assert match["person"]["id"] == child.pk
    assert match["person"]["full_name"] == "Jason Testcase"
    assert match["person"]["owning_agency"]["short_name"] == "TCT"
    assert match["matched_kind"] == "nickname"
    assert match["reasons"] == ["nickname the same: \u201cJay\u201d"]
    (event,) = _events("person.searched", actor=user)
    assert event.source == "api"
    # The list's consultation row names the people shown.
    assert event.details["results"] == 1 and event.details["subjects"] == [child.pk]
    assert event.personal_values.values == {"query": "Jay", "dob": None}


def test_search_by_date_of_birth(users: dict[str, Any], api_as: ApiAs, child: Person) -> None:
    body = api_as(users["mash_screener"]).get("/people", dob="2010-03-27").json()
    assert [m["person"]["id"] for m in body["results"]] == [child.pk]
    assert body["results"][0]["reasons"] == ["date of birth matches"]


def test_search_needs_a_name_or_date_of_birth(users: dict[str, Any], api_as: ApiAs) -> None:
    response = api_as(users["social_worker"]).get("/people", q="   ")
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["msg"] == "Enter a name, an alias or a date of birth to search"
    assert error["loc"] == ["query", "q"]
    assert not _events("person.searched")


def test_search_rejects_a_bad_date(users: dict[str, Any], api_as: ApiAs) -> None:
    response = api_as(users["social_worker"]).get("/people", dob="27/03/2010")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "dob"]


def test_search_rejects_nul_characters(users: dict[str, Any], api_as: ApiAs) -> None:
    response = api_as(users["social_worker"]).get("/people", q="Ja\x00y")
    assert response.status_code == 422
    assert not _events("person.searched")


def test_search_is_scoped_to_what_the_caller_may_see(
    school_practitioner: User, api_as: ApiAs, child: Person
) -> None:
    body = api_as(school_practitioner).get("/people", q="Jason Testcase").json()
    assert body["count"] == 0
    assert body["results"] == []


@pytest.mark.parametrize("role", NO_PEOPLE_ACCESS)
def test_search_denied_to_admin_roles(
    role: str, users: dict[str, Any], api_as: ApiAs, child: Person
) -> None:
    assert api_as(users[role]).get("/people", q="Jason").status_code == 403
    assert not _events("person.searched")


def test_search_denied_without_credentials(child: Person) -> None:
    assert ApiClient().get("/people", q="Jason").status_code == 401


def test_search_paginates_with_a_bounded_query_count(
    users: dict[str, Any],
    api_as: ApiAs,
    make_person: Callable[..., Person],
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(30):
        make_person(given_name=f"Pat{chr(97 + n % 26)}", family_name="Pagecase")
    client = api_as(users["social_worker"])
    # 8, +2: the typed name kept beside the audit row and whom it concerns (ADR 0024)
    with django_assert_max_num_queries(10):
        first = client.get("/people", q="Pagecase").json()
    second = client.get("/people", q="Pagecase", page=2).json()
    assert (first["count"], first["pages"], len(first["results"])) == (30, 2, 25)
    assert (second["page"], len(second["results"])) == (2, 5)
    first_ids = {m["person"]["id"] for m in first["results"]}
    assert first_ids.isdisjoint(m["person"]["id"] for m in second["results"])


# Detail --------------------------------------------------------------------------------


def test_detail_with_other_names_and_consultation_audit(
    users: dict[str, Any], api_as: ApiAs, child: Person, django_assert_max_num_queries: Any
) -> None:
    user = users["social_worker"]
    client = api_as(user)
    with django_assert_max_num_queries(9):
        response = client.get(f"/people/{child.pk}", reason="Strategy meeting prep")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == child.pk
    assert body["date_of_birth"] == "2010-03-27"
    assert body["category"] == "child"
    assert body["marking"] == "official_sensitive"
    assert body["other_names"] == [
        {"kind": "nickname", "given_name": "Jay", "family_name": "", "full_name": "Jay"}
    ]
    (event,) = _events("person.viewed", actor=user)
    assert event.source == "api"
    assert event.subject_id == child.pk
    assert event.action == "consultation"
    assert event.justification == "Strategy meeting prep"


def test_detail_of_another_agencys_unshared_person_is_404(
    school_practitioner: User, api_as: ApiAs, child: Person
) -> None:
    response = api_as(school_practitioner).get(f"/people/{child.pk}")
    assert response.status_code == 404
    assert not _events("person.viewed")


def test_detail_once_shared_is_visible_to_that_agency(
    users: dict[str, Any], school_practitioner: User, api_as: ApiAs, child: Person
) -> None:
    pole_services.entity_share(
        actor=users["social_worker"],
        entity_id=child.pk,
        agency=school_practitioner.agency,
        reason="School attendance concerns",
    )
    assert api_as(school_practitioner).get(f"/people/{child.pk}").status_code == 200


def test_detail_missing_and_forbidden_look_the_same(
    users: dict[str, Any], school_practitioner: User, api_as: ApiAs, child: Person
) -> None:
    hidden = api_as(school_practitioner).get(f"/people/{child.pk}")
    missing = api_as(users["social_worker"]).get(f"/people/{child.pk + 1000}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


@pytest.mark.parametrize("role", NO_PEOPLE_ACCESS)
def test_detail_denied_to_admin_roles(
    role: str, users: dict[str, Any], api_as: ApiAs, child: Person
) -> None:
    assert api_as(users[role]).get(f"/people/{child.pk}").status_code == 403
    assert not _events("person.viewed")


def test_detail_denied_without_credentials(child: Person) -> None:
    assert ApiClient().get(f"/people/{child.pk}").status_code == 401


def test_detail_rejects_an_out_of_range_id(users: dict[str, Any], api_as: ApiAs) -> None:
    assert api_as(users["social_worker"]).get(f"/people/{2**64}").status_code == 422


# Links ---------------------------------------------------------------------------------


@pytest.fixture
def linked(users: dict[str, Any], make_person: Callable[..., Person], child: Person) -> Any:
    """The child lives at a Trust-recorded address and is linked to a police-only adult."""
    worker = users["social_worker"]
    home = pole_services.location_create(
        actor=worker, address_line_1="1 Example Street", town="Testtown", postcode="ZZ1 1ZZ"
    )
    lives = pole_services.link_record(
        actor=worker,
        from_entity_id=child.pk,
        to_entity_id=home.pk,
        link_type=LinkType.LIVES_AT,
        started_on=dt.date(2023, 1, 1),
        source_note="Home visit",
    ).link
    adult = make_person(
        actor=users["fib_officer"],
        given_name="Victor",
        family_name="Exampleton",
        category="person_of_concern",
        police_only=True,
    )
    associate = pole_services.link_record(
        actor=users["fib_officer"],
        from_entity_id=adult.pk,
        to_entity_id=child.pk,
        link_type=LinkType.ASSOCIATE,
        source_note="Seen together",
    ).link
    return {"home": home, "lives": lives, "adult": adult, "associate": associate}


def test_links_lists_visible_links_and_is_audited(
    users: dict[str, Any],
    api_as: ApiAs,
    child: Person,
    linked: Any,
    django_assert_max_num_queries: Any,
) -> None:
    user = users["social_worker"]
    client = api_as(user)
    # 9, and one for the links' sources.
    with django_assert_max_num_queries(10):
        response = client.get(f"/people/{child.pk}/links")
    assert response.status_code == 200
    body = response.json()
    # The Trust social worker cannot see the police-only adult, so not that link either.
    assert body["count"] == 1
    (link,) = body["results"]
    assert link["id"] == linked["lives"].pk
    assert link["link_type"] == "lives_at"
    assert link["direction"] == "outgoing"
    assert link["started_on"] == "2023-01-01"
    assert link["source_note"] == "Home visit"
    (source,) = link["sources"]
    assert source["note"] == "Home visit" and source["source_type"] == ""
    assert source["agency"]["id"] == user.agency_id
    assert link["other"] == {
        "id": linked["home"].pk,
        "kind": "location",
        "label": "1 Example Street, Testtown, ZZ1 1ZZ",
    }
    (event,) = _events("links.viewed", actor=user)
    assert event.source == "api"
    assert event.subject_id == child.pk
    assert event.details == {"links": 1}


def test_links_query_count_does_not_grow_with_links(
    users: dict[str, Any], api_as: ApiAs, child: Person, django_assert_max_num_queries: Any
) -> None:
    worker = users["social_worker"]
    for n in range(6):
        place = pole_services.location_create(actor=worker, address_line_1=f"{n} Sample Lane")
        pole_services.link_record(
            actor=worker,
            from_entity_id=child.pk,
            to_entity_id=place.pk,
            link_type=LinkType.FREQUENTS,
            source_note="Seen there",
        )
    client = api_as(worker)
    with django_assert_max_num_queries(10):
        body = client.get(f"/people/{child.pk}/links").json()
    assert body["count"] == 6


def test_links_for_police_include_the_police_only_end(
    users: dict[str, Any], api_as: ApiAs, child: Person, linked: Any
) -> None:
    body = api_as(users["fib_officer"]).get(f"/people/{child.pk}/links").json()
    by_id = {link["id"]: link for link in body["results"]}
    assert set(by_id) == {linked["lives"].pk, linked["associate"].pk}
    assert by_id[linked["associate"].pk]["direction"] == "incoming"
    assert by_id[linked["associate"].pk]["other"]["label"] == "Victor Exampleton"


def test_links_of_another_agencys_person_is_404(
    school_practitioner: User, api_as: ApiAs, child: Person, linked: Any
) -> None:
    assert api_as(school_practitioner).get(f"/people/{child.pk}/links").status_code == 404
    assert not _events("links.viewed")


@pytest.mark.parametrize("role", NO_PEOPLE_ACCESS)
def test_links_denied_to_admin_roles(
    role: str, users: dict[str, Any], api_as: ApiAs, child: Person
) -> None:
    assert api_as(users[role]).get(f"/people/{child.pk}/links").status_code == 403


def test_links_denied_without_credentials(child: Person) -> None:
    assert ApiClient().get(f"/people/{child.pk}/links").status_code == 401


# Create --------------------------------------------------------------------------------


def test_create_person(users: dict[str, Any], api_as: ApiAs) -> None:
    user = users["practitioner"]
    response = api_as(user).post(
        "/people",
        {
            "category": "child",
            "given_name": "Amara",
            "family_name": "Fictional",
            "estimated_age": 14,
            "sex": "female",
            "aliases": [{"kind": "nickname", "given_name": "Mara"}],
            "justification": "Referral from school",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    person = Person.objects.get(pk=body["id"])
    assert person.full_name == "Amara Fictional"
    assert person.entity.owning_agency == user.agency
    assert body["estimated_age"] == 14
    assert body["estimated_age_on"] == dt.date.today().isoformat()
    assert [n["full_name"] for n in body["other_names"]] == ["Mara"]
    (event,) = _events("person.created", actor=user)
    assert event.action == "collection"
    assert event.subject_id == person.pk
    assert event.justification == "Referral from school"


def test_create_person_field_errors_are_422(users: dict[str, Any], api_as: ApiAs) -> None:
    client = api_as(users["practitioner"])
    response = client.post("/people", {"category": "alien", "given_name": ""})
    assert response.status_code == 422
    locs = {tuple(e["loc"][-1:]) for e in response.json()["detail"]}
    assert {("category",), ("given_name",)} <= locs
    assert not Person.objects.exists()


def test_create_person_service_validation_is_422(users: dict[str, Any], api_as: ApiAs) -> None:
    future = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    response = api_as(users["practitioner"]).post(
        "/people", {"category": "child", "given_name": "Nova", "date_of_birth": future}
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "type": "value_error",
            "loc": ["body", "date_of_birth"],
            "msg": "Date of birth must be in the past.",
        }
    ]


def test_create_person_refuses_both_dob_and_estimated_age(
    users: dict[str, Any], api_as: ApiAs
) -> None:
    response = api_as(users["practitioner"]).post(
        "/people",
        {
            "category": "child",
            "given_name": "Nova",
            "date_of_birth": "2011-01-01",
            "estimated_age": 12,
        },
    )
    assert response.status_code == 422
    assert "not both" in response.json()["detail"][0]["msg"]


def test_create_person_refuses_nul_characters(users: dict[str, Any], api_as: ApiAs) -> None:
    response = api_as(users["practitioner"]).post(
        "/people", {"category": "child", "given_name": "No\x00va"}
    )
    assert response.status_code == 422
    assert not Person.objects.exists()


@pytest.mark.parametrize("role", NO_PEOPLE_ACCESS)
def test_create_person_denied_to_admin_roles(
    role: str, users: dict[str, Any], api_as: ApiAs
) -> None:
    response = api_as(users[role]).post("/people", {"category": "child", "given_name": "Nova"})
    assert response.status_code == 403
    assert not Person.objects.exists()


def test_create_person_denied_without_credentials(db: Any) -> None:
    response = ApiClient().post("/people", {"category": "child", "given_name": "Nova"})
    assert response.status_code == 401
