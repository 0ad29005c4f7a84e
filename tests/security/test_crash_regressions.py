"""Regressions from the attacker review: inputs that used to crash a page or the API with
a server error (500). Each now gets a clear 4xx, or is stored and shown safely."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from cairn.accounts.models import User
from cairn.disruption.models import TacticSubject
from cairn.disruption.services import tactics
from cairn.network import services as network
from cairn.pole import services as pole
from cairn.pole.models import Entity, Person
from cairn.referrals import services as referrals
from cairn.referrals.models import Referral

from ..api.conftest import ApiClient
from ..factories import UserFactory
from ..referrals.conftest import mash_details

pytestmark = pytest.mark.django_db

HUGE = 2**70


def web(user: User) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def api(api_as: Callable[[Any], ApiClient], user: User) -> ApiClient:
    client = api_as(user)
    client.client.raise_request_exception = False
    return client


def warrant(entity_id: int, **detail: Any) -> dict[str, Any]:
    return {
        "tactic_type": "drugs_warrant",
        "title": "Warrant at the flat",
        "subjects": [{"entity_id": entity_id, "role": "protected_child"}],
        "detail": {"address": "1 Example Flats", **detail},
    }


def errors_at(response: Any) -> list[list[Any]]:
    assert response.status_code == 422, response.content
    return [e["loc"] for e in response.json()["detail"]]


# 1. Lone surrogates in JSON dict values ----------------------------------------------


@pytest.mark.parametrize(
    "details",
    [
        mash_details(child_views="Said \ud800 nothing"),
        {**mash_details(), "\udfff": "a key no database can store"},
    ],
    ids=["value", "key"],
)
def test_a_lone_surrogate_in_referral_details_is_refused(
    api_as: Callable[[Any], ApiClient], users: dict[str, Any], child: Person, details: Any
) -> None:
    sw = api(api_as, users["social_worker"])
    response = sw.post("/referrals", {"kind": "mash", "child_id": child.pk, "details": details})
    assert response.status_code == 422
    assert "valid Unicode" in response.content.decode()
    assert not Referral.objects.exists()


def test_a_lone_surrogate_in_tactic_detail_is_refused(
    api_as: Callable[[Any], ApiClient], ppu: User, child: Person
) -> None:
    response = api(api_as, ppu).post("/disruption/tactics", warrant(child.pk, result="\ud800"))
    assert response.status_code == 422
    assert "valid Unicode" in response.content.decode()


@pytest.mark.skipif(
    connection.vendor == "postgresql", reason="PostgreSQL never stores a lone surrogate"
)
def test_a_surrogate_stored_before_the_check_does_not_break_the_referral(
    api_as: Callable[[Any], ApiClient], users: dict[str, Any], child: Person
) -> None:
    sw = users["social_worker"]
    referral = referrals.referral_create(actor=sw, kind="mash", child=child, details=mash_details())
    Referral.objects.filter(pk=referral.pk).update(
        details={**referral.details, "child_views": "Said \ud800 nothing"}
    )
    page = web(sw).get(reverse("referrals:detail", args=[referral.pk]))
    assert page.status_code == 200
    assert "Said \ufffd nothing" in page.content.decode()
    assert api(api_as, sw).get(f"/referrals/{referral.pk}").status_code == 200


# 2. django.forms missing from INSTALLED_APPS -------------------------------------------


def test_admin_sign_in_and_user_pages_render(agencies: Any) -> None:
    # The admin signs in on Cairn's own page (two-step, or the agency's provider).
    assert Client().get("/admin/login/")["Location"].startswith("/accounts/sign-in/?next=")
    admin = UserFactory(username="root", role="system_admin", is_staff=True, is_superuser=True)
    client = web(admin)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_user_change", args=[admin.pk])).status_code == 200
    assert client.get(reverse("admin:accounts_user_add")).status_code == 200


# 3. Ids of 2**70 in web paths and query strings ----------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"/people/{HUGE}/",
        f"/referrals/{HUGE}/",
        f"/network/people/{HUGE}/",
        f"/disruption/tactics/{HUGE}/",
        f"/hub/meetings/{HUGE}/",
        f"/intelligence/{HUGE}/",
    ],
)
def test_an_id_no_database_can_hold_is_not_found(users: dict[str, Any], url: str) -> None:
    assert web(users["fib_officer"]).get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        f"/referrals/new/?child={HUGE}",
        f"/referrals/new/?child=1&concern={HUGE}",
        "/referrals/new/?child=%C2%B2",
        f"/concerns/new/?child={HUGE}",
        f"/disruption/sightings/new/?child={HUGE}",
        f"/disruption/sightings/new/?location={HUGE}",
        f"/hub/problem-profile/?entity={HUGE}",
    ],
)
def test_an_id_no_database_can_hold_in_a_query_is_not_an_error(
    users: dict[str, Any], url: str
) -> None:
    assert web(users["fib_officer"]).get(url).status_code in (200, 404)


def test_an_id_no_database_can_hold_is_not_found_in_the_api(
    api_as: Callable[[Any], ApiClient], users: dict[str, Any]
) -> None:
    fib = api(api_as, users["fib_officer"])
    assert fib.get(f"/people/{HUGE}").status_code in (404, 422)
    assert fib.get("/disruption/tactics", entity_id=HUGE).status_code == 422


def test_the_audit_search_refuses_a_subject_id_too_large(users: dict[str, Any]) -> None:
    response = web(users["ig_admin"]).get(reverse("audit:log"), {"subject": str(HUGE)})
    assert response.status_code == 200
    assert "Data subject must be a person ID" in response.content.decode()


# 4. Datetimes at 0001-01-01 ------------------------------------------------------------


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59+14:00"])
def test_a_datetime_at_the_end_of_time_is_refused(
    api_as: Callable[[Any], ApiClient], users: dict[str, Any], child: Person, value: str
) -> None:
    chair = api(api_as, users["hub_chair"])
    response = chair.post("/hub/missing-episodes", {"child_id": child.pk, "reported_at": value})
    assert errors_at(response) == [["body", "payload", "reported_at"]]
    assert "between 1900 and 2100" in response.content.decode()


def test_a_date_typed_as_year_one_is_refused_on_the_web(users: dict[str, Any]) -> None:
    response = web(users["social_worker"]).post(
        reverse("pole:person-create"),
        {
            "category": "child",
            "given_name": "Priya",
            "family_name": "Exampleson",
            "date_of_birth_day": "1",
            "date_of_birth_month": "1",
            "date_of_birth_year": "0001",
            "sex": "female",
            "ethnicity": "not_known",
            "looked_after": "no",
        },
    )
    assert response.status_code == 200
    assert "Date of birth must be between 1900 and 2100" in response.content.decode()


# 5-6. Wrong types in a tactic's typed details ------------------------------------------


@pytest.mark.parametrize("value", [5, ["2024-01-01"], {"y": 2024}, True, "yesterday", "0001-01-01"])
def test_a_date_that_is_not_a_date_string_is_refused(
    api_as: Callable[[Any], ApiClient], ppu: User, child: Person, value: Any
) -> None:
    response = api(api_as, ppu).post(
        "/disruption/tactics", warrant(child.pk, applied_on="2024-01-01", granted_on=value)
    )
    assert errors_at(response) == [["body", "granted_on"]]


@pytest.mark.parametrize("person_id", ["abc", None, -3, HUGE, [1]])
def test_an_immigration_check_of_a_person_who_is_not_an_id_is_refused(
    api_as: Callable[[Any], ApiClient], ppu: User, child: Person, person_id: Any
) -> None:
    body = {
        "tactic_type": "immigration_check",
        "title": "Check",
        "subjects": [{"entity_id": child.pk, "role": "protected_child"}],
        "detail": {"person_id": person_id, "checked_on": "2024-01-01", "result": "no_status"},
    }
    assert errors_at(api(api_as, ppu).post("/disruption/tactics", body)) == [["body", "person_id"]]


# 7. Bodies over the upload limit -------------------------------------------------------


def test_an_api_body_over_the_upload_limit_is_a_json_413(
    api_as: Callable[[Any], ApiClient], users: dict[str, Any], settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    sw = api(api_as, users["social_worker"])
    response = sw.client.post(
        "/api/v1/people",
        data=json.dumps({"category": "child", "given_name": "x" * 20_000}),
        content_type="application/json",
        headers=sw.headers,
    )
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]


def test_a_web_form_over_the_upload_limit_is_a_413_page(
    users: dict[str, Any], settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = web(users["social_worker"]).post(
        reverse("pole:person-create"), {"given_name": "x" * 20_000}
    )
    assert response.status_code == 413
    assert "Too much information sent" in response.content.decode()


def test_an_unexpected_api_error_is_json(
    api_as: Callable[[Any], ApiClient], users: dict[str, Any], monkeypatch: Any
) -> None:
    def broken(role: str) -> list[str]:
        raise RuntimeError("a bug")

    monkeypatch.setattr("cairn.api.permissions_for", broken)
    response = api(api_as, users["social_worker"]).get("/me")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "problem with the service" in response.json()["detail"]


# 8. Merging two people who are subjects of the same tactic ----------------------------


def test_merging_two_subjects_of_one_tactic_folds_them_and_unmerge_restores_both(
    ppu: User, make_person: Callable[..., Person]
) -> None:
    keep = make_person(given_name="Skye", family_name="Examplewood")
    dup = make_person(given_name="Sky", family_name="Examplewood")
    tactic = tactics.tactic_create(
        actor=ppu,
        tactic_type="drugs_warrant",
        title="Warrant",
        subjects=[(keep.pk, "protected_child"), (dup.pk, "protected_child"), (dup.pk, "target")],
        detail={"address": "1 Example Flats"},
    )
    before = sorted(TacticSubject.objects.filter(tactic=tactic).values_list("entity_id", "role"))

    merge = network.person_merge(
        actor=ppu, survivor_id=keep.pk, absorbed_id=dup.pk, reason="Same child"
    )
    assert sorted(TacticSubject.objects.filter(tactic=tactic).values_list("entity_id", "role")) == [
        (keep.pk, "protected_child"),
        (keep.pk, "target"),
    ]

    network.person_unmerge(actor=ppu, merge=merge, reason="Not the same child")
    after = sorted(TacticSubject.objects.filter(tactic=tactic).values_list("entity_id", "role"))
    assert after == before


# 9. Control characters in names --------------------------------------------------------


def test_control_characters_are_refused_by_the_api(
    api_as: Callable[[Any], ApiClient], users: dict[str, Any]
) -> None:
    response = api(api_as, users["social_worker"]).post(
        "/people", {"category": "child", "given_name": "Ann\x0be"}
    )
    assert response.status_code == 422
    assert "control characters" in response.content.decode()


def test_control_characters_are_removed_from_web_forms(users: dict[str, Any]) -> None:
    response = web(users["social_worker"]).post(
        reverse("pole:person-create"),
        {
            "category": "child",
            "given_name": "Ann\x0be",
            "family_name": "Ex\x01ample\x1f",
            "sex": "female",
            "ethnicity": "not_known",
            "looked_after": "no",
            "estimated_age": "12",
        },
    )
    assert response.status_code == 302, response.content.decode()
    person = Person.objects.get()
    assert (person.given_name, person.family_name) == ("Anne", "Example")


@pytest.mark.parametrize("fmt", ["anx", "graphml"])
def test_names_stored_with_control_characters_still_export_valid_xml(
    users: dict[str, Any], make_person: Callable[..., Person], fmt: str
) -> None:
    analyst = users["analyst"]
    child = make_person(given_name="Amber", family_name="Testcase")
    phone = pole.phone_create(actor=users["social_worker"], number="07700 900321")
    pole.link_record(
        actor=users["social_worker"],
        from_entity_id=child.pk,
        to_entity_id=phone.pk,
        link_type="uses_phone",
        source_note="Given\x0c by the child",
    )
    Entity.objects.filter(pk=child.pk).update(label="Amber\x0b Test\x01case")
    response = web(analyst).get(reverse("network:export", args=[child.pk, fmt]))
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own export
    assert "Amber Testcase" in ET.tostring(root, encoding="unicode")


def test_a_required_answer_of_only_control_characters_counts_as_missing(
    users: dict[str, Any],
) -> None:
    response = web(users["social_worker"]).post(
        reverse("pole:person-create"),
        {
            "category": "child",
            "given_name": "\x01\x02",
            "family_name": "Example",
            "sex": "female",
            "ethnicity": "not_known",
            "looked_after": "no",
            "estimated_age": "12",
        },
    )
    assert response.status_code == 200
    assert "Enter the person&#x27;s first name" in response.content.decode()
    assert not Person.objects.exists()
